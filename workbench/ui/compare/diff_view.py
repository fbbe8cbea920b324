"""The side-by-side semantic diff: changes in a table, both documents in trees.

:class:`DiffView` shows two documents A and B: a summary line, the change list
(kind, path, A value, B value), and A and B as JSON trees side by side; the
selected change is selected in both trees. *Previous*/*Next* (Shift+F8 / F8)
step from change to change; a switch shows ids, timestamps and durations, which
are hidden by default; a field takes ``--ignore``-style paths. The diff runs on
the task runner, so two large answers never block the window.

Signals:
    diff_finished(object): a :class:`~workbench.core.diff.DiffResult` is shown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.compare import change_lines, concrete_path
from workbench.core.diff import DiffResult, PathError, diff
from workbench.ui.compare.changes_model import ChangesModel
from workbench.ui.privacy import PrivacyMask, privacy_mask
from workbench.ui.tasks import TaskOutcome, TaskRunner
from workbench.ui.widgets.json_view import JsonView

__all__ = ["DiffView"]


class DiffView(QWidget):
    """A and B side by side with their semantic diff (see the module docstring)."""

    diff_finished = Signal(object)

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.privacy: PrivacyMask = privacy_mask()  # (QWidget.mask() is Qt's)
        self.result: DiffResult | None = None
        self._a: Any = None
        self._b: Any = None
        self._labels = ("A", "B")

        self.summary_label = QLabel("Nothing compared yet", self)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setObjectName("diffSummary")
        self.volatile_box = QCheckBox("Show ids, timestamps and durations", self)
        self.volatile_box.toggled.connect(self.refresh)
        self.ignore_edit = QLineEdit(self)
        self.ignore_edit.setPlaceholderText("Ignore paths, e.g. debugging.logs, **.metadata")
        self.ignore_edit.setClearButtonEnabled(True)
        self.ignore_edit.editingFinished.connect(self.refresh)
        self.previous_button = self._button("◀ Previous", "Shift+F8", self.previous_change)
        self.next_button = self._button("Next ▶", "F8", self.next_change)
        self.copy_button = self._button("Copy report", None, self.copy_report)

        self.model = ChangesModel(self.privacy, self)
        self.table = QTableView(self)
        self.table.setObjectName("diffChanges")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        # One line per change, as compact as a log: more changes fit on a small screen.
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(1, 320)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)

        self.tree_a = JsonView(self)
        self.tree_b = JsonView(self)
        self.label_a = QLabel("A", self)
        self.label_b = QLabel("B", self)
        for label in (self.label_a, self.label_b):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setStyleSheet("font-weight: bold")
        trees = QSplitter(Qt.Orientation.Horizontal, self)
        for label, tree in ((self.label_a, self.tree_a), (self.label_b, self.tree_b)):
            side = QWidget(trees)
            box = QVBoxLayout(side)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(label)
            box.addWidget(tree, 1)
            trees.addWidget(side)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(trees)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)

        bar = QHBoxLayout()
        bar.addWidget(self.summary_label, 1)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.next_button)
        bar.addWidget(self.copy_button)
        options = QHBoxLayout()
        options.addWidget(self.volatile_box)
        options.addWidget(self.ignore_edit, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addLayout(options)
        layout.addWidget(self.splitter, 1)
        self._update_buttons()

    def _button(self, text: str, shortcut: str | None, slot: Any) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.clicked.connect(slot)
        if shortcut:
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            button.setToolTip(f"{text} ({shortcut})")
        return button

    # --- documents ------------------------------------------------------------------------

    def set_documents(self, label_a: str, a: Any, label_b: str, b: Any) -> None:
        """Compare *a* with *b* (in the background) and show both."""
        self._a, self._b = a, b
        self._labels = (label_a, label_b)
        self.label_a.setText(f"A: {label_a}")
        self.label_b.setText(f"B: {label_b}")
        self.tree_a.set_document(a)
        self.tree_b.set_document(b)
        self.tree_a.expand_to_depth(0)
        self.tree_b.expand_to_depth(0)
        self.refresh()

    def ignore_paths(self) -> list[str]:
        return [p.strip() for p in self.ignore_edit.text().split(",") if p.strip()]

    def refresh(self) -> None:
        """Diff again with the current switch and ignore paths."""
        if self._a is None and self._b is None:
            return
        self.summary_label.setText("Comparing…")
        self.runner.submit(
            diff,
            self._a,
            self._b,
            ignore=self.ignore_paths(),
            include_volatile=self.volatile_box.isChecked(),
            channel="diff-view",
            on_done=self._on_diff_done,
        )

    def _on_diff_done(self, outcome: TaskOutcome) -> None:
        if outcome.stale:
            return
        if outcome.error is not None:
            reason = outcome.error if isinstance(outcome.error, PathError) else repr(outcome.error)
            self.summary_label.setText(f"Cannot compare: {reason}")
            return
        result: DiffResult = outcome.result
        self.result = result
        self.model.set_changes(result.changes)
        self.summary_label.setText(result.summary())
        self._update_buttons()
        if result.changes:
            self.select_change(0)
        self.diff_finished.emit(result)

    # --- navigation -------------------------------------------------------------------------

    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def select_change(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        index = self.model.index(row, 1)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def next_change(self) -> None:
        count = self.model.rowCount()
        if count:
            self.select_change((self.current_row() + 1) % count)

    def previous_change(self) -> None:
        count = self.model.rowCount()
        if count:
            self.select_change((self.current_row() - 1) % count)

    def _update_buttons(self) -> None:
        has = self.model.rowCount() > 0
        self.previous_button.setEnabled(has)
        self.next_button.setEnabled(has)
        self.copy_button.setEnabled(self.result is not None)

    def _on_table_current_changed(self, current: Any, _previous: Any) -> None:
        change = self.model.change(current.row())
        if change is None:
            return
        for document, tree in ((self._a, self.tree_a), (self._b, self.tree_b)):
            path = concrete_path(document, change.segments)
            if path is not None:
                tree.select_path(path)
            else:
                tree.tree.clearSelection()

    def report(self) -> str:
        """The diff as text (``~ + -`` lines and the summary), as shown: masked when hidden."""
        if self.result is None:
            return ""
        lines = [f"--- {self._labels[0]}", f"+++ {self._labels[1]}", *change_lines(self.result)]
        return self.privacy.text("\n".join(lines)) if self.privacy.hidden else "\n".join(lines)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report())
