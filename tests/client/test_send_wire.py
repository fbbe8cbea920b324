"""What a send puts on the wire and reads back is what the standard library and httpx
would give, whichever faster way the sender takes: the body's text, the answer's
JSON, the answer's headers and the time stamp, against a real loopback server."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.client.servers import FakeServer, Reply, json_reply
from workbench.client import RequestSpec, Sender, target_from_url
from workbench.client.jsontext import compact_json, parse_json

BASE = {"source": {"id": "s"}, "session": {"id": "x"}}

#: Payloads whose standard-library text orjson would write differently, or refuse.
AWKWARD_PAYLOADS = {
    "a NaN": {**BASE, "properties": {"v": math.nan}},
    "an infinity": {**BASE, "properties": {"v": -math.inf}},
    "a small float": {**BASE, "properties": {"v": 5.948084951086057e-05}},
    "a negative exponent": {**BASE, "properties": {"v": 1e-07}},
    "a large float": {**BASE, "properties": {"v": 1.5e300}},
    "an integer beyond 64 bits": {**BASE, "properties": {"v": 2**70}},
    "keys that are not strings": {**BASE, "properties": {1: "a", None: "b", 2.5: "c"}},
    "a null": {**BASE, "profile": None},
    "escapes and non-ASCII text": {**BASE, "properties": {"t": '\x00\x1f\x7f"\\\n\u2028é😀'}},
    "a tuple": {**BASE, "properties": {"t": (1, 2)}},
}


def _echo(server_log: list[bytes]) -> Any:
    def handler(request: Any, server: FakeServer) -> Reply:
        server_log.append(request.body)
        return json_reply({"profile": {"id": "p"}, "ux": [], "response": {}})

    return handler


@pytest.mark.parametrize("name", list(AWKWARD_PAYLOADS))
def test_the_body_sent_is_the_standard_librarys_text(name: str, serve, sender: Sender) -> None:
    payload = AWKWARD_PAYLOADS[name]
    received: list[bytes] = []
    server = serve(_echo(received))
    result = sender.send(target_from_url(server.url), RequestSpec(payload=payload))
    expected = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    assert result.request is not None
    assert result.request.body_text == expected
    assert received == [expected.encode("utf-8")]


def test_a_placeholder_payload_is_written_as_the_standard_library_writes_it(
    serve, sender: Sender
) -> None:
    payload = {**BASE, "properties": {"env": "{{env}}", "v": 1e-06, "n": None}}
    received: list[bytes] = []
    server = serve(_echo(received))
    spec = RequestSpec(payload=payload, variables={"env": "ci"})
    result = sender.send(target_from_url(server.url), spec)
    expanded = {**BASE, "properties": {"env": "ci", "v": 1e-06, "n": None}}
    assert received == [json.dumps(expanded, ensure_ascii=False, separators=(",", ":")).encode()]
    assert result.request is not None
    assert result.request.body == expanded


@dataclass
class _Point:
    x: int


@pytest.mark.parametrize(
    "value",
    [_Point(1), datetime(2024, 1, 1, tzinfo=UTC), {"s": "\ud800"}, {(1, 2): "tuple key"}],
    ids=["a dataclass", "a datetime", "a lone surrogate", "a tuple key"],
)
def test_what_the_standard_library_refuses_or_writes_is_what_compact_json_does(
    value: Any,
) -> None:
    try:
        expected: Any = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        expected = type(exc)
    try:
        got: Any = compact_json(value)
    except (TypeError, ValueError) as exc:
        got = type(exc)
    assert got == expected


#: Answers orjson would read differently (or refuse) and the standard library reads.
AWKWARD_ANSWERS = {
    "an integer beyond 64 bits": b'{"profile":{"id":"p"},"n":123456789012345678901234567890}',
    "exactly 2**64": b'{"profile":{"id":"p"},"n":18446744073709551616}',
    "a NaN": b'{"profile":{"id":"p"},"n":NaN}',
    "an overflowing float": b'{"profile":{"id":"p"},"n":1E400}',
    "a lone surrogate": b'{"profile":{"id":"p\\ud800"}}',
    "a byte order mark": b'\xef\xbb\xbf{"profile":{"id":"p"}}',
    "a repeated key": b'{"profile":{"id":"a"},"profile":{"id":"b"}}',
}


@pytest.mark.parametrize("name", list(AWKWARD_ANSWERS))
def test_the_answer_is_read_as_the_standard_library_reads_it(
    name: str, serve, sender: Sender
) -> None:
    body = AWKWARD_ANSWERS[name]
    server = serve(lambda request, server: Reply(200, {"Content-Type": "application/json"}, body))
    result = sender.send(target_from_url(server.url), RequestSpec(payload=BASE))
    expected = json.loads(body)
    assert repr(result.json) == repr(expected)
    assert parse_json(body) == expected or repr(parse_json(body)) == repr(expected)


def _outcome(read: Any, body: bytes) -> Any:
    try:
        return repr(read(body))
    except (ValueError, RecursionError) as exc:
        return type(exc)


@pytest.mark.parametrize("depth", [1000, 1030, 1100])
def test_a_body_nested_deeper_than_orjson_reads_goes_to_the_standard_library(depth: int) -> None:
    body = b"[" * depth + b"]" * depth
    assert _outcome(parse_json, body) == _outcome(json.loads, body)


def test_an_invalid_answer_is_worded_by_the_standard_library(serve, sender: Sender) -> None:
    body = b'{"profile": {"id": "p"},}'
    server = serve(lambda request, server: Reply(200, {"Content-Type": "application/json"}, body))
    result = sender.send(target_from_url(server.url), RequestSpec(payload=BASE))
    assert result.error is not None
    assert result.error.kind == "not_json"
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads(body)
    assert caught.value.msg in result.error.message


@pytest.mark.parametrize(
    "headers",
    [
        [("X-Plain", "one"), ("Content-Type", "application/json")],
        [("Set-Cookie", "a=1"), ("set-cookie", "b=2"), ("Content-Type", "application/json")],
        [("X-Latin", "caf\u00e9"), ("Content-Type", "application/json")],
    ],
    ids=["plain", "a repeated name", "a non-ASCII value"],
)
def test_the_answer_headers_are_what_httpx_reads(
    headers: list[tuple[str, str]], serve, sender: Sender
) -> None:
    body = json.dumps({"profile": {"id": "p"}}).encode()

    def handler(request: Any, server: FakeServer) -> Reply:
        reply = Reply(200, {}, body)
        reply.headers = _MultiHeaders(headers)  # type: ignore[assignment]
        return reply

    server = serve(handler)
    result = sender.send(target_from_url(server.url), RequestSpec(payload=BASE))
    with httpx.Client() as client:
        expected = dict(client.post(server.url + "/track", json=BASE).headers)
    expected.pop("date", None)
    got = dict(result.headers)
    got.pop("date", None)
    assert got == expected
    assert all(name == name.lower() for name in got)


class _MultiHeaders(dict[str, str]):
    """Header pairs for :class:`FakeServer`'s ``items()``, repeated names kept."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        super().__init__()
        self._pairs = pairs

    def items(self) -> Any:
        return list(self._pairs)


