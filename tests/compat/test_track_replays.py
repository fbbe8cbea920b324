"""Replays of Tracardi's ``/track`` cases: the tracker test and the session/profile contexts.

Each test names the upstream cases it follows (see ``catalogue.py``). The
numbers asserted are the ones the upstream test asserts for that release:
0.7.3 has no system events, 0.8.1 adds profile-created and session-opened
(and counts bulk writes in ``event.saved``), 0.8.2 adds visit-started and
answers ids only.
"""

from __future__ import annotations

import uuid
from typing import Any

from tests.compat.catalogue import follows
from tests.compat.conftest import TracardiApi

_TRACK = "test/api/endpoints/test_track.py::test_should_register_correct_event"
_PAYLOAD = "test/api/end_2_end/test_tracker_payload.py::test_track_payload"
_CONTEXT = "test/api/end_2_end/context/"
_BOTH = _CONTEXT + "test_session_exists_profile_exists.py::test_session_exists_profile_exists"
_NO_PROFILE = (
    _CONTEXT + "test_session_exists_profile_not_exists.py::test_session_exists_profile_not_exists"
)
_NEITHER = (
    _CONTEXT
    + "test_session_not_exists_profile_not_exists.py::test_session_not_exists_profile_not_exists"
)


def _two_events(source_id: str, **options: Any) -> dict[str, Any]:
    return {
        "source": {"id": source_id},
        "session": {"id": str(uuid.uuid4())},
        "events": [
            {"type": "test-event-1", "options": {"save": True}, "context": {"test": 1}},
            {"type": "test-event-2", "context": {"test": 2}},
        ],
        "options": {"debugger": True, **options},
    }


def _check_stored(api: TracardiApi, event_ids: list[str], session_id: str, profile_id: str) -> None:
    """Every listed event, the session and the profile can be read back, then deleted."""
    for event_id in event_ids:
        event = api.get(f"/event/{event_id}").json()["event"]
        assert event["id"] == event_id
        if event["type"] == "test-event-1":
            assert event["context"]["test"] == 1
        if event["type"] == "test-event-2":
            assert event["context"]["test"] == 2
    assert api.get(f"/session/{session_id}").json()["id"] == session_id
    assert api.get(f"/profile/{profile_id}").json()["id"] == profile_id
    assert api.delete(f"/session/{session_id}").status_code == 200
    for event_id in event_ids:
        assert api.delete(f"/event/{event_id}").status_code == 200
    assert api.delete(f"/profile/{profile_id}").status_code == 200


@follows(f"tracardi-api@0.7.3:{_TRACK}")
def test_track_073_two_events_and_the_full_profile(api_073: TracardiApi) -> None:
    source_id = api_073.new_source()
    response = api_073.track(_two_events(source_id, profile=True))
    assert response.status_code == 200
    result = response.json()
    assert "traits" in result["profile"]  # options.profile: the whole profile
    debugging = result["debugging"]
    assert len(debugging["events"]["ids"]) == 2  # no system events in 0.7.3
    (session_id,) = debugging["session"]["ids"]
    _check_stored(api_073, debugging["events"]["ids"], session_id, result["profile"]["id"])
    assert api_073.delete(f"/event-source/{source_id}").status_code == 200


@follows(f"tracardi-api@0.8.1:{_TRACK}")
def test_track_081_two_events_and_two_system_events(api_081: TracardiApi) -> None:
    source_id = api_081.new_source()
    response = api_081.track(_two_events(source_id))
    assert response.status_code == 200
    result = response.json()
    assert "id" in result["profile"]
    assert len(result["event"]["ids"]) == 4  # + profile-created, session-opened
    _check_stored(api_081, result["event"]["ids"], result["session"]["id"], result["profile"]["id"])


@follows(f"tracardi-api@0.8.2:{_TRACK}")
def test_track_082_two_events_and_three_system_events(api_082: TracardiApi) -> None:
    source_id = api_082.new_source()
    response = api_082.track(_two_events(source_id))
    assert response.status_code == 200
    result = response.json()
    assert len(result["events"]) == 5  # + profile-created, session-opened, visit-started
    _check_stored(api_082, result["events"], result["session"]["id"], result["profile"]["id"])


