"""A windowed table over the history store: it never holds more than a few pages.

``rowCount`` is the store's ``count(query)``; rows are fetched a page at a time
with ``page(query, offset, limit)`` on the task runner's threads and kept in a
small LRU cache, so 50,000 entries scroll as smoothly as 50: the view only asks
for the rows it paints, and a row whose page is not loaded yet shows a
placeholder until the page arrives (then ``dataChanged``). Every query change
bumps a generation number; pages that arrive for an older generation are
dropped, so a slow body search never paints over a newer one.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from workbench.ui.privacy import app_privacy_mask
from workbench.ui.tasks import TaskOutcome, TaskRunner

__all__ = ["HistoryModel", "format_when"]

_Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("★", "Time", "Target", "Route", "Event types", "Status", "Duration", "Profile id")
STAR_COLUMN = 0
_PLACEHOLDER = "…"
_ERROR_BRUSH = QBrush(QColor(200, 40, 40))


class HistoryModel(QAbstractTableModel):
    """History summaries for one ``HistoryQuery``, newest first, paged from the store.

    Signals:
        query_loaded(int): the row count once a new query's first page is shown.
        pages_loaded(): a page arrived (tests and the benchmark wait on it).
        load_failed(str): the store raised; the message says what failed.
    """

    query_loaded = Signal(int)
    pages_loaded = Signal()
    load_failed = Signal(str)
    SummaryRole = Qt.ItemDataRole.UserRole + 1

    def __init__(
        self,
        store: Any,
        runner: TaskRunner,
        parent: QObject | None = None,
        *,
        page_size: int = 200,
        cached_pages: int = 40,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._runner = runner
        self.page_size = page_size
        self._cached_pages = cached_pages
        self._query: Any = None
        self._count = 0
        self._generation = 0
        self._pages: OrderedDict[int, list[Any]] = OrderedDict()
        self._loading: set[int] = set()

    # -- queries -----------------------------------------------------------------------------
    @property
    def query(self) -> Any:
        return self._query

    def set_query(self, query: Any) -> None:
        """Show the entries matching *query*; counting and the first page run in the background."""
        self._query = query
        self._generation += 1
        generation = self._generation
        self._runner.submit(
            self._load_head,
            query,
            channel="history-query",
            on_done=lambda outcome: self._on_head_loaded(outcome, generation, reset=True),
        )

    def reload(self) -> None:
        """Re-read the current query (after a delete or a clear)."""
        self.set_query(self._query)

    def refresh_head(self) -> None:
        """New entries were appended: insert them at the top without losing the scroll position."""
        generation = self._generation
        self._runner.submit(
            self._load_head,
            self._query,
            channel="history-head",
            on_done=lambda outcome: self._on_head_loaded(outcome, generation, reset=False),
        )

    def _load_head(self, query: Any) -> tuple[int, list[Any]]:
        return self._store.count(query), self._store.page(query, 0, self.page_size)

    def _on_head_loaded(self, outcome: TaskOutcome, generation: int, *, reset: bool) -> None:
        if generation != self._generation:
            return
        if not outcome.ok:
            self.load_failed.emit(f"Could not read the history: {outcome.error}")
            return
        count, first = outcome.result
        if reset:
            self.beginResetModel()
            self._count = count
            self._pages.clear()
            self._loading.clear()
            self._pages[0] = first
            self.endResetModel()
            self.query_loaded.emit(count)
            return
        added = count - self._count
        if added > 0:
            self.beginInsertRows(QModelIndex(), 0, added - 1)
            self._count = count
            self._pages.clear()  # offsets shifted; pages are re-read as they are painted
            self._loading.clear()
            self._pages[0] = first
            self.endInsertRows()
            self._generation += 1  # pages in flight were read at the old offsets
        elif added < 0:
            self.reload()

    # -- paging ------------------------------------------------------------------------------
    def summary(self, row: int) -> Any | None:
        """The summary at *row*, or None while its page is loading."""
        page_no, offset = divmod(row, self.page_size)
        page = self._pages.get(page_no)
        if page is None:
            self._request_page(page_no)
            return None
        self._pages.move_to_end(page_no)
        return page[offset] if offset < len(page) else None

    def is_loaded(self, row: int) -> bool:
        return row // self.page_size in self._pages

    def _request_page(self, page_no: int) -> None:
        if page_no in self._loading:
            return
        self._loading.add(page_no)
        generation = self._generation
        query = self._query
        self._runner.submit(
            self._store.page,
            query,
            page_no * self.page_size,
            self.page_size,
            channel=f"history-page-{page_no}",
            on_done=lambda outcome: self._on_page_loaded(outcome, generation, page_no),
        )

    def _on_page_loaded(self, outcome: TaskOutcome, generation: int, page_no: int) -> None:
        if generation != self._generation:
            return
        self._loading.discard(page_no)
        if not outcome.ok:
            self.load_failed.emit(f"Could not read history page {page_no + 1}: {outcome.error}")
            return
        self._pages[page_no] = outcome.result
        while len(self._pages) > self._cached_pages:
            self._pages.popitem(last=False)
        first = page_no * self.page_size
        last = min(self._count, first + self.page_size) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        self.pages_loaded.emit()

    # -- edits -------------------------------------------------------------------------------
    def set_starred(self, row: int, on: bool) -> None:
        """Star or unstar the entry at *row* in the store and in the cache."""
        summary = self.summary(row)
        if summary is None:
            return
        self._store.star(summary.id, on)
        page_no, offset = divmod(row, self.page_size)
        page = self._pages.get(page_no)
        if page is not None:
            page[offset] = dataclasses.replace(summary, starred=on)
        index = self.index(row, STAR_COLUMN)
        self.dataChanged.emit(index, index)

    # -- Qt model ----------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == STAR_COLUMN:
            return "Starred entries (click a star to toggle)"
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._count:
            return None
        summary = self.summary(index.row())
        column = index.column()
        if summary is None:
            return _PLACEHOLDER if role == Qt.ItemDataRole.DisplayRole and column == 1 else None
        if role == Qt.ItemDataRole.DisplayRole:
            text = _display(summary, column)
            mask = app_privacy_mask()
            return mask.text(text) if mask is not None and column == 3 else text
        if role == Qt.ItemDataRole.ForegroundRole and column == 5 and _is_problem(summary):
            return _ERROR_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 5 and summary.error_kind:
                return f"No answer: {summary.error_kind}"
            if column == STAR_COLUMN:
                return "Starred" if summary.starred else "Not starred"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (5, 6):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.SummaryRole:
            return summary
        return None


def format_when(iso_time: str, today: date | None = None) -> str:
    """Local ``HH:MM:SS`` for today's entries, ``YYYY-MM-DD HH:MM`` for older ones."""
    try:
        moment = datetime.fromisoformat(str(iso_time).replace("Z", "+00:00")).astimezone()
    except ValueError:
        return str(iso_time)
    if moment.date() == (today or date.today()):
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%Y-%m-%d %H:%M")


def _is_problem(summary: Any) -> bool:
    return bool(summary.error_kind) or (summary.status or 0) >= 400


def _display(summary: Any, column: int) -> str:
    if column == STAR_COLUMN:
        return "★" if summary.starred else "☆"
    if column == 1:
        return format_when(summary.created_at)
    if column == 2:
        return summary.target_name or ""
    if column == 3:
        return f"{summary.method} {summary.route}"
    if column == 4:
        return ", ".join(summary.event_types or ())
    if column == 5:
        if summary.status is None:
            return summary.error_kind or "—"
        return str(summary.status)
    if column == 6:
        return "" if summary.duration_ms is None else f"{summary.duration_ms:.0f} ms"
    return summary.profile_id or ""
