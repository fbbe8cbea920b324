"""Rows of the answer's places and their answer paths: each names the other."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.answer_paths import AnswerRoots, parse_answer_path
from workbench.core.answer_places import (
    Place,
    answer_row,
    answer_row_path,
    place_of,
    row_path,
    search_path,
)
from workbench.core.debug_view import SECTIONS

PROFILE = {"id": "p-1", "traits": {"email": "ann@example.com"}, "stats": {"visits": 2}}
VIEW: dict[str, Any] = {
    "format": "current",
    "profile_id": "p-1",
    "verdict": "profile p-1 · 1 event saved",
    "profile": {"id": "p-1", "new": False, "saved": 1, "data": PROFILE},
    "session": {"id": "s-1", "new": True, "saved": 1, "data": None},
    "events": {"saved": 1, "ids": ["e-1"], "items": [{"type": "buy", "properties": {"a.b": 1}}]},
    "execution": {"e-1": {"rules": ["r"]}},
    "logs": [{"message": "hello"}],
}
BODY = {"profile": {"id": "p-1"}, "debugging": {"events": {"ids": ["e-1"]}}, "odd key": {"~/": 1}}
EXCHANGE = {
    "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "json": BODY},
    "timings": {"total_ms": 12.5},
    "view": VIEW,
}


def roots() -> AnswerRoots:
    return AnswerRoots.from_exchange_dict(EXCHANGE)


@pytest.mark.parametrize(
    ("place", "keys", "pointer", "expected"),
    [
        ("profile", ("data", "traits", "email"), False, "profile@traits.email"),
        ("profile", ("data", "traits", "email"), True, "profile#/traits/email"),
        ("profile", ("data",), False, "profile"),
        ("profile", ("new",), False, "debug@profile.new"),
        ("session", ("data", "context"), False, "session@context"),
        ("events", ("saved",), False, "debug@events.saved"),
        (
            "events",
            ("items", 0, "properties", "a.b"),
            False,
            "debug#/events/items/0/properties/a.b",
        ),
        ("events", ("ids", 0), True, "debug#/events/ids/0"),
        ("execution", ("e-1", "rules", 0), False, "debug@execution.e-1.rules.0"),
        ("body", ("debugging", "events", "ids", 0), False, "response@debugging.events.ids.0"),
        ("body", ("debugging", "events", "ids", 0), True, "/debugging/events/ids/0"),
        ("body", ("odd key", "~/"), False, "response#/odd key/~0~1"),
        ("body", (), False, "response"),
    ],
)
def test_row_paths(place: str, keys: tuple[Any, ...], pointer: bool, expected: str) -> None:
    assert row_path(place, keys, pointer=pointer) == expected


def test_row_path_names_an_unknown_place() -> None:
    with pytest.raises(ValueError, match="unknown place 'nowhere'"):
        row_path("nowhere", ())


@pytest.mark.parametrize(
    ("path", "place"),
    [
        ("profile@traits.email", Place("section", "profile", ("data", "traits", "email"))),
        ("profile#/traits/email", Place("section", "profile", ("data", "traits", "email"))),
        ("debug@profile.new", Place("section", "profile", ("new",))),
        ("debug@events.items.0.type", Place("section", "events", ("items", 0, "type"))),
        ("debug@logs.0.message", Place("section", "logs", (0, "message"))),
        ("response@profile.id", Place("body", keys=("profile", "id"))),
        ("/debugging/events/ids/0", Place("body", keys=("debugging", "events", "ids", 0))),
        ("headers@content-type", Place("headers", "Content-Type")),
        ("status", Place("value", "status")),
        ("time_ms", Place("value", "time_ms")),
        ("debug@verdict", Place("value", "debug", ("verdict",))),
    ],
)
def test_place_of_a_path(path: str, place: Place) -> None:
    assert place_of(roots(), path) == place


@pytest.mark.parametrize(
    "path",
    ["profile@traits.phone", "session@context", "response@nothing", "debug@logs.7", "headers@x"],
)
def test_nothing_there_is_no_place(path: str) -> None:
    assert place_of(roots(), path) is None


def test_a_stored_document_not_in_the_view_is_a_plain_value() -> None:
    """A profile read from a store (not carried by the debug view) has no tree row."""
    handed = AnswerRoots(debug=VIEW, profile={"traits": {"plan": "pro"}})
    assert place_of(handed, "profile@traits.plan") == Place("value", "profile", ("traits", "plan"))


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("profile@traits.email", "profile@traits.email"),
        ("  debug@events.saved ", "debug@events.saved"),
        ("/profile/id", "response@profile.id"),
        ("debug#/logs/0", "debug@logs.0"),  # equal: the notation is not part of the path
        ("status", None),  # a word: searched for, not a path
        ("profile", None),
        ("ann@example.com", None),  # an e-mail address is not a root
        ("debug@", None),
        ("", None),
    ],
)
def test_search_text_that_is_a_path(text: str, path: str | None) -> None:
    found = search_path(text)
    assert found == (parse_answer_path(path) if path else None)


_keys = st.one_of(st.text(max_size=6), st.sampled_from(["data", "a.b", "~1", "", "0"]))
_json = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=4)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_keys, inner, max_size=3)),
    max_leaves=12,
)


def _rows(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    rows = []
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, child in items:
        rows.append((*prefix, key))
        rows.extend(_rows(child, (*prefix, key)))
    return rows


@settings(max_examples=60, deadline=None)
@given(section=st.sampled_from(SECTIONS), document=_json, pointer=st.booleans(), body=st.booleans())
def test_every_row_path_leads_back_to_its_row(
    section: str, document: Any, pointer: bool, body: bool
) -> None:
    """Copy path, then paste it: whatever the keys, the same row of the same place."""
    view: dict[str, Any] = {"format": "documented", section: document}
    if section in ("profile", "session"):
        view[section] = {"id": "x", "data": document}
    exchange = {"response": {"status": 200, "headers": {}, "json": document}, "view": view}
    found = AnswerRoots.from_exchange_dict(exchange)
    tree = document if body else view[section]
    for keys in _rows(tree):
        text = row_path("body" if body else section, keys, pointer=pointer)
        parse_answer_path(text)  # always a valid path
        place = place_of(found, text)
        expected = Place("body", keys=keys) if body else Place("section", section, keys)
        assert place == expected, text


ANSWER = {"status": 200, "headers": {"Content-Type": "application/json"}, "body": BODY}


@pytest.mark.parametrize(
    ("keys", "pointer", "path"),
    [
        (("status",), False, "status"),
        (("headers", "Content-Type"), False, "headers@Content-Type"),
        (("headers", "Content-Type"), True, "headers#/Content-Type"),
        (("body", "profile", "id"), False, "response@profile.id"),
        (("body", "profile", "id"), True, "/profile/id"),
        (("body", "odd key", "~/"), False, "response#/odd key/~0~1"),
    ],
)
def test_rows_of_a_whole_answer(keys: tuple[Any, ...], pointer: bool, path: str) -> None:
    """A row's path, and the path back to the row (header names in any case)."""
    assert answer_row_path(keys, pointer=pointer) == path
    assert answer_row(ANSWER, path) == keys


def test_paths_a_whole_answer_does_not_hold() -> None:
    assert answer_row(ANSWER, "headers@content-type") == ("headers", "Content-Type")
    assert answer_row(ANSWER, "response@nothing") is None
    assert answer_row(ANSWER, "debug@events.saved") is None
    assert answer_row({"body": None}, "status") is None
    with pytest.raises(ValueError, match="under 'other'"):
        answer_row_path(("other",))
