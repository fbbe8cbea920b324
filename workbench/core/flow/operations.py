"""Operations that a mapping rule applies to the profile.

Each operation writes one ``profile@…`` field from a source: a path into the
event, the session or the profile (``{"from": "event@properties.plan"}``) or a
literal JSON value (``{"value": 1}``). Definitions are checked when they are
saved (malformed paths, a literal of the wrong type, a field whose type the
profile fixes); at run time a failure (incrementing a text) is reported as an
:class:`OperationFailed` so the engine logs it and carries on with the request.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final

from workbench.core.flow.paths import (
    MISSING,
    FieldPath,
    PathError,
    delete_value,
    describe_kind,
    detach_path,
    parse_path,
    read_value,
    write_value,
)
from workbench.core.json_types import json_type, type_phrase

__all__ = [
    "KINDS",
    "PROTECTED_FIELDS",
    "Change",
    "DefinitionError",
    "Operation",
    "OperationFailed",
    "OperationSkipped",
    "check_json_value",
    "known_field_type",
]

KINDS: Final = ("set", "set_if_empty", "append", "increment", "delete")
_NEEDS_SOURCE = {"set", "set_if_empty", "append"}

#: Fields the collector owns; rules may not write them.
PROTECTED_FIELDS: Final = ("id", "ids", "primary_id", "segments", "metadata")

# Types that Tracardi's profile model fixes for well-known fields, so that
# "increment profile@data.contact.email.main" is rejected when saved, not when it runs.
_KNOWN_TYPES: Final[dict[tuple[str, ...], str]] = {
    ("stats", "visits"): "number",
    ("stats", "views"): "number",
    ("stats", "counters"): "object",
    ("traits",): "object",
    ("interests",): "object",
    ("consents",): "object",
    ("data", "contact", "email", "main"): "string",
    ("data", "contact", "email", "private"): "string",
    ("data", "contact", "email", "business"): "string",
    ("data", "contact", "phone", "main"): "string",
    ("data", "contact", "phone", "mobile"): "string",
    ("data", "contact", "phone", "business"): "string",
    ("data", "contact", "confirmations"): "array",
    ("data", "pii", "firstname"): "string",
    ("data", "pii", "lastname"): "string",
    ("data", "pii", "display_name"): "string",
    ("data", "pii", "gender"): "string",
    ("data", "preferences", "purchases"): "array",
    ("data", "devices", "push"): "array",
    ("data", "loyalty", "codes"): "array",
    ("data", "metrics", "ltv"): "number",
    ("data", "metrics", "ltcosc"): "number",
    ("data", "metrics", "ltcocc"): "number",
    ("data", "metrics", "ltcop"): "number",
}
_COUNTER_PREFIX = ("stats", "counters")


def known_field_type(path: FieldPath) -> str | None:
    """The JSON type the profile model fixes for *path* ("number", "string", ...), if any."""
    if path.root != "profile":
        return None
    if path.keys[:2] == _COUNTER_PREFIX and len(path.keys) == 3:
        return "number"
    return _KNOWN_TYPES.get(path.keys)


class DefinitionError(ValueError):
    """A definition that cannot be saved; ``field`` says where (``operations[1].value``)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")

    def within(self, prefix: str) -> DefinitionError:
        """The same error, located inside *prefix* (``rules[2]``)."""
        return DefinitionError(f"{prefix}.{self.field}" if self.field else prefix, self.message)


class OperationFailed(Exception):
    """An operation that could not run on this profile (logged; the request goes on)."""


class OperationSkipped(Exception):
    """An operation with nothing to do (its source is missing); not a failure."""


