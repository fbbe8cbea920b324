"""The rows of the live traffic table: every request the collector answered.

Records arrive in batches from :class:`~workbench.ui.panels.collector_bridge.CollectorBridge`
and are appended when the batch arrives. While paused, batches
are held back (nothing is dropped) and shown on resume. The table keeps at most
``max_rows`` rows; older rows leave from the top, because the collector's own
store keeps the full record for longer.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel

if TYPE_CHECKING:
    from workbench.collector.records import RequestRecord

__all__ = ["TrafficFilterModel", "TrafficModel", "format_clock", "refilter"]

_Index = QModelIndex | QPersistentModelIndex

COLUMNS = (
    "Time",
    "Method",
    "Path",
    "Context",
    "Source",
    "Event types",
    "Status",
    "Latency",
    "Reason",
)
_PRODUCTION_BRUSH = QBrush(QColor(150, 60, 160))
_ERROR_BRUSH = QBrush(QColor(200, 40, 40))
_WARN_BRUSH = QBrush(QColor(190, 120, 0))


def format_clock(iso_time: str) -> str:
    """ISO ``2024-01-01T12:00:00.123+00:00`` → local ``12:00:00.123`` (else the text itself)."""
    try:
        moment = datetime.fromisoformat(iso_time.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return str(iso_time)
    return moment.astimezone().strftime("%H:%M:%S.%f")[:-3]


class TrafficModel(QStandardItemModel):
    """Collector request records, oldest at the top; pausable and bounded.

    The rows are plain ``QStandardItem`` cells filled once, when a batch
    arrives, so painting the table runs entirely in C++: it never waits for
    Python's GIL, which the collector's server thread holds much of the time
    under load (a Python ``data()`` would wait up to the interpreter's switch
    interval for every cell and role). The records themselves are kept in a
    list parallel to the rows.

    Signals:
        held_count_changed(int): how many records are held back while paused.
        batch_appended(int): this many rows were just appended (one signal per batch,
            where ``rowsInserted`` comes once per row).
    """

    held_count_changed = Signal(int)
    batch_appended = Signal(int)

    def __init__(self, parent: QObject | None = None, *, max_rows: int = 20_000) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(list(COLUMNS))
        self._records: list[RequestRecord] = []
        self._held: list[RequestRecord] = []
        self._paused = False
        self.max_rows = max_rows

    # -- feeding -----------------------------------------------------------------------------
    def add_records(self, records: list[RequestRecord]) -> None:
        """Append a batch (oldest first); held back while paused."""
        if not records:
            return
        if self._paused:
            self._held.extend(records)
            self.held_count_changed.emit(len(self._held))
            return
        self._append(records)

    def _append(self, records: list[RequestRecord]) -> None:
        records = records[-self.max_rows :]
        overflow = len(self._records) + len(records) - self.max_rows
        if overflow > 0:
            self.removeRows(0, overflow)
            del self._records[:overflow]
        self._records.extend(records)
        for rec in records:
            self.appendRow(_row_items(rec))
        self.batch_appended.emit(len(records))

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def held_count(self) -> int:
        return len(self._held)

    def set_paused(self, paused: bool) -> None:
        """Pause holds new records back; resuming shows them all, in order."""
        if paused == self._paused:
            return
        self._paused = paused
        if not paused and self._held:
            held, self._held = self._held, []
            self._append(held)
            self.held_count_changed.emit(0)

    def clear(self) -> None:
        """Forget every row and every held record."""
        self.removeRows(0, self.rowCount())
        self._records.clear()
        self._held.clear()
        self.held_count_changed.emit(0)

    def record(self, row: int) -> RequestRecord:
        return self._records[row]


def _row_items(rec: RequestRecord) -> list[QStandardItem]:
    items = [QStandardItem(_display(rec, column)) for column in range(len(COLUMNS))]
    for item in items:
        item.setEditable(False)
    status = rec.status or 0
    brush = None
    if status >= 500 or status in (401, 413, 422):
        brush = _ERROR_BRUSH
    elif status >= 400:
        brush = _WARN_BRUSH
    if brush is not None:
        items[6].setForeground(brush)
        items[8].setForeground(brush)
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    items[6].setTextAlignment(right)
    items[7].setTextAlignment(right)
    if _context(rec) == "production":
        items[3].setForeground(_PRODUCTION_BRUSH)
    items[3].setToolTip("The data set this request used (chosen by its x-context header)")
    if rec.reason:
        items[8].setToolTip(rec.reason)
    return items


def _context(rec: RequestRecord) -> str:
    """The record's data set; records from before there were two are staging."""
    return str(getattr(rec, "context", None) or "staging")


def _display(rec: RequestRecord, column: int) -> str:
    if column == 0:
        return format_clock(rec.time)
    if column == 1:
        return rec.method
    if column == 2:
        return rec.path + (f"?{rec.query}" if rec.query else "")
    if column == 3:
        return _context(rec)
    if column == 4:
        return rec.source_id or ""
    if column == 5:
        return ", ".join(rec.event_types or ())
    if column == 6:
        return "" if rec.status is None else str(rec.status)
    if column == 7:
        return f"{rec.latency_ms:.1f} ms"
    return rec.reason or ""


def refilter(proxy: QSortFilterProxyModel) -> None:
    """Re-run a proxy's row filter (Qt 6.9 renamed the call; support both)."""
    if hasattr(proxy, "beginFilterChange"):
        proxy.beginFilterChange()
        proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)
    else:  # Qt < 6.9
        proxy.invalidateRowsFilter()


class TrafficFilterModel(QSortFilterProxyModel):
    """Shows the rows whose method, path, context, source, event types, status or reason
    contain the text.

    ``problems_only`` keeps the rejected and failed requests (status ≥ 400).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._problems_only = False

    def set_text(self, text: str) -> None:
        self._text = text.strip().lower()
        refilter(self)

    def set_problems_only(self, on: bool) -> None:
        self._problems_only = on
        refilter(self)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, TrafficModel):
            return True
        rec = model.record(source_row)
        if self._problems_only and (rec.status or 0) < 400:
            return False
        if not self._text:
            return True
        haystack = " ".join(
            (
                rec.method,
                rec.path,
                rec.query or "",
                _context(rec),
                rec.source_id or "",
                " ".join(rec.event_types or ()),
                str(rec.status),
                rec.reason or "",
                rec.profile_id or "",
                rec.session_id or "",
            )
        ).lower()
        return self._text in haystack
