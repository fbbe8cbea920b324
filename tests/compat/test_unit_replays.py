"""Replays of Tracardi 0.8.2's unit tests whose rules show in what the collector answers.

Upstream tests its Python models directly; here the same rules are driven
through HTTP against the collector in the current format (0.8.2): the user
agent parsed into the session, the scheduled-event options, event times and
tags, and the stored event and profile documents.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.compat.catalogue import follows
from tests.compat.conftest import TracardiApi

_UNIT = "tracardi@0.8.2:test/unit/"
_CHROME_58 = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/58.0.3029.110 Safari/537.3"
)
_GOOGLEBOT = (
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; "
    "+http://www.google.com/bot.html) Chrome/W.X.Y.Z Safari/537.36"
)


def _session_after(
    api: TracardiApi, payload_extra: dict[str, Any], headers: dict[str, str] | None = None
) -> dict[str, Any]:
    session_id = str(uuid.uuid4())
    payload = {
        "source": {"id": "source-id"},
        "session": {"id": session_id},
        "events": [{"type": "page-view"}],
        **payload_extra,
    }
    response = api.http.post("/track", json=payload, headers=headers or {})
    assert response.status_code == 200, response.text
    session = api.get(f"/session/{session_id}").json()
    assert isinstance(session, dict)
    return session


@follows(_UNIT + "test_user_agent.py::test_user_agent_string_from_tracker_payload")
def test_agent_from_the_payload_request_headers(api_082: TracardiApi) -> None:
    session = _session_after(
        api_082,
        {"request": {"headers": {"user-agent": _CHROME_58}}},
        headers={"user-agent": "curl/8.5.0"},  # the payload's own agent is parsed first
    )
    assert session["app"]["name"] == "Chrome"
    assert session["app"]["version"] == "58.0.3029"


@follows(_UNIT + "test_user_agent.py::test_user_agent_string")
def test_agent_from_the_request_header(api_082: TracardiApi) -> None:
    session = _session_after(api_082, {}, headers={"user-agent": _CHROME_58})
    assert session["app"]["name"] == "Chrome"
    assert session["app"]["version"] == "58.0.3029"
    assert session["os"]["name"] == "Windows"


@follows(_UNIT + "test_user_agent.py::test_fail_user_agent_string")
def test_odd_or_missing_agent(api_082: TracardiApi) -> None:
    odd = _session_after(api_082, {}, headers={"user-agent": "Msdasdfsdg029.110 Safari/537.3"})
    assert odd["app"]["name"] == "Safari"
    none = _session_after(api_082, {}, headers={"user-agent": ""})
    assert none["app"]["name"] is None
    assert none["os"]["name"] is None


@follows(_UNIT + "test_user_agent.py::test_user_agent_string_bot")
def test_bot_agent_in_the_payload_is_refused(api_082: TracardiApi) -> None:
    response = api_082.track(
        {
            "source": {"id": "source-id"},
            "request": {"headers": {"user-agent": _GOOGLEBOT}},
            "events": [{"type": "page-view"}],
        }
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "Traffic from bot is not allowed."}


@follows(_UNIT + "test_tracker_payload.py::test_should_be_scheduled")
@pytest.mark.parametrize(
    ("source", "events", "options", "status"),
    [
        # flow id not a string: not a scheduled payload, an ordinary one
        ("source-id", 1, {"scheduledFlowId": True, "scheduledNodeId": "1"}, 200),
        # only the flow id: not scheduled either
        ("source-id", 1, {"scheduledFlowId": "True"}, 200),
        # scheduled through an ordinary source: refused, naming the rule
        ("source-id", 1, {"scheduledFlowId": "True", "scheduledNodeId": "1"}, 422),
        # scheduled with two events: refused, naming the rule
        ("@1", 2, {"scheduledFlowId": "True", "scheduledNodeId": "1"}, 422),
    ],
)
def test_scheduled_options(
    api_082: TracardiApi, source: str, events: int, options: dict[str, Any], status: int
) -> None:
    payload = {
        "source": {"id": source},
        "profile": {"id": "2"},
        "events": [{"type": "111222", "properties": {}}] * events,
        "options": {"saveSession": False, **options},
    }
    response = api_082.track(payload)
    assert response.status_code == status, response.text
    if status == 422:
        assert "Scheduled events" in response.json()["detail"][0]["msg"]


def _stored_event(api: TracardiApi, event: dict[str, Any], **extra: Any) -> dict[str, Any]:
    payload = {
        "source": {"id": "source-id"},
        "session": {"id": str(uuid.uuid4())},
        "events": [event],
        "options": {"debugger": True},
        **extra,
    }
    ids = api.track(payload).json()["events"]
    return next(
        stored
        for stored in (api.get(f"/event/{i}").json()["event"] for i in ids)
        if stored["type"] == event["type"]
    )


@follows(_UNIT + "test_event_payload.py::test_event_payload_time_fallback")
def test_event_insert_time_is_the_servers(api_082: TracardiApi) -> None:
    stored = _stored_event(
        api_082,
        {
            "type": "text",
            "tags": ["tag1", "tag2", "tag3"],
            "time": {"create": "2001-01-01T00:00:00"},
        },
        metadata={"time": {"insert": "2002-01-01 00:00:00"}},  # payload metadata is replaced
    )
    assert not stored["metadata"]["time"]["insert"].startswith("2002")
    assert stored["metadata"]["time"]["create"] == "2001-01-01T00:00:00"


@follows(_UNIT + "test_event_payload.py::test_event_payload_should_have_tags")
def test_event_tags_are_values_and_count(api_082: TracardiApi) -> None:
    stored = _stored_event(api_082, {"type": "text", "tags": ["tag1", "tag2", "tag3"]})
    assert stored["tags"] == {"values": ["tag1", "tag2", "tag3"], "count": 3}


#: The fields of Tracardi 0.8.2's stored Event that its test document carries.
_EVENT_FIELDS = {
    "id",
    "name",
    "type",
    "metadata",
    "source",
    "session",
    "profile",
    "properties",
    "traits",
    "context",
    "request",
    "config",
    "tags",
    "aux",
    "device",
    "os",
    "app",
    "hit",
    "utm",
    "data",
}
_EVENT_METADATA = {
    "aux",
    "time",
    "ip",
    "status",
    "channel",
    "processed_by",
    "profile_less",
    "debug",
    "valid",
    "error",
    "warning",
    "instance",
}


@follows(_UNIT + "test_event.py::test_event_data")
def test_stored_event_has_the_event_model_fields(api_082: TracardiApi) -> None:
    stored = _stored_event(api_082, {"type": "profile-update", "properties": {"a": 1}})
    assert set(stored) >= _EVENT_FIELDS
    assert set(stored["metadata"]) >= _EVENT_METADATA
    assert set(stored["hit"]) >= {"name", "url", "referer"}
    assert set(stored["utm"]) == {"source", "medium", "campaign", "term", "content"}
    assert set(stored["tags"]) == {"values", "count"}


@follows(_UNIT + "test_profile.py::test_profile_must_have_id_in_ids")
def test_profile_id_is_in_its_ids(api_082: TracardiApi) -> None:
    tracked = api_082.track(
        {"source": {"id": "source-id"}, "events": [{"type": "page-view"}]}
    ).json()["profile"]["id"]
    assert tracked in api_082.get(f"/profile/{tracked}").json()["ids"]
    imported = str(uuid.uuid4())
    api_082.post("/profiles/import", [{"id": imported, "ids": ["merged-elsewhere"]}])
    assert imported in api_082.get(f"/profile/{imported}").json()["ids"]


@follows(_UNIT + "test_profile.py::test_data_fill")
def test_profile_with_partial_data_is_filled(api_082: TracardiApi) -> None:
    profile_id = str(uuid.uuid4())
    partial = {
        "id": profile_id,
        "metadata": {"time": {"visit": {"count": 1}}, "aux": {}},
        "data": {
            "pii": {"lastname": "string", "language": {"native": "string", "spoken": ["string"]}},
            "contact": {"email": {}, "phone": {"main": "132435"}},
            "metrics": {"ltv": None},
        },
    }
    assert api_082.post("/profiles/import", [partial]).json()["saved"] == 1
    profile = api_082.get(f"/profile/{profile_id}").json()
    assert profile["data"]["pii"]["lastname"] == "string"
    assert profile["data"]["pii"]["firstname"] is None  # filled from the model's defaults
    assert profile["data"]["contact"]["phone"]["main"] == "132435"
    assert profile["data"]["contact"]["email"] == {"main": None, "private": None, "business": None}
    assert profile["metadata"]["system"] == {"integrations": {}, "aux": {}}
    assert profile["metadata"]["time"]["visit"]["count"] == 1
