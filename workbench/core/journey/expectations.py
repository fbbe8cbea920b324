"""Expectations on answer paths: ``status: 200``, ``debug@events.saved: {ge: 1}``.

An expectation is a path and either a plain value (equality) or a mapping of
operators to arguments, all of which must hold. :func:`parse_expectation` checks
the operators and their arguments when the journey is loaded, so a typo is an
error with its field path before anything is sent; :meth:`Expectation.check`
compares an actual value (after the step) and explains a failure in one line.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from workbench.core.answer_paths import MISSING, AnswerPath, parse_answer_path
from workbench.core.json_types import json_type, json_type_name

__all__ = [
    "OPERATORS",
    "TYPE_NAMES",
    "Check",
    "Expectation",
    "ExpectationError",
    "Failure",
    "describe_value",
    "parse_expectation",
]

OPERATORS: Final = (
    "eq",
    "ne",
    "exists",
    "absent",
    "contains",
    "matches",
    "gt",
    "ge",
    "lt",
    "le",
    "len",
    "type",
)
#: JSON type names for the ``type`` operator.
TYPE_NAMES: Final = ("string", "number", "integer", "boolean", "object", "array", "null")


class ExpectationError(ValueError):
    """An expectation that cannot be checked; ``field`` is where below the path it is wrong."""

    def __init__(self, message: str, field: tuple[str | int, ...] = ()) -> None:
        self.message = message
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class Check:
    """One operator and its argument (``len`` may hold nested checks)."""

    op: str
    argument: Any
    nested: tuple[Check, ...] = ()


@dataclass(frozen=True)
class Failure:
    """Why an expectation did not hold: the path, what was expected, what was there."""

    path: str
    expected: str
    actual: str

    def __str__(self) -> str:
        return f"{self.path}: expected {self.expected}, got {self.actual}"


def describe_value(value: Any, limit: int = 120) -> str:
    """A value as a message shows it: JSON, shortened; ``(missing)`` for no value."""
    if value is MISSING:
        return "(missing)"
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _json_equal(a: Any, b: Any) -> bool:
    """Equality as JSON sees it: ``true`` is not ``1``; ``1`` equals ``1.0``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


def _includes(container: Any, part: Any) -> bool:
    """True when *part* equals *container*, or is an object whose fields *container* has."""
    if isinstance(part, dict) and isinstance(container, dict):
        return all(k in container and _includes(container[k], v) for k, v in part.items())
    return _json_equal(container, part)


def _type_of(value: Any) -> str:
    """The JSON type of *value*, with a whole number told apart as ``integer``."""
    kind = json_type(value)
    return "integer" if kind == "number" and isinstance(value, int) else kind


def _contains(actual: Any, argument: Any) -> bool:
    if isinstance(actual, str):
        return isinstance(argument, str) and argument in actual
    if isinstance(actual, list):
        return any(_includes(item, argument) for item in actual)
    if isinstance(actual, dict):
        if isinstance(argument, str):
            return argument in actual
        return isinstance(argument, dict) and _includes(actual, argument)
    return False


def _compare(op: str, actual: Any, argument: Any) -> bool:
    if _is_number(actual) and _is_number(argument):
        pass
    elif not (isinstance(actual, str) and isinstance(argument, str)):
        return False
    if op == "gt":
        return bool(actual > argument)
    if op == "ge":
        return bool(actual >= argument)
    if op == "lt":
        return bool(actual < argument)
    return bool(actual <= argument)


_WORDS = {"gt": ">", "ge": "≥", "lt": "<", "le": "≤"}


def _holds(check: Check, actual: Any) -> bool:
    op, argument = check.op, check.argument
    if op == "exists":
        return (actual is not MISSING) is bool(argument)
    if op == "absent":
        return (actual is MISSING) is bool(argument)
    if actual is MISSING:
        return op == "ne"
    if op == "eq":
        return _json_equal(actual, argument)
    if op == "ne":
        return not _json_equal(actual, argument)
    if op == "contains":
        return _contains(actual, argument)
    if op == "matches":
        return isinstance(actual, str) and argument.search(actual) is not None
    if op in _WORDS:
        return _compare(op, actual, argument)
    if op == "len":
        if not isinstance(actual, str | list | dict):
            return False
        size = len(actual)
        if check.nested:
            return all(_holds(inner, size) for inner in check.nested)
        return bool(size == argument)
    if op == "type":
        kind = _type_of(actual)
        names = argument if isinstance(argument, tuple) else (argument,)
        return kind in names or (kind == "integer" and "number" in names)
    raise AssertionError(f"unknown operator {op}")


def _expected_text(check: Check) -> str:
    op, argument = check.op, check.argument
    if op == "eq":
        return describe_value(argument)
    if op == "ne":
        return f"anything but {describe_value(argument)}"
    if op == "exists":
        return "a value" if argument else "no value"
    if op == "absent":
        return "no value" if argument else "a value"
    if op == "contains":
        return f"something containing {describe_value(argument)}"
    if op == "matches":
        return f"a string matching /{argument.pattern}/"
    if op in _WORDS:
        return f"{_WORDS[op]} {describe_value(argument)}"
    if op == "len":
        if check.nested:
            return "a length " + " and ".join(_expected_text(c) for c in check.nested)
        return f"a length of {argument}"
    names = argument if isinstance(argument, tuple) else (argument,)
    return "a value of type " + " or ".join(names)