def _one_saved_one_not(source_id: str, session_id: str) -> dict[str, Any]:
    return {
        "source": {"id": source_id},
        "session": {"id": session_id},
        "events": [{"type": "page-view"}, {"type": "page-view", "options": {"save": False}}],
        "options": {"debugger": True},
    }


@follows(f"tracardi-api@0.7.3:{_PAYLOAD}")
def test_tracker_payload_073_skips_the_unsaved_event(api_073: TracardiApi) -> None:
    source_id, session_id = api_073.new_source(), str(uuid.uuid4())
    result = api_073.track(_one_saved_one_not(source_id, session_id)).json()
    events = result["debugging"]["events"]
    assert events["saved"] == 1
    assert events["errors"] == []
    assert len(events["ids"]) == 1
    assert api_073.delete(f"/profile/{result['profile']['id']}").status_code == 200
    assert api_073.delete(f"/event-source/{source_id}").status_code == 200
    assert api_073.delete(f"/session/{session_id}").status_code in (200, 404)


@follows(f"tracardi-api@0.8.1:{_PAYLOAD}")
def test_tracker_payload_081_skips_the_unsaved_event(api_081: TracardiApi) -> None:
    source_id, session_id = api_081.new_source(), str(uuid.uuid4())
    result = api_081.track(_one_saved_one_not(source_id, session_id)).json()
    assert len(result["event"]["ids"]) == 3  # the saved one, session-opened, profile-created
    assert api_081.delete(f"/profile/{result['profile']['id']}").status_code == 200


@follows(f"tracardi-api@0.8.2:{_PAYLOAD}")
def test_tracker_payload_082_skips_the_unsaved_event(api_082: TracardiApi) -> None:
    """Upstream reads ``result['event']['ids']`` (4) — the 0.8.1 shape a 0.8.2 server
    no longer sends; the same rule through the 0.8.2 shape is four ids in ``events``."""
    source_id, session_id = api_082.new_source(), str(uuid.uuid4())
    result = api_082.track(_one_saved_one_not(source_id, session_id)).json()
    assert len(result["events"]) == 4  # the saved one + three system events
    assert api_082.delete(f"/profile/{result['profile']['id']}").status_code == 200


def _context_payload(source_id: str, session_id: str, profile_id: str, save: bool) -> Any:
    return {
        "source": {"id": source_id},
        "session": {"id": session_id},
        "profile": {"id": profile_id},
        "events": [{"type": "page-view", "options": {"save": save}}],
        "options": {"debugger": True},
    }


def _saved(tag: str, result: dict[str, Any]) -> dict[str, int]:
    """The three saved counters of the release's answer."""
    if tag == "0.7.3":
        debugging = result["debugging"]
        return {k: debugging[k]["saved"] for k in ("session", "events", "profile")}
    return {
        "session": result["session"]["saved"],
        "events": result["event"]["saved"],
        "profile": result["profile"]["saved"],
    }


def _setup(api: TracardiApi, session_id: str, profile_id: str | None) -> None:
    """What upstream's ``create_session`` / ``create_profile`` helpers do."""
    session: dict[str, Any] = {"id": session_id, "metadata": {"time": {}}}
    if profile_id is not None:
        session["profile"] = {"id": profile_id}
        assert api.post("/profiles/import", [{"id": profile_id}]).json()["saved"] == 1
    assert api.post("/sessions/import", [session]).json()["saved"] == 1


@follows(f"tracardi-api@0.7.3:{_BOTH}", f"tracardi-api@0.8.1:{_BOTH}")
def test_known_session_and_profile_are_not_saved_again(api_old: Any) -> None:
    tag, client = api_old
    source_id, session_id, profile_id = client.new_source(), str(uuid.uuid4()), str(uuid.uuid4())
    _setup(client, session_id, profile_id)
    assert client.get(f"/session/{session_id}").status_code == 200
    assert client.get(f"/profile/{profile_id}").status_code == 200
    result = client.track(_context_payload(source_id, session_id, profile_id, True)).json()
    assert _saved(tag, result) == {"session": 0, "events": 1, "profile": 0}
    assert result["profile"]["id"] == profile_id


