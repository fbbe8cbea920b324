"""The walk that compares two documents: volatile values, ignore patterns, list pairing."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from typing import Any

from workbench.core.diff.model import (
    Change,
    ChangeKind,
    DiffResult,
    PathError,
    Segment,
    Selector,
)
from workbench.core.diff.paths import ANY_DEPTH, ANY_ELEMENT, ANY_ONE, format_path, parse_pattern

__all__ = ["diff", "is_volatile_key"]

# --- volatile values -------------------------------------------------------

_ID_KEYS = ("id", "uuid", "guid", "etag")
_TIME_KEYS = (
    *("time", "timestamp", "ts", "date", "datetime", "insert", "create", "update"),
    *("created", "updated", "modified", "inserted", "created_at", "updated_at"),
    *("modified_at", "expires", "expire", "x-timestamp", "last-modified"),
)
_DURATION_KEYS = (
    *("duration", "time_ms", "elapsed", "elapsed_ms", "took", "latency", "run_time"),
    *("runtime", "execution_time", "response_time", "process_time"),
)
_VOLATILE_KEYS = frozenset((*_ID_KEYS, *_TIME_KEYS, *_DURATION_KEYS))
_VISIT_KEYS = frozenset({"last", "current"})
_ID_SUFFIX = re.compile(r"(?:[_-]id|[a-z]Id)$")
_UUID = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)
_ISO_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)


def is_volatile_key(key: str, parent: str | None = None) -> bool:
    """True for keys that hold ids, timestamps or durations (case-insensitive)."""
    lowered = key.lower()
    if lowered in _VOLATILE_KEYS or _ID_SUFFIX.search(key):
        return True
    return lowered in _VISIT_KEYS and parent is not None and parent.lower() == "visit"


def _volatile_values(old: Any, new: Any) -> bool:
    if type(old) is not str or type(new) is not str:
        return False
    return bool(
        (_UUID.fullmatch(old) and _UUID.fullmatch(new))
        or (_ISO_TIME.fullmatch(old) and _ISO_TIME.fullmatch(new))
    )


# --- ignore patterns ----------------------------------------------------------


class _Patterns:
    """Ignore patterns run as a small NFA while the walk descends."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.texts = tuple(texts)
        for text in self.texts:
            if not text.strip():
                raise PathError("an empty ignore pattern would ignore everything")
        self.patterns = tuple(parse_pattern(t.strip()) for t in self.texts)

    def start(self) -> frozenset[tuple[int, int]] | None:
        if not self.patterns:
            return None
        return self._closure({(i, 0) for i in range(len(self.patterns))})

    def _closure(self, states: set[tuple[int, int]]) -> frozenset[tuple[int, int]]:
        todo = list(states)
        while todo:
            p, pos = todo.pop()
            pattern = self.patterns[p]
            if pos < len(pattern) and pattern[pos] == ANY_DEPTH and (p, pos + 1) not in states:
                states.add((p, pos + 1))
                todo.append((p, pos + 1))
        return frozenset(states)

    def step(
        self, states: frozenset[tuple[int, int]], segment: Segment
    ) -> tuple[bool, frozenset[tuple[int, int]] | None]:
        """Descend one segment: (ignored?, states below)."""
        element = not isinstance(segment, str)
        out: set[tuple[int, int]] = set()
        for p, pos in states:
            pattern = self.patterns[p]
            if pos >= len(pattern):
                return True, None
            want = pattern[pos]
            if want == ANY_DEPTH:
                out.add((p, pos))
            elif want == ANY_ONE or (want == ANY_ELEMENT and element):
                out.add((p, pos + 1))
            elif element and isinstance(want, str):
                out.add((p, pos))  # a pattern may leave list elements out
            elif want == segment and type(want) is type(segment):
                out.add((p, pos + 1))
        if not out:
            return False, None
        closed = self._closure(out)
        ignored = any(pos >= len(self.patterns[p]) for p, pos in closed)
        return ignored, closed


# --- the walk -----------------------------------------------------------------

_MISSING: Any = object()
_SEQUENCE_LIMIT = 4000  # longer differing middles of lists are compared by position


