"""A compiled "certainly valid?" check for the common part of JSON Schema.

jsonschema gives the best reports for people but costs tens of microseconds
per event, and event validation sits on the collector's hot path. Most event
schemas use a small vocabulary (``type``, ``properties``, ``required``,
lengths, bounds, ``pattern``, ``enum``, ``items``...). For those, this module
compiles a plain Python predicate once, when the schema is saved.

The predicate is only ever trusted when it says **valid**; when it says "not
sure" the caller runs jsonschema, which stays the judge and writes the issues.
A schema that uses anything outside the vocabulary compiles to ``None`` (always
ask jsonschema), so the shortcut can never accept an event that jsonschema
would reject.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

__all__ = ["Check", "compile_check"]

Check = Callable[[Any], bool]

# Keywords that never affect validity (annotations); ``format`` is annotation-only
# in jsonschema unless a format checker is given, which we do not.
_ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "$comment",
        "title",
        "description",
        "default",
        "examples",
        "format",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)
_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
}


class _Unsupported(Exception):
    pass


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _strict_equal(a: Any, b: Any) -> bool:
    """Equality that keeps booleans apart from numbers (as JSON Schema does)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict | list) or isinstance(b, dict | list):
        raise _Unsupported  # structural enum/const: leave to jsonschema
    return bool(a == b)


def _first_key_is_type(schema: dict[str, Any]) -> bool:
    for key in schema:
        if key in _ANNOTATIONS:
            continue
        return key == "type"
    return False


def _compile(schema: Any, depth: int) -> Check:
    if depth > 16:
        raise _Unsupported
    if schema is True or schema == {}:
        return lambda _v: True
    if schema is False or not isinstance(schema, dict):
        raise _Unsupported
    checks: list[Check] = []
    for key, value in schema.items():
        if key in _ANNOTATIONS:
            continue
        checks.append(_keyword(key, value, schema, depth))
    if len(checks) == 1:
        return checks[0]
    if not checks:
        return lambda _v: True
    # Fold "type" into the others: it is the first thing most schemas check.
    type_check = checks[0] if "type" in schema and _first_key_is_type(schema) else None
    rest = tuple(checks[1:] if type_check is not None else checks)

    def check_all(v: Any) -> bool:
        if type_check is not None and not type_check(v):
            return False
        for check in rest:  # noqa: SIM110 - a plain loop beats all() + generator here
            if not check(v):
                return False
        return True

    return check_all


def _keyword(key: str, value: Any, schema: dict[str, Any], depth: int) -> Check:
    if key == "type":
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not all(n in _TYPES for n in names):
            raise _Unsupported
        tests = [_TYPES[n] for n in names]
        if len(tests) == 1:
            return tests[0]
        return lambda v: any(test(v) for test in tests)
    if key == "properties":
        if not isinstance(value, dict):
            raise _Unsupported
        inner = tuple((name, _compile(sub, depth + 1)) for name, sub in value.items())

        def check_properties(v: Any) -> bool:
            if not isinstance(v, dict):
                return True
            for name, check in inner:  # noqa: SIM110 - a plain loop beats all() here
                if name in v and not check(v[name]):
                    return False
            return True

        return check_properties
    if key == "required":
        if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
            raise _Unsupported
        names = tuple(value)
        return lambda v: not isinstance(v, dict) or all(name in v for name in names)
    if key == "additionalProperties":
        known = set(schema.get("properties", {}) or {})
        if "patternProperties" in schema:
            raise _Unsupported
        extra = _compile(value, depth + 1) if value is not False else None
        if extra is None:
            return lambda v: not isinstance(v, dict) or all(k in known for k in v)
        return lambda v: (
            not isinstance(v, dict) or all(extra(item) for k, item in v.items() if k not in known)
        )
    if key == "items":
        check = _compile(value, depth + 1)
        return lambda v: not isinstance(v, list) or all(check(item) for item in v)
    if key in ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"):
        if not isinstance(value, int) or isinstance(value, bool):
            raise _Unsupported
        kind = str if "Length" in key else (list if "Items" in key else dict)
        at_least = key.startswith("min")
        limit = value
        if at_least:
            return lambda v: not isinstance(v, kind) or len(v) >= limit
        return lambda v: not isinstance(v, kind) or len(v) <= limit
    if key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        if not _is_number(value):
            raise _Unsupported
        bound = value
        compare: dict[str, Callable[[Any], bool]] = {
            "minimum": lambda v: v >= bound,
            "maximum": lambda v: v <= bound,
            "exclusiveMinimum": lambda v: v > bound,
            "exclusiveMaximum": lambda v: v < bound,
        }
        test = compare[key]
        return lambda v: not _is_number(v) or test(v)
    if key == "pattern":
        if not isinstance(value, str):
            raise _Unsupported
        try:
            regex = re.compile(value)
        except re.error:
            raise _Unsupported from None
        return lambda v: not isinstance(v, str) or regex.search(v) is not None
    if key == "enum":
        if not isinstance(value, list):
            raise _Unsupported
        options = list(value)
        for option in options:
            _strict_equal(option, option)
        return lambda v: any(_strict_equal(v, option) for option in options)
    if key == "const":
        _strict_equal(value, value)
        return lambda v: _strict_equal(v, value)
    raise _Unsupported


def compile_check(schema: Any) -> Check | None:
    """A predicate that returns True only for documents *schema* certainly accepts.

    None when the schema uses something the predicate does not understand.
    """
    try:
        check = _compile(schema, 0)
    except _Unsupported:
        return None

    def safe(document: Any) -> bool:
        try:
            return check(document)
        except _Unsupported:
            return False

    return safe
