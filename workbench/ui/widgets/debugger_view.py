"""The Debugger view: a verdict line, the ids, and one tree per debugging section.

It reads a normalised debug view (``DebugView`` from ``workbench.core.response_view``,
or its ``to_dict()``), so old inline ``debugging`` bodies and newer servers look
the same here. Tab titles carry counts; tabs for errors and warnings turn red or
orange when they hold anything. Ids can be copied, and for the embedded
collector opened (the window connects :attr:`DebuggerView.open_requested`).

A normalised view keeps every section's keys and puts ``None`` where the server
sent nothing (``events.items`` when only ids came back, ``session.data``...).
Those placeholders are not shown as ``null`` rows: each section's page says in
plain words what the answer did not hold and why (the view's ``missing`` notes).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import fields, is_dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.debug_view import SECTIONS
from workbench.ui.models.json_tree import Path
from workbench.ui.widgets.json_view import JsonView

__all__ = [
    "SECTIONS",
    "DebuggerView",
    "section_count",
    "section_note",
    "shown_section",
    "view_as_dict",
]

_ID_KINDS = {"session": "session", "events": "event", "profile": "profile"}
# What a placeholder key (a top-level ``None`` in a section) stands for, in words.
_PLACEHOLDER_NAMES = {
    "items": "the events' details",
    "data": "the stored {entity}",
    "new": "whether it is new",
    "saved": "how many were saved",
    "id": "an id",
}
_ENTITIES = {"session": "session", "profile": "profile", "events": "events"}
_ERROR_COLOUR = QColor(200, 40, 40)
_WARNING_COLOUR = QColor(200, 120, 0)


def view_as_dict(view: Any) -> dict[str, Any]:
    """Accept a ``DebugView`` or its ``to_dict()`` form.

    A ``DebugView`` is read field by field without copying (``to_dict()`` deep-copies,
    which costs seconds on a 50 MB response); the verdict is added as ``verdict``.
    """
    if view is None:
        return {}
    if isinstance(view, dict):
        return view
    if is_dataclass(view) and not isinstance(view, type):
        data = {f.name: getattr(view, f.name) for f in fields(view)}
        verdict = getattr(view, "verdict", None)
        if callable(verdict):
            data["verdict"] = verdict()
        return data
    to_dict = getattr(view, "to_dict", None)
    return to_dict() if callable(to_dict) else {}


def _sections(data: dict[str, Any]) -> dict[str, Any]:
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


def _has_problems(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value)
    if isinstance(value, dict):
        return bool(value.get("errors"))
    return False


class DebuggerView(QWidget):
    """Verdict, ids and section trees for one response.

    Signals:
        open_requested(str, str): (kind, id) with kind "profile", "session" or "event",
            when the user asks to open an id (only offered when ``can_open`` is True).
    """

    open_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.can_open = False
        self._data: dict[str, Any] = {}

        self.verdict_label = QLabel(
            "No response yet — compose a payload and press Ctrl+Enter.", self
        )
        self.verdict_label.setTextFormat(Qt.TextFormat.PlainText)
        self.verdict_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.verdict_label.font()
        font.setBold(True)
        self.verdict_label.setFont(font)
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.missing_label = QLabel(self)
        self.missing_label.setTextFormat(Qt.TextFormat.PlainText)
        self.missing_label.setWordWrap(True)
        self.missing_label.hide()

        self.id_labels: dict[str, QLabel] = {}
        self.open_buttons: dict[str, QToolButton] = {}
        ids_grid = QGridLayout()
        ids_grid.setContentsMargins(0, 0, 0, 0)
        ids_grid.setColumnStretch(1, 1)
        for row, kind in enumerate(("profile", "session")):
            caption = QLabel(f"{kind.capitalize()}:", self)
            value = QLabel("—", self)
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setObjectName(f"{kind}IdLabel")
            # Long ids must not force the panel wider than the window.
            value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            copy = QToolButton(self)
            copy.setText("Copy")
            copy.setToolTip(f"Copy the {kind} id")
            copy.clicked.connect(lambda _=False, k=kind: self.copy_id(k))
            open_button = QToolButton(self)
            open_button.setText("Open")
            open_button.setToolTip(f"Open the {kind} stored by the embedded collector")
            open_button.setEnabled(False)
            open_button.clicked.connect(lambda _=False, k=kind: self._open(k, self.id_of(k)))
            self.id_labels[kind] = value
            self.open_buttons[kind] = open_button
            for column, widget in enumerate((caption, value, copy, open_button)):
                ids_grid.addWidget(widget, row, column)

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.setElideMode(Qt.TextElideMode.ElideNone)
        # One page per section; its tree is built when the page is first shown or asked
        # for (``trees[name]``): eight trees at start-up would slow the first paint.
        self._pages: dict[str, QWidget] = {}
        self.section_notes: dict[str, QLabel] = {}
        self.trees = _SectionTrees(self)
        for name in SECTIONS:
            page = QWidget(self)
            page_layout = QVBoxLayout(page)
            page_layout.setContentsMargins(0, 0, 0, 0)
            note = QLabel(page)
            note.setObjectName(f"{name}Note")
            note.setTextFormat(Qt.TextFormat.PlainText)
            note.setWordWrap(True)
            italic = note.font()
            italic.setItalic(True)  # an explanation, not data
            note.setFont(italic)
            note.hide()
            page_layout.addWidget(note)
            self.section_notes[name] = note
            self._pages[name] = page
            self.tabs.addTab(page, name.capitalize())
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.current_tree()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.verdict_label)
        layout.addLayout(ids_grid)
        layout.addWidget(self.missing_label)
        layout.addWidget(self.tabs, 1)

    # --- content ------------------------------------------------------------------------
    def set_view(self, view: Any) -> None:
        """Show a ``DebugView`` (or its dict); ``None`` clears the view."""
        data = view_as_dict(view)
        self._data = data
        verdict = getattr(view, "verdict", None)
        text = verdict() if callable(verdict) else data.get("verdict")
        self.verdict_label.setText(
            str(text) if text else "No debugging information in this response."
        )
        sections = _sections(data)
        for i, name in enumerate(SECTIONS):
            value = sections.get(name)
            if self.trees.is_built(name):
                self._load_tree(self.trees[name], name)
            count = section_count(value)
            title = name.capitalize() + (f" ({count})" if count is not None else "")
            self.tabs.setTabText(i, title)
            colour = QColor()
            if name in ("errors", "warnings") and _has_problems(value):
                colour = _ERROR_COLOUR if name == "errors" else _WARNING_COLOUR
            elif name != "logs" and _has_problems(value):
                colour = _ERROR_COLOUR
            self.tabs.tabBar().setTabTextColor(i, colour)
        missing = data.get("missing")
        for name in SECTIONS:
            text = section_note(name, sections.get(name), missing) if data else ""
            self.section_notes[name].setText(text)
            self.section_notes[name].setVisible(bool(text))
        for kind in ("profile", "session"):
            ident = self.id_of(kind)
            self.id_labels[kind].setText(ident or "—")
            self.open_buttons[kind].setEnabled(bool(ident) and self.can_open)
        # Section-wide explanations sit in each section's page; general notes stay on top.
        notes = data.get("notes")
        lines = [str(n) for n in notes] if isinstance(notes, list) else []
        self.missing_label.setText("\n".join(lines))
        self.missing_label.setVisible(bool(lines))

    def _build_tree(self, name: str) -> JsonView:
        tree = JsonView(self._pages[name])
        tree.menu_extender = lambda menu, path, value: self._extend_menu(name, menu, path, value)
        tree.value_activated.connect(lambda path: self._on_tree_value_activated(name, path))
        layout = self._pages[name].layout()
        assert layout is not None
        layout.addWidget(tree)
        self._load_tree(tree, name)
        return tree

    def _load_tree(self, tree: JsonView, name: str) -> None:
        tree.set_document(shown_section(_sections(self._data).get(name)), dot_root=None)
        tree.expand_to_depth(1)

    def current_tree(self) -> JsonView:
        """The tree of the section in view (built now if it was not yet)."""
        return self.trees[SECTIONS[max(self.tabs.currentIndex(), 0)]]

    def _on_tabs_current_changed(self, _index: int) -> None:
        self.current_tree()

    def clear(self) -> None:
        self.set_view(None)
        self.verdict_label.setText("No response yet — compose a payload and press Ctrl+Enter.")

    def view_dict(self) -> dict[str, Any]:
        return self._data

    def id_of(self, kind: str) -> str | None:
        value = self._data.get(f"{kind}_id")
        return str(value) if value else None

    def set_can_open(self, on: bool) -> None:
        self.can_open = on
        for kind, button in self.open_buttons.items():
            button.setEnabled(on and bool(self.id_of(kind)))

    # --- ids ----------------------------------------------------------------------------
    def copy_id(self, kind: str) -> str:
        ident = self.id_of(kind) or ""
        if ident:
            QGuiApplication.clipboard().setText(ident)
        return ident

    def _open(self, kind: str, ident: str | None) -> None:
        if ident and self.can_open:
            self.open_requested.emit(kind, ident)

    def _extend_menu(self, section: str, menu: QMenu, path: Path, value: Any) -> None:
        kind = _ID_KINDS.get(section)
        if kind and isinstance(value, str) and value and "ids" in path:
            action = menu.addAction(f"Open {kind} {value[:12]}…", lambda: self._open(kind, value))
            action.setEnabled(self.can_open)

    def _on_tree_value_activated(self, section: str, path: Path) -> None:
        kind = _ID_KINDS.get(section)
        if not kind or "ids" not in path:
            return
        value: Any = _sections(self._data).get(section)
        for key in path:
            value = value[key]
        if isinstance(value, str):
            self._open(kind, value)


class _SectionTrees(Mapping[str, JsonView]):
    """``trees[name]``: the section's tree, built on first access."""

    def __init__(self, view: DebuggerView) -> None:
        self._view = view
        self._built: dict[str, JsonView] = {}

    def is_built(self, name: str) -> bool:
        return name in self._built

    def __getitem__(self, name: str) -> JsonView:
        tree = self._built.get(name)
        if tree is None:
            if name not in SECTIONS:
                raise KeyError(name)
            tree = self._built[name] = self._view._build_tree(name)
        return tree

    def __iter__(self) -> Iterator[str]:
        return iter(SECTIONS)

    def __len__(self) -> int:
        return len(SECTIONS)
