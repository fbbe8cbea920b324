"""Rule operations: each kind, checks at save time, failures at run time."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from workbench.core.flow.operations import (
    DefinitionError,
    Operation,
    OperationFailed,
    OperationSkipped,
    known_field_type,
)
from workbench.core.flow.paths import MISSING, parse_path


def op(**data: Any) -> Operation:
    return Operation.from_dict(data)


def roots(event: dict[str, Any] | None = None, profile: dict[str, Any] | None = None) -> dict:
    return {
        "event": event or {},
        "session": {"context": {"device": "iPhone X"}},
        "profile": profile,
    }


def test_set_from_event() -> None:
    profile: dict[str, Any] = {}
    operation = op(op="set", target="profile@traits.plan", **{"from": "event@properties.plan"})
    change = operation.apply(profile, roots({"properties": {"plan": "pro"}}, profile))
    assert profile == {"traits": {"plan": "pro"}}
    assert change is not None
    assert change.to_dict() == {
        "path": "profile@traits.plan",
        "operation": "set",
        "after": "pro",
    }
    assert operation.describe() == "profile@traits.plan = event@properties.plan"


def test_set_literal_and_unchanged_value() -> None:
    profile: dict[str, Any] = {"traits": {"vip": True}}
    operation = op(op="set", target="profile@traits.vip", value=True)
    assert operation.apply(profile, roots()) is None
    operation = op(op="set", target="profile@traits.vip", value=False)
    change = operation.apply(profile, roots())
    assert change is not None
    assert (change.before, change.after) == (True, False)


def test_set_from_session_and_missing_source_skips() -> None:
    profile: dict[str, Any] = {}
    operation = op(op="set", target="profile@traits.device", **{"from": "session@context.device"})
    operation.apply(profile, roots())
    assert profile["traits"]["device"] == "iPhone X"
    missing = op(op="set", target="profile@traits.x", **{"from": "event@properties.nope"})
    with pytest.raises(OperationSkipped, match=r"event@properties\.nope is missing"):
        missing.apply(profile, roots())


def test_set_if_empty() -> None:
    profile: dict[str, Any] = {"traits": {"a": "", "b": "kept"}}
    operation_a = op(op="set_if_empty", target="profile@traits.a", value="filled")
    operation_b = op(op="set_if_empty", target="profile@traits.b", value="lost")
    operation_a.apply(profile, roots())
    with pytest.raises(OperationSkipped, match="already has a value"):
        operation_b.apply(profile, roots())
    assert profile["traits"] == {"a": "filled", "b": "kept"}


def test_append_creates_and_extends_lists() -> None:
    profile: dict[str, Any] = {}
    operation = op(op="append", target="profile@traits.cart", **{"from": "event@properties.p"})
    operation.apply(profile, roots({"properties": {"p": "shoe"}}))
    change = operation.apply(profile, roots({"properties": {"p": "sock"}}))
    assert profile["traits"]["cart"] == ["shoe", "sock"]
    assert change is not None
    assert change.before == ["shoe"]


def test_append_to_a_non_list_fails_at_run_time() -> None:
    profile: dict[str, Any] = {"traits": {"cart": "oops"}}
    operation = op(op="append", target="profile@traits.cart", value="x")
    with pytest.raises(OperationFailed, match="holds a string, not a list"):
        operation.apply(profile, roots())
    assert profile["traits"]["cart"] == "oops"


def test_increment() -> None:
    profile: dict[str, Any] = {"stats": {"views": 2}}
    op(op="increment", target="profile@stats.views").apply(profile, roots())
    op(op="increment", target="profile@stats.views", value=2.5).apply(profile, roots())
    assert profile["stats"]["views"] == 5.5
    by_event = op(
        op="increment", target="profile@data.metrics.ltv", **{"from": "event@properties.v"}
    )
    by_event.apply(profile, roots({"properties": {"v": 100}}))
    assert profile["data"]["metrics"]["ltv"] == 100


def test_increment_fails_on_text_at_run_time() -> None:
    profile: dict[str, Any] = {"traits": {"score": "high"}}
    with pytest.raises(OperationFailed, match="holds a string, not a number"):
        op(op="increment", target="profile@traits.score").apply(profile, roots())
    by_event = op(op="increment", target="profile@traits.n", **{"from": "event@properties.v"})
    with pytest.raises(OperationFailed, match="not a number"):
        by_event.apply(profile, roots({"properties": {"v": "12"}}))
    with pytest.raises(OperationFailed, match="not a number"):
        by_event.apply(profile, roots({"properties": {"v": True}}))


def test_delete() -> None:
    profile: dict[str, Any] = {"traits": {"cart": ["a"]}}
    change = op(op="delete", target="profile@traits.cart").apply(profile, roots())
    assert profile == {"traits": {}}
    assert change is not None
    assert change.after is MISSING
    assert change.before == ["a"]
    with pytest.raises(OperationSkipped, match="does not exist"):
        op(op="delete", target="profile@traits.cart").apply(profile, roots())


def test_write_through_a_scalar_fails_at_run_time() -> None:
    profile: dict[str, Any] = {"traits": 5}
    with pytest.raises(OperationFailed, match="traits holds a number"):
        op(op="set", target="profile@traits.plan", value="x").apply(profile, roots())


@pytest.mark.parametrize(
    ("data", "field", "fragment"),
    [
        ("set", "", "must be an object"),
        ({"op": "multiply", "target": "profile@x.y"}, "op", "expected one of set"),
        ({"op": "set", "target": "traits.x", "value": 1}, "target", "needs a root"),
        (
            {"op": "set", "target": "event@properties.x", "value": 1},
            "target",
            "unknown root 'event'",
        ),
        ({"op": "set", "target": "profile@id", "value": 1}, "target", "managed by the collector"),
        ({"op": "set", "target": "profile@segments", "value": []}, "target", "managed"),
        ({"op": "set", "target": "profile@traits.x"}, "value", "needs 'from'"),
        ({"op": "set", "target": "profile@a.b", "from": "x@y", "value": 1}, "value", "not both"),
        ({"op": "set", "target": "profile@a.b", "from": "profile@"}, "from", "field name"),
        ({"op": "delete", "target": "profile@a.b", "value": 1}, "value", "takes no value"),
        ({"op": "increment", "target": "profile@a.b", "value": "1"}, "value", "needs a number"),
        ({"op": "increment", "target": "profile@a.b", "value": True}, "value", "needs a number"),
        (
            {"op": "increment", "target": "profile@data.contact.email.main"},
            "target",
            "holds a string; increment needs a number",
        ),
        ({"op": "append", "target": "profile@stats.views", "value": 1}, "target", "append needs"),
        ({"op": "set", "target": "profile@stats.views", "value": "ten"}, "value", "holds a number"),
        ({"op": "set", "target": "profile@a.b", "value": float("nan")}, "value", "finite"),
        ({"op": "set", "target": "profile@a.b", "value": 1, "extra": 2}, "extra", "unknown field"),
    ],
)
def test_definition_errors_name_the_field(data: Any, field: str, fragment: str) -> None:
    with pytest.raises(DefinitionError) as info:
        Operation.from_dict(data)
    assert info.value.field == field
    assert fragment in info.value.message


def test_round_trip_and_known_types() -> None:
    for data in (
        {"op": "set", "target": "profile@traits.a", "from": "event@properties.a"},
        {"op": "append", "target": "profile@traits.l", "value": {"x": [1]}},
        {"op": "increment", "target": "profile@stats.counters.c", "value": 2},
        {"op": "delete", "target": "profile@traits.a"},
    ):
        assert Operation.from_dict(data).to_dict() == data
    assert known_field_type(parse_path("profile@stats.counters.anything")) == "number"
    assert known_field_type(parse_path("profile@traits.free")) is None
    assert known_field_type(parse_path("event@properties.x")) is None


def test_append_unique_skips_values_already_listed() -> None:
    profile: dict[str, Any] = {}
    operation = op(
        op="append", target="profile@data.preferences.purchases", value="shoe", unique=True
    )
    assert operation.to_dict()["unique"] is True
    assert operation.describe().endswith("(unique)")
    operation.apply(profile, roots())
    with pytest.raises(OperationSkipped, match="already holds this value"):
        operation.apply(profile, roots())
    assert profile["data"]["preferences"]["purchases"] == ["shoe"]
    with pytest.raises(DefinitionError, match="only append takes unique"):
        op(op="set", target="profile@traits.a", value=1, unique=True)
    with pytest.raises(DefinitionError, match="expected true or false"):
        op(op="append", target="profile@traits.a", value=1, unique="yes")


_QUIET_OPERATIONS = [
    {"op": "set", "target": "profile@traits.plan", "from": "event@properties.plan"},
    {"op": "set", "target": "profile@traits.plan", "value": "pro"},
    {"op": "set", "target": "profile@traits.tags.first", "value": 1},
    {"op": "set_if_empty", "target": "profile@traits.plan", "from": "event@properties.plan"},
    {"op": "append", "target": "profile@traits.plan", "from": "event@properties.plan"},
    {"op": "append", "target": "profile@traits.tags", "from": "event@properties.plan"},
    {"op": "append", "target": "profile@traits.tags", "value": "a", "unique": True},
    {"op": "increment", "target": "profile@stats.views", "value": 1},
    {"op": "increment", "target": "profile@stats.views", "from": "event@properties.n"},
    {"op": "increment", "target": "profile@traits.plan"},
    {"op": "delete", "target": "profile@traits.plan"},
    {"op": "delete", "target": "profile@traits.absent"},
]
_QUIET_PROFILES: list[dict[str, Any]] = [
    {},
    {"traits": {"plan": "basic", "tags": ["a"]}, "stats": {"views": 2}},
    {"traits": {"plan": "", "tags": "not a list"}, "stats": {"views": "many"}},
    {"traits": "a scalar", "stats": None},
]
_QUIET_EVENTS: list[dict[str, Any]] = [
    {},
    {"properties": {"plan": "pro", "n": 2}},
    {"properties": {"plan": ["x"], "n": "two"}},
]


@pytest.mark.parametrize("data", _QUIET_OPERATIONS)
def test_apply_quietly_writes_and_fails_exactly_as_apply(data: dict[str, Any]) -> None:
    """The collector's no-debugger path must change a profile exactly as the traced one."""
    operation = Operation.from_dict(data)
    for original in _QUIET_PROFILES:
        for event in _QUIET_EVENTS:
            # The quiet run gets a shallow copy of a stored profile and must leave the
            # stored one alone (copy-on-write through *owned*).
            traced, stored = copy.deepcopy(original), copy.deepcopy(original)
            quiet = dict(stored)
            traced_error = quiet_error = None
            try:
                operation.apply(traced, roots(event, traced))
            except OperationSkipped:
                pass
            except OperationFailed as exc:
                traced_error = str(exc)
            try:
                operation.apply_quietly(quiet, roots(event, quiet), set())
            except OperationFailed as exc:
                quiet_error = str(exc)
            assert (quiet, quiet_error) == (traced, traced_error), (original, event)
            assert stored == original, (original, event)
