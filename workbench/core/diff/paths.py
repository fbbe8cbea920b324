"""Paths in dot notation: ``events[id=ev-1].properties.price`` read, written and resolved.

The same notation, with ``*``, ``**`` and ``[*]``, spells ignore patterns
(:func:`parse_pattern`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from workbench.core.diff.model import PathError, Segment, Selector

__all__ = [
    "ANY_DEPTH",
    "ANY_ELEMENT",
    "ANY_ONE",
    "format_path",
    "parse_path",
    "parse_pattern",
    "resolve_path",
    "select",
    "step",
]

_MISSING: Any = object()
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
ANY_ONE = "\0*"
ANY_DEPTH = "\0**"
ANY_ELEMENT = "\0[*]"


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
        return ANY_ELEMENT, end + 1
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
                out.append(ANY_ONE)
            elif patterns and key == "**":
                out.append(ANY_DEPTH)
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


def parse_pattern(text: str) -> tuple[Any, ...]:
    """Read an ignore pattern: a path that may hold ``*``, ``**`` and ``[*]``."""
    return _parse(text, patterns=True)


def select(items: list[Any], selector: Selector) -> int:
    seen = 0
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get(selector.field, _MISSING) == selector.value:
            seen += 1
            if seen == selector.occurrence:
                return index
    raise PathError(f"no element [{selector.field}={selector.value!r}] #{selector.occurrence}")


def step(node: Any, segment: Segment) -> Any:
    if isinstance(segment, Selector):
        if not isinstance(node, list):
            raise PathError(f"{format_path([segment])} needs a list")
        return node[select(node, segment)]
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
        node = step(node, segment)
    return node
