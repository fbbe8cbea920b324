"""The specialised quiet-path operations do exactly what ``apply_quietly`` does.

Random operations of every kind on random profiles (objects, lists, scalars and
``null`` on the way to the target, numbers, booleans, texts): the profile after,
the failure raised, and the stored profile that the copy-on-write must never
change are compared with the reference.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.flow.operations import Operation, OperationFailed
from workbench.core.flow.quick_ops import quick_operation

_keys = st.sampled_from(["a", "b", "0", "1"])
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(-2, 2, allow_nan=False),
    st.text(alphabet="ab", max_size=2),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_keys, inner, max_size=3)),
    max_leaves=8,
)


def _path(root: str, keys: list[str]) -> str:
    return f"{root}@{'.'.join(keys)}"


@st.composite
def _operations(draw: st.DrawFn) -> Operation:
    kind = draw(st.sampled_from(["set", "set_if_empty", "append", "increment", "delete"]))
    target = _path("profile", ["x", *draw(st.lists(_keys, min_size=0, max_size=3))])
    data: dict[str, Any] = {"op": kind, "target": target}
    if kind != "delete":
        source = draw(st.sampled_from(["from", "value", "none"]))
        if source == "from":
            root = draw(st.sampled_from(["event", "profile", "session"]))
            data["from"] = _path(root, draw(st.lists(_keys, min_size=1, max_size=3)))
        elif source == "value" or kind != "increment":
            data["value"] = (
                draw(st.one_of(st.integers(-3, 3), st.floats(-2, 2, allow_nan=False)))
                if kind == "increment"
                else draw(_values)
            )
    if kind == "append":
        data["unique"] = draw(st.booleans())
    return Operation.from_dict(data)


def _apply(
    apply: Any, profile: dict[str, Any], roots: dict[str, Any]
) -> tuple[dict[str, Any], str | None]:
    try:
        apply(profile, roots, set())
    except OperationFailed as exc:
        return profile, str(exc)
    return profile, None


@settings(max_examples=600, deadline=None)
@given(
    st.lists(_operations(), min_size=1, max_size=4),
    st.fixed_dictionaries({"x": _values}, optional={"y": _values}),
    _values,
    _values,
)
def test_quick_operations_do_what_the_reference_does(
    operations: list[Operation], stored: dict[str, Any], event: Any, session: Any
) -> None:
    snapshot = copy.deepcopy(stored)
    reference = dict(stored)  # a shallow copy, as the engine gets it
    quick = dict(stored)
    reference_roots = {"event": event, "session": session, "profile": reference}
    quick_roots = {"event": event, "session": session, "profile": quick}
    reference_owned: set[int] = set()
    quick_owned: set[int] = set()
    for operation in operations:
        expected: str | None = None
        try:
            operation.apply_quietly(reference, reference_roots, reference_owned)
        except OperationFailed as exc:
            expected = str(exc)
        got: str | None = None
        try:
            quick_operation(operation)(quick, quick_roots, quick_owned)
        except OperationFailed as exc:
            got = str(exc)
        assert got == expected
        assert quick == reference
        assert stored == snapshot  # the stored profile is never changed in place


def test_unique_append_of_a_listed_value_changes_nothing() -> None:
    operation = Operation.from_dict(
        {
            "op": "append",
            "target": "profile@data.preferences.purchases",
            "value": "shoe",
            "unique": True,
        }
    )
    stored = {"data": {"preferences": {"purchases": ["shoe"]}}}
    profile = dict(stored)
    quick_operation(operation)(profile, {"profile": profile}, set())
    assert profile["data"] is stored["data"]  # nothing written, so nothing copied


def test_increment_copies_only_the_path_it_writes() -> None:
    operation = Operation.from_dict({"op": "increment", "target": "profile@stats.counters.views"})
    stored: dict[str, Any] = {"stats": {"counters": {"views": 1}, "other": {"k": 1}}, "data": {}}
    profile = dict(stored)
    quick_operation(operation)(profile, {"profile": profile}, set())
    assert profile["stats"]["counters"]["views"] == 2
    assert stored["stats"]["counters"]["views"] == 1
    assert profile["stats"]["other"] is stored["stats"]["other"]
    assert profile["data"] is stored["data"]


_EDGES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({"x": True}, {"op": "increment", "target": "profile@x"}),
    ({"x": "3"}, {"op": "increment", "target": "profile@x", "value": 2}),
    ({"x": 1.5}, {"op": "increment", "target": "profile@x", "value": 0}),
    ({"x": 1}, {"op": "increment", "target": "profile@x", "value": 0.0}),
    ({"x": None}, {"op": "increment", "target": "profile@x.a"}),
    ({"x": 4}, {"op": "increment", "target": "profile@x.a"}),
    ({"x": [1, {"a": 1}]}, {"op": "increment", "target": "profile@x.1.a"}),
    ({"x": [1]}, {"op": "set", "target": "profile@x.0", "value": 2}),
    ({"x": [1]}, {"op": "set", "target": "profile@x.5", "value": 2}),
    ({"x": "text"}, {"op": "set", "target": "profile@x.a.b", "value": 2}),
    ({"x": {"a": None}}, {"op": "set", "target": "profile@x.a.b", "value": {"c": [1]}}),
    ({"x": {"a": 1}}, {"op": "set", "target": "profile@x.a", "value": True}),
    ({"x": {"a": 1}}, {"op": "set", "target": "profile@x.a", "value": 1.0}),
    ({"x": {"a": ""}}, {"op": "set_if_empty", "target": "profile@x.a", "value": 1}),
    ({"x": {"a": 0}}, {"op": "set_if_empty", "target": "profile@x.a", "value": 1}),
    ({"x": {"a": "s"}}, {"op": "append", "target": "profile@x.a", "value": 1}),
    ({"x": {"a": [True]}}, {"op": "append", "target": "profile@x.a", "value": 1, "unique": True}),
    ({"x": {"a": [1]}}, {"op": "append", "target": "profile@x.a", "value": 1, "unique": True}),
    ({"x": {"a": [1]}}, {"op": "delete", "target": "profile@x.a.0"}),
    ({"x": [{"a": 1}]}, {"op": "delete", "target": "profile@x.0.a"}),
    ({"x": 1}, {"op": "set", "target": "profile@x", "from": "event@0.a"}),
    ({"x": 1}, {"op": "increment", "target": "profile@x", "from": "event@1"}),
    ({"x": 1}, {"op": "increment", "target": "profile@x", "from": "session@a"}),
    ({"x": 1}, {"op": "set", "target": "profile@y", "from": "profile@x"}),
]


@pytest.mark.parametrize(("stored", "definition"), _EDGES)
def test_edge_cases_go_the_reference_way(stored: dict[str, Any], definition: dict) -> None:
    operation = Operation.from_dict(definition)
    event: Any = [{"a": [1]}, True]
    roots_of = lambda profile: {"event": event, "session": None, "profile": profile}  # noqa: E731
    reference, quick = copy.deepcopy(stored), copy.deepcopy(stored)
    assert _apply(operation.apply_quietly, reference, roots_of(reference)) == _apply(
        quick_operation(operation), quick, roots_of(quick)
    )
