"""A compiled "certainly valid?" check for the common part of JSON Schema.

jsonschema gives the best reports for people but costs tens of microseconds
per event, and event validation sits on the collector's hot path. Most event
schemas use a small vocabulary (``type``, ``properties``, ``required``,
lengths, bounds, ``pattern``, ``enum``, ``items``, local ``$ref``...). For
those, this module compiles a plain Python predicate once, when the schema is
saved.

A local ``$ref`` (``#``, ``#/$defs/name``, ``#/definitions/name`` or any other
JSON pointer into the same document) is compiled once per target and checked
together with its sibling keywords (as draft 2020-12 does; older drafts ignore
the siblings, so checking them too can only make the predicate stricter). A
recursive reference goes through one indirection. References to other documents,
``$dynamicRef``, ``$anchor`` and a nested ``$id`` (which would move the base of
the references below it) are outside the vocabulary.

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
from urllib.parse import unquote

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
# Keywords that hold subschemas for references to reach but validate nothing themselves.
_DEFINITIONS = frozenset({"$defs", "definitions"})
_MAX_DEPTH = 32
#: Objects with at most this many checked properties get one generated function.
_INLINE_PROPERTIES = 24
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


#: JSON types that one ``isinstance`` test decides (number and integer must exclude bool).
_CLASSES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "null": (type(None),),
}


def _always(_v: Any) -> bool:
    return True


def _type_check(names: list[str]) -> Check:
    """One check for a ``type`` keyword, as few calls as possible for the common names."""
    if len(names) == 1:
        return _TYPES[names[0]]
    if all(name in _CLASSES for name in names):
        classes = tuple(cls for name in names for cls in _CLASSES[name])
        return lambda v: isinstance(v, classes)
    if "integer" not in names and all(name in _CLASSES or name == "number" for name in names):
        numbers = tuple(cls for name in names for cls in _CLASSES.get(name, (int, float)))
        if "boolean" in names:
            return lambda v: isinstance(v, numbers)
        return lambda v: isinstance(v, numbers) and not isinstance(v, bool)
    tests = [_TYPES[n] for n in names]
    return lambda v: any(test(v) for test in tests)


def _plain_type(schema: Any) -> tuple[type, ...] | None:
    """The classes of a schema that only names types one ``isinstance`` decides, else None."""
    if not isinstance(schema, dict) or "$id" in schema:
        return None
    if any(key != "type" and key not in _ANNOTATIONS for key in schema):
        return None
    kind = schema.get("type")
    names = [kind] if isinstance(kind, str) else kind
    if not isinstance(names, list) or not names or not all(n in _CLASSES for n in names):
        return None
    return tuple(cls for name in names for cls in _CLASSES[name])


def _inline_object(
    nullable: bool,
    required: tuple[str, ...],
    order: dict[str, Any],
    simple: dict[str, tuple[type, ...]],
    table: dict[str, Check],
) -> Check:
    """An object check as one generated function: a line per required name and property.

    The same work a hand-written check does (``"id" in v and not isinstance(...)``),
    without a call per keyword. Names enter the source only as ``repr`` literals.
    """
    namespace: dict[str, Any] = {}
    lines = [
        "def check_object(v):",
        "    if not isinstance(v, dict):",
        f"        return {'v is None' if nullable else 'False'}",
    ]
    lines += [f"    if {name!r} not in v:\n        return False" for name in required]
    for number, name in enumerate(order):
        if name in simple:
            namespace[f"_t{number}"] = simple[name]
            test = f"isinstance(v[{name!r}], _t{number})"
        elif name in table:
            namespace[f"_c{number}"] = table[name]
            test = f"_c{number}(v[{name!r}])"
        else:
            continue
        lines.append(f"    if {name!r} in v and not {test}:\n        return False")
    lines.append("    return True")
    exec(compile("\n".join(lines), "<fastcheck>", "exec"), namespace)
    check: Check = namespace["check_object"]
    return check


def _each_item(check: Check, *, not_a_list: bool) -> Check:
    """True for a list whose every item passes *check*; *not_a_list* for any other value."""

    def check_items(v: Any) -> bool:
        if not isinstance(v, list):
            return not_a_list
        for item in v:  # noqa: SIM110 - a plain loop beats all() + generator here
            if not check(item):
                return False
        return True

    return check_items


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
        if key in _ANNOTATIONS or key in _DEFINITIONS:
            continue
        return key == "type"
    return False


class _Compiler:
    """Compiles one schema document; remembers what each local ``$ref`` compiled to."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self._refs: dict[str, Check] = {}
        # Targets being compiled: a reference back to one of them (recursion) reads the
        # cell, which is filled once the target's check exists.
        self._pending: dict[str, list[Check]] = {}

    def _ref(self, ref: Any, depth: int) -> Check:
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise _Unsupported
        pointer = unquote(ref[1:])
        if pointer in self._refs:
            return self._refs[pointer]
        if pointer in self._pending:
            cell = self._pending[pointer]
            return lambda v: cell[0](v)
        cell = []
        self._pending[pointer] = cell
        check = self._compile(self._resolve(pointer), depth + 1)
        cell.append(check)
        del self._pending[pointer]
        self._refs[pointer] = check
        return check

    def _resolve(self, pointer: str) -> Any:
        """The part of the root document a JSON pointer (``/$defs/event``) names."""
        if pointer == "":
            return self.root
        if not pointer.startswith("/"):
            raise _Unsupported  # a named anchor
        target = self.root
        for token in pointer[1:].split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(target, dict) and token in target:
                target = target[token]
            elif isinstance(target, list) and token.isdigit() and int(token) < len(target):
                target = target[int(token)]
            else:
                raise _Unsupported  # jsonschema would fail to resolve it
        return target

    def _compile(self, schema: Any, depth: int) -> Check:
        if depth > _MAX_DEPTH:
            raise _Unsupported
        if schema is True or schema == {}:
            return _always
        if schema is False or not isinstance(schema, dict):
            raise _Unsupported
        if "$id" in schema and schema is not self.root:
            raise _Unsupported
        fused = self._fused(schema, depth)
        if fused is not None:
            return fused
        checks: list[Check] = []
        for key, value in schema.items():
            if key in _ANNOTATIONS or key in _DEFINITIONS:
                continue
            checks.append(self._keyword(key, value, schema, depth))
        if len(checks) == 1:
            return checks[0]
        checks = [check for check in checks if check is not _always]
        if len(checks) == 1:
            return checks[0]
        if not checks:
            return _always
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

    def _fused(self, schema: dict[str, Any], depth: int) -> Check | None:
        """One function for the commonest shapes (fewer calls than a check per keyword).

        An object (or object-or-null) with ``properties`` and ``required``, and a
        string with a ``pattern``; None for anything else.
        """
        keys = {key for key in schema if key not in _ANNOTATIONS and key not in _DEFINITIONS}
        kind = schema.get("type")
        if kind == "string" and keys == {"type", "pattern"}:
            self._keyword("pattern", schema["pattern"], schema, depth)  # rejects a bad pattern
            search = re.compile(schema["pattern"]).search
            return lambda v: isinstance(v, str) and search(v) is not None
        if kind == "array" and keys == {"type", "items"}:
            return _each_item(self._compile(schema["items"], depth + 1), not_a_list=False)
        if kind not in ("object", ["object"], ["object", "null"], ["null", "object"]):
            return None
        if keys == {"type"} or not keys <= {"type", "properties", "required"}:
            return None
        nullable = kind != "object" and kind != ["object"]
        required = schema.get("required", [])
        if not isinstance(required, list) or not all(isinstance(n, str) for n in required):
            raise _Unsupported
        names = tuple(required)
        properties = schema.get("properties", {})
        if not isinstance(properties, dict):
            raise _Unsupported
        # A property that only names a type is tested inline (no call); others call a check.
        simple: dict[str, tuple[type, ...]] = {}
        table: dict[str, Check] = {}
        for name, sub in properties.items():
            classes = _plain_type(sub)
            if classes is not None:
                simple[name] = classes
                continue
            check = self._compile(sub, depth + 1)
            if check is not _always:
                table[name] = check
        if len(simple) + len(table) <= _INLINE_PROPERTIES:
            return _inline_object(nullable, names, properties, simple, table)
        simple_items = tuple(simple.items())
        inner = tuple(table.items())
        simple_get = simple.get
        get = table.get
        many = len(simple_items) + len(inner)

        def check_object(v: Any) -> bool:
            if not isinstance(v, dict):
                return nullable and v is None
            for name in names:
                if name not in v:
                    return False
            # Walk whichever is shorter: the document's keys or the checked properties.
            if len(v) < many:
                for name, item in v.items():
                    classes = simple_get(name)
                    if classes is not None:
                        if not isinstance(item, classes):
                            return False
                        continue
                    check = get(name)
                    if check is not None and not check(item):
                        return False
                return True
            for name, classes in simple_items:
                if name in v and not isinstance(v[name], classes):
                    return False
            for name, check in inner:  # noqa: SIM110 - a plain loop beats all() here
                if name in v and not check(v[name]):
                    return False
            return True

        return check_object

    def _keyword(self, key: str, value: Any, schema: dict[str, Any], depth: int) -> Check:
        if key == "$ref":
            return self._ref(value, depth)
        if key == "type":
            names = [value] if isinstance(value, str) else value
            if not isinstance(names, list) or not all(n in _TYPES for n in names):
                raise _Unsupported
            return _type_check(names)
        if key == "properties":
            if not isinstance(value, dict):
                raise _Unsupported
            compiled = {name: self._compile(sub, depth + 1) for name, sub in value.items()}
            # Properties any value passes need no look-up at all.
            table = {name: check for name, check in compiled.items() if check is not _always}
            if not table:
                return _always
            inner = tuple(table.items())
            get = table.get

            def check_properties(v: Any) -> bool:
                if not isinstance(v, dict):
                    return True
                # Walk whichever is shorter: the document's keys or the checked properties.
                if len(v) < len(inner):
                    for name, item in v.items():
                        check = get(name)
                        if check is not None and not check(item):
                            return False
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
            if len(names) == 1:
                only = names[0]
                return lambda v: not isinstance(v, dict) or only in v
            return lambda v: not isinstance(v, dict) or all(name in v for name in names)
        if key == "additionalProperties":
            known = set(schema.get("properties", {}) or {})
            if "patternProperties" in schema:
                raise _Unsupported
            extra = self._compile(value, depth + 1) if value is not False else None
            if extra is None:
                return lambda v: not isinstance(v, dict) or all(k in known for k in v)
            return lambda v: (
                not isinstance(v, dict)
                or all(extra(item) for k, item in v.items() if k not in known)
            )
        if key == "items":
            check = self._compile(value, depth + 1)
            return _always if check is _always else _each_item(check, not_a_list=True)
        if key in (
            "minLength",
            "maxLength",
            "minItems",
            "maxItems",
            "minProperties",
            "maxProperties",
        ):
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
        check = _Compiler(schema)._compile(schema, 0)
    except _Unsupported:
        return None

    def safe(document: Any) -> bool:
        try:
            return check(document)
        except (_Unsupported, RecursionError):
            return False

    return safe
