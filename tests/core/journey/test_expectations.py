"""Expectation operators: what holds, what does not, and how a failure reads."""

from __future__ import annotations

from typing import Any

import pytest

from workbench.core.answer_paths import MISSING
from workbench.core.journey.expectations import ExpectationError, parse_expectation


def holds(spec: Any, actual: Any) -> bool:
    return parse_expectation("debug@x", spec).check(actual) is None


@pytest.mark.parametrize(
    ("spec", "actual", "expected"),
    [
        (200, 200, True),
        (200, 200.0, True),
        (1, True, False),  # JSON: true is not 1
        (True, 1, False),
        ({"a": [1, 2]}, {"a": [1, 2]}, True),
        ({"a": [1, 2]}, {"a": [2, 1]}, False),
        (None, None, True),
        (None, MISSING, False),  # null is a value; a missing field is not null
        ({"eq": {"ge": 1}}, {"ge": 1}, True),  # an object with an operator's name
        ({"plan": "pro"}, {"plan": "pro"}, True),  # keys that are no operator: an object
        ({"ne": 3}, 4, True),
        ({"ne": 3}, MISSING, True),
        ({"ne": 3}, 3, False),
        ({"exists": True}, None, True),
        ({"exists": True}, MISSING, False),
        ({"exists": False}, MISSING, True),
        ({"absent": True}, MISSING, True),
        ({"absent": True}, 0, False),
        ({"contains": "shoe"}, "Nike shoes", True),
        ({"contains": "boot"}, "Nike shoes", False),
        ({"contains": "customer"}, ["visitor", "customer"], True),
        ({"contains": {"type": "purchase"}}, [{"type": "purchase", "id": 1}], True),
        ({"contains": {"type": "refund"}}, [{"type": "purchase"}], False),
        ({"contains": "email"}, {"email": "a@b"}, True),
        ({"contains": {"plan": "pro"}}, {"plan": "pro", "x": 1}, True),
        ({"contains": 1}, 12, False),
        ({"contains": "x"}, MISSING, False),
        ({"matches": "^[0-9a-f-]{36}$"}, "0d2d9dc5-0d60-471e-956f-8766dcb8aba2", True),
        ({"matches": "^a"}, "ba", False),
        ({"matches": "1"}, 1, False),  # only strings match
        ({"gt": 1}, 2, True),
        ({"gt": 2}, 2, False),
        ({"ge": 2}, 2, True),
        ({"lt": 2}, 1.5, True),
        ({"le": 1}, 2, False),
        ({"ge": 1}, True, False),  # a boolean is not a number
        ({"ge": 1}, "2", False),
        ({"ge": "2024-01-01"}, "2024-05-01T00:00:00Z", True),  # ISO strings compare
        ({"ge": 1, "le": 3}, 2, True),
        ({"ge": 1, "le": 3}, 4, False),
        ({"len": 2}, [1, 2], True),
        ({"len": 2}, "ab", True),
        ({"len": 2}, {"a": 1}, False),
        ({"len": {"ge": 1}}, ["x"], True),
        ({"len": {"ge": 1}}, [], False),
        ({"len": 0}, MISSING, False),
        ({"len": 1}, 5, False),
        ({"type": "string"}, "x", True),
        ({"type": "number"}, 3, True),  # an integer is a number
        ({"type": "integer"}, 3.5, False),
        ({"type": "boolean"}, 0, False),
        ({"type": ["object", "null"]}, None, True),
        ({"type": "array"}, MISSING, False),
    ],
)
def test_operators(spec: Any, actual: Any, expected: bool) -> None:
    assert holds(spec, actual) is expected


def test_failures_say_path_expected_and_actual() -> None:
    failure = parse_expectation("debug@events.saved", {"ge": 3}).check(1)
    assert failure is not None
    assert str(failure) == "debug@events.saved: expected ≥ 3, got 1"
    failure = parse_expectation("response@profile.id", "p-1").check(MISSING)
    assert str(failure) == 'response@profile.id: expected "p-1", got (missing)'
    failure = parse_expectation("debug@logs", {"len": {"le": 1}}).check([1, 2, 3])
    assert str(failure) == "debug@logs: expected a length ≤ 1, got [1, 2, 3] (length 3)"
    failure = parse_expectation("debug@x", {"type": "string"}).check(5)
    assert str(failure) == "debug@x: expected a value of type string, got 5 (integer)"
    failure = parse_expectation("debug@x", {"matches": "^a+$"}).check("b")
    assert str(failure) == 'debug@x: expected a string matching /^a+$/, got "b"'
    long = parse_expectation("response", {"eq": 1}).check("x" * 500)
    assert long is not None
    assert len(long.actual) <= 120
    assert long.actual.endswith("…")


@pytest.mark.parametrize(
    ("spec", "field", "fragment"),
    [
        ({"gee": 1}, ("gee",), "did you mean 'ge'?"),
        ({"ge": 1, "foo": 2}, (), "mixes operators (ge) with other keys (foo)"),
        ({"exists": "yes"}, ("exists",), "true or false"),
        ({"matches": "("}, ("matches",), "not a regular expression"),
        ({"matches": 5}, ("matches",), "regular expression"),
        ({"ge": [1]}, ("ge",), "takes a number"),
        ({"len": -1}, ("len",), "whole number"),
        ({"len": {"contains": 1}}, ("len", "contains"), "unknown operator 'contains'"),
        ({"type": "text"}, ("type",), "type takes one of"),
        ({"type": []}, ("type",), "type takes one of"),
    ],
)
def test_bad_expectations_are_rejected(spec: Any, field: tuple[str, ...], fragment: str) -> None:
    with pytest.raises(ExpectationError) as info:
        parse_expectation("debug@x", spec)
    assert fragment in info.value.message
    assert info.value.field == field
