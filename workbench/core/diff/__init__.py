"""Semantic diff of two JSON documents: :func:`diff` → :class:`DiffResult`.

What "semantic" means here:

* Changes are reported by path (``profile.traits.email``), as ``added``,
  ``removed`` or ``changed``; an added or removed subtree is one change.
* Lists of objects are paired by their ``id`` when both sides share ids, else by
  ``type`` when each type appears once per side; an element paired so is
  addressed by that key (``events[id=ev-1].properties.price``,
  ``events[type=purchase]``) and reordering the list changes nothing. Objects
  with repeated types (log records) pair by aligning the sequences of their
  types, other objects by position, and lists of plain values are aligned as
  sequences, so one inserted value is one ``added`` change, not a cascade of
  ``changed`` ones; those elements are addressed by index (``tags[3]``).
* Volatile values — ids, timestamps and durations, recognised by key name
  (``id``, ``*_id``, ``insert``/``create``/``update``, ``time``,
  ``timestamp``, ``duration``, ``time_ms``…) or because both sides are UUIDs or
  ISO-8601 times — are left out of :attr:`DiffResult.changes` unless
  ``include_volatile``; they are kept in :attr:`DiffResult.hidden` so a view can
  show them without diffing again.
* ``ignore`` takes path patterns in the same notation: ``*`` matches one
  segment, ``**`` any number of segments, ``[*]`` any list element, and list
  elements may be left out of a pattern (``events.metadata`` ignores
  ``events[id=…].metadata`` of every event). A pattern ignores the subtree it
  names.

Numbers compare by value, as JSON does (``1`` equals ``1.0``); like Python,
``true`` equals ``1`` and ``false`` equals ``0``.

Speed: equal subtrees are skipped with one C-level ``==``, so the Python walk
only visits the branches that really differ (``bench/diff.py`` measures it).

The parts: :mod:`.model` (changes and results), :mod:`.paths` (the path
notation), :mod:`.walk` (the comparison itself), :mod:`.apply` (applying changes).
"""

from workbench.core.diff.apply import apply_changes
from workbench.core.diff.model import Change, ChangeKind, DiffResult, PathError, Segment, Selector
from workbench.core.diff.paths import format_path, parse_path, resolve_path
from workbench.core.diff.walk import diff, is_volatile_key

__all__ = [
    "Change",
    "ChangeKind",
    "DiffResult",
    "PathError",
    "Segment",
    "Selector",
    "apply_changes",
    "diff",
    "format_path",
    "is_volatile_key",
    "parse_path",
    "resolve_path",
]
