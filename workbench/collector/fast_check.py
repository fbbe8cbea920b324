"""A cheap "certainly valid?" test for tracker payloads, in front of the JSON Schema.

jsonschema costs ~80 µs for the documented full payload, about as much as the
rest of a request. Most payloads are valid, so the collector first asks
:func:`certainly_valid`, which mirrors ``tracker-payload.schema.json`` with
plain ``isinstance`` checks (~3 µs) and answers True only when the schema would
accept the document. Anything else (False) goes through the real validator,
which alone decides what is wrong and how to say it. A test checks the two agree.
"""

from __future__ import annotations

from typing import Any

__all__ = ["certainly_valid"]

_OPTION_KEYS = ("debugger", "profile", "saveSession", "saveEvents", "saveProfile")
_TIME_KEYS = ("insert", "create", "update")


def _non_blank(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _optional_ref(value: Any, *, allow_primary: bool = False) -> bool:
    if value is None:
        return True
    if not isinstance(value, dict) or not isinstance(value.get("id"), str):
        return False
    if allow_primary:
        primary = value.get("primary_id")
        return primary is None or isinstance(primary, str)
    return True


def _event_ok(event: Any) -> bool:
    if not isinstance(event, dict) or not _non_blank(event.get("type")):
        return False
    if "id" in event and not isinstance(event["id"], str):
        return False
    for key in ("properties", "context", "options"):
        if key in event and not isinstance(event[key], dict):
            return False
    if "tags" in event and not isinstance(event["tags"], list):
        return False
    if "time" in event:
        time = event["time"]
        if not isinstance(time, dict):
            return False
        for key in _TIME_KEYS:
            if key in time and (
                isinstance(time[key], bool) or not isinstance(time[key], str | int | float)
            ):
                return False
    return True


def certainly_valid(doc: Any) -> bool:
    """True only if the payload schema accepts *doc* (False means "ask the schema")."""
    if not isinstance(doc, dict):
        return False
    source = doc.get("source")
    if not isinstance(source, dict) or not _non_blank(source.get("id")):
        return False
    if "session" in doc and not _optional_ref(doc["session"]):
        return False
    if "profile" in doc and not _optional_ref(doc["profile"], allow_primary=True):
        return False
    if "context" in doc and not (doc["context"] is None or isinstance(doc["context"], dict)):
        return False
    for key in ("properties", "request"):
        if key in doc and not isinstance(doc[key], dict):
            return False
    for key in ("profile_less", "debug"):
        if key in doc and not isinstance(doc[key], bool):
            return False
    if "options" in doc:
        options = doc["options"]
        if not isinstance(options, dict):
            return False
        if any(k in options and not isinstance(options[k], bool) for k in _OPTION_KEYS):
            return False
    if "events" in doc:
        events = doc["events"]
        if not isinstance(events, list) or not all(_event_ok(e) for e in events):
            return False
    return True
