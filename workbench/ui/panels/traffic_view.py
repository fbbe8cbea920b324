"""The live traffic table: every request the collector answered, as it happens.

Rows come from a :class:`CollectorBridge` (pushed, never polled). Pause holds
new rows back and says how many wait; resume shows them in order. The filter
box matches method, path, source, event types, status and reason; *Problems
only* keeps rejected and failed requests. Selecting a row shows its request,
response and debugger trees.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workbench.ui.models.traffic import TrafficFilterModel, TrafficModel
from workbench.ui.panels.collector_bridge import CollectorBridge
from workbench.ui.panels.log_table import make_log_table
from workbench.ui.panels.record_details import RecordDetails

__all__ = ["LiveTrafficView"]

_COLUMN_WIDTHS = (90, 55, 200, 75, 110, 150, 50, 70, 300)


class LiveTrafficView(QWidget):
    """Table of collector requests with pause, filter, clear and a details pane."""

    def __init__(self, bridge: CollectorBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.model = TrafficModel(self)
        self.proxy = TrafficFilterModel(self)
        self.proxy.setSourceModel(self.model)
        bridge.records_received.connect(self._on_bridge_records_received)

        self.pause_button = QPushButton("Pause", self)
        self.pause_button.setCheckable(True)
        self.pause_button.setToolTip("Hold new requests back (nothing is dropped)")
        self.pause_button.toggled.connect(self._on_pause_button_toggled)
        self.held_label = QLabel(self)
        self.held_label.setTextFormat(Qt.TextFormat.PlainText)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter: path, context, source, event, status, reason…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.problems_check = QCheckBox("Problems only", self)
        self.problems_check.setToolTip("Only rejected or failed requests (status 400 and above)")
        self.problems_check.toggled.connect(self.proxy.set_problems_only)
        self.follow_check = QCheckBox("Follow", self)
        self.follow_check.setChecked(True)
        self.follow_check.setToolTip("Keep the newest request in view")
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.clicked.connect(self.clear)
        self.count_label = QLabel("0 requests", self)

        self.table = make_log_table(
            self, self.proxy, _COLUMN_WIDTHS, QAbstractItemView.SelectionMode.SingleSelection
        )
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.model.held_count_changed.connect(self._on_model_held_count_changed)
        self.model.batch_appended.connect(self._on_model_batch_appended)
        self.model.modelReset.connect(self._update_count)

        self.details = RecordDetails(self)
        # The details (request, response, debugger trees) scroll as a whole when the dock
        # is low; the table beside them always owns its own scrolling.
        details_scroll = QScrollArea(self)
        details_scroll.setObjectName("trafficDetailsScroll")
        details_scroll.setWidgetResizable(True)
        details_scroll.setFrameShape(QFrame.Shape.NoFrame)
        details_scroll.setWidget(self.details)
        details_scroll.setMinimumHeight(0)
        self.table.setMinimumHeight(3 * 22 + 24)  # a header and three rows, at least
        # Side by side, as in a browser's network panel: the dock is wide and low.
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(details_scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([600, 400])
        self.splitter = splitter

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.pause_button)
        bar.addWidget(self.held_label)
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.problems_check)
        bar.addWidget(self.follow_check)
        bar.addWidget(self.clear_button)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

    # -- actions -----------------------------------------------------------------------------
    def set_paused(self, paused: bool) -> None:
        self.pause_button.setChecked(paused)

    def clear(self) -> None:
        """Empty the table (the collector's store keeps its data)."""
        self.model.clear()
        self.details.show_record(None)

    def selected_record(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.record(self.proxy.mapToSource(rows[0]).row())

    def select_row(self, row: int) -> None:
        """Select the *row*-th visible row (as a click would)."""
        self.table.selectRow(row)

    # -- slots -------------------------------------------------------------------------------
    @Slot(list)
    def _on_bridge_records_received(self, records: list[Any]) -> None:
        self.model.add_records(records)

    @Slot(bool)
    def _on_pause_button_toggled(self, paused: bool) -> None:
        self.pause_button.setText("Resume" if paused else "Pause")
        self.model.set_paused(paused)

    @Slot(int)
    def _on_model_held_count_changed(self, held: int) -> None:
        self.held_label.setText(f"{held} waiting" if held else "")

    @Slot(int)
    def _on_model_batch_appended(self, count: int) -> None:
        self._update_count()
        if self.follow_check.isChecked():
            self.table.scrollToBottom()
            # Once more after the view took the new rows into its scroll range.
            QTimer.singleShot(0, self, self._follow)  # not after the view is gone

    def _follow(self) -> None:
        if self.follow_check.isChecked():
            self.table.scrollToBottom()

    def _update_count(self) -> None:
        total = self.model.rowCount()
        self.count_label.setText(f"{total} request" + ("" if total == 1 else "s"))

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, *_: QItemSelection) -> None:
        self.details.show_record(self.selected_record())
