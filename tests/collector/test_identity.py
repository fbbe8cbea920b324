"""Sessions and profiles by the table of §6.1, profile-less (§6.2) and system events (§6.5).

System events first came with Tracardi 0.8.1 (profile-created, session-opened;
visit-started for a new session with 0.8.2), so the tests that look for them
run the collector in the ``current`` format (0.8.2) and read the event types
from the stored events whose ids the answer lists.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from workbench.collector import CollectorServer

from .conftest import Client, ServerFactory, connect
from .helpers import minimal

pytestmark = pytest.mark.in_process


@pytest.fixture
def server(make_server: ServerFactory) -> CollectorServer:
    return make_server(response_format="current")


@pytest.fixture
def doc_server(make_server: ServerFactory) -> CollectorServer:
    """A collector in the documented format: its debugging block has the log records."""
    return make_server(response_format="documented", data_dir=None)


@pytest.fixture
def doc(doc_server: CollectorServer) -> Iterator[Client]:
    with connect(doc_server) as http:
        yield http


def _send(client: Client, **extra: object) -> dict:
    options = {"debugger": True, **extra.pop("options", {})}  # type: ignore[dict-item]
    response = client.post("/track", json=minimal(options=options, **extra))
    assert response.status_code == 200, response.text
    return response.json()


def _types(body: dict, server: CollectorServer | None = None) -> set[str]:
    if "debugging" in body:
        return set(body["debugging"]["events"]["types"])
    assert server is not None
    return {server.store.get_event(i)["type"] for i in body["events"]}


def _session_id(body: dict) -> str:
    if "debugging" in body:
        return str(_session_id(body))
    return str(body["session"]["id"])  # the current format: {"session": {"id"}}


def _profile_of(server: CollectorServer, profile_id: str) -> dict:
    profile = server.store.get_profile(profile_id)
    assert profile is not None
    return profile


def _visits(server: CollectorServer, profile_id: str) -> int:
    return int(_profile_of(server, profile_id)["metadata"]["time"]["visit"]["count"])


@pytest.mark.parametrize("session", [None, {"id": ""}, "missing"])
def test_no_session_no_profile_makes_both(
    client: Client, server: CollectorServer, session: object
) -> None:
    extra = {} if session == "missing" else {"session": session}
    body = _send(client, **extra)
    profile_id = body["profile"]["id"]
    session_id = _session_id(body)
    assert server.store.get_session(session_id)["profile"]["id"] == profile_id
    assert _types(body, server) == {
        "page-view",
        "profile-created",
        "session-opened",
        "visit-started",
    }
    assert _visits(server, profile_id) == 1


def test_no_session_known_profile_is_not_a_new_visit(
    client: Client, server: CollectorServer
) -> None:
    profile_id = _send(client)["profile"]["id"]
    body = _send(client, profile={"id": profile_id})
    assert body["profile"]["id"] == profile_id
    assert _types(body, server) == {"page-view"}  # no visit-started / session-opened
    assert _visits(server, profile_id) == 1
    new_session = _session_id(body)
    assert server.store.get_session(new_session)["profile"]["id"] == profile_id


def test_no_session_unknown_profile_gets_a_fresh_id(doc: Client) -> None:
    body = _send(doc, profile={"id": "forged"})
    assert body["profile"]["id"] != "forged"
    messages = [log["message"] for log in body["debugging"]["logs"]]
    assert f"profile id `forged` unknown, new profile `{body['profile']['id']}` created" in messages


def test_new_session_no_profile(client: Client, server: CollectorServer) -> None:
    body = _send(client, session={"id": "s-new"})
    assert server.store.get_session("s-new")["profile"]["id"] == body["profile"]["id"]
    assert "visit-started" in _types(body, server)


def test_new_session_known_profile_counts_a_visit(client: Client, server: CollectorServer) -> None:
    profile_id = _send(client, session={"id": "s1"})["profile"]["id"]
    body = _send(client, session={"id": "s2"}, profile={"id": profile_id})
    assert body["profile"]["id"] == profile_id
    assert _visits(server, profile_id) == 2
    assert _types(body, server) == {"page-view", "session-opened", "visit-started"}
    assert [s["id"] for s in server.store.sessions_for_profile(profile_id)] == ["s2", "s1"]


def test_new_session_unknown_profile_gets_a_fresh_id(client: Client) -> None:
    body = _send(client, session={"id": "s-x"}, profile={"id": "forged"})
    assert body["profile"]["id"] != "forged"


def test_known_session_profile_wins(doc: Client, doc_server: CollectorServer) -> None:
    owner = _send(doc, session={"id": "s1"})["profile"]["id"]
    other = _send(doc, session={"id": "s2"})["profile"]["id"]
    body = _send(doc, session={"id": "s1"}, profile={"id": other})
    assert body["profile"]["id"] == owner
    assert _types(body) == {"page-view"}
    assert _visits(doc_server, owner) == 1
    assert any("session's profile wins" in log["message"] for log in body["debugging"]["logs"])


def test_known_session_whose_profile_is_gone_gets_a_new_profile(
    client: Client, server: CollectorServer
) -> None:
    # A session saved with saveProfile=false has a profile reference that was never stored.
    first = _send(client, session={"id": "s1"}, options={"saveProfile": False})
    assert first["profile"] == {"id": None}  # the current format: no profile was saved
    body = _send(client, session={"id": "s1"})
    assert server.store.get_profile(body["profile"]["id"]) is not None
    assert "visit-started" in _types(body, server)
    assert "profile-created" in _types(body, server)


def test_visits_and_context_accumulate_on_the_session(
    client: Client, server: CollectorServer
) -> None:
    _send(client, session={"id": "s1"}, context={"a": 1}, properties={"p": 1})
    _send(client, session={"id": "s1"}, context={"b": 2})
    session = server.store.get_session("s1")
    assert session["context"]["a"] == 1
    assert session["context"]["b"] == 2
    assert session["properties"] == {"p": 1}


def test_profile_less_stores_a_session_but_no_profile(
    doc: Client, doc_server: CollectorServer
) -> None:
    server = doc_server
    response = doc.post(
        "/track?profile_less=true",
        json=minimal(session={"id": "pl"}, options={"debugger": True}),
    )
    body = response.json()
    assert response.status_code == 200
    assert "profile" not in body
    assert body["debugging"]["profile"] is None
    assert server.store.stats()["profiles"] == 0
    assert server.store.get_session("pl") is not None
    event = server.store.list_events(type="page-view")[0]
    assert event["profile"] is None
    assert event["metadata"]["profile_less"] is True
    assert "profile-created" not in _types(body)


def test_profile_less_query_overrides_the_body(doc: Client) -> None:
    overridden = doc.post("/track?profile_less=false", json=minimal(profile_less=True))
    assert "profile" in overridden.json()
    from_body = doc.post("/track", json=minimal(profile_less=True))
    assert "profile" not in from_body.json()


def test_profile_less_current_format_answers_null_profile(make_server) -> None:  # type: ignore[no-untyped-def]
    server = make_server(response_format="current", data_dir=None)
    with connect(server) as http:
        body = http.post("/track?profile_less=1", json=minimal(session={"id": "s"})).json()
    assert body["profile"] == {"id": None}
    assert body["session"] == {"id": "s"}


def test_visit_ended_suppresses_system_events(client: Client, server: CollectorServer) -> None:
    payload = {
        "source": {"id": "source-id"},
        "events": [{"type": "visit-ended"}],
        "options": {"debugger": True},
    }
    body = client.post("/track", json=payload).json()
    assert _types(body, server) == {"visit-ended"}


def test_documented_format_adds_no_system_events(doc: Client, doc_server: CollectorServer) -> None:
    """Tracardi 0.7.3 had no system events: a 0.7.3 client counts only what it sent."""
    body = _send(doc, session={"id": "fresh"})
    assert body["debugging"]["events"]["saved"] == 1
    assert _types(body) == {"page-view"}
    assert doc_server.store.count_events() == 1
    assert _visits(doc_server, body["profile"]["id"]) == 1  # the visit still counts


def test_new_session_records_client_and_forwarded_addresses(
    client: Client, server: CollectorServer
) -> None:
    client.post(
        "/track",
        json=minimal(session={"id": "ip"}),
        headers={"x-forwarded-for": "203.0.113.7, 10.0.0.1"},
    )
    session = server.store.get_session("ip")
    assert session["context"]["ip"] == "127.0.0.1"
    assert session["device"]["ip"] == "203.0.113.7"
