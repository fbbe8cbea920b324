"""The compare window: pick A and B from what the window knows, see their semantic diff.

Each side is one of: the answer shown in the main window, a history entry (the
one selected in the History panel, or an id), a file (JSON, ``file.har#N``, an
export line ``file.jsonl#N``), or a profile or session of the embedded collector
or of a target. Reading happens on the task runner. Exchanges are compared as
payload + answer (:func:`workbench.core.compare.comparable`).

:class:`CompareSources` is what the window hands in: callables for the shown
answer and the selected history entries, the history store, the embedded
collector's store and the targets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.compare import comparable
from workbench.core.exchange import Exchange
from workbench.ui.compare.diff_view import DiffView
from workbench.ui.tasks import TaskOutcome, TaskRunner

__all__ = ["KINDS", "CompareSources", "CompareWindow", "Side"]

KINDS = (
    ("shown", "Answer shown in the window"),
    ("selected", "Selected history entry"),
    ("history", "History entry id"),
    ("file", "File (JSON, file.har#N, export.jsonl#N)"),
    ("profile", "Profile id (embedded collector)"),
    ("session", "Session id (embedded collector)"),
    ("target-profile", "Profile id on a target"),
    ("target-session", "Session id on a target"),
)
_NEEDS_TEXT = {"history", "file", "profile", "session", "target-profile", "target-session"}


@dataclass
class CompareSources:
    """What the compare window may read (handed in by the main window)."""

    shown: Callable[[], Any] = lambda: None
    selected_history: Callable[[], list[str]] = list
    history: Any = None
    collector_store: Callable[[], Any] = lambda: None
    targets: Callable[[], list[Any]] = list
    read_entity: Callable[[Any, str, str], Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Side:
    """One side as the user chose it: a kind and the text (id, path) it needs."""

    kind: str
    text: str = ""
    target: str = ""
    position: int = 0  # which selected history entry (0 first, 1 second)


class LoadError(Exception):
    """A side that cannot be read; the message says why."""


def load_side(sources: CompareSources, side: Side) -> tuple[str, Any]:
    """(label, document) for *side*; runs on a worker thread. Raises :class:`LoadError`."""
    from workbench.store.document_files import DocumentError, read_document

    kind, text = side.kind, side.text.strip()
    if kind in _NEEDS_TEXT and not text:
        raise LoadError("enter an id or a file first")
    if kind == "shown":
        value = sources.shown()
        if value is None:
            raise LoadError("the window shows no answer yet")
        return "the answer shown", value.to_dict() if isinstance(value, Exchange) else value
    if kind in ("selected", "history"):
        if kind == "selected":
            ids = sources.selected_history()
            if len(ids) <= side.position:
                raise LoadError(f"select {side.position + 1} entries in the History panel first")
            text = ids[side.position]
        if sources.history is None:
            raise LoadError("the history is not open")
        entry = sources.history.get(text)
        if entry is None:
            matches = [s.id for s in sources.history.summaries() if s.id.startswith(text)]
            entry = sources.history.get(matches[0]) if len(matches) == 1 else None
        if entry is None:
            raise LoadError(f"no history entry {text}")
        return f"history {entry.id[:8]}", entry.to_dict()
    if kind == "file":
        try:
            return read_document(text)
        except DocumentError as exc:
            raise LoadError(str(exc)) from None
    if kind in ("profile", "session"):
        store = sources.collector_store()
        if store is None:
            raise LoadError("the embedded collector is not running")
        getter = store.get_profile if kind == "profile" else store.get_session
        value = getter(text)
        if value is None:
            raise LoadError(f"the embedded collector has no {kind} {text}")
        return f"{kind} {text} (embedded)", value
    targets = {t.name: t for t in sources.targets()}
    target = targets.get(side.target)
    if target is None or sources.read_entity is None:
        raise LoadError("choose a target")
    entity = kind.split("-", 1)[1]
    value = sources.read_entity(target, entity, text)
    if value is None:
        raise LoadError(f"{target.name} has no {entity} {text}")
    return f"{entity} {text} @ {target.name}", value


class _SidePicker(QWidget):
    def __init__(self, title: str, position: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.position = position
        self.kind = QComboBox(self)
        for key, text in KINDS:
            self.kind.addItem(text, key)
        self.text = QLineEdit(self)
        self.text.setPlaceholderText("id, or a file path")
        self.target = QComboBox(self)
        self.browse = QToolButton(self)
        self.browse.setText("Browse…")
        self.browse.clicked.connect(self._on_browse_clicked)
        label = QLabel(title, self)
        label.setStyleSheet("font-weight: bold")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(label, 0, 0)
        grid.addWidget(self.kind, 0, 1)
        grid.addWidget(self.text, 0, 2)
        grid.addWidget(self.target, 0, 3)
        grid.addWidget(self.browse, 0, 4)
        grid.setColumnStretch(2, 1)
        self.kind.currentIndexChanged.connect(self._update)
        self._update()

    def set_targets(self, names: list[str]) -> None:
        current = self.target.currentText()
        self.target.clear()
        self.target.addItems(names)
        if current in names:
            self.target.setCurrentText(current)

    def _update(self) -> None:
        kind = self.kind.currentData()
        self.text.setEnabled(kind in _NEEDS_TEXT)
        self.browse.setVisible(kind == "file")
        self.target.setVisible(str(kind).startswith("target-"))

    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a document to compare", "", "JSON or HAR (*.json *.har *.jsonl);;All (*)"
        )
        if path:
            self.text.setText(path)

    def side(self) -> Side:
        return Side(
            str(self.kind.currentData()), self.text.text(), self.target.currentText(), self.position
        )

    def set_side(self, side: Side) -> None:
        index = next((i for i, (k, _) in enumerate(KINDS) if k == side.kind), 0)
        self.kind.setCurrentIndex(index)
        self.text.setText(side.text)
        if side.target:
            self.target.setCurrentText(side.target)


class CompareWindow(QWidget):
    """A window of its own: two side pickers, Compare, and the :class:`DiffView`."""

    def __init__(
        self, sources: CompareSources, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Compare — Workbench")
        self.setObjectName("compareWindow")
        self.sources = sources
        self.runner = runner
        self.picker_a = _SidePicker("A", 0, self)
        self.picker_b = _SidePicker("B", 1, self)
        self.compare_button = QPushButton("Compare", self)
        self.compare_button.setDefault(True)
        self.compare_button.clicked.connect(self.compare)
        self.status = QLabel("", self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.view = DiffView(runner, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker_a)
        layout.addWidget(self.picker_b)
        row = QGridLayout()
        row.addWidget(self.status, 0, 0)
        row.addWidget(self.compare_button, 0, 1)
        row.setColumnStretch(0, 1)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        self.resize(1200, 760)
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None:  # never larger than the screen (1280x720 included)
            self.resize(min(1200, int(screen.width() * 0.92)), min(760, int(screen.height() * 0.9)))
        self.refresh_targets()

    def refresh_targets(self) -> None:
        names = [t.name for t in self.sources.targets()]
        self.picker_a.set_targets(names)
        self.picker_b.set_targets(names)

    def set_sides(self, a: Side, b: Side) -> None:
        self.picker_a.set_side(a)
        self.picker_b.set_side(b)

    def compare(self) -> None:
        """Read both sides in the background, then diff them."""
        sides = (self.picker_a.side(), self.picker_b.side())
        self.status.setText("Reading…")
        self.compare_button.setEnabled(False)

        def load() -> tuple[tuple[str, Any], tuple[str, Any]]:
            return load_side(self.sources, sides[0]), load_side(self.sources, sides[1])

        self.runner.submit(load, channel="compare-load", on_done=self._on_loaded)

    def compare_documents(self, label_a: str, a: Any, label_b: str, b: Any) -> None:
        """Show the diff of two documents the caller already holds."""
        self.status.setText("")
        self.view.set_documents(label_a, comparable(a), label_b, comparable(b))

    def _on_loaded(self, outcome: TaskOutcome) -> None:
        self.compare_button.setEnabled(True)
        if outcome.stale:
            return
        if outcome.error is not None:
            self.status.setText(f"Cannot compare: {outcome.error}")
            return
        (label_a, a), (label_b, b) = outcome.result
        self.compare_documents(label_a, a, label_b, b)
