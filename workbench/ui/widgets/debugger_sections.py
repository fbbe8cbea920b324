"""What the Debugger view says about a debug view's sections, in words and numbers.

Plain functions over a normalised debug view (``DebugView`` or its ``to_dict()``):
a section's count for its title, the tree's content without ``None`` placeholders,
the notes for what an answer did not hold, and the verdict line with links to the
sections it speaks of (:class:`VerdictLabel` shows it).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

__all__ = [
    "ELSEWHERE_LIMIT",
    "VerdictLabel",
    "empty_note",
    "escape_html",
    "has_content",
    "has_problems",
    "section_count",
    "section_note",
    "sections_of",
    "shown_section",
    "verdict_links",
    "view_as_dict",
]

# What a placeholder key (a top-level ``None`` in a section) stands for, in words.
_PLACEHOLDER_NAMES = {
    "items": "the events' details",
    "data": "the stored {entity}",
    "new": "whether it is new",
    "saved": "how many were saved",
    "id": "an id",
}
_ENTITIES = {"session": "session", "profile": "profile", "events": "events"}
ELSEWHERE_LIMIT = 100  # matches counted per other place ("Events (100)" means 100 or more)


def view_as_dict(view: Any) -> dict[str, Any]:
    """Accept a ``DebugView`` or its ``to_dict()`` form.

    A ``DebugView`` is read field by field without copying (``to_dict()`` deep-copies,
    which costs seconds on a 50 MB response); the verdict is added as ``verdict``.
    """
    if view is None:
        return {}
    if isinstance(view, dict):
        return view
    # Imported here: nothing the window shows before an answer arrives needs dataclasses.
    from dataclasses import fields, is_dataclass

    if is_dataclass(view) and not isinstance(view, type):
        data = {f.name: getattr(view, f.name) for f in fields(view)}
        verdict = getattr(view, "verdict", None)
        if callable(verdict):
            data["verdict"] = verdict()
        return data
    to_dict = getattr(view, "to_dict", None)
    return to_dict() if callable(to_dict) else {}


def sections_of(data: dict[str, Any]) -> dict[str, Any]:
    """The sections of a view dict (nested under ``sections``, or at its top)."""
    nested = data.get("sections")
    return nested if isinstance(nested, dict) else data


def section_count(value: Any) -> int | None:
    """The number in a section's title: saved objects, else ids, list items or rules matched."""
    if isinstance(value, list):
        return len(value)
    if isinstance(value, dict):
        saved = value.get("saved")
        if isinstance(saved, int) and not isinstance(saved, bool):
            return saved
        ids = value.get("ids")
        if isinstance(ids, list):
            return len(ids)
        matched = value.get("rules_matched")  # the embedded collector's execution section
        if isinstance(matched, int) and not isinstance(matched, bool):
            return matched
    return None


def shown_section(value: Any) -> Any:
    """A section as the tree shows it: top-level ``None`` placeholders left out.

    Only keys are removed, so the paths (and ids) of what remains are unchanged.
    """
    if isinstance(value, dict) and any(v is None for v in value.values()):
        return {k: v for k, v in value.items() if v is not None}
    return value


def section_note(name: str, value: Any, missing: Any) -> str:
    """Plain words for what a section's answer did not hold (empty when nothing is absent)."""
    lines: list[str] = []
    why = missing.get(name) if isinstance(missing, dict) else None
    if why:
        lines.append(f"Not in this answer: {why}.".replace("..", "."))
    elif value is None:
        lines.append("Not in this answer.")
    if isinstance(value, dict):
        absent = [k for k, v in value.items() if v is None]
        if absent:
            entity = _ENTITIES.get(name, name)
            words = [_PLACEHOLDER_NAMES.get(k, k).format(entity=entity) for k in absent]
            lines.append("The server did not report " + ", ".join(words) + ".")
        if name == "events" and "items" in absent and value.get("ids"):
            lines.append("Only the event ids came back: open one to see the stored event.")
    return "\n".join(lines)


def empty_note(name: str, value: Any, *, embedded: bool) -> str:
    """Words for a section that came back empty (only Execution needs them: an empty tree
    there means no flow ran, which is the answer, not a fault)."""
    if name != "execution" or value not in ({}, []):
        return ""
    text = "Nothing ran for this request: no rule or workflow was set up to run on its events."
    if embedded:
        text += " Load the demo flow to see rules, changes and segments here."
    return text


def _verdict_section(part: str) -> str | None:
    """Which section a part of the verdict line speaks of."""
    words = part.split()
    if not words:
        return None
    first, last = words[0], words[-1]
    if last in ("error", "errors") or first == "HTTP":
        return "errors"
    if last in ("warning", "warnings"):
        return "warnings"
    if first in ("entered", "left"):
        return "segmentation"
    if "profile" in part:
        return "profile"
    if first == "session":
        return "session"
    if "event" in part:
        return "events"
    return None


# What html.escape replaces, without importing html (it loads html.entities, a table
# of two thousand names, before the window's first paint).
_HTML_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
)


def escape_html(text: str) -> str:
    """*text* safe inside rich text: the same as ``html.escape(text)``."""
    return text.translate(_HTML_ESCAPES)


def verdict_links(verdict: str) -> str:
    """The verdict as rich text: each part that speaks of a section links to it.

    Every piece of the text is escaped (ids and segment names come from the answer).
    """
    pieces = []
    for part in verdict.split(" · "):
        section = _verdict_section(part)
        text = escape_html(part)
        pieces.append(f'<a href="section:{section}">{text}</a>' if section else text)
    return " · ".join(pieces)


class VerdictLabel(QLabel):
    """The verdict with links to the sections; ``text()`` is the plain verdict."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self._plain = ""
        self.set_verdict(text, links=False)

    def set_verdict(self, text: str, *, links: bool = True) -> None:
        self._plain = text
        super().setText(verdict_links(text) if links else escape_html(text))

    def text(self) -> str:
        return self._plain


def has_content(value: Any) -> bool:
    """False for a section that is absent or holds only empty lists, objects and zeros."""
    if isinstance(value, dict):
        return any(has_content(v) for v in value.values())
    if isinstance(value, list | str):
        return bool(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    return False


def has_problems(value: Any) -> bool:
    """True for a section that holds errors (a non-empty list, or an ``errors`` list)."""
    if isinstance(value, list):
        return bool(value)
    if isinstance(value, dict):
        return bool(value.get("errors"))
    return False
