"""A known session is written again only when a request changed its data.

The tracking path decides it for a session it only touched by comparing three
parts (:func:`_touch_changed`); that must always agree with the general comparison
(:func:`_changed`), whatever the stored session looks like.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from workbench.collector.documents import touch_session
from workbench.collector.session_parts import session_changed as _changed
from workbench.collector.session_parts import touch_changed as _touch_changed

_NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)

_STORED_PARTS: dict[str, list[Any]] = {
    "profile": ["absent", None, {"id": "p1", "primary_id": None}, {"id": "p2"}, "p1"],
    "context": ["absent", None, {}, {"page": {"url": "u"}}, {"tz": "UTC", "a": 1}],
    "properties": ["absent", None, {}, {"x": 1}],
    "metadata": [
        "absent",
        None,
        {},
        {"time": {"timestamp": 1.0, "update": "old", "duration": 2}, "status": "ended"},
        {"time": None, "status": "active", "extra": 1},
    ],
}
_SENT = [
    ({}, {}, "p1"),
    ({}, {}, None),
    ({"a": 1}, {}, "p1"),
    ({"tz": "UTC"}, {"x": 1}, "p2"),
    ({"page": {"url": "u"}}, {"x": 2}, "p1"),
]


def _stored_sessions() -> list[dict[str, Any]]:
    sessions = []
    names = list(_STORED_PARTS)
    for values in itertools.product(*(_STORED_PARTS[name] for name in names)):
        session: dict[str, Any] = {"id": "s1", "device": {"name": "d"}}
        for name, value in zip(names, values, strict=True):
            if value != "absent":
                session[name] = value
        sessions.append(session)
    return sessions


def test_the_touch_comparison_agrees_with_the_general_one() -> None:
    compared = 0
    changed = 0
    for stored in _stored_sessions():
        for context, properties, profile_id in _SENT:
            touched = touch_session(
                stored,
                now=_NOW,
                context=context,
                properties=properties,
                profile_id=profile_id,
                status="active",
            )
            expected = _changed(touched, stored)
            assert _touch_changed(touched, stored) == expected, (stored, context, profile_id)
            compared += 1
            changed += expected
    assert compared == len(_stored_sessions()) * len(_SENT)
    # Both answers occur often, so the agreement means something.
    assert changed > 100
    assert compared - changed > 100
