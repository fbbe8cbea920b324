"""Reading what the collector holds: Tracardi-shaped reads (§10) and /_workbench/*."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

from workbench.collector import CollectorServer

from .conftest import Client, ServerFactory, connect
from .helpers import minimal

pytestmark = pytest.mark.in_process


def _track(client: Client, event_type: str = "page-view", **extra: object) -> dict:
    payload = minimal(events=[{"type": event_type}], **extra)
    response = client.post("/track", json=payload)
    assert response.status_code == 200, response.text
    return response.json()


def test_version_follows_the_response_format(client: Client, server: CollectorServer) -> None:
    assert client.get("/info/version").json() == "0.7.3"
    server.reconfigure(format="current")
    assert client.get("/info/version").json() == "0.8.2"
    server.reconfigure(format="0.8.1")  # a release number names its format
    assert client.get("/info/version").json() == "0.8.1"
    assert client.get("/info/version/details").json()["response_format"] == "counters"
    server.reconfigure(format="current")
    assert client.get("/info/version/details").json()["response_format"] == "current"


def test_sources_crud(client: Client, server: CollectorServer) -> None:
    listing = client.get("/event-sources").json()
    assert listing["total"] == 2
    ids = {s["id"] for s in listing["grouped"]["Event sources"]}
    assert ids == {"source-id", "webhook-source-id"}
    created = client.post("/event-source", json={"id": "Shop", "name": "Shop", "type": "rest"})
    assert created.status_code == 200
    assert created.json() == {"errors": [], "ids": ["shop"], "saved": 1}  # Tracardi's answer
    assert client.get("/event-source/shop").json()["type"] == ["rest"]
    assert _track(client, source={"id": "shop"})  # effective at once
    client.post("/event-source", json={"id": "shop", "name": "Shop", "enabled": False})
    assert client.post("/track", json=minimal(source={"id": "shop"})).status_code == 401
    assert client.delete("/event-source/shop").status_code == 200
    assert client.get("/event-source/shop").status_code == 404
    gone = client.delete("/event-source/shop")
    assert gone.status_code == 404
    assert gone.json() is None
    bad = client.post("/event-source", json={"id": "x", "type": ["ftp"]})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "type"]
    assert client.get("/event-sources/entity?type=webhook").json()["result"] == [
        {"id": "webhook-source-id", "name": "Workbench webhook source"}
    ]


def test_profile_session_event_reads(client: Client) -> None:
    body = _track(client, session={"id": "s1"}, options={"debugger": True})
    profile_id = body["profile"]["id"]
    profile = client.get(f"/profile/{profile_id}").json()
    assert profile["id"] == profile_id
    assert "_meta" in profile
    assert client.get("/session/s1").json()["profile"]["id"] == profile_id
    event_id = body["debugging"]["events"]["ids"][0]
    event = client.get(f"/event/{event_id}").json()
    assert event["event"]["id"] == event_id
    assert "_metadata" in event
    events = client.get(f"/events/profile/{profile_id}").json()
    assert events["total"] == 1  # the documented format (0.7.3) adds no system events
    assert client.get(f"/events/session/s1/profile/{profile_id}").json()["total"] == 1
    for missing in ("/profile/nope", "/session/nope", "/event/nope"):
        response = client.get(missing)
        assert response.status_code == 404
        assert response.json() is None


def test_workbench_events_filters_newest_first(client: Client) -> None:
    _track(client, "first", session={"id": "a"})
    _track(client, "second", session={"id": "a"})
    _track(client, "third", session={"id": "b"})
    events = client.get("/_workbench/events?type=second").json()["events"]
    assert [e["type"] for e in events] == ["second"]
    by_session = client.get("/_workbench/events", params={"session": "a", "source": "source-id"})
    assert [e["type"] for e in by_session.json()["events"]] == ["second", "first"]
    page = client.get("/_workbench/events?limit=1&offset=1").json()["events"]
    assert len(page) == 1
    bad = client.get("/_workbench/events?limit=x")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "limit"]


def test_requests_log_keeps_rejections(client: Client) -> None:
    _track(client)
    client.post("/track", json={"source": {"id": "nope"}})
    records = client.get("/_workbench/requests?limit=5").json()["requests"]
    rejected, accepted = records[0], records[1]
    assert rejected["status"] == 401
    assert rejected["reason"].startswith("Invalid event source")
    assert accepted["status"] == 200
    assert "page-view" in accepted["event_types"]
    assert accepted["source_id"] == "source-id"
    assert accepted["latency_ms"] > 0


def test_stats_and_reset(client: Client, server: CollectorServer) -> None:
    _track(client)
    stats = client.get("/_workbench/stats").json()
    assert stats["events"] == 1
    assert stats["profiles"] == 1
    assert stats["sessions"] == 1
    assert stats["events_by_type"]["page-view"] == 1
    server.store.put_source(server.store.get_source("source-id").__class__(id="extra", name="E"))
    reset = client.post("/_workbench/reset").json()
    assert reset["events"] == 0
    assert reset["profiles"] == 0
    assert reset["sources"] == 2


def test_wait_answers_as_soon_as_events_are_stored(server: CollectorServer) -> None:
    server.start()  # the waiting request and the tracking ones meet in one running server
    client = connect(server)
    result: dict[str, httpx.Response] = {}
    waiting = threading.Event()

    def wait() -> None:
        with connect(server) as other:
            waiting.set()
            result["r"] = other.get("/_workbench/wait?count=2&type=purchase&timeout=20")

    thread = threading.Thread(target=wait)
    thread.start()
    waiting.wait(5)
    _track(client, "purchase")
    _track(client, "page-view")
    _track(client, "purchase")
    thread.join(25)
    client.close()
    response = result["r"]
    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert response.json()["timed_out"] is False


def test_wait_already_satisfied_and_timeout(client: Client) -> None:
    _track(client)
    assert client.get("/_workbench/wait?count=1&type=page-view").status_code == 200
    late = client.get("/_workbench/wait?count=5&type=page-view&timeout=0.05")
    assert late.status_code == 408
    assert late.json()["count"] == 1
    assert "1 of 5" in late.json()["detail"]
    assert client.get("/_workbench/wait?count=0").status_code == 422
    assert client.get("/_workbench/wait?timeout=9999").status_code == 422


def test_stop_releases_a_pending_wait(make_server) -> None:  # type: ignore[no-untyped-def]
    server = make_server(data_dir=None)
    server.start()  # a stop under a pending request is the server's own business
    result: dict[str, httpx.Response] = {}

    def wait() -> None:
        with connect(server) as other:
            result["r"] = other.get("/_workbench/wait?count=5&timeout=60")

    thread = threading.Thread(target=wait)
    thread.start()
    assert server.app.state.waiters.waiter_added.wait(10)
    server.stop()
    thread.join(30)
    assert not thread.is_alive()
    assert result["r"].status_code == 503
    assert "stopping" in result["r"].json()["detail"]


def test_deletes_answer_as_tracardi(client: Client, server: CollectorServer) -> None:
    body = _track(client, session={"id": "s1"}, options={"debugger": True})
    profile_id = body["profile"]["id"]
    event_id = body["debugging"]["events"]["ids"][0]
    for path, doc_id in (
        (f"/event/{event_id}", event_id),
        ("/session/s1", "s1"),
        (f"/profile/{profile_id}", profile_id),
    ):
        deleted = client.delete(path)
        assert deleted.status_code == 200
        assert deleted.json() == {"deleted": 1, "ids": [doc_id]}
        assert client.get(path).status_code == 404
        again = client.delete(path)
        assert again.status_code == 404
        assert again.json() is None
    assert server.store.stats()["events"] == 0
    assert server.store.sessions_for_profile(profile_id) == []
    # A deleted session is a new session next time: its visit is counted again.
    again = _track(client, session={"id": "s1"}, options={"debugger": True})
    assert again["debugging"]["session"]["saved"] == 1


def test_deletes_survive_a_restart(make_server: ServerFactory) -> None:
    server = make_server()
    with connect(server) as http:
        profile_id = _track(http, session={"id": "s1"})["profile"]["id"]
        assert http.delete(f"/profile/{profile_id}").status_code == 200
        assert http.delete("/session/s1").status_code == 200
    server.stop()
    again = make_server()
    assert again.store.get_profile(profile_id) is None
    assert again.store.get_session("s1") is None


def test_sources_by_type_lists_grouped_sources(client: Client) -> None:
    listing = client.get("/event-sources/by_type").json()
    assert listing["total"] == 2
    assert len(listing["grouped"]["Event sources"]) == 2
    webhook = client.get("/event-sources/by_type", params={"query": "webhook"}).json()
    assert [s["id"] for s in webhook["grouped"]["Event sources"]] == ["webhook-source-id"]


def test_imports_then_tracking_uses_them(client: Client, server: CollectorServer) -> None:
    """How Tracardi's tests set up a known session and profile before tracking."""
    profiles = client.post("/profiles/import", json=[{"id": "p1", "traits": {"a": 1}}])
    assert profiles.json() == {"saved": 1, "errors": [], "ids": ["p1"]}
    sessions = client.post("/sessions/import", json=[{"id": "s1", "profile": {"id": "p1"}}])
    assert sessions.json() == {"saved": 1, "errors": [], "ids": ["s1"]}
    stored = client.get("/profile/p1").json()
    assert stored["traits"] == {"a": 1}
    assert stored["metadata"]["system"]["aux"] == {}
    body = _track(client, session={"id": "s1"}, profile={"id": "p1"}, options={"debugger": True})
    assert body["profile"]["id"] == "p1"
    assert body["debugging"]["profile"]["saved"] == 0


@pytest.mark.parametrize("body", [{}, [1], [{"id": ""}], [{"name": "no id"}]])
def test_imports_refuse_what_is_not_a_list_of_documents(client: Client, body: Any) -> None:
    for path in ("/profiles/import", "/sessions/import"):
        response = client.post(path, json=body)
        assert response.status_code == 422, path
        assert "detail" in response.json()


@pytest.mark.parametrize("kind", ["profiles", "sessions", "events", "event-sources"])
def test_refresh_routes_answer(client: Client, kind: str) -> None:
    assert client.get(f"/{kind}/refresh").status_code == 200