def test_started_at_is_the_send_time_in_utc_with_milliseconds(serve, sender: Sender) -> None:
    server = serve(lambda request, server: json_reply({"profile": {"id": "p"}}))
    before = datetime.now(UTC)
    result = sender.send(target_from_url(server.url), RequestSpec(payload=BASE))
    after = datetime.now(UTC)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", result.started_at)
    stamp = datetime.fromisoformat(result.started_at.replace("Z", "+00:00"))
    assert before - timedelta(milliseconds=1) <= stamp <= after


def _header_lines(raw: bytes) -> list[bytes]:
    head = raw.split(b"\r\n\r\n", 1)[0]
    return head.split(b"\r\n")[1:]


@pytest.mark.parametrize(
    ("target_headers", "spec_headers", "x_context"),
    [
        ({}, {}, None),
        ({}, {}, "production"),
        ({"X-Tenant": "a"}, {"X-Trace": "1"}, None),
        ({}, {"user-agent": "shop/1.0"}, None),
        ({}, {"User-Agent": "shop/1.0"}, None),
        ({"Accept": "text/plain"}, {}, None),
        ({}, {"Accept-Encoding": "identity", "accept": "application/json"}, None),
    ],
    ids=[
        "plain",
        "x-context",
        "extra headers",
        "a user agent in lower case",
        "a user agent",
        "another accept",
        "names httpx sets and one in another case",
    ],
)
def test_the_request_headers_on_the_wire_are_what_httpx_sends_for_them(
    target_headers: dict[str, str],
    spec_headers: dict[str, str],
    x_context: str | None,
    serve,
    sender: Sender,
) -> None:
    """The prepared headers, passed whole to a client with httpx's defaults (as every send
    once did), put the same header lines on the wire, in the same order."""
    seen: list[dict[str, str]] = []

    def handler(request: Any, server: FakeServer) -> Reply:
        seen.append(dict(request.headers))
        return json_reply({"profile": {"id": "p"}, "ux": [], "response": {}})

    server = serve(handler)
    target = target_from_url(server.url)
    target = type(target)(**{**target.__dict__, "headers": target_headers, "x_context": x_context})
    spec = RequestSpec(payload=BASE, headers=spec_headers)
    prepared = sender.prepare(target, spec)  # before the send: its answer names a profile
    lines = _wire_lines(lambda: sender.send(target, spec))
    with httpx.Client(trust_env=False) as client:
        request = client.build_request(
            "POST", prepared.url, content=prepared.body_text.encode(), headers=prepared.headers
        )
        expected = _wire_lines(lambda: client.send(request))
    assert lines == expected
    assert [line.split(b":")[0].lower() for line in lines][:1] == [b"host"]
    assert seen[0]["content-type"] == "application/json"
    assert (x_context is not None) == ("x-context" in seen[0])


def _wire_lines(send: Any) -> list[bytes]:
    """The header lines one send writes to its socket (what this thread passes to
    ``socket.send``, the call httpcore writes with; the server's threads are left out)."""
    import socket
    import threading

    written: list[bytes] = []
    original = socket.socket.send
    me = threading.get_ident()

    def capture(sock: socket.socket, data: Any, *args: Any) -> int:
        sent = original(sock, data, *args)
        if threading.get_ident() == me:
            written.append(bytes(data)[:sent])
        return sent

    socket.socket.send = capture  # type: ignore[method-assign]
    try:
        send()
    finally:
        socket.socket.send = original  # type: ignore[method-assign]
    return _header_lines(b"".join(written))


def test_exchange_ids_are_distinct_random_uuids(serve, sender: Sender) -> None:
    import uuid

    server = serve(lambda request, server: json_reply({"profile": {"id": "p"}}))
    target = target_from_url(server.url)
    ids = [sender.send(target, RequestSpec(payload=BASE)).id for _ in range(20)]
    assert len(set(ids)) == len(ids)
    for made in ids:
        parsed = uuid.UUID(made)
        assert str(parsed) == made
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122
