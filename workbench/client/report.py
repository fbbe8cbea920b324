"""A plain-text report of one send, for the terminal (``workbench send --format pretty``)."""

from __future__ import annotations

import json
from typing import Any

from workbench.core.answer_lines import section_lines
from workbench.core.exchange import Exchange
from workbench.core.response_view import SECTIONS, DebugView

__all__ = ["format_error", "format_result", "format_view"]

_WIDTH = 100


def _compact(value: Any, limit: int = _WIDTH) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_error(result: Exchange) -> str:
    """``message`` and an indented ``hint:`` line (for stderr)."""
    error = result.error
    if error is None:
        return ""
    return f"{error.message}\n  hint: {error.hint}" if error.hint else error.message


def _headline(result: Exchange) -> str:
    request = result.request
    took = result.timings.get("total_ms", 0.0)
    status = f"HTTP {result.status}" if result.status is not None else "no answer"
    sent = f"{request.method} {request.url}" if request is not None else "(nothing sent)"
    return f"{sent} → {status} in {took:.1f} ms"


def _section_line(name: str, value: Any) -> str:
    if name in ("session", "profile") and isinstance(value, dict):
        parts = [str(value.get("id") or "-")]
        if value.get("saved") is not None:
            parts.append(f"saved {value['saved']}")
        if value.get("new") is not None:
            parts.append("new" if value["new"] else "known")
        if value.get("data") is not None:
            parts.append(f"data {_compact(value['data'], 60)}")
        return " · ".join(parts)
    if name == "events" and isinstance(value, dict):
        parts = []
        if value.get("saved") is not None:
            parts.append(f"saved {value['saved']}")
        if value.get("ids"):
            parts.append("ids " + ", ".join(str(i) for i in value["ids"]))
        if value.get("types"):
            parts.append("types " + ", ".join(str(t) for t in value["types"]))
        if value.get("items"):
            parts.append(f"{len(value['items'])} stored events read")
        return " · ".join(parts) or "none"
    # Execution, segmentation and the record lists are told as lines, as the window's
    # trees show them: the first on the section's line, the rest indented under it.
    lines = section_lines(name, value)
    if not lines:
        return "none"
    return "\n".join([lines[0], *(f"             {line}" for line in lines[1:])])


def format_view(view: DebugView) -> list[str]:
    lines = [view.verdict(), f"  format     {view.format}"]
    for name in SECTIONS:
        value = view.section(name)
        if value is None:
            continue
        lines.append(f"  {name:<10} {_section_line(name, value)}")
    if view.ux:
        lines.append(f"  ux         {_compact(view.ux)}")
    if view.response not in (None, {}):
        lines.append(f"  response   {_compact(view.response)}")
    if view.missing:
        lines.append("  not in this response:")
        lines += [f"    {name}: {why}" for name, why in view.missing.items()]
    lines += [f"  note: {note}" for note in view.notes]
    return lines


def format_result(result: Exchange, *, include_error: bool = True) -> str:
    """Headline, verdict and sections (and the error, unless told not to) as terminal text."""
    lines = [_headline(result)]
    if result.view is not None:
        lines += format_view(result.view)
    if result.error is not None and include_error:
        lines.append(f"error ({result.error.kind}): {format_error(result)}")
    return "\n".join(lines)
