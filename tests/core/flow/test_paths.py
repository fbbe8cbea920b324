"""Tracardi dot notation: parsing with precise errors, reading, writing, deleting."""

from __future__ import annotations

import pytest

from workbench.core.flow.paths import (
    MISSING,
    FieldPath,
    PathError,
    delete_value,
    parse_path,
    read_value,
    write_value,
)


@pytest.mark.parametrize(
    ("text", "root", "keys"),
    [
        ("profile@traits.plan", "profile", ("traits", "plan")),
        ("event@properties.product", "event", ("properties", "product")),
        ("session@context.device", "session", ("context", "device")),
        ("profile@stats.counters.add-to-cart", "profile", ("stats", "counters", "add-to-cart")),
        ("event@properties.items.0.sku", "event", ("properties", "items", "0", "sku")),
    ],
)
def test_parse_valid_paths(text: str, root: str, keys: tuple[str, ...]) -> None:
    path = parse_path(text)
    assert path == FieldPath(root, keys)
    assert str(path) == text


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("traits.plan", 11, "needs a root and '@'"),
        ("user@traits", 0, "unknown root 'user'"),
        ("profile@", 8, "field name after '@'"),
        ("profile@traits.", 15, "field name after '.'"),
        ("profile@traits..x", 15, "unexpected character '.'"),
        ("profile@tra its", 11, "expected '.' between field names"),
        ("profile@traits.a b", 16, "expected '.'"),
        ("profile@traits.é", 15, "unexpected character 'é'"),
    ],
)
def test_parse_errors_name_the_character(text: str, position: int, fragment: str) -> None:
    with pytest.raises(PathError) as info:
        parse_path(text)
    assert info.value.position == position
    assert fragment in str(info.value)
    assert f"character {position + 1}" in str(info.value)


def test_parse_restricts_roots() -> None:
    with pytest.raises(PathError, match="expected one of profile@"):
        parse_path("event@properties.x", roots=("profile",))


def test_read_value_walks_objects_and_lists() -> None:
    doc = {"a": {"b": [10, {"c": None}]}}
    assert read_value(doc, ("a", "b", "0")) == 10
    assert read_value(doc, ("a", "b", "1", "c")) is None
    assert read_value(doc, ("a", "x")) is MISSING
    assert read_value(doc, ("a", "b", "5")) is MISSING
    assert read_value(doc, ("a", "b", "0", "deeper")) is MISSING
    assert read_value(None, ("a",)) is MISSING


def test_write_creates_objects_on_the_way() -> None:
    doc: dict = {}
    write_value(doc, ("data", "contact", "email", "main"), "a@b.c")
    assert doc == {"data": {"contact": {"email": {"main": "a@b.c"}}}}
    doc["data"]["contact"]["email"] = None
    write_value(doc, ("data", "contact", "email", "main"), "x@y.z")
    assert doc["data"]["contact"]["email"] == {"main": "x@y.z"}


def test_write_refuses_to_walk_through_a_scalar() -> None:
    doc = {"traits": "plain text"}
    with pytest.raises(TypeError, match="traits holds a string, not an object"):
        write_value(doc, ("traits", "plan"), "pro")
    assert doc == {"traits": "plain text"}


def test_write_into_list_item() -> None:
    doc = {"items": [{"a": 1}]}
    write_value(doc, ("items", "0", "a"), 2)
    assert doc == {"items": [{"a": 2}]}
    with pytest.raises(TypeError, match="without an item"):
        write_value(doc, ("items", "3"), 1)


def test_delete_value() -> None:
    doc = {"traits": {"a": 1, "b": [1, 2]}}
    assert delete_value(doc, ("traits", "a")) is True
    assert delete_value(doc, ("traits", "a")) is False
    assert delete_value(doc, ("traits", "b", "0")) is True
    assert doc == {"traits": {"b": [2]}}
    assert delete_value(doc, ()) is False
