"""Operations specialised once per rule for the quiet path (no debugger).

:meth:`Operation.apply_quietly <workbench.core.flow.operations.Operation.apply_quietly>`
is the reference: it handles every kind, every type met on the way and every
failure. :func:`quick_operation` builds, when a rule is compiled, one generated
function for one operation that does the same for the common case (objects on
the way to the target, numbers that are ``int``/``float``, JSON values from a
decoded document) in a single frame: the path reads and the copy-on-write walk
are written out key by key, there is no dispatch on the kind per call and no
exception for a unique append that is already there.

Whenever the generated function meets anything else (a list, a scalar or
``null`` on the way, a value of an unexpected type, a failure to report) it
hands the whole operation to the reference before it has changed anything the
reference would see differently, so the effects and failures are exactly the
reference's (a property test compares both on random operations and profiles).
Field names and literals never appear in the source: they are passed in as
constants, so nothing a user typed becomes code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workbench.core.flow.operations import Operation
from workbench.core.flow.paths import MISSING

__all__ = ["QuickOperation", "quick_operation"]

#: ``(profile, roots, owned)``: apply one operation; raises what ``apply_quietly`` raises.
QuickOperation = Callable[[dict[str, Any], dict[str, Any], set[int]], None]

_EMPTY: tuple[Any, ...] = (MISSING, None, "", [], {})
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


class _Source:
    """Lines of one generated operation, with its constants passed in by name."""

    def __init__(self, operation: Operation) -> None:
        self.names: dict[str, Any] = {
            "_M": MISSING,
            "_copy": _copy,
            "_SCALARS": _SCALARS,
            "_EMPTY": _EMPTY,
            "reference": operation.apply_quietly,
        }
        self.lines: list[str] = []

    def constant(self, value: Any) -> str:
        name = f"k{len(self.names)}"
        self.names[name] = value
        return name

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def read(self, target: str, document: str, keys: tuple[str, ...]) -> None:
        """``target = read_value(document, keys)`` for objects (and MISSING, whose get
        gives MISSING); anything without a get hands the operation to the reference."""
        chain = "".join(f".get({self.constant(key)}, _M)" for key in keys)
        self.add(
            "try:",
            f"    {target} = {document}{chain}",
            "except AttributeError:",
            "    return reference(profile, roots, owned)",
        )

    def write(self, value: str, keys: tuple[str, ...]) -> None:
        """``detach_path`` + ``write_value`` for objects, in one walk (see _writer below)."""
        self.add("c = profile")
        for key in keys[:-1]:
            name = self.constant(key)
            self.add(
                f"x = c.get({name}, _M)",
                "if type(x) is dict:",
                "    if id(x) not in owned:",
                f"        x = dict(x); c[{name}] = x; owned.add(id(x))",
                "elif x is _M or x is None:",
                f"    x = {{}}; c[{name}] = x; owned.add(id(x))",
                "else:",
                "    return reference(profile, roots, owned)",
                "c = x",
            )
        self.add(f"c[{self.constant(keys[-1])}] = {value}")

    def incoming(self, operation: Operation) -> None:
        """``v`` = the operation's source value (a fresh copy); returns when it is missing."""
        source = operation.source
        if source is None:
            literal = operation.value if operation.has_value else MISSING
            if type(literal) in _SCALARS or literal is MISSING:
                self.add(f"v = {self.constant(literal)}")
            else:
                self.add(f"v = _copy({self.constant(literal)})")
            return
        self.add(f"v = roots.get({self.constant(source.root)})", "if v is None: return")
        self.read("v", "v", source.keys)
        self.add("if v is _M: return", "if type(v) not in _SCALARS: v = _copy(v)")

    def build(self) -> QuickOperation:
        body = "".join(f"    {line}\n" for line in self.lines)
        namespace = dict(self.names)
        exec(
            compile(f"def apply(profile, roots, owned):\n{body}", "<operation>", "exec"), namespace
        )
        apply: QuickOperation = namespace["apply"]
        return apply


def quick_operation(operation: Operation) -> QuickOperation:
    """A function with the effects of ``operation.apply_quietly(profile, roots, owned)``."""
    source = _Source(operation)
    keys = operation.target.keys
    kind = operation.kind
    if kind == "delete":
        source.read("b", "profile", keys)
        source.add("if b is not _M:", "    reference(profile, roots, owned)")
        return source.build()
    source.incoming(operation)
    source.read("b", "profile", keys)
    if kind == "increment":
        if operation.source is None and not operation.has_value:
            source.add(f"v = {source.constant(1)}")
        source.add(
            "t = type(v)",
            "if t is not int and t is not float:",
            "    return reference(profile, roots, owned)",  # reports "not a number"
            "t = type(b)",
            "if t is int or t is float:",
            "    a = b + v",
            "    if a == b and type(a) is t: return",  # incremented by 0: unchanged
            "elif b is _M or b is None:",
            "    a = v",
            "else:",
            "    return reference(profile, roots, owned)",
        )
        source.write("a", keys)
        return source.build()
    if kind == "append":
        source.add(
            "if b is _M or b is None:",
            "    a = [v]",
            "elif type(b) is list:",
            *(["    if v in b: return"] if operation.unique else []),
            "    a = [*b, v]",
            "else:",
            "    return reference(profile, roots, owned)",  # reports "not a list"
        )
        source.write("a", keys)
        return source.build()
    if kind == "set_if_empty":
        source.add("if b not in _EMPTY: return")
    source.add("if b is not _M and b == v and type(b) is type(v): return")
    source.write("v", keys)
    return source.build()