class _Walker:
    def __init__(self, patterns: _Patterns, include_volatile: bool) -> None:
        self.patterns = patterns
        self.include_volatile = include_volatile
        self.changes: list[Change] = []
        self.hidden: list[Change] = []

    def emit(
        self, path: tuple[Segment, ...], kind: ChangeKind, old: Any, new: Any, volatile: bool
    ) -> None:
        change = Change(format_path(path), kind, old, new, path)
        if volatile and not self.include_volatile:
            self.hidden.append(change)
        else:
            self.changes.append(change)

    def child(
        self, states: frozenset[tuple[int, int]] | None, segment: Segment
    ) -> tuple[bool, frozenset[tuple[int, int]] | None]:
        if states is None:
            return False, None
        return self.patterns.step(states, segment)

    def value(
        self,
        a: Any,
        b: Any,
        path: tuple[Segment, ...],
        states: frozenset[tuple[int, int]] | None,
        volatile: bool,
        parent_key: str | None,
    ) -> None:
        ta, tb = type(a), type(b)
        if ta is dict and tb is dict:
            self.walk_dict(a, b, path, states, volatile)
        elif ta is list and tb is list:
            self.walk_list(a, b, path, states, volatile, parent_key)
        else:
            self.emit(path, "changed", a, b, volatile or _volatile_values(a, b))

    def walk_dict(
        self,
        a: dict[str, Any],
        b: dict[str, Any],
        path: tuple[Segment, ...],
        states: frozenset[tuple[int, int]] | None,
        volatile: bool,
    ) -> None:
        parent = path[-1] if path and isinstance(path[-1], str) else None
        for key, va in a.items():
            vb = b.get(key, _MISSING)
            if vb is not _MISSING and (va is vb or va == vb):
                continue
            ignored, below = self.child(states, key)
            if ignored:
                continue
            vol = volatile or is_volatile_key(key, parent)
            child = (*path, key)
            if vb is _MISSING:
                self.emit(child, "removed", va, None, vol)
            else:
                self.value(va, vb, child, below, vol, key)
        for key, vb in b.items():
            if key in a:
                continue
            ignored, _ = self.child(states, key)
            if not ignored:
                self.emit((*path, key), "added", None, vb, volatile or is_volatile_key(key, parent))

    def walk_list(
        self,
        a: list[Any],
        b: list[Any],
        path: tuple[Segment, ...],
        states: frozenset[tuple[int, int]] | None,
        volatile: bool,
        parent_key: str | None,
    ) -> None:
        pairs = _pair_by_field(a, b, "id", need_overlap=True)
        if pairs is None:
            pairs = _pair_by_field(a, b, "type", need_overlap=False)
        if pairs is not None:
            for segment, va, vb in pairs:
                self.element(segment, va, vb, path, states, volatile, parent_key)
            return
        keys: list[Any] | None = None
        if _all_dicts(a) and _all_dicts(b):
            types_a, types_b = _field_values(a, "type"), _field_values(b, "type")
            if types_a is not None and types_b is not None:
                keys = types_a + types_b  # repeated types: align the type sequences
        else:
            keys = _keys(a) + _keys(b)
        if keys is None:
            self.by_position(a, b, 0, 0, path, states, volatile, parent_key)
        else:
            self.sequence(a, b, keys[: len(a)], keys[len(a) :], path, states, volatile, parent_key)

    def by_position(
        self,
        a: list[Any],
        b: list[Any],
        i0: int,
        j0: int,
        path: tuple[Segment, ...],
        states: frozenset[tuple[int, int]] | None,
        volatile: bool,
        parent_key: str | None,
    ) -> None:
        """Pair ``a[i0 + k]`` with ``b[j0 + k]``; the longer side's tail is removed or added."""
        common = min(len(a), len(b))
        for k in range(common):
            va, vb = a[k], b[k]
            if not (va is vb or va == vb):
                self.element(i0 + k, va, vb, path, states, volatile, parent_key)
        for k in range(common, len(a)):
            self.element(i0 + k, a[k], _MISSING, path, states, volatile, parent_key)
        for k in range(common, len(b)):
            self.element(j0 + k, _MISSING, b[k], path, states, volatile, parent_key)

    def sequence(
        self,
        a: list[Any],
        b: list[Any],
        keys_a: list[Any],
        keys_b: list[Any],
        path: tuple[Segment, ...],
        states: frozenset[tuple[int, int]] | None,
        volatile: bool,
        parent_key: str | None,
    ) -> None:
        """Align two lists by the sequences of their keys (values, or object types).

        Elements in aligned runs and in replaced runs pair by position within the
        run; an element only one side has is added or removed. Paths use the old
        index, except for an added element, which has its new index."""
        start = 0
        end_a, end_b = len(a), len(b)
        while start < end_a and start < end_b and keys_a[start] == keys_b[start]:
            start += 1
        while end_a > start and end_b > start and keys_a[end_a - 1] == keys_b[end_b - 1]:
            end_a -= 1
            end_b -= 1
        args = (path, states, volatile, parent_key)
        self.by_position(a[:start], b[:start], 0, 0, *args)
        if (end_a - start) + (end_b - start) > _SEQUENCE_LIMIT:
            self.by_position(a[start:end_a], b[start:end_b], start, start, *args)
        elif start < end_a or start < end_b:
            matcher = difflib.SequenceMatcher(None, keys_a[start:end_a], keys_b[start:end_b])
            for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
                i1, i2, j1, j2 = i1 + start, i2 + start, j1 + start, j2 + start
                self.by_position(a[i1:i2], b[j1:j2], i1, j1, *args)
        self.by_position(a[end_a:], b[end_b:], end_a, end_b, *args)

    def element(
        self,
        segment: Segment,
        va: Any,
        vb: Any,
        path: tuple[Segment, ...],
        states: frozenset[tuple[int, int]] | None,
        volatile: bool,
        parent_key: str | None,
    ) -> None:
        ignored, below = self.child(states, segment)
        if ignored:
            return
        child = (*path, segment)
        if vb is _MISSING:
            self.emit(child, "removed", va, None, volatile)
        elif va is _MISSING:
            self.emit(child, "added", None, vb, volatile)
        elif not (va is vb or va == vb):
            self.value(va, vb, child, below, volatile, parent_key)


