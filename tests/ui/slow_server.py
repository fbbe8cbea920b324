"""A loopback HTTP server that answers only when told to: for cancel and stale-result tests."""

from __future__ import annotations

import json
import socket
import threading
from typing import Self

__all__ = ["HeldServer", "TrickleServer"]


class _LoopbackServer:
    """Accepts connections on 127.0.0.1 (port 0) and answers each in a thread of its own.

    Use as a context manager; leaving it stops accepting and joins every thread.
    Subclasses answer in :meth:`_answer`; ``requests_seen`` is set once a request
    arrived, so a test can wait for it instead of sleeping.
    """

    def __init__(self, body: dict) -> None:
        self.body = json.dumps(body).encode()
        self.requests_seen = threading.Event()
        self._stop = threading.Event()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self._sock.settimeout(0.2)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._workers: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)
        for worker in self._workers:
            worker.join(10)
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            worker = threading.Thread(target=self._answer, args=(conn,), daemon=True)
            worker.start()
            self._workers.append(worker)

    def _answer(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def _response(self) -> bytes:
        """A complete HTTP response carrying ``body``."""
        return (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(self.body)).encode() + b"\r\n"
            b"Connection: close\r\n\r\n" + self.body
        )

    @staticmethod
    def _read_head(conn: socket.socket) -> bytes | None:
        """The request's bytes up to the end of its head (and any after); None if it closed."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        return data


class HeldServer(_LoopbackServer):
    """Each request waits for :meth:`release` before it is answered (with *body*)."""

    def __init__(self, body: dict | None = None) -> None:
        super().__init__(body or {"profile": {"id": "held-profile"}})
        self.released = threading.Event()

    def __exit__(self, *exc: object) -> None:
        self.released.set()
        super().__exit__(*exc)

    def release(self) -> None:
        self.released.set()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                data = self._read_head(conn)
                if data is None:
                    return
                head, _, rest = data.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                while len(rest) < length:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    rest += chunk
            except OSError:
                return
            self.requests_seen.set()
            self.released.wait(30)
            if self._stop.is_set():
                return
            try:
                conn.sendall(self._response())
            except OSError:
                return


class TrickleServer(_LoopbackServer):
    """Answers every request one byte at a time, *interval* seconds apart.

    The answer is a complete, valid HTTP response (headers and a JSON body), so a client
    that waits long enough gets all of it; ``bytes_sent`` counts what went out. The pacing
    waits on an event, so leaving the context ends every trickle at once.
    """

    def __init__(self, interval: float = 0.05, body: dict | None = None) -> None:
        super().__init__(body or {"profile": {"id": "trickled"}})
        self.interval = interval
        self.bytes_sent = 0

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                if self._read_head(conn) is None:
                    return
            except OSError:
                return
            self.requests_seen.set()
            response = self._response()
            for i in range(len(response)):
                if self._stop.wait(self.interval):
                    return
                try:
                    conn.sendall(response[i : i + 1])
                except OSError:
                    return  # the client gave up (a timeout or a cancel)
                self.bytes_sent += 1