def _actual_text(check: Check, actual: Any) -> str:
    text = describe_value(actual)
    if check.op == "len" and isinstance(actual, str | list | dict):
        return f"{text} (length {len(actual)})"
    if check.op == "type" and actual is not MISSING:
        return f"{text} ({_type_of(actual)})"
    if check.op in _WORDS and actual is not MISSING and not _is_number(actual):
        return f"{text} ({json_type_name(actual)})"
    return text


@dataclass(frozen=True)
class Expectation:
    """``path`` must satisfy every one of ``checks``. ``raw`` is the value as written
    (for saving a journey back and for variable expansion of the arguments)."""

    path: AnswerPath
    checks: tuple[Check, ...]
    raw: Any

    def check(self, actual: Any) -> Failure | None:
        """``None`` when every check holds; else the first one that does not."""
        for check in self.checks:
            if not _holds(check, actual):
                return Failure(self.path.text, _expected_text(check), _actual_text(check, actual))
        return None

    def with_raw(self, raw: Any) -> Expectation:
        """The same path with the arguments *raw* (e.g. after ``{{variable}}`` expansion)."""
        return parse_expectation(self.path.text, raw)


def _argument(op: str, argument: Any, field: tuple[str | int, ...]) -> Check:
    if op in ("exists", "absent"):
        if not isinstance(argument, bool):
            raise ExpectationError(
                f"{op} takes true or false, not {describe_value(argument)}", field
            )
        return Check(op, argument)
    if op == "matches":
        if not isinstance(argument, str):
            raise ExpectationError("matches takes a regular expression (a string)", field)
        try:
            return Check(op, re.compile(argument))
        except re.error as exc:
            raise ExpectationError(
                f"matches: {argument!r} is not a regular expression: {exc}", field
            ) from None
    if op in _WORDS:
        if not (_is_number(argument) or isinstance(argument, str)):
            raise ExpectationError(
                f"{op} takes a number (or a string), not {describe_value(argument)}", field
            )
        return Check(op, argument)
    if op == "len":
        if isinstance(argument, int) and not isinstance(argument, bool) and argument >= 0:
            return Check(op, argument)
        if isinstance(argument, Mapping) and argument:
            nested = _checks(argument, field, allowed=("eq", "ne", "gt", "ge", "lt", "le"))
            return Check(op, None, nested)
        raise ExpectationError("len takes a whole number, or operators such as {ge: 1}", field)
    if op == "type":
        names = argument if isinstance(argument, list) else [argument]
        if not names or not all(isinstance(n, str) and n in TYPE_NAMES for n in names):
            raise ExpectationError(
                f"type takes one of {', '.join(TYPE_NAMES)} (or a list of them), "
                f"not {describe_value(argument)}",
                field,
            )
        return Check(op, names[0] if len(names) == 1 else tuple(names))
    return Check(op, argument)  # eq, ne, contains: any JSON value


def _checks(
    spec: Mapping[str, Any], field: tuple[str | int, ...], *, allowed: tuple[str, ...] = OPERATORS
) -> tuple[Check, ...]:
    checks = []
    for op, argument in spec.items():
        if op not in allowed:
            raise ExpectationError(
                f"unknown operator {op!r}: expected one of {', '.join(allowed)}", (*field, op)
            )
        checks.append(_argument(op, argument, (*field, op)))
    return tuple(checks)


def parse_expectation(path_text: str, spec: Any) -> Expectation:
    """An expectation from its path and its value as written.

    A mapping whose keys are all operators is a set of checks; a mapping whose keys
    are none is compared for equality; a mix is an error (to expect an object with
    a key named like an operator, write ``{eq: {...}}``). Raises
    :class:`ExpectationError` (a bad operator or argument) or
    :class:`workbench.core.answer_paths.AnswerPathError` (a bad path).
    """
    path = parse_answer_path(path_text)
    if isinstance(spec, Mapping) and spec:
        ops = [k for k in spec if k in OPERATORS]
        if ops and len(ops) != len(spec):
            others = [str(k) for k in spec if k not in OPERATORS]
            raise ExpectationError(
                f"mixes operators ({', '.join(ops)}) with other keys ({', '.join(others)}); "
                "to expect an object, write {eq: {...}}"
            )
        if ops:
            return Expectation(path, _checks(spec, ()), spec)
        for key in spec:
            close = difflib.get_close_matches(str(key), OPERATORS, n=1, cutoff=0.6)
            if close and len(str(key)) <= 8:
                raise ExpectationError(
                    f"unknown operator {key!r} (did you mean {close[0]!r}?); to expect an "
                    "object with this key, write {eq: {...}}",
                    (str(key),),
                )
    return Expectation(path, (Check("eq", spec),), spec)
