"""Debugging sections told as lines of text: a log's message, a rule's outcome, a change.

A console record is an object of a dozen keys whose point is its ``message``; a
flow's execution is events holding rules holding changes. Shown as raw JSON they
read as ``{11 keys}`` or as one truncated line. :func:`summary_line` gives the one
line a record-like object stands for (the window puts it in a tree row's value
column, with the keys still there on expand) and :func:`section_lines` tells a
whole section line by line (``workbench send``'s pretty output), so the window
and the terminal say the same thing in the same words.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from workbench.core.wording import located

__all__ = ["section_lines", "summary_line"]

_LEVELS = frozenset({"debug", "info", "warning", "error", "critical", "notice", "log"})
_LINE = 160


def _short(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _record_line(record: Mapping[str, Any]) -> str | None:
    message = record.get("message")
    if isinstance(message, str):
        level = record.get("type") or record.get("level")
        if isinstance(level, str) and level.lower() in _LEVELS:
            return f"{level.lower()} · {message}"
        return message
    msg = record.get("msg")
    if isinstance(msg, str):  # a 422 detail item: {"loc": [...], "msg": ..., "type": ...}
        loc = record.get("loc")
        where = ".".join(str(p) for p in loc) if isinstance(loc, list) else ""
        return located(where, msg)
    return None


def _change_line(change: Mapping[str, Any]) -> str | None:
    path = change.get("path")
    if not isinstance(path, str) or not ("before" in change or "after" in change):
        return None
    operation = change.get("operation")
    prefix = f"{operation} " if isinstance(operation, str) else ""
    return f"{prefix}{path}: {_short(change.get('before'))} → {_short(change.get('after'))}"


def _rule_line(rule: Mapping[str, Any]) -> str | None:
    matched = rule.get("matched")
    if not isinstance(matched, bool):
        return None
    name = rule.get("name") or rule.get("id") or "rule"
    if not matched:
        reason = rule.get("reason")
        return f"not matched: {name}" + (f" — {reason}" if isinstance(reason, str) else "")
    changes = rule.get("changes")
    told = [
        line for line in (_change_line(c) for c in changes or [] if isinstance(c, Mapping)) if line
    ]
    return f"matched: {name}" + (f" — {'; '.join(told)}" if told else "")


def _event_line(event: Mapping[str, Any]) -> str | None:
    kind = event.get("type")
    rules = event.get("rules")
    if not isinstance(kind, str) or not (isinstance(rules, list) or "valid" in event):
        return None
    parts = [kind]
    valid = event.get("valid")
    if isinstance(valid, bool):
        parts.append("valid" if valid else "invalid")
    if isinstance(rules, list) and rules:
        matched = sum(1 for r in rules if isinstance(r, Mapping) and r.get("matched") is True)
        parts.append(f"{matched} of {_plural(len(rules), 'rule')} matched")
    line = " · ".join(parts)
    skipped = event.get("skipped")
    return f"{line} — {skipped}" if isinstance(skipped, str) else line


def summary_line(value: Any) -> str | None:
    """The one line a record-like object stands for, or ``None`` for any other value.

    Console records (``{"type": "warning", "message": …}``) give ``warning · …``;
    a 422 detail item ``loc: msg``; a flow rule ``matched: name — change`` or
    ``not matched: name — reason``; an executed event ``type · valid · 1 of 3
    rules matched``; a change ``path: before → after``.
    """
    if not isinstance(value, Mapping):
        return None
    for reader in (_record_line, _rule_line, _event_line, _change_line):
        line = reader(value)
        if line is not None:
            return line
    return None


def _cut(line: str) -> str:
    return line if len(line) <= _LINE else line[: _LINE - 1] + "…"


def _item_lines(items: list[Any]) -> list[str]:
    return [_cut(summary_line(item) or _short(item, _LINE)) for item in items]


def _execution_lines(execution: Any) -> list[str]:
    if not isinstance(execution, Mapping):
        return [_cut(_short(execution, _LINE))]
    lines: list[str] = []
    events = execution.get("events")
    if isinstance(events, list):
        for event in events:
            line = summary_line(event) if isinstance(event, Mapping) else None
            lines.append(_cut(line or _short(event, _LINE)))
            rules = event.get("rules") if isinstance(event, Mapping) else None
            for rule in rules if isinstance(rules, list) else []:
                lines.append(_cut("  " + (summary_line(rule) or _short(rule, _LINE))))
    diff = execution.get("profile_diff")
    if isinstance(diff, Mapping):
        for kind in ("added", "changed", "removed"):
            for change in diff.get(kind) or []:
                told = summary_line(change) if isinstance(change, Mapping) else None
                if told is None and isinstance(change, Mapping):
                    told = f"{change.get('path')}: {_short(change.get('value'))}"
                lines.append(_cut(f"profile {kind}: {told or _short(change)}"))
    matched = execution.get("rules_matched")
    took = execution.get("duration_ms")
    if isinstance(matched, int) and not isinstance(matched, bool):
        tail = f" in {took} ms" if isinstance(took, int | float) else ""
        lines.append(f"{_plural(matched, 'rule')} matched{tail}")
    known = {"events", "profile_diff", "rules_matched", "duration_ms"}
    for key, value in execution.items():
        if key not in known:
            lines.append(_cut(f"{key}: {_short(value, _LINE)}"))
    return lines


def _segmentation_lines(segmentation: Any) -> list[str]:
    if not isinstance(segmentation, Mapping):
        return [_cut(_short(segmentation, _LINE))]
    lines: list[str] = []
    for key, word in (("entered", "entered"), ("left", "left"), ("ids", "segments")):
        names = segmentation.get(key)
        if isinstance(names, list) and names:
            lines.append(_cut(f"{word}: {', '.join(str(n) for n in names)}"))
    errors = segmentation.get("errors")
    if isinstance(errors, list):
        lines += [_cut(f"error: {summary_line(e) or _short(e, _LINE)}") for e in errors]
    for key, value in segmentation.items():
        if key not in ("entered", "left", "ids", "errors"):
            lines.append(_cut(f"{key}: {_short(value, _LINE)}"))
    return lines or ["no segments"]


def section_lines(name: str, value: Any) -> list[str]:
    """Tell the section *name* (``execution``, ``segmentation``, ``logs``...) as lines."""
    if value is None:
        return []
    if name == "execution":
        return _execution_lines(value) or ["nothing ran"]
    if name == "segmentation":
        return _segmentation_lines(value)
    if isinstance(value, list):
        return _item_lines(value) or ["none"]
    line = summary_line(value)
    return [_cut(line or _short(value, _LINE))]
