"""Every failure kind against a real (broken) server: its message and its hint."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.client.servers import (
    FakeServer,
    Reply,
    json_reply,
    refused_url,
    self_signed_context,
    tracardi_handler,
)
from tests.conftest import load_example
from workbench.client import CancelToken, RequestSpec, Sender, target_from_url
from workbench.settings import TargetSettings

PAYLOAD = load_example("track-minimal.json")


def _target(url: str, **changes: object) -> TargetSettings:
    return target_from_url(url, name="broken").replace(**changes)


def _send(sender: Sender, url: str, **changes: object):  # type: ignore[no-untyped-def]
    return sender.send(_target(url, **changes), RequestSpec(payload=PAYLOAD))


def test_connection_refused(sender) -> None:
    url, sock = refused_url()
    try:
        result = _send(sender, url)
    finally:
        sock.close()
    assert result.error is not None
    assert result.error.kind == "connection_refused"
    assert result.error.message.startswith("connection refused by 127.0.0.1")
    assert "start the server" in result.error.hint
    assert result.status is None
    assert result.view is None
    assert not result.ok


def test_dns_failure(sender, monkeypatch) -> None:
    def no_such_host(*args: object, **kwargs: object) -> list[object]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    result = _send(sender, "http://tracardi.invalid:8686")
    assert result.error is not None
    assert result.error.kind == "dns"
    assert result.error.message == "cannot resolve host name 'tracardi.invalid'"
    assert "spelling" in result.error.hint


def _hanging(request, server: FakeServer) -> Reply:  # type: ignore[no-untyped-def]
    server.release.wait(30)
    return json_reply({})


def test_timeout(serve, sender) -> None:
    server = serve(_hanging)
    result = _send(sender, server.url, timeout=0.3)
    assert result.error is not None
    assert result.error.kind == "timeout"
    assert result.error.message == (
        f"timed out after 0.3 s while waiting for the answer ({server.url}/track)"
    )
    assert "raise the target's timeout" in result.error.hint


def test_cancel_from_another_thread_wakes_the_send(serve, sender) -> None:
    server = serve(_hanging)
    token = CancelToken()
    results = []
    worker = threading.Thread(
        target=lambda: results.append(
            sender.send(_target(server.url, timeout=30), RequestSpec(payload=PAYLOAD), cancel=token)
        )
    )
    worker.start()
    assert server.arrived.wait(10)
    token.cancel()
    worker.join(10)
    assert not worker.is_alive()
    assert results[0].error is not None
    assert results[0].error.kind == "cancelled"
    assert results[0].error.message == "the send was cancelled"
    assert results[0].timings["total_ms"] < 10_000


def test_a_cancelled_token_sends_nothing(serve, sender) -> None:
    server = serve(tracardi_handler("0.8.2"))
    token = CancelToken()
    token.cancel()
    result = sender.send(_target(server.url), RequestSpec(payload=PAYLOAD), cancel=token)
    assert result.error is not None
    assert result.error.kind == "cancelled"
    assert server.requests == []


def test_html_502_from_a_proxy(serve, sender) -> None:
    page = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    server = serve(lambda r, s: Reply(502, {"Content-Type": "text/html"}, page))
    result = _send(sender, server.url)
    assert result.error is not None
    assert result.error.kind == "server_error"
    assert result.error.message.startswith(
        "HTTP 502: the server (or a proxy in front of it) answered with an HTML page"
    )
    assert "behind the proxy" in result.error.hint
    assert result.status == 502
    assert result.body_text == page.decode()


def test_html_page_with_200_is_not_json(serve, sender) -> None:
    server = serve(lambda r, s: Reply(200, {"Content-Type": "text/html"}, b"<!DOCTYPE html><p>hi"))
    result = _send(sender, server.url)
    assert result.error is not None
    assert result.error.kind == "not_json"
    assert result.error.message.startswith("HTTP 200 with an HTML page instead of JSON")
    assert "port 8686" in result.error.hint


def test_invalid_json(serve, sender) -> None:
    body = b'{"profile": {"id": '
    server = serve(lambda r, s: Reply(200, {"Content-Type": "application/json"}, body))
    result = _send(sender, server.url)
    assert result.error is not None
    assert result.error.kind == "not_json"
    assert result.error.message == (
        "HTTP 200 with a body that is not valid JSON (Expecting value at line 1, column 20): "
        '\'{"profile": {"id":\''
    )


def test_unknown_source_names_the_source_and_the_fix(serve, sender) -> None:
    server = serve(tracardi_handler("0.8.2", sources=("other",)))
    result = _send(sender, server.url)
    assert result.error is not None
    assert result.error.kind == "unauthorized"
    assert result.error.message == "HTTP 401: the server does not know event source 'source-id'"
    assert "create a REST event source with id 'source-id'" in result.error.hint
    assert "x-context" in result.error.hint


def test_422_lists_the_fields(serve, sender) -> None:
    detail = [
        {"type": "missing", "loc": ["body", "source"], "msg": "Field required"},
        {
            "type": "string_type",
            "loc": ["body", "events", 0, "type"],
            "msg": "Input should be a valid string",
        },
    ]
    server = serve(lambda r, s: json_reply({"detail": detail}, 422))
    result = _send(sender, server.url)
    assert result.error is not None
    assert result.error.kind == "validation"
    assert result.error.message == (
        "HTTP 422: the server rejected the payload: source: Field required; "
        "events[0].type: Input should be a valid string"
    )


def test_500_with_detail(serve, sender) -> None:
    detail = "Internal event sources are not allowed via API."
    server = serve(lambda r, s: json_reply({"detail": detail}, 500))
    result = _send(sender, server.url)
    assert result.error is not None
    assert result.error.kind == "server_error"
    assert result.error.message == f"HTTP 500: server error: {detail}"


def _twenty_megabytes() -> Iterator[bytes]:
    chunk = b"x" * (1024 * 1024)
    for _ in range(20):
        yield chunk


def test_a_20_mb_body_stops_at_the_limit(serve) -> None:
    server = serve(
        lambda r, s: Reply(200, {"Content-Type": "application/json"}, _twenty_megabytes())
    )
    with Sender(max_response_bytes=2 * 1024 * 1024) as sender:
        result = _send(sender, server.url)
    assert result.error is not None
    assert result.error.kind == "too_large"
    assert result.error.message == (
        "the response is larger than the 2 MiB limit; stopped reading at the limit"
    )
    assert 2 * 1024 * 1024 < result.size < 20 * 1024 * 1024
    assert result.body_text is None


def test_a_declared_20_mb_body_is_refused_before_reading(serve, sender) -> None:
    big = b"[" + b"0," * (10 * 1024 * 1024) + b"0]"
    server = serve(lambda r, s: Reply(200, {"Content-Type": "application/json"}, big))
    result = _send(sender, server.url)
    assert result.error is not None
    assert result.error.kind == "too_large"
    assert result.size == len(big)
    assert "10 MiB limit" in result.error.message


@pytest.fixture
def tls_server(serve, tmp_path: Path):  # type: ignore[no-untyped-def]
    return serve(tracardi_handler("0.8.2"), tls=self_signed_context(tmp_path))


def test_bad_tls_certificate(tls_server, sender) -> None:
    result = _send(sender, tls_server.url)
    assert result.error is not None
    assert result.error.kind == "tls"
    assert result.error.message.startswith("TLS failure talking to 127.0.0.1:")
    assert "certificate verify failed" in result.error.message
    assert "turn TLS verification off for this target" in result.error.hint


def test_tls_verification_off_accepts_the_self_signed_server(tls_server, sender) -> None:
    result = _send(sender, tls_server.url, verify_tls=False)
    assert result.ok, result.error
    assert result.view is not None
    assert result.view.format == "current"


def test_plain_http_server_on_https_url(serve, sender) -> None:
    server = serve(tracardi_handler("0.8.2"))
    result = _send(sender, server.url.replace("http://", "https://"))
    assert result.error is not None
    assert result.error.kind == "tls"
    assert "try http:// instead of https://" in result.error.hint


def test_bad_base_url(sender) -> None:
    result = sender.send(
        TargetSettings(name="x", base_url="ftp://example"), RequestSpec(payload=PAYLOAD)
    )
    assert result.error is not None
    assert result.error.kind == "invalid_request"
    assert "http://host:port" in result.error.hint


@pytest.fixture
def stuck_listener() -> Iterator[str]:
    """A port whose accept queue is full: a new connect neither succeeds nor fails."""
    import select

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    try:
        while True:  # the kernel accepts backlog + 1 handshakes, then drops SYNs
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
            _, writable, _ = select.select([], [filler], [], 0.5)
            if not writable:
                break
        yield f"http://127.0.0.1:{port}"
    finally:
        for filler in fillers:
            filler.close()
        server.close()


def test_connect_timeout_with_a_token(stuck_listener, sender) -> None:
    result = sender.send(
        _target(stuck_listener, timeout=0.3), RequestSpec(payload=PAYLOAD), cancel=CancelToken()
    )
    assert result.error is not None
    assert result.error.kind == "timeout"
    assert (
        result.error.message == f"timed out after 0.3 s while connecting ({stuck_listener}/track)"
    )


def test_cancel_during_connect(stuck_listener, sender) -> None:
    token = CancelToken()
    results = []
    worker = threading.Thread(
        target=lambda: results.append(
            sender.send(
                _target(stuck_listener, timeout=30), RequestSpec(payload=PAYLOAD), cancel=token
            )
        )
    )
    worker.start()
    token.cancel()
    worker.join(10)
    assert not worker.is_alive()
    assert results[0].error is not None
    assert results[0].error.kind == "cancelled"


def test_refused_with_a_token(sender) -> None:
    url, sock = refused_url()
    try:
        result = sender.send(_target(url), RequestSpec(payload=PAYLOAD), cancel=CancelToken())
    finally:
        sock.close()
    assert result.error is not None
    assert result.error.kind == "connection_refused"
