"""Answer paths: parsing with precise errors, formatting tree positions, resolving."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.core.answer_paths import (
    DOCUMENT_ROOTS,
    MISSING,
    ROOTS,
    AnswerPath,
    AnswerPathError,
    AnswerRoots,
    format_answer_path,
    json_pointer,
    parse_answer_path,
    parse_json_pointer,
)
from workbench.core.flow.paths import PathError


@pytest.mark.parametrize(
    ("text", "root", "keys", "notation"),
    [
        ("status", "status", (), "dot"),
        ("time_ms", "time_ms", (), "dot"),
        ("debug", "debug", (), "dot"),
        ("debug@profile.new", "debug", ("profile", "new"), "dot"),
        ("response@profile.id", "response", ("profile", "id"), "dot"),
        ("headers@content-type", "headers", ("content-type",), "dot"),
        ("debug@events.items.0.type", "debug", ("events", "items", "0", "type"), "dot"),
        (
            "profile@stats.counters.add-to-cart",
            "profile",
            ("stats", "counters", "add-to-cart"),
            "dot",
        ),
        ("session@$meta", "session", ("$meta",), "dot"),
        ("/profile/id", "response", ("profile", "id"), "pointer"),
        ("/a~1b/c~0d", "response", ("a/b", "c~d"), "pointer"),
        ("/", "response", ("",), "pointer"),
        ("debug#/profile/new", "debug", ("profile", "new"), "pointer"),
        ("response#/odd key/x.y", "response", ("odd key", "x.y"), "pointer"),
        ("response#", "response", (), "pointer"),
    ],
)
def test_parse_valid(text: str, root: str, keys: tuple[str, ...], notation: str) -> None:
    path = parse_answer_path(text)
    assert path == AnswerPath(root, keys)
    assert path.notation == notation


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("", 0, "empty path"),
        ("debugg@profile.new", 0, "did you mean 'debug'"),
        ("body@x", 0, "unknown root 'body'"),
        ("status@code", 6, "status is a number"),
        ("time_ms#/x", 7, "time_ms is a number"),
        ("debug@", 6, "field name after '@'"),
        ("debug@profile.", 14, "field name after '.'"),
        ("debug@profile..new", 14, "field name after '.'"),
        ("debug@pro file", 9, "unexpected character ' '"),
        ("debug:profile", 5, "expected '@'"),
        ("debug@profile[0]", 13, "unexpected character '['"),
        ("/a~2", 2, "'~' in a JSON Pointer"),
        ("debug#/a~", 8, "'~' in a JSON Pointer"),
        ("debug#profile", 6, "starts with '/'"),
        ("1debug", 0, "a path starts with a root"),
    ],
)
def test_parse_errors_name_the_character(text: str, position: int, fragment: str) -> None:
    with pytest.raises(AnswerPathError) as info:
        parse_answer_path(text)
    assert info.value.position == position
    assert fragment in info.value.message
    assert isinstance(info.value, PathError)  # one error family with the flow paths


def test_non_string_is_an_error() -> None:
    with pytest.raises(AnswerPathError, match="must be a string"):
        parse_answer_path(5)  # type: ignore[arg-type]


def test_format_tree_positions() -> None:
    assert format_answer_path("debug", ["profile", "new"]) == "debug@profile.new"
    assert (
        format_answer_path("debug", ["events", "items", 0, "type"]) == "debug@events.items.0.type"
    )
    assert format_answer_path("response") == "response"
    assert format_answer_path("status") == "status"
    assert format_answer_path("response", ["a.b", "c"]) == "response#/a.b/c"
    assert format_answer_path("response", ["x/y", "~"]) == "response#/x~1y/~0"
    with pytest.raises(ValueError, match="unknown root"):
        format_answer_path("body", ["x"])
    with pytest.raises(ValueError, match="number"):
        format_answer_path("status", ["x"])


def test_path_objects_navigate_and_compare() -> None:
    base = parse_answer_path("debug@events")
    item = base.child("items").child(0)
    assert item.text == "debug@events.items.0"
    assert item.pointer == "/events/items/0"
    assert item.dotted == "events.items.0"
    assert item.is_within(base)
    assert not base.is_within(item)
    assert parse_answer_path("debug#/profile/new") == parse_answer_path("debug@profile.new")
    assert str(parse_answer_path("debug#/profile/new")) == "debug#/profile/new"
    with pytest.raises(ValueError):
        AnswerPath("status", ("x",))


_ANY_KEY = st.text(max_size=6) | st.integers(min_value=0, max_value=99)


@given(st.sampled_from(DOCUMENT_ROOTS), st.lists(_ANY_KEY, max_size=5))
def test_format_parses_back_to_the_same_place(root: str, keys: list[str | int]) -> None:
    text = format_answer_path(root, keys)
    path = parse_answer_path(text)
    assert path.root == root
    assert path.keys == tuple(str(k) for k in keys)


@given(st.lists(st.text(max_size=6), max_size=5))
def test_pointer_round_trip(keys: list[str]) -> None:
    assert parse_json_pointer(json_pointer(keys)) == tuple(keys)


@given(st.text(max_size=30))
def test_parse_never_fails_otherwise(text: str) -> None:
    try:
        path = parse_answer_path(text)
    except AnswerPathError as exc:
        assert 0 <= exc.position <= len(text)
    else:
        assert path.root in ROOTS


def _exchange() -> dict[str, Any]:
    return {
        "response": {
            "status": 200,
            "headers": {"content-type": "application/json", "x-odd.name": "1"},
            "json": {"profile": {"id": "p-1"}, "events": ["e-1", "e-2"], "a.b": {"": 3}},
            "body_text": "{}",
        },
        "timings": {"total_ms": 12.5},
        "view": {
            "format": "documented",
            "profile": {"id": "p-1", "new": True, "data": {"stats": {"visits": 2}}},
            "session": {"id": "s-1", "new": False, "data": None},
            "events": {"saved": 2, "ids": ["e-1", "e-2"], "items": [{"type": "page-view"}]},
            "logs": [],
        },
    }


def test_resolve_against_an_exchange() -> None:
    roots = AnswerRoots.from_exchange_dict(_exchange())
    assert roots.resolve("status") == 200
    assert roots.resolve("time_ms") == 12.5
    assert roots.resolve("headers@Content-Type") == "application/json"
    assert roots.resolve("headers#/X-ODD.NAME") == "1"
    assert roots.resolve("response@profile.id") == "p-1"
    assert roots.resolve("/profile/id") == "p-1"
    assert roots.resolve("response@events.1") == "e-2"
    assert roots.resolve("response#/a.b/") == 3
    assert roots.resolve("debug@profile.new") is True
    assert roots.resolve("debug@events.saved") == 2
    assert roots.resolve("debug@events.items.0.type") == "page-view"
    assert roots.resolve("debug@logs") == []
    assert roots.resolve("profile@stats.visits") == 2
    assert roots.resolve("session@id") is MISSING  # no stored session was read
    assert not roots.available("session")
    assert roots.resolve("response@events.7") is MISSING
    assert roots.resolve("response@profile.id.x") is MISSING
    assert roots.resolve("response@events.x") is MISSING


def test_locate_gives_tree_positions() -> None:
    roots = AnswerRoots.from_exchange_dict(_exchange())
    assert roots.locate("debug@events.items.0.type") == ("events", "items", 0, "type")
    assert roots.locate("headers@CONTENT-TYPE") == ("content-type",)
    assert roots.locate("debug") == ()
    assert roots.locate("debug@nothing") is None


def test_explicit_documents_and_missing_answers() -> None:
    roots = AnswerRoots.from_exchange_dict(
        {"response": {"status": None}, "view": None}, session={"id": "s-9"}
    )
    assert roots.resolve("session@id") == "s-9"
    assert roots.resolve("response") is MISSING
    assert roots.resolve("status") is MISSING
    assert roots.resolve("debug@profile") is MISSING
    text = AnswerRoots.from_exchange_dict(
        {"response": {"status": 502, "json": None, "body_text": "Bad gateway"}}
    )
    assert text.resolve("response") == "Bad gateway"
    with pytest.raises(KeyError):
        roots.value("body")
