"""Cancelling an in-flight send from another thread.

A blocking httpx call cannot be interrupted from outside, so the client's
connection pool uses :class:`CancellableBackend`: every socket read and write
made while a :class:`CancelToken` is active on the calling thread registers its
socket with the token, and :meth:`CancelToken.cancel` shuts those sockets down,
which wakes the blocked ``recv`` at once. The send then sees a network error,
checks the token and reports ``cancelled``. Without a token the backend costs
one thread-local lookup per read.

While a token is active the TCP connect is made non-blocking and checked for
cancellation every :data:`CONNECT_POLL_SECONDS`, so cancelling a send to an
unreachable host does not wait for the connect timeout. Name resolution
(``getaddrinfo``) is the one step that cannot be interrupted.

httpx's timeouts count per socket operation, so a server that trickles its
answer a byte at a time never trips them. :func:`activated` therefore also takes
a *deadline* (``time.monotonic()``): every read and write gets at most the time
left, and one that starts after it raises httpcore's timeout, so the whole
exchange ends within the target's timeout however the answer arrives.
"""

from __future__ import annotations

import errno
import os
import select
import socket
import threading
import time
from typing import Any

import httpcore
from httpcore._backends.sync import SyncStream  # the stream httpcore's own backend uses

__all__ = [
    "CONNECT_POLL_SECONDS",
    "CancelToken",
    "CancellableBackend",
    "SendCancelled",
    "activated",
    "active_token",
]


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

    def watching(self, sock: socket.socket | None) -> _Watch:
        """Register *sock* so :meth:`cancel` can wake a blocked read or write on it.

        A context manager (every socket read and write of a send enters one).
        """
        return _Watch(self, sock)


class _Watch:
    """The context manager :meth:`CancelToken.watching` returns."""

    __slots__ = ("_sock", "_token")

    def __init__(self, token: CancelToken, sock: socket.socket | None) -> None:
        self._token = token
        self._sock = sock

    def __enter__(self) -> None:
        sock, token = self._sock, self._token
        if sock is None:
            return
        with token._lock:
            if token._event.is_set():
                raise httpcore.ReadError("the send was cancelled")
            token._sockets.add(sock)

    def __exit__(self, *exc: object) -> None:
        sock, token = self._sock, self._token
        if sock is not None:
            with token._lock:
                token._sockets.discard(sock)


_state = threading.local()

#: How often a connect in progress looks at its cancel token.
CONNECT_POLL_SECONDS = 0.05


def active_token() -> CancelToken | None:
    """The token of the send running on this thread, if any."""
    return getattr(_state, "token", None)


def activated(token: CancelToken | None, deadline: float | None = None) -> _Activation:
    """Make *token* (and *deadline*, a ``time.monotonic()`` value) active on this thread.

    Use it as a context manager; the previous token and deadline come back on exit.
    """
    return _Activation(token, deadline)


class _Activation:
    """The context manager :func:`activated` returns (a class: every send enters one)."""

    __slots__ = ("_deadline", "_previous", "_token")

    def __init__(self, token: CancelToken | None, deadline: float | None) -> None:
        self._token = token
        self._deadline = deadline
        self._previous: tuple[CancelToken | None, float | None] = (None, None)

    def __enter__(self) -> None:
        self._previous = getattr(_state, "token", None), getattr(_state, "deadline", None)
        _state.token = self._token
        _state.deadline = self._deadline

    def __exit__(self, *exc: object) -> None:
        _state.token, _state.deadline = self._previous


def _time_left(timeout: float | None, error: type[Exception]) -> float | None:
    """*timeout* cut to what is left before the thread's deadline; *error* once it passed."""
    deadline: float | None = getattr(_state, "deadline", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the whole exchange took longer than its timeout")
    return left if timeout is None else min(timeout, left)


class _WatchedStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner
        self._sock: socket.socket | None = inner.get_extra_info("socket")

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        timeout = _time_left(timeout, httpcore.ReadTimeout)
        token = getattr(_state, "token", None)
        if token is None:
            return self._inner.read(max_bytes, timeout)
        with token.watching(self._sock):
            return self._inner.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        timeout = _time_left(timeout, httpcore.WriteTimeout)
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
        if token is None:
            return _WatchedStream(
                super().connect_tcp(host, port, timeout, local_address, socket_options)
            )
        if token.cancelled:
            raise httpcore.ConnectError("the send was cancelled")
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        deadline = None if timeout is None else time.monotonic() + timeout
        last: OSError | None = None
        for family, kind, proto, _name, address in infos:
            try:
                sock = _connect(family, kind, proto, address, token, deadline, local_address)
            except OSError as exc:
                last = exc
                continue
            for option in socket_options or ():
                sock.setsockopt(*option)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return _WatchedStream(SyncStream(sock))
        assert last is not None  # getaddrinfo never returns an empty list
        raise httpcore.ConnectError(str(last)) from last


def _connect(
    family: int,
    kind: int,
    proto: int,
    address: Any,
    token: CancelToken,
    deadline: float | None,
    local_address: str | None,
) -> socket.socket:
    """A non-blocking connect that gives up when *token* is cancelled or at *deadline*."""
    sock = socket.socket(family, kind, proto)
    try:
        if local_address is not None:
            sock.bind((local_address, 0))
        sock.setblocking(False)
        code = sock.connect_ex(address)
        while code in (errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EALREADY):
            if token.cancelled:
                raise httpcore.ConnectError("the send was cancelled")
            wait = CONNECT_POLL_SECONDS
            if deadline is not None:
                wait = min(wait, deadline - time.monotonic())
                if wait <= 0:
                    raise httpcore.ConnectTimeout("timed out while connecting")
            _, writable, _ = select.select([], [sock], [], wait)
            if writable:
                code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if code:
            raise OSError(code, os.strerror(code))  # e.g. ConnectionRefusedError
        sock.setblocking(True)
        return sock
    except BaseException:
        sock.close()
        raise
