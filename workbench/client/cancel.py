"""Cancelling an in-flight send from another thread.

A blocking httpx call cannot be interrupted from outside, so the client's
connection pool uses :class:`CancellableBackend`: every socket read and write
made while a :class:`CancelToken` is active on the calling thread registers its
socket with the token, and :meth:`CancelToken.cancel` shuts those sockets down,
which wakes the blocked ``recv`` at once. The send then sees a network error,
checks the token and reports ``cancelled``. Without a token the backend costs
one thread-local lookup per read.

Limitation: name resolution and the TCP connect itself are not interruptible;
a cancel during them takes effect as soon as the connection is made (or times
out).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpcore

__all__ = ["CancelToken", "CancellableBackend", "SendCancelled", "activated", "active_token"]


class SendCancelled(Exception):
    """Raised inside a send when its token was cancelled."""


class CancelToken:
    """Cancel a send from any thread; a token can be shared by several sends."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        """Abort the send(s) using this token; safe to call more than once."""
        with self._lock:
            self._event.set()
            sockets = list(self._sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed or not connected: the send ends anyway

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise SendCancelled("the send was cancelled")

    def wait(self, timeout: float | None = None) -> bool:
        """Block until cancelled (or *timeout*); True when cancelled."""
        return self._event.wait(timeout)

    @contextmanager
    def watching(self, sock: socket.socket | None) -> Iterator[None]:
        """Register *sock* so :meth:`cancel` can wake a blocked read or write on it."""
        if sock is None:
            yield
            return
        with self._lock:
            if self._event.is_set():
                raise httpcore.ReadError("the send was cancelled")
            self._sockets.add(sock)
        try:
            yield
        finally:
            with self._lock:
                self._sockets.discard(sock)


_state = threading.local()


def active_token() -> CancelToken | None:
    """The token of the send running on this thread, if any."""
    return getattr(_state, "token", None)


@contextmanager
def activated(token: CancelToken | None) -> Iterator[None]:
    """Make *token* the active one on this thread for the duration of a send."""
    previous = getattr(_state, "token", None)
    _state.token = token
    try:
        yield
    finally:
        _state.token = previous


class _WatchedStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner
        self._sock: socket.socket | None = inner.get_extra_info("socket")

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        token = getattr(_state, "token", None)
        if token is None:
            return self._inner.read(max_bytes, timeout)
        with token.watching(self._sock):
            return self._inner.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        token = getattr(_state, "token", None)
        if token is None:
            self._inner.write(buffer, timeout)
            return
        with token.watching(self._sock):
            self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        token = getattr(_state, "token", None)
        if token is None:
            return _WatchedStream(self._inner.start_tls(ssl_context, server_hostname, timeout))
        with token.watching(self._sock):
            return _WatchedStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class CancellableBackend(httpcore.SyncBackend):
    """httpcore's socket backend, with streams that a :class:`CancelToken` can wake."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        token = getattr(_state, "token", None)
        if token is not None and token.cancelled:
            raise httpcore.ConnectError("the send was cancelled")
        stream = super().connect_tcp(host, port, timeout, local_address, socket_options)
        if token is not None and token.cancelled:
            stream.close()
            raise httpcore.ConnectError("the send was cancelled")
        return _WatchedStream(stream)