@follows(f"tracardi-api@0.8.2:{_BOTH}")
def test_known_session_and_profile_082(api_082: TracardiApi) -> None:
    """Upstream reads the 0.8.1 counters; the 0.8.2 shape shows the same: the sent
    profile is kept and only the page-view is written (no system event)."""
    source_id, session_id, profile_id = (
        api_082.new_source(),
        str(uuid.uuid4()),
        str(uuid.uuid4()),
    )
    _setup(api_082, session_id, profile_id)
    before = api_082.get(f"/profile/{profile_id}").json()
    result = api_082.track(_context_payload(source_id, session_id, profile_id, True)).json()
    assert result["profile"]["id"] == profile_id
    assert result["session"]["id"] == session_id
    assert len(result["events"]) == 1
    after = api_082.get(f"/profile/{profile_id}").json()
    assert after["metadata"]["time"] == before["metadata"]["time"]  # not written again


@follows(f"tracardi-api@0.7.3:{_NO_PROFILE}", f"tracardi-api@0.8.1:{_NO_PROFILE}")
def test_known_session_without_profile_gets_a_new_one(api_old: Any) -> None:
    tag, client = api_old
    source_id, session_id, profile_id = client.new_source(), str(uuid.uuid4()), str(uuid.uuid4())
    _setup(client, session_id, None)
    assert client.get(f"/profile/{profile_id}").status_code == 404
    result = client.track(_context_payload(source_id, session_id, profile_id, False)).json()
    # 0.7.3 writes no event (the one sent has save:false); 0.8.1 writes profile-created.
    expected_events = 0 if tag == "0.7.3" else 1
    assert _saved(tag, result) == {"session": 1, "events": expected_events, "profile": 1}
    assert result["profile"]["id"] != profile_id  # a forged id is never taken


@follows(f"tracardi-api@0.8.2:{_NO_PROFILE}")
def test_known_session_without_profile_082(api_082: TracardiApi) -> None:
    source_id, session_id, profile_id = (
        api_082.new_source(),
        str(uuid.uuid4()),
        str(uuid.uuid4()),
    )
    _setup(api_082, session_id, None)
    result = api_082.track(_context_payload(source_id, session_id, profile_id, False)).json()
    new_profile = result["profile"]["id"]
    assert new_profile != profile_id
    assert api_082.get(f"/session/{session_id}").json()["profile"]["id"] == new_profile
    stored = {api_082.get(f"/event/{i}").json()["event"]["type"] for i in result["events"]}
    assert "page-view" not in stored
    assert "profile-created" in stored


@follows(f"tracardi-api@0.7.3:{_NEITHER}", f"tracardi-api@0.8.1:{_NEITHER}")
def test_new_session_and_unknown_profile(api_old: Any) -> None:
    tag, client = api_old
    source_id, session_id, profile_id = client.new_source(), str(uuid.uuid4()), str(uuid.uuid4())
    assert client.get(f"/session/{session_id}").status_code == 404
    assert client.get(f"/profile/{profile_id}").status_code == 404
    result = client.track(_context_payload(source_id, session_id, profile_id, True)).json()
    assert _saved(tag, result) == {"session": 1, "events": 1, "profile": 1}
    new_profile = result["profile"]["id"]
    assert new_profile != profile_id
    if tag == "0.7.3":
        assert result["debugging"]["session"]["ids"][0] == session_id
    assert client.get(f"/session/{session_id}").status_code == 200
    assert client.get(f"/profile/{new_profile}").status_code == 200
    assert client.delete(f"/profile/{new_profile}").status_code == 200


@follows(f"tracardi-api@0.8.2:{_NEITHER}")
def test_new_session_and_unknown_profile_082(api_082: TracardiApi) -> None:
    source_id, session_id, profile_id = (
        api_082.new_source(),
        str(uuid.uuid4()),
        str(uuid.uuid4()),
    )
    result = api_082.track(_context_payload(source_id, session_id, profile_id, True)).json()
    new_profile = result["profile"]["id"]
    assert new_profile != profile_id
    assert result["session"]["id"] == session_id
    assert api_082.get(f"/session/{session_id}").status_code == 200
    assert api_082.get(f"/profile/{new_profile}").status_code == 200
    assert len(result["events"]) == 4  # page-view + three system events
