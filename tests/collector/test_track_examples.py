"""Every documented example verbatim, in both response formats."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import example_names, load_example
from workbench.collector import CollectorServer

from .conftest import Client, ServerFactory, connect

pytestmark = pytest.mark.in_process

TRACK_EXAMPLES = [n for n in example_names() if n.startswith("track-")]


def _is_uuid(value: str) -> bool:
    return str(uuid.UUID(value)) == value


@pytest.mark.parametrize("name", TRACK_EXAMPLES)
def test_documented_format_answers_every_example(client: Client, name: str) -> None:
    payload = load_example(name)
    response = client.post("/track", json=payload)
    assert response.status_code == 200, response.text
    body = response.json()
    plain = load_example("response-plain.json")
    assert set(plain) <= set(body)
    assert body["source"] == {"consent": False}
    assert body["ux"] == []
    assert body["response"] == {}
    # "profile-id" is unknown to a fresh collector: a fresh uuid4 is returned (§6.1).
    assert _is_uuid(body["profile"]["id"])
    wants_debug = (payload.get("options") or {}).get("debugger") is True
    assert ("debugging" in body) is wants_debug


def test_debugging_block_has_the_documented_shape(client: Client) -> None:
    body = client.post("/track", json=load_example("track-with-options.json")).json()
    shape = load_example("response-debugger.json")["debugging"]
    debugging = body["debugging"]
    assert set(debugging) == set(shape)
    for section in ("session", "events", "profile"):
        assert set(debugging[section]) == set(shape[section])
    assert debugging["session"] == {"saved": 1, "errors": [], "ids": ["session-id"], "types": []}
    assert debugging["profile"]["ids"] == [body["profile"]["id"]]
    events = debugging["events"]
    assert events["saved"] == 2  # the two sent: Tracardi 0.7.3 adds no system events
    assert set(events["types"]) == {"purchase-order", "page-view"}
    assert debugging["execution"] == {}
    assert debugging["segmentation"] == {"errors": [], "ids": []}
    messages = [log["message"] for log in debugging["logs"]]
    assert any("new profile" in m for m in messages)
    # options.profile=true returns the full profile instead of the id only.
    assert body["profile"]["metadata"]["time"]["visit"]["count"] == 1


@pytest.mark.parametrize("name", TRACK_EXAMPLES)
def test_current_format_answers_every_example(make_server: ServerFactory, name: str) -> None:
    server = make_server(response_format="current", data_dir=None)
    with connect(server) as http:
        response = http.post("/track", json=load_example(name))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "task",
        "ux",
        "response",
        "events",
        "profile",
        "session",
        "errors",
        "warnings",
    }
    assert _is_uuid(body["task"])
    assert body["session"] == {"id": "session-id"}
    assert _is_uuid(body["profile"]["id"])
    debug = (load_example(name).get("options") or {}).get("debugger") is True
    assert (len(body["events"]) == 5) if debug else body["events"] == []


def test_stored_events_are_normalised(client: Client, server: CollectorServer) -> None:
    payload = {
        "source": {"id": " source-id "},
        "events": [{"id": "ABC-1", "type": " Page View ", "properties": {"a": 1}, "tags": ["x"]}],
    }
    assert client.post("/track", json=payload, headers={"Authorization": "x"}).status_code == 200
    event = server.store.get_event("abc-1")
    assert event is not None
    assert event["type"] == "page-view"
    assert event["name"] == "Page View"
    assert event["properties"] == {"a": 1}
    assert event["tags"] == {"values": ["x"], "count": 1}
    assert "authorization" not in event["request"]["headers"]
    assert event["source"] == {"id": "source-id"}


def test_empty_events_answer_null_and_store_nothing(
    client: Client, server: CollectorServer
) -> None:
    response = client.post("/track", json={"source": {"id": "source-id"}, "events": []})
    assert response.status_code == 200
    assert response.json() is None
    assert server.store.stats()["events"] == 0


def test_put_track_validates_and_stores_nothing(client: Client, server: CollectorServer) -> None:
    response = client.put("/track", json=load_example("track-minimal.json"))
    assert response.status_code == 200
    assert response.json() is None
    assert server.store.stats()["events"] == 0
