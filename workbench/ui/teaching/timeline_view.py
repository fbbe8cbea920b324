"""Collector → Profile timeline…: how one profile changed, request by request.

Reads the embedded collector's stored events of the profile (on the task
runner) and shows :func:`~workbench.core.timeline.build_timeline`'s steps,
oldest first: the events, what changed (path: before → after), the segments
entered and left, and the segments the profile was in afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.timeline import TimelineStep, build_timeline
from workbench.ui.tasks import TaskOutcome, TaskRunner
from workbench.ui.widgets.profile_id_edit import ProfileIdEdit

__all__ = ["TimelineDialog"]


class TimelineDialog(QDialog):
    """The timeline of one profile; ``store_of`` gives the collector's store (or None).

    Signals:
        timeline_shown(list): the :class:`TimelineStep` list now shown.
    """

    timeline_shown = Signal(list)

    def __init__(
        self, store_of: Callable[[], Any], runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Profile timeline — embedded collector")
        self.setObjectName("timelineDialog")
        self.resize(900, 620)
        self._store_of = store_of
        self._runner = runner
        self.steps: list[TimelineStep] = []
        self.profile_edit = ProfileIdEdit("timelineProfile", self)
        self.load_button = QPushButton("Show", self)
        self.load_button.setDefault(True)
        self.load_button.clicked.connect(self.load)
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("timelineTree")
        self.tree.setHeaderLabels(["Request", "What happened"])
        self.tree.setColumnWidth(0, 200)
        self.tree.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("Profile", self))
        top.addWidget(self.profile_edit, 1)
        top.addWidget(self.load_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)

    def set_profile_id(self, profile_id: str | None) -> None:
        self.profile_edit.set_profile_id(profile_id)

    def load(self) -> None:
        profile_id = self.profile_edit.profile_id()
        store = self._store_of()
        if store is None:
            self.summary.setText("The embedded collector is not running.")
            return
        if not profile_id:
            self.summary.setText(self.profile_edit.MISSING)
            return
        self.summary.setText("Reading the collector's events…")
        self._runner.submit(
            lambda: build_timeline(store.events_for_profile(profile_id)),
            channel="timeline",
            on_done=self._on_loaded,
        )

    def _on_loaded(self, outcome: TaskOutcome) -> None:
        if outcome.stale:
            return
        if outcome.error is not None:
            self.summary.setText(f"Could not read the events: {outcome.error}")
            return
        self.show_steps(list(outcome.result))

    def show_steps(self, steps: list[TimelineStep]) -> None:
        self.steps = steps
        self.tree.clear()
        if not steps:
            self.summary.setText("The collector holds no events of this profile.")
            self.timeline_shown.emit(steps)
            return
        self.summary.setText(
            f"{len(steps)} requests, oldest first. Requests sent without the debugger show "
            "their events and rules, not their changes."
        )
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for number, step in enumerate(steps, 1):
            when = step.time[11:19] if len(step.time) >= 19 else step.time
            item = QTreeWidgetItem(self.tree, [f"{number}. {when}", step.summary()])
            item.setFont(0, bold)
            item.setToolTip(1, step.summary())
            for change in step.changes:
                QTreeWidgetItem(item, ["change", change.text])
            if step.rules and not step.changes:
                QTreeWidgetItem(item, ["rules", ", ".join(step.rules)])
            if step.entered:
                row = QTreeWidgetItem(item, ["entered", ", ".join(step.entered)])
                row.setForeground(1, QBrush(QColor("#2e7d32")))
            if step.left:
                row = QTreeWidgetItem(item, ["left", ", ".join(step.left)])
                row.setForeground(1, QBrush(QColor("#c62828")))
            if step.segments is not None:
                QTreeWidgetItem(item, ["in afterwards", ", ".join(step.segments) or "no segment"])
        self.tree.expandAll()
        self.timeline_shown.emit(steps)
