"""Applying a diff's changes to the old document, which then equals the new one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from workbench.core.diff.model import Change, PathError, Segment, Selector
from workbench.core.diff.paths import format_path, parse_path, select, step

__all__ = ["apply_changes"]


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
            parent = step(parent, segment)
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
        return select(parent, segment)
    if isinstance(segment, int):
        if not isinstance(parent, list) or not 0 <= segment < len(parent):
            raise PathError(f"no element [{segment}]")
        return segment
    if not isinstance(parent, dict):
        raise PathError(f"no key {segment!r}")
    return segment
