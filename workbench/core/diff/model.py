"""The values a diff speaks in: paths' segments, one :class:`Change`, the :class:`DiffResult`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Change", "ChangeKind", "DiffResult", "PathError", "Segment", "Selector"]

ChangeKind = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class Selector:
    """A list element addressed by a field of it: ``[id=ev-1]``, ``[type=view#2]``."""

    field: str
    value: Any
    occurrence: int = 1  # the n-th element with this value (1-based)


Segment = str | int | Selector
"""One step of a path: a dict key, a list index, or a list element selector."""


class PathError(ValueError):
    """A path or an ignore pattern that cannot be read, or does not resolve."""


@dataclass(frozen=True)
class Change:
    """One difference. ``old`` is ``None`` for ``added``, ``new`` for ``removed``.

    ``path`` is in dot notation (see :func:`format_path`); ``segments`` is the same
    path as a tuple, for code that walks the documents."""

    path: str
    kind: ChangeKind
    old: Any = None
    new: Any = None
    segments: tuple[Segment, ...] = field(default=(), compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "kind": self.kind}
        if self.kind != "added":
            out["old"] = self.old
        if self.kind != "removed":
            out["new"] = self.new
        return out


@dataclass(frozen=True)
class DiffResult:
    """The changes between two documents, and the volatile ones left out."""

    changes: tuple[Change, ...]
    hidden: tuple[Change, ...] = ()
    ignored: tuple[str, ...] = ()
    include_volatile: bool = False

    @property
    def equal(self) -> bool:
        return not self.changes

    def counts(self) -> dict[str, int]:
        counts = {"changed": 0, "added": 0, "removed": 0}
        for change in self.changes:
            counts[change.kind] += 1
        return counts

    def summary(self) -> str:
        """One line: ``3 differences: 1 changed, 1 added, 1 removed (4 volatile hidden)``."""
        hidden = f" ({len(self.hidden)} volatile hidden)" if self.hidden else ""
        if self.equal:
            return f"equal{hidden}"
        counts = self.counts()
        parts = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
        noun = "difference" if len(self.changes) == 1 else "differences"
        return f"{len(self.changes)} {noun}: {parts}{hidden}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "equal": self.equal,
            "summary": self.summary(),
            "counts": self.counts(),
            "include_volatile": self.include_volatile,
            "ignored": list(self.ignored),
            "hidden_volatile": len(self.hidden),
            "changes": [change.to_dict() for change in self.changes],
        }
