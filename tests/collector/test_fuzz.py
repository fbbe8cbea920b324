"""Fuzzing the collector: no input gets a 5xx or a dropped connection, on any route.

Three parts, each bounded so the whole file runs in well under a minute on two cores:

- **schemathesis** over every operation of the collector's own ``/openapi.json``,
  in process (schemathesis' ASGI client, the app's lifespan run as uvicorn runs it):
  inputs that fit the document and inputs that break it (wrong types, missing
  fields, odd strings in paths, queries and headers). ``/_workbench/live/stream``
  is left out (an event stream that never ends by itself; tests/collector/test_live.py
  covers it) and ``/_workbench/wait`` gets at most a 50 ms ``timeout`` (its
  default of 10 s would only make the run slow, not find more).
- **hypothesis** strategies for malformed bodies the document cannot describe:
  deep nesting, long arrays, invalid UTF-8, ``NaN``/``Infinity``, huge numbers,
  duplicate keys, lone surrogates, truncated JSON, any content type, sent in
  process to the tracking routes and to every route that takes a body.
- **raw HTTP** on a real socket to a real collector on 127.0.0.1 (a dropped
  connection only shows on a socket): long paths, queries and headers, bad and
  huge ``Content-Length``, non-ASCII paths, TLS bytes on a plain port.

Every request is counted per operation (sent, 5xx, dropped); the last test checks
both collectors still answer and prints the table (``pytest -s`` shows it).
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation.modes import GenerationMode

from workbench.collector import CollectorConfig, CollectorServer
from workbench.collector.openapi import openapi_document

pytestmark = pytest.mark.slow  # thousands of requests; the default run and CI still fuzz

EXAMPLES_PER_OPERATION = 12
MALFORMED_EXAMPLES = 250
SKIPPED = {"GET /_workbench/live/stream"}
WAIT_CAP_S = 0.05
FUZZ_HOST = "testserver"  # the Host schemathesis' ASGI client sends; allowed like --allow-host


class Tally:
    """Counts of what the fuzzers sent and what broke, per operation."""

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()
        self.server_errors: list[str] = []
        self.dropped: list[str] = []
        self.errors: Counter[str] = Counter()
        self.drops: Counter[str] = Counter()

    def record(self, operation: str, what: str, status: int | None) -> None:
        self.sent[operation] += 1
        if status is None:
            self.dropped.append(what)
            self.drops[operation] += 1
        elif status >= 500:
            self.server_errors.append(f"{status} {what}")
            self.errors[operation] += 1

    def table(self) -> str:
        width = max(len(op) for op in self.sent)
        rows = [
            f"  {op:<{width}}  {n:5d} sent  {self.errors[op]:3d} 5xx  {self.drops[op]:3d} dropped"
            for op, n in sorted(self.sent.items())
        ]
        total = sum(self.sent.values())
        rows.append(
            f"fuzz: {total} requests over {len(self.sent)} operations, "
            f"{len(self.server_errors)} 5xx, {len(self.dropped)} dropped connections"
        )
        return "\n".join(rows)


TALLY = Tally()


def _config(data_dir: Path) -> CollectorConfig:
    return CollectorConfig(
        port=8686,
        data_dir=data_dir,
        max_body_bytes=256 * 1024,
        allowed_hosts=(FUZZ_HOST,),
    )


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CollectorServer]:
    """A collector built but not started: schemathesis and httpx drive its app in process."""
    server = CollectorServer(_config(tmp_path_factory.mktemp("fuzz-app") / "collector"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def socket_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CollectorServer]:
    data = tmp_path_factory.mktemp("fuzz-socket") / "collector"
    server = CollectorServer(CollectorConfig(port=0, data_dir=data, max_body_bytes=256 * 1024))
    server.start()
    yield server
    server.stop()


def _operations() -> list[tuple[str, GenerationMode]]:
    """Every operation of the document and mode, known at collection time (the app is built).

    Negative mode only where the document constrains something a request can break:
    a body or a query parameter. Path parameters are free strings, so an operation with
    nothing else has no negative inputs (schemathesis would spend its budget finding so).
    """
    server = CollectorServer(CollectorConfig(port=0))
    try:
        document = openapi_document(server.app)
    finally:
        server.stop()
    cases = []
    for path, ops in document["paths"].items():
        for method, operation in ops.items():
            label = f"{method.upper()} {path}"
            if label in SKIPPED:
                continue
            cases.append((label, GenerationMode.POSITIVE))
            breakable = "requestBody" in operation or any(
                p.get("in") == "query" for p in operation.get("parameters", ())
            )
            if breakable:
                cases.append((label, GenerationMode.NEGATIVE))
    return cases


@pytest.fixture(scope="module")
def api_schema(app_server: CollectorServer) -> Any:
    """The document the collector serves, loaded from the app as any client would."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app_server.app)
    schema.config.generation.update(database="none", no_shrink=True)
    return schema


