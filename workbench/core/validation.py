"""Validate a tracker payload against the one shipped JSON Schema.

Results are structured :class:`Issue` values (a JSON path, a message for people,
and the schema keyword that failed) so that callers map paths to form fields or
tree rows; nobody parses error text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from workbench.core.json_types import TYPE_PHRASES, json_type_name
from workbench.core.wording import located
from workbench.resources import read_json_resource

__all__ = [
    "PAYLOAD_SCHEMA_FILE",
    "Issue",
    "format_path",
    "json_type_name",
    "payload_schema",
    "validate_payload",
    "validate_with",
]

PAYLOAD_SCHEMA_FILE = ("schemas", "tracker-payload.schema.json")

# What a ``type`` error says was expected: a boolean must be a JSON one (not "yes" or 1).
_TYPE_NAMES = {**TYPE_PHRASES, "boolean": "a JSON boolean (true/false)"}


@dataclass(frozen=True, order=True)
class Issue:
    """One validation problem.

    ``path`` is the location in the document as a tuple of keys and list
    indexes (``("events", 0, "type")``); ``message`` is written for people and
    names what was expected; ``keyword`` is the JSON Schema keyword that failed.
    """

    path: tuple[str | int, ...]
    message: str
    keyword: str

    @property
    def location(self) -> str:
        """The path in dotted form, e.g. ``events[0].type`` (``(root)`` for the document)."""
        return format_path(self.path)

    @property
    def text(self) -> str:
        """The message with its location in front, said once."""
        return located(self.location, self.message)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": list(self.path),
            "location": self.location,
            "message": self.message,
            "keyword": self.keyword,
        }


def format_path(path: Sequence[str | int]) -> str:
    """Render a path as ``events[0].type``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(root)"


@cache
def payload_schema() -> dict[str, Any]:
    """The tracker payload schema (draft 2020-12), loaded once."""
    schema: dict[str, Any] = read_json_resource(*PAYLOAD_SCHEMA_FILE)
    Draft202012Validator.check_schema(schema)
    return schema


@cache
def _payload_validator() -> Draft202012Validator:
    return Draft202012Validator(payload_schema())


def _describe(error: ValidationError) -> str:
    where = format_path(list(error.absolute_path))
    keyword = str(error.validator)
    if keyword == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        target = f"{where}.{missing}" if error.absolute_path else missing
        return f"{target}: required field is missing"
    if keyword == "type":
        expected = error.validator_value  # the "type" keyword: a name or a list of names
        names = [str(n) for n in expected] if isinstance(expected, list) else [str(expected)]
        wanted = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        return f"{where}: expected {wanted}, got {json_type_name(error.instance)}"
    if keyword == "pattern" and error.validator_value == "\\S":
        return f"{where}: must not be empty or blank"
    return f"{where}: {error.message}"


def _issue(error: ValidationError) -> Issue:
    path: tuple[str | int, ...] = tuple(error.absolute_path)
    if error.validator == "required" and "'" in error.message:
        path = (*path, error.message.split("'")[1])
    return Issue(path=path, message=_describe(error), keyword=str(error.validator))


def _flatten(errors: Iterable[ValidationError]) -> list[ValidationError]:
    flat: list[ValidationError] = []
    for error in errors:
        if error.context:
            flat.extend(_flatten(error.context))
        else:
            flat.append(error)
    return flat


def validate_with(validator: jsonschema.protocols.Validator, document: Any) -> list[Issue]:
    """Validate *document* with any jsonschema validator; issues sorted by path."""
    issues = {_issue(e) for e in _flatten(validator.iter_errors(document))}
    return sorted(issues, key=lambda i: (tuple(str(p) for p in i.path), i.keyword, i.message))


def validate_payload(payload: Any) -> list[Issue]:
    """Validate a tracker payload; an empty list means valid."""
    return validate_with(_payload_validator(), payload)
