"""Tracardi's dot notation for fields: ``profile@traits.plan``, ``event@properties.product``.

A path names a root object (``profile``, ``event`` or ``session``) and a chain
of keys inside it. Keys are letters, digits, ``_``, ``-`` and ``$``; a key made
only of digits also indexes a list. Parsing reports the exact character where a
path goes wrong, because people type these paths by hand in rule and segment
editors and need to see which character to fix.

Reading never raises: a missing field reads as :data:`MISSING`. Writing creates
the objects on the way and refuses to walk through a value that is not an
object (that would silently destroy data).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final

from workbench.core.json_types import json_type_name

__all__ = [
    "MISSING",
    "ROOTS",
    "FieldPath",
    "PathError",
    "delete_value",
    "describe_kind",
    "detach_path",
    "parse_path",
    "read_value",
    "reader",
    "write_value",
]

ROOTS: Final = ("profile", "event", "session")
_KEY = re.compile(r"[A-Za-z0-9_\-$]+")


class _Missing:
    """The value of a field that does not exist (distinct from JSON ``null``)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False

    def get(self, key: str, default: Any = None) -> _Missing:
        """A field of a missing object is missing too (lets generated readers chain ``get``)."""
        return self


MISSING: Final = _Missing()


class PathError(ValueError):
    """A malformed path; ``position`` is the 0-based character where it goes wrong."""

    def __init__(self, message: str, text: str, position: int) -> None:
        self.message = message
        self.text = text
        self.position = position
        super().__init__(f"{message} (at character {position + 1} of {text!r})")


@dataclass(frozen=True)
class FieldPath:
    """A parsed path: ``root`` is one of :data:`ROOTS`, ``keys`` the chain below it."""

    root: str
    keys: tuple[str, ...]

    def __str__(self) -> str:
        return self.text

    @cached_property
    def text(self) -> str:
        """The path as written, e.g. ``profile@traits.plan`` (built once)."""
        return f"{self.root}@{'.'.join(self.keys)}"

    @property
    def dotted(self) -> str:
        """The keys below the root, e.g. ``traits.plan``."""
        return ".".join(self.keys)

    def is_within(self, other: FieldPath) -> bool:
        """True when this path equals *other* or lies below it."""
        return self.root == other.root and self.keys[: len(other.keys)] == other.keys


def parse_path(text: str, *, roots: Iterable[str] = ROOTS) -> FieldPath:
    """Parse ``root@key.key``; raise :class:`PathError` naming the bad character."""
    allowed = tuple(roots)
    if not isinstance(text, str):
        raise PathError(f"a path must be a string, got {type(text).__name__}", str(text), 0)
    at = text.find("@")
    if at < 0:
        raise PathError(
            f"a path needs a root and '@', e.g. {allowed[0]}@traits.name", text, len(text)
        )
    root = text[:at]
    if root not in allowed:
        wanted = ", ".join(f"{r}@" for r in allowed)
        raise PathError(f"unknown root {root!r}: expected one of {wanted}", text, 0)
    keys: list[str] = []
    pos = at + 1
    while True:
        match = _KEY.match(text, pos)
        if match is None:
            if pos >= len(text):
                what = "a field name after '@'" if not keys else "a field name after '.'"
                raise PathError(f"expected {what}", text, pos)
            raise PathError(
                f"unexpected character {text[pos]!r}: field names use letters, digits, "
                "'_', '-' and '$', separated by '.'",
                text,
                pos,
            )
        keys.append(match.group())
        pos = match.end()
        if pos == len(text):
            break
        if text[pos] != ".":
            raise PathError(
                f"unexpected character {text[pos]!r}: expected '.' between field names",
                text,
                pos,
            )
        pos += 1
    return FieldPath(root, tuple(keys))


def _step(container: Any, key: str) -> Any:
    if isinstance(container, dict):
        return container.get(key, MISSING)
    if isinstance(container, list) and key.isdigit():
        index = int(key)
        return container[index] if index < len(container) else MISSING
    return MISSING