def _bounded_wait(case: Any) -> None:
    """``/_workbench/wait`` with a numeric timeout gets at most WAIT_CAP_S; a missing one too."""
    if case.path != "/_workbench/wait":
        return
    query = case.query if isinstance(case.query, dict) else {}
    timeout = query.get("timeout")
    try:
        too_long = timeout is None or float(timeout) > WAIT_CAP_S
    except (TypeError, ValueError):
        too_long = False  # not a number: the collector answers 422 at once
    if too_long:
        case.query = {**query, "timeout": WAIT_CAP_S}


@pytest.mark.parametrize(("label", "mode"), _operations(), ids=lambda v: getattr(v, "value", v))
def test_no_operation_answers_5xx_or_drops(
    api_schema: Any, label: str, mode: GenerationMode
) -> None:
    method, path = label.split(" ", 1)
    operation = api_schema[path][method]

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        _bounded_wait(case)
        what = f"{case.method} {case.formatted_path} {case.query!r:.80}"
        try:
            response = case.call(timeout=10)
        except Exception as exc:  # the app raised or sent no answer: a dropped connection
            TALLY.record(label, what, None)
            raise AssertionError(f"{what}: no answer ({exc!r})") from None
        TALLY.record(label, what, response.status_code)
        assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"

    run()


# -- malformed bodies --------------------------------------------------------------------

_BODY_ROUTES = [
    "/track",
    "/collect/page-view/fuzz-source",
    "/collect/page-view/fuzz-source/fuzz-session",
    "/healthcheck",
    "/event-source",
    "/_workbench/flow",
    "/_workbench/flow/check",
    "/_workbench/flow/evaluate",
    "/_workbench/flow/segments",
    "/_workbench/flow/packs/shop",
]
_PUT_ROUTES = {"/_workbench/flow"}
_CONTENT_TYPES = [
    None,
    "application/json",
    "application/json; charset=latin-1",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/vnd.api+json",
    "application/octet-stream",
    "text/html; charset=utf-8",
    "\u00ff/\u00ff",
]


def _payload(properties: str) -> bytes:
    return (
        '{"source":{"id":"fuzz-source"},"session":{"id":"s"},'
        f'"events":[{{"type":"page-view","properties":{properties}}}]}}'
    ).encode("utf-8", "surrogatepass")


_json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
)
_json_value = st.recursive(
    _json_leaf,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=20,
)
_NUMBERS = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-1e999",
    "9" * 5000,
    "1" * 30,
    "0." + "0" * 5000 + "1",
    "1e-999",
]
_ESCAPES = ["\\ud800", "\\udfff", "\\ud800\\u0041", "\\u0000", "\\uffff"]


@st.composite
def _malformed(draw: st.DrawFn) -> bytes:
    kind = draw(st.integers(0, 13))
    depth = draw(st.sampled_from([63, 64, 65, 100, 1000, 5000, 50_000]))
    if kind == 0:
        return b"[" * depth + b"]" * depth
    if kind == 1:
        return _payload('{"a":' * depth + "1" + "}" * depth)
    if kind == 2:
        return b"[" * depth  # truncated and deep
    if kind == 3:
        keys = ",".join(f'"k{i}":[]' for i in range(draw(st.integers(1, 5000))))
        return _payload("{" + keys + "}")
    if kind == 4:
        return _payload('{"a":[' + ",".join(["0"] * draw(st.integers(1, 40_000))) + "]}")
    if kind == 5:
        return _payload('{"n":' + draw(st.sampled_from(_NUMBERS)) + "}")
    if kind == 6:
        return _payload('{"a":1,"a":2,"a":{"a":3}}')
    if kind == 7:
        return _payload('{"s":"' + draw(st.sampled_from(_ESCAPES)) + '"}')
    if kind == 8:
        return draw(st.binary(max_size=300))
    if kind == 9:
        body = _payload(json.dumps(draw(_json_value)))
        return body[: draw(st.integers(0, len(body)))]  # truncated JSON
    if kind == 10:
        return b'{"source":{"id":"fuzz-source"},"events":[{"type":"\xff\xfe"}]}'
    if kind == 11:
        return _payload(json.dumps(draw(_json_value)))
    if kind == 12:
        return json.dumps(draw(_json_value)).encode()
    return b"\xef\xbb\xbf" + _payload("{}")  # a byte-order mark