@dataclass(frozen=True)
class Change:
    """One field changed by an operation; ``MISSING`` stands for "did not exist"."""

    path: str
    before: Any
    after: Any
    operation: str

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "operation": self.operation}
        if self.before is not MISSING:
            out["before"] = self.before
        if self.after is not MISSING:
            out["after"] = self.after
        return out


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class Operation:
    """``kind`` applied to ``target`` with a value from ``source`` (a path) or ``value``."""

    kind: str
    target: FieldPath
    source: FieldPath | None = None
    value: Any = None
    has_value: bool = False
    unique: bool = False

    # -- definition ---------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Any) -> Operation:
        """Build and check an operation; :class:`DefinitionError` names the bad field."""
        if not isinstance(data, dict):
            raise DefinitionError("", f"an operation must be an object, got {describe_kind(data)}")
        unknown = sorted(set(data) - {"op", "target", "from", "value", "unique"})
        if unknown:
            raise DefinitionError(
                unknown[0], "unknown field; an operation has op, target, from or value, unique"
            )
        kind = data.get("op")
        if kind not in KINDS:
            raise DefinitionError("op", f"expected one of {', '.join(KINDS)}, got {kind!r}")
        target = _parse(data.get("target"), "target", ("profile",))
        if target.keys[0] in PROTECTED_FIELDS:
            raise DefinitionError(
                "target", f"{target} is managed by the collector and cannot be written by rules"
            )
        has_from, has_value = "from" in data, "value" in data
        if has_from and has_value:
            raise DefinitionError("value", "give either 'from' (a path) or 'value', not both")
        if kind == "delete" and (has_from or has_value):
            raise DefinitionError("from" if has_from else "value", "delete takes no value")
        if kind in _NEEDS_SOURCE and not (has_from or has_value):
            raise DefinitionError("value", f"{kind} needs 'from' (a path) or 'value' (a literal)")
        source = _parse(data["from"], "from", ("event", "session", "profile")) if has_from else None
        value = data.get("value")
        if has_value:
            check_json_value(value, "value")
        unique = data.get("unique", False)
        if not isinstance(unique, bool):
            raise DefinitionError("unique", f"expected true or false, got {describe_kind(unique)}")
        if unique and kind != "append":
            raise DefinitionError("unique", "only append takes unique (skip values already listed)")
        operation = cls(kind, target, source, copy.deepcopy(value), has_value, unique)
        operation._check_types()
        return operation

    def _check_types(self) -> None:
        fixed = known_field_type(self.target)
        if self.kind == "increment":
            if self.has_value and not _is_number(self.value):
                raise DefinitionError(
                    "value", f"increment needs a number, got {describe_kind(self.value)}"
                )
            if fixed is not None and fixed != "number":
                raise DefinitionError(
                    "target", f"{self.target} holds {type_phrase(fixed)}; increment needs a number"
                )
        elif self.kind == "append":
            if fixed is not None and fixed != "array":
                raise DefinitionError(
                    "target", f"{self.target} holds {type_phrase(fixed)}; append needs a list"
                )
        elif self.kind in ("set", "set_if_empty") and self.has_value and fixed is not None:
            actual = json_type(self.value)
            if actual not in (fixed, "null"):
                raise DefinitionError(
                    "value",
                    f"{self.target} holds {type_phrase(fixed)}; got {describe_kind(self.value)}",
                )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op": self.kind, "target": str(self.target)}
        if self.source is not None:
            out["from"] = str(self.source)
        elif self.has_value:
            out["value"] = copy.deepcopy(self.value)
        if self.unique:
            out["unique"] = True
        return out

    def describe(self) -> str:
        """One line in Tracardi's notation, e.g. ``profile@traits.plan = event@properties.plan``."""
        return self._description

    @cached_property
    def _description(self) -> str:
        what = str(self.source) if self.source is not None else json.dumps(self.value)
        if self.kind == "set":
            return f"{self.target} = {what}"
        if self.kind == "set_if_empty":
            return f"{self.target} ?= {what}"
        if self.kind == "append":
            return f"{self.target} += [{what}]" + (" (unique)" if self.unique else "")
        if self.kind == "increment":
            return f"{self.target} += {what if self.source or self.has_value else '1'}"
        return f"delete {self.target}"

    # -- run time -----------------------------------------------------------------------

    def _source_value(self, roots: dict[str, Any]) -> Any:
        if self.source is None:
            return _frozen(self.value) if self.has_value else MISSING
        root = roots.get(self.source.root)
        value = MISSING if root is None else read_value(root, self.source.keys)
        if value is MISSING:
            raise OperationSkipped(f"{self.source} is missing; nothing to do")
        return _frozen(value)

    def _combine(self, before: Any, incoming: Any) -> Any:
        """The target's new value for set, append and increment (not delete).

        Raises OperationSkipped (a unique append of a value already there) or
        OperationFailed (appending to a non-list, incrementing a non-number)."""
        if self.kind in ("set", "set_if_empty"):
            return incoming
        if self.kind == "append":
            if before is MISSING or before is None:
                return [incoming]
            if isinstance(before, list):
                if self.unique and incoming in before:
                    raise OperationSkipped(f"{self.target} already holds this value")
                return [*before, incoming]
            raise OperationFailed(
                f"cannot append to {self.target}: it holds {describe_kind(before)}, not a list"
            )
        amount = 1 if incoming is MISSING else incoming
        if not _is_number(amount):
            raise OperationFailed(
                f"cannot increment {self.target} by {self.source}: "
                f"it holds {describe_kind(amount)}, not a number"
            )
        if before is MISSING or before is None:
            return amount
        if _is_number(before):
            return before + amount
        raise OperationFailed(
            f"cannot increment {self.target}: it holds {describe_kind(before)}, not a number"
        )

    def apply(self, profile: dict[str, Any], roots: dict[str, Any]) -> Change | None:
        """Change *profile*; None when nothing changed. Raises OperationFailed/OperationSkipped."""
        keys = self.target.keys
        before = read_value(profile, keys)
        if self.kind == "delete":
            if before is MISSING:
                raise OperationSkipped(f"{self.target} does not exist; nothing to delete")
            delete_value(profile, keys)
            return Change(str(self.target), before, MISSING, self.kind)
        incoming = self._source_value(roots)
        if self.kind == "set_if_empty" and before not in (MISSING, None, "", [], {}):
            raise OperationSkipped(f"{self.target} already has a value")
        after = self._combine(before, incoming)
        if before is not MISSING and before == after and type(before) is type(after):
            return None
        try:
            write_value(profile, keys, after)
        except TypeError as exc:
            raise OperationFailed(f"cannot write {self.target}: {exc}") from None
        return Change(str(self.target), _frozen(before), _frozen(after), self.kind)

    def apply_quietly(
        self, profile: dict[str, Any], roots: dict[str, Any], owned: set[int] | None = None
    ) -> None:
        """:meth:`apply` without the trace (no debugger): the same writes and failures.

        A skip returns instead of raising, and no :class:`Change` (with its copies of
        the values before and after) is built: the collector runs this for every
        rule of every request that did not ask for the debugger. With *owned* (see
        :func:`~workbench.core.flow.paths.detach_path`) the containers on the target's
        path are copied only when something is really written, not for a skip.
        """
        keys = self.target.keys
        before = read_value(profile, keys)
        kind = self.kind
        if kind == "delete":
            if before is not MISSING:
                if owned is not None:
                    detach_path(profile, keys, owned)
                delete_value(profile, keys)
            return
        source = self.source
        if source is None:
            if not self.has_value:
                incoming: Any = MISSING
            else:
                incoming = _frozen(self.value)
        else:
            root = roots.get(source.root)
            value = MISSING if root is None else read_value(root, source.keys)
            if value is MISSING:
                return
            incoming = _frozen(value)
        if kind == "set_if_empty" and before not in (MISSING, None, "", [], {}):
            return
        try:
            after = self._combine(before, incoming)
        except OperationSkipped:
            return
        if before is not MISSING and before == after and type(before) is type(after):
            return
        if owned is not None:
            detach_path(profile, keys, owned)
        try:
            write_value(profile, keys, after)
        except TypeError as exc:
            raise OperationFailed(f"cannot write {self.target}: {exc}") from None


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _frozen(value: Any) -> Any:
    """A copy of containers, so later operations cannot rewrite what a change recorded."""
    if type(value) in _SCALARS:
        return value
    if isinstance(value, dict):
        return {key: _frozen(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_frozen(item) for item in value]
    return value


def _parse(text: Any, field: str, roots: tuple[str, ...]) -> FieldPath:
    if not isinstance(text, str):
        raise DefinitionError(field, f"expected a path string, got {describe_kind(text)}")
    try:
        return parse_path(text, roots=roots)
    except PathError as exc:
        raise DefinitionError(field, str(exc)) from None


def check_json_value(value: Any, field: str, depth: int = 0) -> None:
    if depth > 32:
        raise DefinitionError(field, "the value nests deeper than 32 levels")
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise DefinitionError(field, "numbers must be finite")
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            check_json_value(item, f"{field}[{index}]", depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise DefinitionError(field, "object keys must be strings")
            check_json_value(item, f"{field}.{key}", depth + 1)
        return
    raise DefinitionError(field, f"not a JSON value: {type(value).__name__}")