def read_value(document: Any, keys: Iterable[str]) -> Any:
    """The value at *keys* inside *document*, or :data:`MISSING`."""
    current = document
    for key in keys:
        if type(current) is dict:  # the common case, without a call
            current = current.get(key, MISSING)
        else:
            current = _step(current, key)
        if current is MISSING:
            return MISSING
    return current


def reader(keys: tuple[str, ...]) -> Callable[[Any], Any]:
    """:func:`read_value` for fixed *keys*, built once: nested objects are read inline
    (one or two keys without a loop); anything else goes through :func:`read_value`."""
    if len(keys) == 1:
        (only,) = keys

        def read_one(document: Any) -> Any:
            if type(document) is dict:
                return document.get(only, MISSING)
            return read_value(document, keys)

        return read_one
    if len(keys) == 2:
        first, second = keys

        def read_two(document: Any) -> Any:
            if type(document) is dict:
                inner = document.get(first, MISSING)
                if type(inner) is dict:
                    return inner.get(second, MISSING)
                if inner is MISSING:
                    return MISSING
            return read_value(document, keys)

        return read_two

    def read_many(document: Any) -> Any:
        current = document
        for key in keys:
            if type(current) is not dict:
                return MISSING if current is MISSING else read_value(document, keys)
            current = current.get(key, MISSING)
        return current

    return read_many


def write_value(document: dict[str, Any], keys: tuple[str, ...], value: Any) -> None:
    """Set the value at *keys*, creating objects on the way.

    Raises :class:`TypeError` (with the offending prefix) when a step on the way
    holds a value that is not an object or list, rather than overwriting it.
    """
    if not keys:
        raise TypeError("cannot replace the whole object; name a field below the root")
    current: Any = document
    for depth, key in enumerate(keys[:-1]):
        nxt = _step(current, key)
        if nxt is MISSING or nxt is None:
            if not isinstance(current, dict):
                raise TypeError(f"{'.'.join(keys[:depth])} is a list; cannot add field {key!r}")
            nxt = {}
            current[key] = nxt
        elif not isinstance(nxt, dict | list):
            where = ".".join(keys[: depth + 1])
            raise TypeError(
                f"{where} holds {describe_kind(nxt)}, not an object; cannot set a field in it"
            )
        current = nxt
    last = keys[-1]
    if isinstance(current, dict):
        current[last] = value
    elif isinstance(current, list) and last.isdigit() and int(last) < len(current):
        current[int(last)] = value
    else:
        where = ".".join(keys[:-1])
        raise TypeError(f"{where} is a list without an item {last!r}")


def detach_path(document: dict[str, Any], keys: tuple[str, ...], owned: set[int]) -> None:
    """Give *document* its own copies of the containers on the way to *keys* (copy-on-write).

    The collector hands over the stored profile, which must not change in place.
    Instead of copying the whole profile for every request, the engine copies
    (shallowly) only the objects and lists on the path it is about to write;
    *owned* remembers which containers are already copies. *document* itself
    must already be owned by the caller.
    """
    current: Any = document
    for key in keys[:-1]:
        kind = type(current)
        if kind is dict or (kind is not list and isinstance(current, dict)):
            child = current.get(key)
            slot: Any = key
        elif isinstance(current, list) and key.isdigit() and int(key) < len(current):
            slot = int(key)
            child = current[slot]
        else:
            return
        child_kind = type(child)
        if child_kind is dict or child_kind is list or isinstance(child, dict | list):
            if id(child) not in owned:
                child = dict(child) if isinstance(child, dict) else list(child)
                current[slot] = child
                owned.add(id(child))
        else:
            return
        current = child


def delete_value(document: Any, keys: tuple[str, ...]) -> bool:
    """Remove the field at *keys*; False when it was not there."""
    if not keys:
        return False
    parent = read_value(document, keys[:-1])
    last = keys[-1]
    if isinstance(parent, dict) and last in parent:
        del parent[last]
        return True
    if isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        del parent[int(last)]
        return True
    return False


# How a value's kind reads in messages ("a list", "a string", ...): the same
# phrasing the payload validation uses.
describe_kind = json_type_name