def _all_dicts(items: list[Any]) -> bool:
    return all(type(item) is dict for item in items)


def _keys(items: list[Any]) -> list[Any]:
    """Hashable stand-ins for list items, equal exactly when the items are equal."""
    out: list[Any] = []
    for item in items:
        if isinstance(item, dict | list):
            out.append(("\0json", json.dumps(item, sort_keys=True, default=str)))
        else:
            out.append(item)
    return out


def _pair_by_field(
    a: list[Any], b: list[Any], name: str, *, need_overlap: bool
) -> list[tuple[Segment, Any, Any]] | None:
    """Pair two lists of objects by one field, or None when the lists do not allow it.

    Every element of both lists must be an object holding a hashable *name*. For
    ``id`` and ``type`` the values must be unique per side; ids must also be
    shared at least once (ids regenerated by a replay pair by ``type`` instead)."""
    if not a and not b:
        return None
    keyed_a = _keyed(a, name)
    keyed_b = _keyed(b, name) if keyed_a is not None else None
    if keyed_a is None or keyed_b is None:
        return None
    if any(occ != 1 for (_, occ) in keyed_a) or any(occ != 1 for (_, occ) in keyed_b):
        return None  # repeated values: the caller aligns the sequences instead
    if need_overlap and a and b and keyed_a.keys().isdisjoint(keyed_b.keys()):
        return None
    pairs: list[tuple[Segment, Any, Any]] = []
    for (value, occ), va in keyed_a.items():
        pairs.append((Selector(name, value, occ), va, keyed_b.get((value, occ), _MISSING)))
    for (value, occ), vb in keyed_b.items():
        if (value, occ) not in keyed_a:
            pairs.append((Selector(name, value, occ), _MISSING, vb))
    return pairs


def _field_values(items: list[Any], name: str) -> list[Any] | None:
    """The hashable *name* field of every object, or None when one lacks it."""
    out: list[Any] = []
    for item in items:
        value = item.get(name, _MISSING)
        if value is _MISSING or not isinstance(value, str | int) or isinstance(value, bool):
            return None
        out.append(value)
    return out


def _keyed(items: list[Any], name: str) -> dict[tuple[Any, int], Any] | None:
    out: dict[tuple[Any, int], Any] = {}
    seen: dict[Any, int] = {}
    for item in items:
        if type(item) is not dict:
            return None
        value = item.get(name, _MISSING)
        if value is _MISSING or not isinstance(value, str | int) or isinstance(value, bool):
            return None
        occ = seen.get(value, 0) + 1
        seen[value] = occ
        out[(value, occ)] = item
    return out


def diff(
    a: Any,
    b: Any,
    *,
    ignore: Iterable[str] = (),
    include_volatile: bool = False,
) -> DiffResult:
    """Compare two JSON values (as ``json.loads`` returns them).

    ``ignore``: path patterns whose subtrees are left out (see the module
    docstring); raises :class:`PathError` for a pattern that cannot be read.
    ``include_volatile``: report ids, timestamps and durations too."""
    patterns = _Patterns(ignore)
    walker = _Walker(patterns, include_volatile)
    if not (a is b or a == b):
        states = patterns.start()
        ignored = states is not None and any(pos >= len(patterns.patterns[p]) for p, pos in states)
        if not ignored:
            walker.value(a, b, (), states, False, None)
    return DiffResult(tuple(walker.changes), tuple(walker.hidden), patterns.texts, include_volatile)
