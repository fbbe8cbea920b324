"""The semantic diff engine: paths, pairing, volatile values, ignore patterns.

The properties are checked with hypothesis over arbitrary JSON: a document
equals itself, and applying the reported changes to the old side explains every
difference to the new side.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.diff import (
    Change,
    PathError,
    Selector,
    apply_changes,
    diff,
    format_path,
    is_volatile_key,
    parse_path,
    resolve_path,
)

# --- strategies ---------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
keys = st.sampled_from(["a", "b", "c", "id", "type", "x.y", "[z]", "time", "n", ""]) | st.text(
    max_size=4
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(keys, children, max_size=5),
    max_leaves=25,
)


@st.composite
def event_lists(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Lists of objects with unique ids, as Tracardi returns events."""
    ids = draw(st.lists(st.sampled_from([f"e{i}" for i in range(8)]), unique=True, max_size=6))
    return [
        {"id": i, "type": draw(st.sampled_from(["view", "buy", "log"])), "v": draw(json_values)}
        for i in ids
    ]


def mutated(value: Any, data: st.DataObject) -> Any:
    """A copy of *value* with random edits at random depths."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if data.draw(st.integers(0, 9)) == 0:
                continue  # removed
            out[key] = mutated(item, data)
        if data.draw(st.integers(0, 5)) == 0:
            out[data.draw(keys)] = data.draw(json_values)
        return out
    if isinstance(value, list):
        items = [mutated(item, data) for item in value]
        if items and data.draw(st.integers(0, 4)) == 0:
            items.pop(data.draw(st.integers(0, len(items) - 1)))
        if data.draw(st.integers(0, 4)) == 0:
            items.insert(data.draw(st.integers(0, len(items))), data.draw(json_values))
        if data.draw(st.integers(0, 5)) == 0:
            data.draw(st.randoms()).shuffle(items)
        return items
    return data.draw(json_values) if data.draw(st.integers(0, 3)) == 0 else value


PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- properties ---------------------------------------------------------------


@PROPERTY
@given(json_values)
def test_a_document_equals_itself_and_its_copy(value: Any) -> None:
    assert diff(value, value).equal
    copy = json.loads(json.dumps(value))
    result = diff(value, copy, include_volatile=True)
    assert result.equal, result.changes
    assert result.summary() == "equal"


@PROPERTY
@given(json_values, st.data())
def test_applying_the_changes_explains_every_difference(a: Any, data: st.DataObject) -> None:
    b = mutated(a, data) if data.draw(st.booleans()) else data.draw(json_values)
    result = diff(a, b, include_volatile=True)
    assert result.hidden == ()
    patched = apply_changes(a, result.changes)
    assert diff(patched, b, include_volatile=True).equal
    # The input is never touched.
    assert diff(a, json.loads(json.dumps(a)), include_volatile=True).equal


@PROPERTY
@given(json_values, st.data())
def test_each_change_resolves_on_its_side(a: Any, data: st.DataObject) -> None:
    b = mutated(a, data)
    for change in diff(a, b, include_volatile=True).changes:
        assert parse_path(change.path) == change.segments
        if change.kind in ("changed", "removed"):
            assert resolve_path(a, change.path) == change.old
        # Changed values sit at the same key on the new side unless an index moved.
        if change.kind == "changed" and not any(isinstance(s, int) for s in change.segments):
            assert resolve_path(b, change.path) == change.new


@PROPERTY
@given(event_lists(), st.data())
def test_pairing_by_id_survives_reordering(
    events: list[dict[str, Any]], data: st.DataObject
) -> None:
    shuffled = list(events)
    data.draw(st.randoms()).shuffle(shuffled)
    assert diff({"events": events}, {"events": shuffled}, include_volatile=True).equal

    if events:
        # Change one event and reorder: only that event's field is reported, by id.
        target = data.draw(st.sampled_from(shuffled))
        edited = [dict(e, v="edited") if e is target else e for e in shuffled]
        result = diff({"events": events}, {"events": edited}, include_volatile=True)
        expected = format_path(("events", Selector("id", target["id"]), "v"))
        assert [c.path for c in result.changes] == ([] if target["v"] == "edited" else [expected])


@PROPERTY
@given(json_values, st.data())
def test_ignored_paths_never_appear(a: Any, data: st.DataObject) -> None:
    b = mutated(a, data)
    full = diff(a, b, include_volatile=True)
    if not full.changes:
        return
    pattern = data.draw(st.sampled_from(full.changes)).path or "**"
    if pattern == "**":
        return
    ignored = diff(a, b, include_volatile=True, ignore=[pattern])
    prefix = parse_path(pattern)
    for change in ignored.changes:
        assert change.segments[: len(prefix)] != prefix
    assert len(ignored.changes) < len(full.changes)


@PROPERTY
@given(
    st.lists(
        st.one_of(
            st.just(""),
            st.text(max_size=5),
            st.integers(-3, 30),
            st.builds(
                Selector,
                st.sampled_from(["id", "type"]),
                st.text(max_size=5) | st.integers(-5, 5),
                st.integers(1, 3),
            ),
        ),
        max_size=5,
    )
)
def test_paths_format_and_parse_back(segments: list[Any]) -> None:
    if segments and segments[0] == "" and len(segments) == 1:
        segments = ["", "x"]
    text = format_path(segments)
    assert parse_path(text) == tuple(segments)


# --- examples -----------------------------------------------------------------


def test_added_removed_changed_by_path() -> None:
    a = {"profile": {"traits": {"email": "a@x", "tier": "gold"}, "segments": ["a", "b"]}}
    b = {"profile": {"traits": {"email": "b@x", "city": "Oslo"}, "segments": ["a", "c", "b"]}}
    result = diff(a, b)
    assert [(c.path, c.kind, c.old, c.new) for c in result.changes] == [
        ("profile.traits.email", "changed", "a@x", "b@x"),
        ("profile.traits.tier", "removed", "gold", None),
        ("profile.traits.city", "added", None, "Oslo"),
        ("profile.segments[1]", "added", None, "c"),
    ]
    assert result.summary() == "4 differences: 1 changed, 1 added, 2 removed" or (
        result.summary() == "4 differences: 1 changed, 2 added, 1 removed"
    )
    assert result.counts() == {"changed": 1, "added": 2, "removed": 1}
    data = result.to_dict()
    assert data["equal"] is False
    assert data["changes"][1] == {"path": "profile.traits.tier", "kind": "removed", "old": "gold"}
    assert data["changes"][2] == {"path": "profile.traits.city", "kind": "added", "new": "Oslo"}
    json.dumps(data)  # serialisable as is


def test_volatile_values_are_hidden_unless_asked() -> None:
    a = {
        "profile": {"id": "p1", "metadata": {"time": {"insert": "2024-01-01T10:00:00"}}},
        "session": {"ref": "3ee63fc6-490a-4fd8-bfb3-bf0c8c8d3387"},
        "time_ms": 12.5,
        "events": {"ids": ["0d2d9dc5-0d60-471e-956f-8766dcb8aba2"], "saved": 1},
        "duration": 3,
        "visit": {"last": "yesterday", "count": 1},
        "when": "2024-01-01T10:00:00Z",
        "title": "Home",
    }
    b = {
        "profile": {"id": "p2", "metadata": {"time": {"insert": "2024-02-01T11:00:00"}}},
        "session": {"ref": "8d2b1b88-5e55-4b8e-8c6a-1e7c3f6e9f0a"},
        "time_ms": 80.1,
        "events": {"ids": ["6a1c0a52-8c07-4d0b-9a53-0f5d0f3b2b11"], "saved": 1},
        "duration": 4,
        "visit": {"last": "today", "count": 1},
        "when": "2024-03-01 12:00:00+02:00",
        "title": "Home",
    }
    default = diff(a, b)
    assert default.equal
    assert len(default.hidden) == 8
    assert default.summary() == "equal (8 volatile hidden)"
    full = diff(a, b, include_volatile=True)
    assert {c.path for c in full.changes} == {c.path for c in default.hidden}
    assert full.hidden == ()


def test_volatile_key_names() -> None:
    for name in ("id", "ID", "profile_id", "sessionId", "x-request-id", "insert", "Duration"):
        assert is_volatile_key(name), name
    for name in ("email", "type", "valid", "android", "identity", "last", "current"):
        assert not is_volatile_key(name), name
    assert is_volatile_key("last", parent="visit")


def test_events_with_regenerated_ids_pair_by_type() -> None:
    customer = {"events": [{"id": "c1", "type": "view", "p": 1}, {"id": "c2", "type": "buy"}]}
    local = {"events": [{"id": "l2", "type": "buy"}, {"id": "l1", "type": "view", "p": 2}]}
    result = diff(customer, local)
    assert [c.path for c in result.changes] == ["events[type=view].p"]
    assert {c.path for c in result.hidden} == {"events[type=view].id", "events[type=buy].id"}


def test_repeated_types_align_in_order() -> None:
    logs = [{"type": "info", "message": f"step {i}"} for i in range(6)]
    edited = [*logs[:2], {"type": "error", "message": "boom"}, *logs[2:]]
    edited[5] = {"type": "info", "message": "other"}
    result = diff({"logs": logs}, {"logs": edited})
    assert [(c.path, c.kind) for c in result.changes] == [
        ("logs[2]", "added"),
        ("logs[4].message", "changed"),
    ]


def test_long_lists_of_plain_values_insert_one_value() -> None:
    a = list(range(3000))
    b = [*a[:1500], -1, *a[1500:]]
    result = diff(a, b)
    assert [(c.path, c.kind, c.new) for c in result.changes] == [("[1500]", "added", -1)]


def test_type_changes_and_the_whole_document() -> None:
    assert [(c.path, c.kind) for c in diff({"a": [1]}, {"a": {"0": 1}}).changes] == [
        ("a", "changed")
    ]
    top = diff([1], {"a": 1})
    assert [(c.path, c.kind) for c in top.changes] == [("", "changed")]
    assert diff(1, 1.0).equal


def test_ignore_patterns() -> None:
    a = {
        "events": [{"id": "e1", "meta": {"x": 1}, "p": 1}, {"id": "e2", "meta": {"x": 2}}],
        "profile": {"traits": {"a": 1, "b": 1}, "stats": {"views": 1}},
    }
    b = {
        "events": [{"id": "e1", "meta": {"x": 9}, "p": 2}, {"id": "e2", "meta": {"x": 8}}],
        "profile": {"traits": {"a": 2, "b": 2}, "stats": {"views": 2}},
    }

    def paths(*ignore: str) -> list[str]:
        return [c.path for c in diff(a, b, ignore=ignore).changes]

    assert paths("events.meta") == [
        "events[id=e1].p",
        "profile.traits.a",
        "profile.traits.b",
        "profile.stats.views",
    ]
    assert paths("events[*].meta", "profile.*.a") == [
        "events[id=e1].p",
        "profile.traits.b",
        "profile.stats.views",
    ]
    assert paths("**.x", "**.views") == ["events[id=e1].p", "profile.traits.a", "profile.traits.b"]
    assert paths("events[id=e1]", "profile") == ["events[id=e2].meta.x"]
    assert paths("**") == []
    assert diff(a, b, ignore=["profile"]).ignored == ("profile",)


@pytest.mark.parametrize("bad", ["", "  ", "a..b", "a.", "a[", "a[x]", "a[id=1#0]", 'a["x]'])
def test_unreadable_patterns_are_refused(bad: str) -> None:
    with pytest.raises(PathError):
        diff({"a": 1}, {"a": 2}, ignore=[bad])


def test_paths_quote_awkward_keys() -> None:
    segments = ("a.b", "[x]", 'q"', " pad ", "*", Selector("id", "5"), Selector("id", 5), 0)
    text = format_path(segments)
    assert text == '["a.b"]["[x]"]["q\\""][" pad "]["*"][id="5"][id=5][0]'
    assert parse_path(text) == segments
    assert format_path(["events", Selector("id", "0d2d9dc5-0d60"), "type"]) == (
        "events[id=0d2d9dc5-0d60].type"
    )


def test_resolve_path_errors_name_the_step() -> None:
    with pytest.raises(PathError, match="no key 'b'"):
        resolve_path({"a": {}}, "a.b")
    with pytest.raises(PathError, match="no element"):
        resolve_path({"a": []}, "a[id=x]")


def test_change_is_a_plain_value() -> None:
    change = Change("a", "changed", 1, 2)
    assert change == Change("a", "changed", 1, 2, ("a",))
    assert change.to_dict() == {"path": "a", "kind": "changed", "old": 1, "new": 2}


def test_big_shuffled_event_lists_report_only_real_changes() -> None:
    rng = random.Random(3)
    events = [{"id": f"e{i}", "type": "view", "n": i, "tags": ["a", "b"]} for i in range(2000)]
    other = [dict(e) for e in events]
    for index in rng.sample(range(2000), 20):
        other[index]["n"] = -1
    rng.shuffle(other)
    result = diff({"events": events}, {"events": other})
    assert len(result.changes) == 20
    assert all(c.path.startswith("events[id=e") and c.path.endswith("].n") for c in result.changes)
