"""The one vocabulary for the type of a JSON value: JSON Schema's names, and how they read.

:func:`json_type` names a value parsed from JSON as JSON Schema does (``"object"``,
``"array"``, ``"string"``, ``"number"``, ``"boolean"``, ``"null"``); every part
of the app compares and stores these names. :data:`TYPE_PHRASES` is how each
name reads in a message ("a list", "an object"), and :func:`json_type_name`
says a value's type that way. Display labels (the UI's type column) are these
names too.
"""

from __future__ import annotations

from typing import Any, Final

__all__ = ["JSON_TYPES", "TYPE_PHRASES", "json_type", "json_type_name", "type_phrase"]

#: The names :func:`json_type` gives to JSON values, plus JSON Schema's ``integer``.
JSON_TYPES: Final = ("object", "array", "string", "number", "integer", "boolean", "null")

#: How each type name reads in a message.
TYPE_PHRASES: Final[dict[str, str]] = {
    "object": "an object",
    "array": "a list",
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "a boolean",
    "null": "null",
}


def json_type(value: Any) -> str:
    """The JSON Schema type name of a value parsed from JSON (``integer`` is never given:
    every JSON number is a ``number``); the Python class name for anything else."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def type_phrase(name: str) -> str:
    """How the type *name* reads in a message ("a list" for ``array``); unknown names as given."""
    return TYPE_PHRASES.get(name, name)


def json_type_name(value: Any) -> str:
    """How a JSON value's type reads in a message ("a list", "a string", ...)."""
    return type_phrase(json_type(value))
