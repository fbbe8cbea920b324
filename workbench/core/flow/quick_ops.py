"""Operations specialised once per rule for the quiet path (no debugger).

:meth:`Operation.apply_quietly <workbench.core.flow.operations.Operation.apply_quietly>`
is the reference: it handles every kind, every type met on the way and every
failure. :func:`quick_operation` builds, when a rule is compiled, a function for
one operation that does the same for the common case (plain objects on the way
to the target, numbers that are ``int``/``float``, JSON values from a decoded
document) with none of the reference's generality: no dispatch on the kind per
call, no exception for a unique append that is already there, one walk that
copies and writes the target's path instead of two.

Whenever the specialised function meets anything else (a list or a scalar on
the way, a value of an unexpected type, a failure to report) it hands the whole
operation to the reference before it has changed anything the reference would
see differently, so the effects and failures are exactly the reference's. The
engine's property tests run both paths on random rules and profiles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workbench.core.flow.operations import Operation
from workbench.core.flow.paths import MISSING, reader

__all__ = ["QuickOperation", "quick_operation"]

#: ``(profile, roots, owned)``: apply one operation; raises what ``apply_quietly`` raises.
QuickOperation = Callable[[dict[str, Any], dict[str, Any], set[int]], None]

_EMPTY: tuple[Any, ...] = (MISSING, None, "", [], {})


def _writer(keys: tuple[str, ...]) -> Callable[[dict[str, Any], Any, set[int]], bool]:
    """``detach_path`` + ``write_value`` in one walk, for objects only.

    Returns False, having changed nothing a reader could tell apart, when a
    step on the way holds something other than an object, ``null`` or nothing
    (the caller then runs the reference, which copies lists or reports the
    scalar). Objects it creates on the way are its own, so they are owned.
    """
    parents, last = keys[:-1], keys[-1]

    def write(profile: dict[str, Any], value: Any, owned: set[int]) -> bool:
        current = profile
        for key in parents:
            child = current.get(key, MISSING)
            if type(child) is dict:
                if id(child) not in owned:
                    child = dict(child)
                    current[key] = child
                    owned.add(id(child))
            elif child is MISSING or child is None:
                child = {}
                current[key] = child
                owned.add(id(child))
            else:
                # Only reachable before anything was created (below a new object all
                # is missing); the copies made so far are owned and change no value.
                return False
            current = child
        current[last] = value
        return True

    return write


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _copy(value: Any) -> Any:
    """What ``operations._frozen`` gives: containers copied, scalars as they are."""
    if type(value) in _SCALARS:
        return value
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _incoming(operation: Operation) -> Callable[[dict[str, Any]], Any]:
    """The operation's source value for *roots* (a fresh copy), or ``MISSING``."""
    source = operation.source
    if source is None:
        if not operation.has_value:
            return lambda _roots: MISSING
        literal = operation.value
        if type(literal) in _SCALARS:
            return lambda _roots: literal
        return lambda _roots: _copy(literal)
    root_name = source.root
    read = reader(source.keys)

    def incoming(roots: dict[str, Any]) -> Any:
        root = roots.get(root_name)
        if root is None:
            return MISSING
        value = read(root)
        return value if type(value) in _SCALARS else _copy(value)

    return incoming


def quick_operation(operation: Operation) -> QuickOperation:
    """A function with the effects of ``operation.apply_quietly(profile, roots, owned)``."""
    reference = operation.apply_quietly
    keys = operation.target.keys
    read, write, incoming = reader(keys), _writer(keys), _incoming(operation)
    kind = operation.kind

    def finish(
        profile: dict[str, Any], roots: dict[str, Any], owned: set[int], before: Any, after: Any
    ) -> None:
        if before is not MISSING and before == after and type(before) is type(after):
            return
        if not write(profile, after, owned):
            reference(profile, roots, owned)

    if kind == "increment":

        def increment(profile: dict[str, Any], roots: dict[str, Any], owned: set[int]) -> None:
            amount = incoming(roots)
            if amount is MISSING:
                if operation.source is not None:
                    return  # a missing source: nothing to do
                amount = 1
            kind_of_amount = type(amount)
            if kind_of_amount is not int and kind_of_amount is not float:
                reference(profile, roots, owned)  # reports "not a number"
                return
            before = read(profile)
            kind_of_before = type(before)
            if kind_of_before is int or kind_of_before is float:
                after = before + amount
                if after == before and type(after) is kind_of_before:
                    return  # incremented by 0: unchanged
            elif before is MISSING or before is None:
                after = amount
            else:
                reference(profile, roots, owned)
                return
            if not write(profile, after, owned):
                reference(profile, roots, owned)

        return increment

    if kind in ("set", "set_if_empty"):
        if_empty = kind == "set_if_empty"

        def assign(profile: dict[str, Any], roots: dict[str, Any], owned: set[int]) -> None:
            value = incoming(roots)
            if value is MISSING and operation.source is not None:
                return
            before = read(profile)
            if if_empty and before not in _EMPTY:
                return
            finish(profile, roots, owned, before, value)

        return assign

    if kind == "append":
        unique = operation.unique

        def append(profile: dict[str, Any], roots: dict[str, Any], owned: set[int]) -> None:
            value = incoming(roots)
            if value is MISSING and operation.source is not None:
                return
            before = read(profile)
            if before is MISSING or before is None:
                after = [value]
            elif type(before) is list:
                if unique and value in before:
                    return
                after = [*before, value]
            else:
                reference(profile, roots, owned)  # reports "not a list"
                return
            finish(profile, roots, owned, before, after)

        return append

    def delete(profile: dict[str, Any], roots: dict[str, Any], owned: set[int]) -> None:
        if read(profile) is not MISSING:
            reference(profile, roots, owned)

    return delete
