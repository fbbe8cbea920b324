"""The fast ``POST /track`` path answers exactly as the ordinary Starlette route does.

``/track?unused=1`` takes the ordinary route (a query string is never fast), so each
case is sent both ways and the answers compared: status, headers (but the timing)
and body, ids aside.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import httpx
import pytest

from workbench.collector import CollectorServer
from workbench.collector.records import RequestRecord

from .conftest import ServerFactory
from .helpers import minimal

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TIME = re.compile(r"\d{4}-\d\d-\d\dT[0-9:.+]+")

_CASES: list[tuple[str, dict[str, Any]]] = [
    ("valid", {"json": minimal(profile={"id": "p-1"})}),
    ("debugger", {"json": minimal(options={"debugger": True})}),
    ("empty events", {"json": {"source": {"id": "source-id"}, "events": []}}),
    ("unknown source", {"json": minimal(source={"id": "nope"})}),
    ("missing source", {"json": {"events": [{"type": "page-view"}]}}),
    ("blank type", {"json": {"source": {"id": "source-id"}, "events": [{"type": " "}]}}),
    ("not json", {"content": b"{oops", "headers": {"content-type": "application/json"}}),
    ("not an object", {"json": [1, 2]}),
    ("form body", {"content": b"a=1", "headers": {"content-type": "text/plain"}}),
    ("too big", {"content": b"x" * 2048, "headers": {"content-type": "application/json"}}),
    ("no content type", {"content": json.dumps(minimal()).encode()}),
    ("internal source", {"json": minimal(source={"id": "@internal"})}),
    # What the layers around the route add: the CORS grant, the Host check, the data set.
    ("from a web page", {"json": minimal(), "headers": {"origin": "https://shop.example"}}),
    ("foreign host", {"json": minimal(), "headers": {"host": "evil.example"}}),
    ("production", {"json": minimal(), "headers": {"x-context": "production"}}),
    (
        "two origins",
        {"json": minimal(), "headers": [("origin", "https://a"), ("origin", "https://b")]},
    ),
]


def _comparable(response: httpx.Response) -> tuple[int, dict[str, str], Any]:
    headers = {k: v for k, v in response.headers.items() if k != "x-process-time"}
    # New ids and times differ by request; everything else must be the same.
    text = _UUID.sub("<id>", response.text)
    text = _TIME.sub("<time>", text)
    headers.pop("content-length", None)  # the times' texts vary in length
    return response.status_code, headers, json.loads(text) if text else None


@pytest.mark.parametrize(("name", "request_kwargs"), _CASES, ids=[c[0] for c in _CASES])
def test_fast_and_routed_answers_agree(
    make_server: ServerFactory, name: str, request_kwargs: dict[str, Any]
) -> None:
    server: CollectorServer = make_server(max_body_bytes=1024)
    records: list[Any] = []
    server.add_listener(records.append)
    with httpx.Client(base_url=server.url, timeout=10) as client:
        fast = client.post("/track", **request_kwargs)
        routed = client.post("/track?unused=1", **request_kwargs)
    assert _comparable(fast) == _comparable(routed), name
    assert fast.status_code < 500
    first, second = records[-2], records[-1]
    assert first.status == second.status
    assert first.source_id == second.source_id
    assert first.event_types == second.event_types
    assert first.reason == second.reason
    assert first.context == second.context
    assert _record_view(first) == _record_view(second)


def _record_view(record: RequestRecord) -> dict[str, Any]:
    """What a panel reads of a record, with what differs by request (ids, times) masked."""
    view = record.to_dict()
    for name in ("id", "time", "latency_ms", "query", "profile_id", "session_id"):
        view.pop(name)
    view["response_headers"] = {
        k: v
        for k, v in view["response_headers"].items()
        if k not in ("x-process-time", "content-length")
    }
    view["response_body"] = _TIME.sub("<time>", _UUID.sub("<id>", view["response_body"]))
    return view


_STEADY = {
    "source": {"id": "source-id"},
    "session": {"id": "steady-session"},
    "events": [
        {"type": "purchase-order", "properties": {"product": "Nike shoes", "quantity": 1}},
        {"type": "page-view", "context": {"page": {"url": "https://s.example/?utm_source=a"}}},
    ],
}


def _stored_view(event: dict[str, Any]) -> dict[str, Any]:
    """A stored event with what differs by request (id, time, the visit's duration) masked."""
    metadata = event["metadata"]
    return {
        **event,
        "id": None,
        "metadata": {**metadata, "time": {**metadata["time"], "insert": None}},
        "session": event["session"] and {**event["session"], "duration": None},
    }


@pytest.mark.parametrize(
    "payload",
    [_STEADY, {**_STEADY, "options": {"saveSession": False}}, {**_STEADY, "profile_less": True}],
    ids=["known session", "session not saved", "profile-less"],
)
def test_a_known_session_is_answered_stored_and_recorded_alike(
    make_server: ServerFactory, payload: dict[str, Any]
) -> None:
    """The steady state (a known session, no flow, no debugger) stores events as bytes made
    from the payload: both paths answer, store and record the same."""
    server: CollectorServer = make_server()
    records: list[RequestRecord] = []
    server.add_listener(records.append)
    with httpx.Client(base_url=server.url, timeout=10) as client:
        client.post("/track", json=_STEADY).raise_for_status()  # the session becomes known
        fast = client.post("/track", json=payload)
        routed = client.post("/track?unused=1", json=payload)
    assert fast.status_code == 200
    assert _comparable(fast) == _comparable(routed)
    first, second = records[-2], records[-1]
    assert first.event_types == ["purchase-order", "page-view"]
    assert _record_view(first) == _record_view(second)
    newest = server.store.list_events(limit=4)
    assert len(newest) == 4
    routed_events, fast_events = newest[:2], newest[2:]
    assert [_stored_view(e) for e in fast_events] == [_stored_view(e) for e in routed_events]


def test_an_unexpected_error_is_answered_and_recorded_alike(make_server: ServerFactory) -> None:
    """A bug while tracking: the app's handler answers 500 on both paths; both are recorded."""
    server: CollectorServer = make_server()

    def broken(data: Any) -> Any:
        raise RuntimeError("the processor broke")

    server.app.state.processor = broken
    records: list[RequestRecord] = []
    server.add_listener(records.append)
    # One connection each: uvicorn closes a connection once its app raised.
    with httpx.Client(base_url=server.url, timeout=10) as client:
        fast = client.post("/track", json=minimal())
    with httpx.Client(base_url=server.url, timeout=10) as client:
        routed = client.post("/track?unused=1", json=minimal())
    assert fast.status_code == 500
    assert _comparable(fast) == _comparable(routed)
    assert "the processor broke" in fast.json()["detail"]
    first, second = records[-2], records[-1]
    assert first.status == 500
    assert _record_view(first) == _record_view(second)


def test_records_built_from_fields_equal_constructed_ones() -> None:
    fields: dict[str, Any] = {
        "id": "r1",
        "time": "2026-11-26T06:00:00.000Z",
        "method": "POST",
        "path": "/track",
        "query": "",
        "status": 200,
        "latency_ms": 1.5,
        "source_id": "source-id",
        "event_types": ["page-view"],
        "profile_id": "p",
        "session_id": "s",
        "reason": None,
        "request_headers": {"host": "x"},
        "request_body": "{}",
        "response_headers": {"content-type": "application/json"},
        "response_body": "{}",
        "context": "production",
    }
    assert {f.name for f in dataclasses.fields(RequestRecord)} == set(fields)
    built = RequestRecord.from_fields(dict(fields))
    assert built == RequestRecord(**fields)
    assert built.to_dict() == fields
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.status = 500  # type: ignore[misc]


def test_observed_records_read_like_built_ones(make_server: ServerFactory) -> None:
    from workbench.core.masking import MASK

    server: CollectorServer = make_server()
    records: list[RequestRecord] = []
    server.add_listener(records.append)
    body = json.dumps(minimal(session={"id": "s1"})).encode()
    with httpx.Client(base_url=server.url, timeout=10) as client:
        client.post(
            "/track",
            content=body,
            headers={"content-type": "application/json", "authorization": "Bearer not-for-logs"},
        )
    record = records[-1]
    assert server.hub.recent(1)[0] is record
    assert record.request_body == body.decode()
    assert record.request_headers["authorization"] == MASK
    assert json.loads(record.response_body)["profile"]["id"] == record.profile_id
    assert record.response_headers["content-type"] == "application/json"
    assert record.body_size == len(body) + len(record.response_body)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record.time)
    assert record == RequestRecord.from_fields(record.to_dict())
    assert RequestRecord(**record.to_dict()) == record


def test_app_state_reads_and_writes_agree_both_ways() -> None:
    from workbench.collector.app import AppState

    state = AppState()
    state.forwarder = "a"
    assert state["forwarder"] == "a"
    state["forwarder"] = "b"
    assert state.forwarder == "b"
    assert "forwarder" in vars(state)  # read as a plain attribute, no failed look-up first
    del state.forwarder
    assert getattr(state, "forwarder", None) is None
    state["stopping"] = True
    del state["stopping"]
    with pytest.raises(AttributeError):
        _ = state.stopping
    assert list(state) == []
