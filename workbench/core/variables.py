"""Dynamic variables (``{{uuid}}``, ``{{now}}``…) expanded in a payload at send time.

Expansion walks a JSON value and replaces ``{{name}}`` placeholders in every
string (keys included). Built-ins: ``uuid`` (a fresh uuid4 per occurrence),
``now`` (ISO 8601 UTC, milliseconds, ``Z``), ``timestamp`` (Unix milliseconds),
``random.int(a,b)`` (inclusive), ``profile.id`` and ``session.id`` (from the
identity remembered for the target and source), plus the user's variables of
the target. A string that is *only* one numeric placeholder (``"{{timestamp}}"``,
``"{{random.int(1,5)}}"``) becomes a JSON number, so payloads stay typed; a
string that is only ``{{profile.id}}`` while no profile is remembered becomes
``null`` (a first visit). Anything unknown is a :class:`VariableError` raised
before anything is sent, naming the variable and where it is.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "BUILTIN_VARIABLES",
    "VariableContext",
    "VariableError",
    "expand",
    "find_variables",
    "has_variables",
]

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_RANDOM_INT = re.compile(r"^random\.int\(\s*(-?\d+)\s*,\s*(-?\d+)\s*\)$")

_RNG = random.Random()

BUILTIN_VARIABLES = (
    "uuid",
    "now",
    "timestamp",
    "random.int(a,b)",
    "profile.id",
    "session.id",
)


class VariableError(ValueError):
    """A placeholder that cannot be expanded; ``name`` and ``location`` say which and where."""

    def __init__(self, name: str, location: str, reason: str) -> None:
        self.name = name
        self.location = location
        self.reason = reason
        super().__init__(f"{{{{{name}}}}} at {location}: {reason}")


@dataclass
class VariableContext:
    """What the placeholders can refer to at one send.

    ``profile_id``/``session_id`` come from :class:`workbench.client.IdentityMemory`;
    ``user`` holds the target's variables (``{{env}}``, ``{{source}}``…).
    ``clock`` and ``rng`` are replaceable so tests can pin them.
    """

    profile_id: str | None = None
    session_id: str | None = None
    user: Mapping[str, str] = field(default_factory=dict)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    rng: random.Random | None = None  # None: the module's shared generator (no per-send seeding)


def has_variables(value: Any) -> bool:
    """True when any string in *value* holds a ``{{…}}`` placeholder (cheap pre-check)."""
    if isinstance(value, str):
        return "{{" in value
    if isinstance(value, dict):
        return any(has_variables(k) or has_variables(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_variables(v) for v in value)
    return False


def find_variables(value: Any) -> list[tuple[str, str]]:
    """Every placeholder in *value* as ``(name, location)`` pairs, in document order."""
    found: list[tuple[str, str]] = []

    def walk(item: Any, where: str) -> None:
        if isinstance(item, str):
            found.extend((m.group(1), where) for m in _PLACEHOLDER.finditer(item))
        elif isinstance(item, dict):
            for key, sub in item.items():
                walk(key, f"{_join(where, str(key))} (key)")
                walk(sub, _join(where, str(key)))
        elif isinstance(item, list):
            for index, sub in enumerate(item):
                walk(sub, f"{where}[{index}]")

    walk(value, "")
    return found


def expand(value: Any, context: VariableContext | None = None, *, location: str = "") -> Any:
    """Return a copy of the JSON *value* with every placeholder expanded.

    *location* prefixes the paths in errors (e.g. ``"header X-Id"``). Values
    without ``{{`` are returned as they are (no copy), which keeps sending cheap.
    """
    ctx = context or VariableContext()
    if not has_variables(value):
        return value
    return _expand(value, ctx, location)


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _expand(value: Any, ctx: VariableContext, where: str) -> Any:
    if isinstance(value, str):
        return _expand_string(value, ctx, where or "(root)")
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            here = _join(where, str(key))
            new_key = _expand_string(key, ctx, f"{here} (key)") if "{{" in key else key
            out[str(new_key)] = _expand(item, ctx, here)
        return out
    if isinstance(value, list):
        return [_expand(item, ctx, f"{where}[{i}]") for i, item in enumerate(value)]
    return value


def _expand_string(text: str, ctx: VariableContext, where: str) -> Any:
    whole = _PLACEHOLDER.fullmatch(text)
    if whole:
        return _value(whole.group(1), ctx, where, whole_string=True)
    if "{{" not in text:
        return text
    return _PLACEHOLDER.sub(lambda m: str(_value(m.group(1), ctx, where, whole_string=False)), text)


def _value(name: str, ctx: VariableContext, where: str, *, whole_string: bool) -> Any:
    if name in ctx.user:
        return ctx.user[name]
    if name == "uuid":
        return str(uuid.uuid4())
    if name == "now":
        return ctx.clock().astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if name == "timestamp":
        millis = int(ctx.clock().timestamp() * 1000)
        return millis if whole_string else str(millis)
    if name == "session.id":
        if ctx.session_id is None:
            raise VariableError(name, where, "no session id is known for this target and source")
        return ctx.session_id
    if name == "profile.id":
        if ctx.profile_id is None:
            if whole_string:
                return None
            raise VariableError(
                name,
                where,
                "no profile id is remembered for this target and source yet "
                "(send once without it, or use the whole string to send null)",
            )
        return ctx.profile_id
    match = _RANDOM_INT.match(name)
    if match:
        low, high = int(match.group(1)), int(match.group(2))
        if low > high:
            raise VariableError(name, where, f"the lower bound {low} is above the upper {high}")
        number = (ctx.rng or _RNG).randint(low, high)
        return number if whole_string else str(number)
    if name.startswith("random.int"):
        raise VariableError(name, where, "write it as random.int(a,b) with two whole numbers")
    known = ", ".join([*BUILTIN_VARIABLES, *sorted(ctx.user)])
    raise VariableError(name, where, f"unknown variable (known: {known})")
