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
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

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


# --- paths ------------------------------------------------------------------

_PLAIN_KEY = re.compile(r"[^.\[\]\"\s]+(?:[^.\[\]\"]*[^.\[\]\"\s])?")
_PLAIN_VALUE = re.compile(r"[\w\-:@/.+~]+")


def _is_json_literal(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _format_value(value: Any) -> str:
    if type(value) is str and _PLAIN_VALUE.fullmatch(value) and not _is_json_literal(value):
        return value
    return json.dumps(value, ensure_ascii=False)


def _format_segment(segment: Segment, first: bool) -> str:
    if isinstance(segment, Selector):
        occurrence = f"#{segment.occurrence}" if segment.occurrence != 1 else ""
        return f"[{segment.field}={_format_value(segment.value)}{occurrence}]"
    if isinstance(segment, int):
        return f"[{segment}]"
    if _PLAIN_KEY.fullmatch(segment) and segment not in ("*", "**"):
        return segment if first else f".{segment}"
    return f"[{json.dumps(segment, ensure_ascii=False)}]"


def format_path(segments: Sequence[Segment]) -> str:
    """``("events", Selector("id", "e1"), "type")`` → ``events[id=e1].type``.

    Keys with dots, brackets, quotes or surrounding spaces are written
    ``["a.b"]``; the whole document is the empty path."""
    return "".join(_format_segment(s, i == 0) for i, s in enumerate(segments))


# Parsed pattern segments: a Segment, or one of the wildcards.
_ANY_ONE = "\0*"
_ANY_DEPTH = "\0**"
_ANY_ELEMENT = "\0[*]"


def _parse_bracket(text: str, start: int, patterns: bool) -> tuple[Any, int]:
    """Parse ``[...]`` starting after ``[``; return the segment and the index after ``]``."""
    if text.startswith('"', start):
        decoder = json.JSONDecoder()
        try:
            key, end = decoder.raw_decode(text, start)
        except ValueError as exc:
            raise PathError(f"bad quoted key at {start} in {text!r}: {exc}") from None
        if not text.startswith("]", end):
            raise PathError(f"expected ']' at {end} in {text!r}")
        return key, end + 1
    end = _find_close(text, start)
    inner = text[start:end]
    if patterns and inner == "*":
        return _ANY_ELEMENT, end + 1
    if re.fullmatch(r"-?\d+", inner):
        return int(inner), end + 1
    name, eq, rest = inner.partition("=")
    if not eq or not name:
        raise PathError(f'expected [N], ["key"] or [field=value] in {text!r}, got [{inner}]')
    occurrence = 1
    value_text = rest
    if not rest.startswith('"') and "#" in rest:
        value_text, _, occ = rest.rpartition("#")
        if not occ.isdigit() or int(occ) < 1:
            raise PathError(f"bad occurrence #{occ} in {text!r}")
        occurrence = int(occ)
    elif rest.startswith('"'):
        decoder = json.JSONDecoder()
        try:
            _, vend = decoder.raw_decode(rest)
        except ValueError as exc:
            raise PathError(f"bad quoted value in {text!r}: {exc}") from None
        tail = rest[vend:]
        value_text = rest[:vend]
        if tail:
            if not tail.startswith("#") or not tail[1:].isdigit() or int(tail[1:]) < 1:
                raise PathError(f"unexpected {tail!r} after the value in {text!r}")
            occurrence = int(tail[1:])
    try:
        value: Any = json.loads(value_text)
    except ValueError:
        value = value_text
    return Selector(name, value, occurrence), end + 1


def _find_close(text: str, start: int) -> int:
    """Index of the ``]`` closing a bracket opened before *start* (quotes respected)."""
    i = start
    in_quote = False
    while i < len(text):
        ch = text[i]
        if in_quote:
            if ch == "\\":
                i += 1
            elif ch == '"':
                in_quote = False
        elif ch == '"':
            in_quote = True
        elif ch == "]":
            return i
        i += 1
    raise PathError(f"unclosed '[' in {text!r}")


def _parse(text: str, patterns: bool) -> tuple[Any, ...]:
    out: list[Any] = []
    i = 0
    n = len(text)
    expect_key = True  # at the start or right after a dot
    while i < n:
        ch = text[i]
        if ch == "[":
            segment, i = _parse_bracket(text, i + 1, patterns)
            out.append(segment)
            expect_key = False
        elif ch == "." and not expect_key:
            i += 1
            expect_key = True
            if i >= n:
                raise PathError(f"path {text!r} ends with '.'")
        elif expect_key:
            end = i
            while end < n and text[end] not in ".[":
                end += 1
            key = text[i:end]
            if not key:
                raise PathError(f"empty key at {i} in {text!r}")
            if patterns and key == "*":
                out.append(_ANY_ONE)
            elif patterns and key == "**":
                out.append(_ANY_DEPTH)
            else:
                out.append(key)
            i = end
            expect_key = False
        else:
            raise PathError(f"expected '.' or '[' at {i} in {text!r}")
    return tuple(out)


def parse_path(text: str) -> tuple[Segment, ...]:
    """The inverse of :func:`format_path`. Raises :class:`PathError`."""
    return _parse(text, patterns=False)


def _select(items: list[Any], selector: Selector) -> int:
    seen = 0
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get(selector.field, _MISSING) == selector.value:
            seen += 1
            if seen == selector.occurrence:
                return index
    raise PathError(f"no element [{selector.field}={selector.value!r}] #{selector.occurrence}")


def _step(node: Any, segment: Segment) -> Any:
    if isinstance(segment, Selector):
        if not isinstance(node, list):
            raise PathError(f"{format_path([segment])} needs a list")
        return node[_select(node, segment)]
    if isinstance(segment, int):
        if not isinstance(node, list) or not -len(node) <= segment < len(node):
            raise PathError(f"no element [{segment}]")
        return node[segment]
    if not isinstance(node, dict) or segment not in node:
        raise PathError(f"no key {segment!r}")
    return node[segment]


def resolve_path(document: Any, path: str | Sequence[Segment]) -> Any:
    """The value at *path* in *document*. Raises :class:`PathError`."""
    segments = parse_path(path) if isinstance(path, str) else path
    node = document
    for segment in segments:
        node = _step(node, segment)
    return node


# --- ignore patterns ----------------------------------------------------------


class _Patterns:
    """Ignore patterns run as a small NFA while the walk descends."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.texts = tuple(texts)
        for text in self.texts:
            if not text.strip():
                raise PathError("an empty ignore pattern would ignore everything")
        self.patterns = tuple(_parse(t.strip(), patterns=True) for t in self.texts)

    def start(self) -> frozenset[tuple[int, int]] | None:
        if not self.patterns:
            return None
        return self._closure({(i, 0) for i in range(len(self.patterns))})

    def _closure(self, states: set[tuple[int, int]]) -> frozenset[tuple[int, int]]:
        todo = list(states)
        while todo:
            p, pos = todo.pop()
            pattern = self.patterns[p]
            if pos < len(pattern) and pattern[pos] == _ANY_DEPTH and (p, pos + 1) not in states:
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
            if want == _ANY_DEPTH:
                out.add((p, pos))
            elif want == _ANY_ONE or (want == _ANY_ELEMENT and element):
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


# --- applying changes -----------------------------------------------------------


def _copy(value: Any) -> Any:
    if type(value) is dict:
        return {k: _copy(v) for k, v in value.items()}
    if type(value) is list:
        return [_copy(v) for v in value]
    return value


def apply_changes(document: Any, changes: Iterable[Change]) -> Any:
    """Return a copy of *document* with *changes* applied (the old side becomes the new).

    Paths resolve against the old document, except the index of an element
    added to a list, which is its index in the new one; elements added to lists
    paired by ``id`` or ``type`` are appended. ``diff(apply_changes(a,
    diff(a, b).changes), b)`` is equal. Raises :class:`PathError` when a path
    does not resolve."""
    root: list[Any] = [_copy(document)]
    # Resolve every target before mutating, so index shifts cannot misdirect others.
    sets: list[tuple[Any, Segment, Any]] = []
    removals: dict[int, tuple[list[Any], list[int]]] = {}
    additions: dict[int, tuple[list[Any], list[tuple[Segment, Any]]]] = {}
    removed_keys: list[tuple[dict[str, Any], str]] = []
    for change in changes:
        segments = change.segments or parse_path(change.path)
        full: tuple[Segment, ...] = (0, *segments)  # root[0] holds the document
        last = full[-1]
        parent: Any = root
        for segment in full[:-1]:
            parent = _step(parent, segment)
        if change.kind == "changed":
            sets.append((parent, _index(parent, last), change.new))
        elif change.kind == "removed":
            if isinstance(parent, dict):
                removed_keys.append((parent, str(last)))
            else:
                removals.setdefault(id(parent), (parent, []))[1].append(_index(parent, last))
        else:
            if isinstance(parent, dict):
                sets.append((parent, last, change.new))
            elif isinstance(parent, list):
                additions.setdefault(id(parent), (parent, []))[1].append((last, change.new))
            else:
                raise PathError(f"{change.path}: cannot add below a {type(parent).__name__}")
    for container, key, value in sets:
        container[key] = value
    for container, key in removed_keys:
        del container[key]
    for container, indexes in removals.values():
        for index in sorted(set(indexes), reverse=True):
            del container[index]
    for container, added in additions.values():
        positioned = sorted(
            ((s, v) for s, v in added if isinstance(s, int)), key=lambda item: item[0]
        )
        for index, value in positioned:
            container.insert(index, value)
        container.extend(v for s, v in added if not isinstance(s, int))
    return root[0]


def _index(parent: Any, segment: Segment) -> Any:
    if isinstance(segment, Selector):
        if not isinstance(parent, list):
            raise PathError(f"{format_path([segment])} needs a list")
        return _select(parent, segment)
    if isinstance(segment, int):
        if not isinstance(parent, list) or not 0 <= segment < len(parent):
            raise PathError(f"no element [{segment}]")
        return segment
    if not isinstance(parent, dict):
        raise PathError(f"no key {segment!r}")
    return segment