@pytest.fixture(scope="module")
def app_client(app_server: CollectorServer) -> Iterator[httpx.AsyncClient]:
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app_server.app), base_url="http://127.0.0.1:8686"
    )
    yield client


@settings(
    max_examples=MALFORMED_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
@given(
    body=_malformed(),
    route=st.sampled_from(_BODY_ROUTES),
    content_type=st.sampled_from(_CONTENT_TYPES),
    query=st.sampled_from(["", "?profile_less=true", "?profile_less=%ff", "?a=" + "x" * 3000]),
)
def test_malformed_bodies_get_an_answer_below_500(
    app_client: httpx.AsyncClient, body: bytes, route: str, content_type: str | None, query: str
) -> None:
    headers = {"content-type": content_type.encode("latin-1")} if content_type else {}
    method = "PUT" if route in _PUT_ROUTES else "POST"
    what = f"{method} {route}{query[:30]} ({content_type}, {len(body)} bytes: {body[:60]!r})"
    try:
        response = asyncio.run(
            app_client.request(method, f"{route}{query}", content=body, headers=headers)
        )
    except Exception as exc:
        TALLY.record(f"malformed {method} {route}", what, None)
        raise AssertionError(f"{what}: no answer ({exc!r})") from None
    TALLY.record(f"malformed {method} {route}", what, response.status_code)
    assert response.status_code < 500, f"{what}: {response.text[:300]}"


# -- the HTTP layer itself, on a real socket ---------------------------------------------


def _raw(server: CollectorServer, data: bytes) -> bytes:
    """Send raw bytes on a fresh connection and read whatever comes back until it closes."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks) and _complete(b"".join(chunks)):
                break
    return b"".join(chunks)


def _complete(answer: bytes) -> bool:
    head, _, body = answer.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip())
    return False


_H = b"Host: 127.0.0.1\r\n"


@pytest.mark.parametrize(
    "name, request_bytes",
    [
        ("long path", b"GET /" + b"a" * 60_000 + b" HTTP/1.1\r\n" + _H + b"\r\n"),
        (
            "long query",
            b"GET /_workbench/events?type=" + b"x" * 60_000 + b" HTTP/1.1\r\n" + _H + b"\r\n",
        ),
        (
            "long header",
            b"GET /healthcheck HTTP/1.1\r\n" + _H + b"X-Big: " + b"y" * 60_000 + b"\r\n\r\n",
        ),
        (
            "many headers",
            b"GET /healthcheck HTTP/1.1\r\n"
            + _H
            + b"".join(b"X-%d: v\r\n" % i for i in range(500))
            + b"\r\n",
        ),
        ("bad content-length", b"POST /track HTTP/1.1\r\n" + _H + b"Content-Length: abc\r\n\r\n{}"),
        (
            "huge content-length",
            b"POST /track HTTP/1.1\r\n" + _H + b"Content-Length: 99999999999999999999\r\n\r\n{}",
        ),
        ("non-ascii path", b"GET /event/\xff\xfe HTTP/1.1\r\n" + _H + b"\r\n"),
        ("percent-encoded junk", b"GET /profile/%ff%00%c0%af HTTP/1.1\r\n" + _H + b"\r\n"),
        ("no host", b"GET /healthcheck HTTP/1.0\r\n\r\n"),
        ("foreign host", b"GET /_workbench/stats HTTP/1.1\r\nHost: evil.example\r\n\r\n"),
        ("garbage", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 100),
    ],
)
def test_hostile_http_gets_an_http_answer(
    socket_server: CollectorServer, name: str, request_bytes: bytes
) -> None:
    answer = _raw(socket_server, request_bytes)
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.") else None
    TALLY.record(f"raw {name}", f"raw {name}", status)
    assert status is not None, f"{name}: no HTTP answer ({answer[:100]!r})"
    assert status < 500, f"{name}: {answer[:300]!r}"


def test_the_collector_still_answers_afterwards(
    app_client: httpx.AsyncClient, socket_server: CollectorServer
) -> None:
    payload = {"source": {"id": "fuzz-source"}, "events": [{"type": "after-fuzz"}]}
    for server in (socket_server,):
        server.reconfigure(accept_any_source=True)
        assert httpx.post(f"{server.url}/track", json=payload, timeout=10).status_code == 200
        assert httpx.get(f"{server.url}/_workbench/stats", timeout=10).status_code == 200
    stats = asyncio.run(app_client.get("/_workbench/stats"))
    assert stats.status_code == 200
    print("\n" + TALLY.table())
    assert sum(TALLY.sent.values()) > 500
    assert TALLY.server_errors == []
    assert TALLY.dropped == []
