"""An event's bytes made from the payload equal the encoded document, byte for byte.

:func:`encoded_event` is how the tracking path stores an event when nothing reads it
as a document; what it writes must be exactly what encoding
:func:`build_event`'s document writes (``codec.dumps``), whatever the event sent,
including the values orjson refuses (then the standard library writes the whole
document) and whatever the request's shared parts hold. The tracking path itself
is compared with the documents it would store in ``test_track_fast.py`` and here.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.collector.config import CollectorConfig
from workbench.collector.documents import (
    EventParts,
    build_event,
    new_profile,
    new_session,
    touch_session,
)
from workbench.collector.event_bytes import SharedBytes, encoded_event
from workbench.collector.processing import ProcessingInput, ProcessingResult, Processor, process
from workbench.collector.tracking import TrackRequest, track
from workbench.store.collector.codec import dumps, loads
from workbench.store.collector.store import CollectorStore

_NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
_STAMP = _NOW.isoformat()
_BIG = 2**70  # beyond 64 bits: orjson refuses it, the codec falls back to the standard library

_RAW_PARTS: dict[str, list[Any]] = {
    "type": ["page-view", " Page View ", "purchase_order", "ünïcode ✓", 'a"b\\c'],
    "id": ["absent", "  ", "ABC-def ", 7],
    "time": ["absent", None, {}, {"insert": "2026-01-01T00:00:00"}, {"create": 1.5, "update": "u"}],
    "options": ["absent", None, {}, {"save": False}, {"source_id": "x", "async": True}],
    "tags": ["absent", None, [], ["a", "b"]],
    "properties": ["absent", None, {}, {"product": "Nike", "quantity": 1}, {"big": _BIG}],
    "context": [
        "absent",
        None,
        {},
        {"page": {"url": "https://s.example/p?utm_source=x&q=1", "title": "T"}},
        {"page": {"url": "no-query", "referer": {"host": "r.example"}}},
        {"page": "not a dict", "n": 1.25},
        {"deep": {"big": _BIG}},
    ],
}


def _sessions() -> list[dict[str, Any] | None]:
    made = new_session("session-id", "p1", _NOW, "Workbench REST source", "127.0.0.1")
    touched = touch_session(
        made,
        now=_NOW,
        context={"time": {"tz": "Europe/Warsaw"}},
        properties={},
        profile_id="p1",
        status="active",
        stamp=_STAMP,
    )
    odd = {**made, "context": {"time": {"tz": _BIG}}}  # refused in the shared part
    return [None, made, touched, odd]


def _raws() -> list[dict[str, Any]]:
    raws = []
    names = list(_RAW_PARTS)
    # Every value of each part, against the first value of the others, then pairs.
    for name in names:
        for value in _RAW_PARTS[name]:
            raw: dict[str, Any] = {"type": "page-view"}
            if value != "absent":
                raw[name] = value
            raws.append(raw)
    for first, second in itertools.combinations(names, 2):
        for a, b in itertools.product(_RAW_PARTS[first], _RAW_PARTS[second]):
            raw = {"type": "page-view"}
            if a != "absent":
                raw[first] = a
            if b != "absent":
                raw[second] = b
            raws.append(raw)
    return raws


def _both(
    raw: dict[str, Any],
    session: dict[str, Any] | None,
    profile_id: str | None,
    *,
    profile_less: bool = False,
    channel: str = "Workbench REST source",
    request: dict[str, Any] | None = None,
) -> tuple[bytes, bytes, tuple[str, str, dict[str, Any]]]:
    """(the encoded document, the made bytes, what encoded_event answered besides)."""
    request = request if request is not None else {"headers": {"host": "127.0.0.1"}}
    parts = EventParts("source-id", session, profile_id)
    build: dict[str, Any] = {
        "source_id": "source-id",
        "channel": channel,
        "session": session,
        "profile_id": profile_id,
        "profile_less": profile_less,
        "request": request,
        "debug": False,
        "parts": parts,
    }
    try:
        shared: SharedBytes | None = SharedBytes(
            parts, channel=channel, profile_less=profile_less, debug=False, request=request
        )
    except (TypeError, ValueError):
        shared = None
    event_id, event_type, options, made = encoded_event(raw, now=_STAMP, shared=shared, build=build)
    document = build_event(raw, now=_STAMP, **build)
    document["id"] = event_id  # an unsent id is drawn at random by each
    return dumps(document), made, (event_id, event_type, options)


def test_every_combination_gives_the_documents_bytes() -> None:
    compared = 0
    fallbacks = 0
    for session, profile_id in itertools.product(_sessions(), [None, "p1"]):
        for raw in _raws():
            expected, made, (event_id, event_type, options) = _both(raw, session, profile_id)
            assert made == expected, (raw, session)
            document = loads(expected)
            assert event_id == document["id"]
            assert event_type == document["type"]
            assert options == document["config"]
            compared += 1
            fallbacks += expected.endswith(b" ")
    assert compared > 2000
    assert fallbacks > 100  # the standard library's encoding was compared too


def test_profile_less_and_other_request_parts() -> None:
    session = _sessions()[2]
    for profile_less, channel, request in itertools.product(
        [False, True],
        ["", "Workbench REST source", "kanał ✓"],
        [{"headers": {}}, {"headers": {"user-agent": "x"}, "ip": "1.2.3.4"}, {"big": _BIG}],
    ):
        raw = {"type": "page-view", "properties": {"a": 1}}
        expected, made, _ = _both(
            raw, session, "p1", profile_less=profile_less, channel=channel, request=request
        )
        assert made == expected


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    properties=_json,
    context=st.dictionaries(st.sampled_from(["page", "x", "tz"]), _json, max_size=3),
    options=st.dictionaries(st.sampled_from(["save", "source_id", "o"]), _json, max_size=2),
    tags=st.lists(_json, max_size=3),
    kind=st.text(min_size=1, max_size=10).filter(str.strip),
)
def test_any_sent_values_give_the_documents_bytes(
    properties: Any, context: Any, options: Any, tags: Any, kind: str
) -> None:
    raw = {
        "type": kind,
        "properties": properties,
        "context": context,
        "options": options,
        "tags": tags,
    }
    expected, made, _ = _both(raw, _sessions()[2], "p1")
    assert made == expected


def _called_processor(data: ProcessingInput) -> ProcessingResult:
    """The default processor's answer, from a processor the tracking path must call
    (so it builds the event documents: the path the made bytes replace)."""
    return process(data)


def _tracked(processor: Processor, payloads: list[dict[str, Any]]) -> tuple[list[Any], Any]:
    store = CollectorStore(None)
    config = CollectorConfig()
    profile = new_profile("p1", _STAMP)
    session = new_session("s1", "p1", _NOW, "Workbench REST source", "127.0.0.1")
    store.commit(profile=profile, session=session)
    answers = []
    for payload in payloads:
        outcome = track(
            store,
            config,
            TrackRequest(
                payload=payload,
                bridge="rest",
                headers=[("host", "127.0.0.1"), ("content-type", "application/json")],
                client_ip="127.0.0.1",
            ),
            processor,
        )
        answers.append((outcome.status, outcome.body, outcome.event_types, outcome.session_id))
    return answers, store


def _timeless(event: dict[str, Any]) -> dict[str, Any]:
    """An event without what moves with the clock: the request's time stamp (when the
    event sent none) and the session's duration so far."""
    metadata = event["metadata"]
    time = {**metadata["time"], "insert": metadata["time"]["insert"][:4]}
    session = event["session"]
    return {
        **event,
        "metadata": {**metadata, "time": time},
        "session": None if session is None else {**session, "duration": None},
    }


