"""Bad input: 401 (§5), 422 (§3.4, full ``loc``), 413, 403 for "@" sources; nothing stored."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from workbench.collector import CollectorServer, EventSource

from .conftest import Client, ServerFactory, connect
from .helpers import minimal

pytestmark = pytest.mark.in_process


def _assert_nothing_stored(server: CollectorServer) -> None:
    stats = server.store.stats()
    assert stats["events"] == 0
    assert stats["profiles"] == 0
    assert stats["sessions"] == 0


def test_unknown_source_is_401_with_tracardis_text(client: Client, server: CollectorServer) -> None:
    response = client.post("/track", json={"source": {"id": "nope"}, "events": []})
    assert response.status_code == 401
    detail = response.json()["detail"]
    assert detail.startswith(
        "Invalid event source `nope`. Request came from IP: `None` width payload:"
    )
    _assert_nothing_stored(server)


def test_disabled_source_is_401(client: Client, server: CollectorServer) -> None:
    server.store.put_source(EventSource(id="off", name="Off", enabled=False))
    response = client.post("/track", json=minimal(source={"id": "off"}))
    assert (response.status_code, response.json()) == (401, {"detail": "Event source disabled."})
    _assert_nothing_stored(server)


def test_webhook_source_on_track_is_401_with_the_bridge_text(
    client: Client, server: CollectorServer
) -> None:
    response = client.post("/track", json=minimal(source={"id": "webhook-source-id"}))
    assert response.status_code == 401
    assert response.json()["detail"] == (
        "This endpoint allows only bridges of types ['rest'], but the even source "
        "`Workbench webhook source`.`webhook-source-id` has types `['webhook']`. Change bridge "
        "type in event source `Workbench webhook source` to one that has endpoint type ['rest'] "
        "or call any `['webhook']` endpoint."
    )


def test_accept_any_source_lifts_the_check(make_server: ServerFactory) -> None:
    server = make_server(accept_any_source=True, data_dir=None)
    with connect(server) as http:
        assert http.post("/track", json=minimal(source={"id": "anything"})).status_code == 200


def test_internal_source_is_403_not_500(client: Client, server: CollectorServer) -> None:
    response = client.post("/track", json=minimal(source={"id": "@internal"}))
    assert response.status_code == 403
    assert "Internal event sources are not allowed via API." in response.json()["detail"]
    _assert_nothing_stored(server)


def _detail(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, list)
    assert detail
    return detail


@pytest.mark.parametrize(
    ("payload", "loc", "kind"),
    [
        ({"events": [{"type": "x"}]}, ["body", "source"], "missing"),
        ({"source": {}}, ["body", "source", "id"], "missing"),
        ({"source": {"id": 5}}, ["body", "source", "id"], "string_type"),
        ({"source": "source-id"}, ["body", "source"], "dict_type"),
        ({"source": {"id": "source-id"}, "session": {}}, ["body", "session", "id"], "missing"),
        (minimal(events=[{"properties": {}}]), ["body", "events", 0, "type"], "missing"),
        (
            minimal(events=[{"type": "a"}, {"type": "  "}]),
            ["body", "events", 1, "type"],
            "value_error",
        ),
        (minimal(events={"type": "a"}), ["body", "events"], "list_type"),
        (minimal(properties=[]), ["body", "properties"], "dict_type"),
        (
            minimal(events=[{"type": "a", "properties": "x"}]),
            ["body", "events", 0, "properties"],
            "dict_type",
        ),
    ],
)
def test_invalid_payloads_are_422_with_full_locations(
    client: Client, server: CollectorServer, payload: Any, loc: list, kind: str
) -> None:
    detail = _detail(client.post("/track", json=payload))
    item = next(i for i in detail if i["loc"] == loc)
    assert item["type"] == kind
    field = ".".join(str(p) for p in loc[1:]).replace(".0", "[0]").replace(".1", "[1]")
    assert item["msg"].startswith(field)
    _assert_nothing_stored(server)


def test_malformed_json_is_422_json_invalid(client: Client) -> None:
    detail = _detail(
        client.post("/track", content=b'{"source": ', headers={"content-type": "application/json"})
    )
    assert detail[0]["type"] == "json_invalid"
    assert detail[0]["loc"] == ["body", 11]
    assert "JSON decode error" in detail[0]["msg"]


def test_empty_body_is_422_missing(client: Client) -> None:
    detail = _detail(client.post("/track", content=b""))
    assert detail[0]["type"] == "missing"
    assert detail[0]["loc"] == ["body"]


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"42", b"null"])
def test_non_object_body_is_422(client: Client, body: bytes) -> None:
    detail = _detail(client.post("/track", content=body))
    assert detail[0]["loc"] == ["body"]
    assert "must be a JSON object" in detail[0]["msg"]


def test_text_plain_body_is_422_as_in_tracardi(client: Client) -> None:
    response = client.post(
        "/track", content=b'{"source":{"id":"source-id"}}', headers={"content-type": "text/plain"}
    )
    assert _detail(response)[0]["type"] == "model_attributes_type"


def test_body_without_content_type_is_read_as_json(client: Client) -> None:
    response = client.post(
        "/track", content=b'{"source":{"id":"source-id"},"events":[{"type":"a"}]}'
    )
    assert response.status_code == 200


def test_invalid_utf8_is_422(client: Client) -> None:
    assert _detail(client.post("/track", content=b"\xff\xfe{}"))[0]["type"] == "json_invalid"


def test_bad_profile_less_value_is_422(client: Client) -> None:
    detail = _detail(client.post("/track?profile_less=maybe", json=minimal()))
    assert detail[0]["loc"] == ["query", "profile_less"]


def test_body_over_the_limit_is_413(make_server: ServerFactory) -> None:
    server = make_server(max_body_bytes=1000, data_dir=None)
    big = minimal(properties={"x": "y" * 2000})
    with connect(server) as http:
        response = http.post("/track", json=big)
        assert response.status_code == 413
        assert "1000 bytes" in response.json()["detail"]
        server.reconfigure(max_body_bytes=10_000)
        assert http.post("/track", json=big).status_code == 200


def test_unknown_route_is_json_404(client: Client) -> None:
    response = client.get("/nope")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
    assert client.get("/track").status_code == 405


def test_chunked_body_over_the_limit_is_413(make_server: ServerFactory) -> None:
    server = make_server(max_body_bytes=1000, data_dir=None)
    server.start()  # chunked transfer encoding is the HTTP server's to decode

    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"source": {"id": "source-id"}, "properties": {"x": "'
        for _ in range(10):
            yield b"y" * 200
        yield b'"}}'

    with connect(server) as http:
        response = http.post("/track", content=chunks())
    assert response.status_code == 413
    assert server.store.stats()["events"] == 0


@pytest.mark.parametrize(
    ("headers", "context"),
    [
        ({"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1)"}, None),
        ({"User-Agent": "Python-urllib/3.11"}, None),
        ({"From": "googlebot(at)googlebot.com"}, None),
        ({}, {"browser": {"local": {"browser": {"userAgent": "bingbot/2.0"}}}}),
    ],
)
def test_bots_on_a_new_session_are_401(
    client: Client, server: CollectorServer, headers: dict, context: Any
) -> None:
    payload = minimal(session={"id": "new"}, **({"context": context} if context else {}))
    response = client.post("/track", json=payload, headers=headers)
    assert (response.status_code, response.json()) == (
        401,
        {"detail": "Traffic from bot is not allowed."},
    )
    _assert_nothing_stored(server)


@pytest.mark.parametrize(
    "agent", ["curl/8.5.0", "python-requests/2.31", "python-httpx/0.28", "PostmanRuntime/7.3"]
)
def test_tools_are_not_bots(client: Client, agent: str) -> None:
    response = client.post("/track", json=minimal(), headers={"User-Agent": agent})
    assert response.status_code == 200


def test_bot_on_collect_is_401_before_the_source_check(client: Client) -> None:
    response = client.get("/collect/x/unknown-source", headers={"User-Agent": "AhrefsBot/7.0"})
    assert response.status_code == 401
    assert response.json()["detail"] == "Traffic from bot is not allowed."


def test_big_integers_and_non_json_constants(client: Client, server: CollectorServer) -> None:
    huge = 123456789012345678901234567890
    payload = minimal(events=[{"type": "big", "properties": {"n": huge}}])
    assert client.post("/track", json=payload).status_code == 200
    assert server.store.list_events(type="big")[0]["properties"]["n"] == huge
    response = client.post(
        "/track", content=b'{"source": {"id": "source-id"}, "properties": {"x": NaN}}'
    )
    assert response.status_code == 422
    assert "NaN is not valid JSON" in response.json()["detail"][0]["msg"]


BODY_ROUTES = [
    ("POST", "/track"),
    ("POST", "/collect/page-view/source-id"),
    ("POST", "/collect/page-view/source-id/session-1"),
    ("POST", "/healthcheck"),
    ("POST", "/event-source"),
    ("PUT", "/_workbench/flow"),
    ("POST", "/_workbench/flow/rules"),
    ("PUT", "/_workbench/flow/rules/plan"),
    ("POST", "/_workbench/flow/check"),
    ("POST", "/_workbench/flow/evaluate"),
]


@pytest.mark.parametrize("chunked", [False, True], ids=["declared", "chunked"])
def test_every_route_with_a_body_has_the_one_limit(
    make_server: ServerFactory, chunked: bool
) -> None:
    server = make_server(max_body_bytes=1000, data_dir=None)
    if chunked:
        server.start()  # chunked transfer encoding is the HTTP server's to decode
    big = b'{"id": "' + b"y" * 2000 + b'"}'

    def chunks():  # type: ignore[no-untyped-def]
        for start in range(0, len(big), 100):
            yield big[start : start + 100]

    with connect(server) as http:
        for method, path in BODY_ROUTES:
            content = chunks() if chunked else big
            response = http.request(
                method, path, content=content, headers={"content-type": "application/json"}
            )
            assert response.status_code == 413, (method, path, response.text)
            assert "1000 bytes" in response.json()["detail"], (method, path)
    assert server.store.stats()["events"] == 0
