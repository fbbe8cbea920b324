"""A body shorter than its ``Content-Length``, on a real socket to a real collector.

Two ways a client can stop sending, and what each gets:

- it keeps the connection open: after ``BODY_IDLE_SECONDS`` without a byte the
  collector answers **408** saying how many of the declared bytes came (fast path,
  ordinary tracking route, admin route alike), and nobody else waits meanwhile;
- it closes its side (``shutdown(SHUT_WR)``): uvicorn closes the connection at end
  of input (its protocol's ``eof_received`` returns nothing, so asyncio closes the
  transport), so no answer *can* reach the client. The route still sees the
  disconnect and its 400 ("the body ended after 10 of the 500 declared bytes") is
  in the request log, and the collector keeps answering everyone else.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from workbench.collector import CollectorConfig, CollectorServer, inputs

HEAD = (
    b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Content-Length: 500\r\n\r\n"
)
PART = b'{"source":'  # 10 of the 500 declared bytes


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[CollectorServer]:
    monkeypatch.setattr(inputs, "BODY_IDLE_SECONDS", 0.5)
    collector = CollectorServer(CollectorConfig(port=0, accept_any_source=True))
    collector.start()
    yield collector
    collector.stop()


def _answer(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
        head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length" and len(body) >= int(value):
                return b"".join(chunks)
    return b"".join(chunks)


@pytest.mark.parametrize(
    "path", [b"/track", b"/track?profile_less=true", b"/_workbench/flow/check"]
)
def test_a_body_that_stops_arriving_gets_408_saying_how_much_came(
    server: CollectorServer, path: bytes
) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(HEAD % path + PART)
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b"10 of the 500 declared bytes came, then nothing for 0.5 s" in answer


def test_a_stalled_body_delays_nobody_else(server: CollectorServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as stalled:
        stalled.sendall(HEAD % b"/track" + PART)
        payload = {"source": {"id": "s"}, "events": [{"type": "page-view"}]}
        for _ in range(5):  # answered while the stalled body still waits for its 408
            assert httpx.post(f"{server.url}/track", json=payload, timeout=10).status_code == 200
        assert _answer(stalled).startswith(b"HTTP/1.1 408 ")


def test_a_client_that_closes_mid_body_gets_its_400_in_the_log(server: CollectorServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(HEAD % b"/track" + PART)
        sock.shutdown(socket.SHUT_WR)
        assert sock.recv(65536) == b""  # uvicorn closed the connection at end of input
    # The collector still answers, and its log says what happened to that request.
    ended: list[dict] = []
    with httpx.Client(base_url=server.url, timeout=10) as http:
        assert http.get("/healthcheck").status_code == 200
        for _ in range(100):  # the route finishes on its own: look until its record is there
            records = http.get("/_workbench/requests?full=true").json()["requests"]
            ended = [r for r in records if r["path"] == "/track" and r["status"] == 400]
            if ended:
                break
    assert ended, records
    assert ended[0]["reason"] == (
        "The request body ended after 10 of the 500 declared bytes: the client stopped sending."
    )