def test_tracking_stores_and_answers_what_the_built_documents_give() -> None:
    payloads: list[dict[str, Any]] = [
        {
            "source": {"id": "source-id"},
            "session": {"id": "s1"},
            "events": [
                {"id": f"e{n}-a", "type": "Purchase Order", "properties": {"n": n}},
                {
                    "id": f"e{n}-b",
                    "type": "page-view",
                    "time": {"insert": "2026-01-01T00:00:00"},
                    "context": {"page": {"url": "https://s.example/?utm_medium=m"}},
                    "tags": ["t"],
                },
                {"id": f"e{n}-c", "type": "not-saved", "options": {"save": False}},
                {"id": f"e{n}-d", "type": "big", "properties": {"big": _BIG}},
            ],
            **extra,
        }
        for n, extra in enumerate(
            [
                {},
                {"options": {"saveSession": False}},
                {"options": {"saveEvents": False}},
                {"context": {"a": 1}, "properties": {"p": 2}},
                {"profile_less": True},
            ]
        )
    ]
    lean_answers, lean = _tracked(process, payloads)
    built_answers, built = _tracked(_called_processor, payloads)
    assert lean_answers == built_answers
    assert lean.count_events() == built.count_events()
    for kind in ("purchase-order", "page-view", "not-saved", "big"):
        assert lean.count_events(type=kind) == built.count_events(type=kind)
    for filters in ({}, {"source": "source-id"}, {"profile": "p1"}, {"session": "s1"}):
        stored = [_timeless(e) for e in lean.list_events(limit=100, **filters)]
        assert stored == [_timeless(e) for e in built.list_events(limit=100, **filters)]
    assert lean.count_events() == 12  # 3 saved events of the 4 requests that save events
