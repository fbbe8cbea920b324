"""The history dock: every exchange sent, newest first, searchable, re-usable.

A filter row (search in URLs and bodies, event type, status class, target,
profile id, starred only) builds a ``HistoryQuery``; counting and paging run on
the task runner's threads, so a body search over 50,000 entries never freezes
the window. Selecting an entry loads it (in the background) and emits it for
the answer views without sending anything. Entries that other processes
(``workbench send``, an import, a journey run) write appear within a fraction of a
second: the store's watcher notices (off the GUI thread, without polling) and the
list inserts them at the top, or re-reads when entries were starred, deleted or
pruned elsewhere. The context menu opens an entry in
the composer, sends it again, copies it as curl, exports the selection (JSON
lines or HAR) and deletes. A store notice (e.g. a corrupt file moved aside) is
shown once, in plain words, with the paths.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.exchange import Exchange
from workbench.core.snippets import HttpRequest, to_curl
from workbench.store.history.entries import HistoryQuery
from workbench.ui.models.history import STAR_COLUMN, HistoryModel
from workbench.ui.panels.dialogs import PanelDialogs
from workbench.ui.panels.log_table import make_log_table
from workbench.ui.panels.view_action import view_action
from workbench.ui.privacy import privacy_mask
from workbench.ui.prompts import Prompts
from workbench.ui.tasks import TaskOutcome, TaskRunner

__all__ = ["HistoryPanel", "exchange_as_http_request"]

STATUS_CHOICES = (
    ("Any status", None),
    ("2xx", "2xx"),
    ("3xx", "3xx"),
    ("4xx", "4xx"),
    ("5xx", "5xx"),
    ("No answer", "error"),
)
_COLUMN_WIDTHS = (24, 118, 110, 100, 120, 55, 60)


def exchange_as_http_request(exchange: Exchange) -> HttpRequest:
    """The request of a stored exchange, as the snippet generators take it (secrets stay masked)."""
    request = exchange.request
    if request is None:
        return HttpRequest(method="POST", url="", headers={}, body_text=None)
    body_text: str | None = request.body_text
    if not body_text and request.body is not None:
        body_text = json.dumps(request.body, ensure_ascii=False)
    return HttpRequest(
        method=request.method or "POST",
        url=request.url,
        headers=dict(request.headers),
        body_text=body_text or None,
    )


def _watch_store(store: Any, callback: Any) -> Any:
    """Have *store* call *callback(kind)* on changes by other processes; returns the undo."""
    watch = getattr(store, "watch", None)
    if not callable(watch):
        return lambda *_: None
    watch(callback)
    done: list[bool] = []

    def stop(*_: object) -> None:
        if not done:
            done.append(True)
            store.unwatch(callback)

    return stop


class HistoryPanel(QWidget):
    """History list with filters, search, star and the entry actions.

    Signals:
        exchange_selected(Exchange): the exchange of the selected entry, for the answer views.
        open_requested(Exchange): open this exchange's request in the composer.
        send_again_requested(Exchange): send this exchange's request again as it was.
        notice_shown(str): a store notice was shown (once per notice).
    """

    exchange_selected = Signal(object)
    open_requested = Signal(object)
    send_again_requested = Signal(object)
    notice_shown = Signal(str)
    # Emitted from the store's watcher thread; delivered queued on the GUI thread.
    _store_changed_elsewhere = Signal(str)

    def __init__(
        self, store: Any, runner: TaskRunner | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._owns_runner = runner is None
        self.runner = runner if runner is not None else TaskRunner(self)
        self.model = HistoryModel(store, self.runner, self)
        self._shown_notices: set[str] = set()
        # The entries whose selection was last shown, and whether something else (a new
        # answer) has been shown since: rows inserted above the selection move it without
        # the user choosing anything, and must not bring an old entry back over a new answer.
        self._shown_ids: tuple[str, ...] = ()
        self._shown_elsewhere = False
        # The entries selected when the model began a reset (a query, a reload after a
        # change elsewhere): selected again when it ends, so a reset that lands after the
        # user chose an entry does not silently drop the choice.
        self._ids_across_reset: set[str] = set()

        # -- notice banner --
        self.notice_label = QLabel(self)
        self.notice_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notice_label.setWordWrap(True)
        self.notice_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice_close = QToolButton(self)
        self.notice_close.setText("Dismiss")
        self.notice_close.clicked.connect(self._hide_notice)
        self.notice_bar = QWidget(self)
        self.notice_bar.setObjectName("historyNotice")
        self.notice_bar.setStyleSheet(
            "#historyNotice { background: #fff4e5; border: 1px solid #f0b35a; }"
            " #historyNotice QLabel { color: #5d4000; }"
        )
        notice_layout = QHBoxLayout(self.notice_bar)
        notice_layout.setContentsMargins(6, 4, 6, 4)
        notice_layout.addWidget(self.notice_label, 1)
        notice_layout.addWidget(self.notice_close)
        self.notice_bar.hide()

        # -- filters --
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText("Search URLs, request and response bodies…")
        self.search_edit.setClearButtonEnabled(True)
        self.event_type_edit = QLineEdit(self)
        self.event_type_edit.setPlaceholderText("Event type")
        self.status_combo = QComboBox(self)
        for label, value in STATUS_CHOICES:
            self.status_combo.addItem(label, value)
        self.target_combo = QComboBox(self)
        self.target_combo.addItem("Any target", None)
        self.profile_edit = QLineEdit(self)
        self.profile_edit.setPlaceholderText("Profile id")
        self.starred_check = QCheckBox("★ only", self)
        self.count_label = QLabel(self)
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.clear_button = QPushButton("Clear…", self)
        self.clear_button.setToolTip("Delete every history entry")
        self.clear_button.clicked.connect(self.clear_history)

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(250)
        self._filter_timer.timeout.connect(self.apply_filters)
        for edit in (self.search_edit, self.event_type_edit, self.profile_edit):
            edit.textChanged.connect(self._filter_timer.start)
        self.status_combo.currentIndexChanged.connect(self.apply_filters)
        self.target_combo.currentIndexChanged.connect(self.apply_filters)
        self.starred_check.toggled.connect(self.apply_filters)

        # -- table --
        self.table = make_log_table(
            self, self.model, _COLUMN_WIDTHS, QAbstractItemView.SelectionMode.ExtendedSelection
        )
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu_requested)
        self.table.clicked.connect(self._on_table_clicked)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.model.query_loaded.connect(self._on_model_query_loaded)
        self.model.modelAboutToBeReset.connect(self._on_model_about_to_be_reset)
        self.model.modelReset.connect(self._on_model_reset)
        self.model.rowsInserted.connect(self._update_count)
        self.model.load_failed.connect(self._on_model_load_failed)

        self.open_action = self._action("Open in composer", self.open_selected, "Return")
        self.send_again_action = self._action("Send again", self.send_again_selected, "Ctrl+R")
        self.copy_curl_action = self._action("Copy as curl", self.copy_selected_as_curl, None)
        self.star_action = self._action("Star / unstar", self.toggle_star_selected, "S")
        self.export_jsonl_action = self._action(
            "Export selected as JSON lines…", self.export_selected_jsonl, None
        )
        self.export_har_action = self._action(
            "Export selected as HAR…", self.export_selected_har, None
        )
        self.delete_action = self._action(
            "Delete…", self.delete_selected, QKeySequence.StandardKey.Delete
        )
        # Actions other tools add to the context menu (compare, reproduce, support bundle).
        self.extra_actions: list[QAction] = []

        filters = QHBoxLayout()  # two short rows: the dock is often narrow
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.event_type_edit, 1)
        filters.addWidget(self.profile_edit, 1)
        choices = QHBoxLayout()
        choices.setContentsMargins(0, 0, 0, 0)
        choices.addWidget(self.status_combo, 1)
        choices.addWidget(self.target_combo, 1)
        choices.addWidget(self.starred_check)
        search = QHBoxLayout()
        search.setContentsMargins(0, 0, 0, 0)
        search.addWidget(self.search_edit, 1)
        search.addWidget(self.count_label)
        search.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.notice_bar)
        layout.addLayout(search)
        layout.addLayout(filters)
        layout.addLayout(choices)
        layout.addWidget(self.table, 1)

        # Another process changed the history: coalesce a burst into one update.
        self._elsewhere_kind: str | None = None
        self._elsewhere_timer = QTimer(self)
        self._elsewhere_timer.setSingleShot(True)
        self._elsewhere_timer.setInterval(150)
        self._elsewhere_timer.timeout.connect(self._on_elsewhere_timer_timeout)
        self._store_changed_elsewhere.connect(self._on_store_changed_elsewhere)
        self._stop_watching_store = _watch_store(store, self._store_changed_elsewhere.emit)
        self.destroyed.connect(self._stop_watching_store)

        # The "hide personal data" switch: the route column is drawn through the mask.
        privacy_mask().changed.connect(self._on_privacy_changed)

        self.show_store_notices()
        self.apply_filters()

    def sizeHint(self) -> QSize:
        """Wide enough for time, target, route and event types side by side."""
        return QSize(620, 480)

    def _action(self, text: str, slot: Any, shortcut: Any) -> QAction:
        return view_action(self, self.table, text, slot, shortcut)

    # -- filters -----------------------------------------------------------------------------
    def set_target_names(self, names: list[str]) -> None:
        """Offer these targets in the target filter (the current choice is kept if it remains)."""
        current = self.target_combo.currentData()
        self.target_combo.blockSignals(True)
        self.target_combo.clear()
        self.target_combo.addItem("Any target", None)
        for name in names:
            self.target_combo.addItem(name, name)
        index = self.target_combo.findData(current)
        self.target_combo.setCurrentIndex(max(index, 0))
        self.target_combo.blockSignals(False)
        if index < 0 and current is not None:
            self.apply_filters()

    def current_query(self) -> HistoryQuery:
        return HistoryQuery(
            text=self.search_edit.text().strip() or None,
            event_type=self.event_type_edit.text().strip() or None,
            status_class=self.status_combo.currentData(),
            target=self.target_combo.currentData(),
            profile_id=self.profile_edit.text().strip() or None,
            starred_only=self.starred_check.isChecked(),
        )

    @Slot()
    def apply_filters(self) -> None:
        """Show the entries the filter row asks for (counted and paged in the background)."""
        self._filter_timer.stop()
        self.count_label.setText("searching…")
        self.model.set_query(self.current_query())

    def entries_appended(self) -> None:
        """The app recorded new exchanges: show them at the top (the new answer is in view)."""
        self._shown_elsewhere = True
        self.model.refresh_head()
        self.show_store_notices()

    def _on_privacy_changed(self, _hidden: bool) -> None:
        self.table.viewport().update()

    # -- selection ---------------------------------------------------------------------------
    def selected_summaries(self) -> list[Any]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        found = (self.model.summary(row) for row in rows)
        return [summary for summary in found if summary is not None]

    def _load_selected(self, then: Any) -> None:
        """Load the first selected entry in the background and call ``then(exchange)``."""
        summaries = self.selected_summaries()
        if not summaries:
            return
        entry_id = summaries[0].id

        def done(outcome: TaskOutcome) -> None:
            if outcome.stale:
                return
            if not outcome.ok or outcome.result is None:
                self.count_label.setText(f"Could not read entry {entry_id}: {outcome.error}")
                return
            then(outcome.result.exchange)

        self.runner.submit(self.store.get, entry_id, channel="history-entry", on_done=done)

    def _selected_ids(self) -> tuple[str, ...]:
        return tuple(str(summary.id) for summary in self.selected_summaries())

    def _show_selected(self) -> None:
        self._shown_ids = self._selected_ids()
        self._shown_elsewhere = False
        self._load_selected(self.exchange_selected.emit)

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, *_: QItemSelection) -> None:
        # Only a change of *which entries* are selected shows one; the same entries
        # shifted by new rows at the top (or re-read pages) are not the user's choice.
        if self._selected_ids() != self._shown_ids:
            self._show_selected()

    @Slot(QModelIndex)
    def _on_table_clicked(self, index: QModelIndex) -> None:
        if index.column() == STAR_COLUMN:
            summary = self.model.summary(index.row())
            if summary is not None:
                self.model.set_starred(index.row(), not summary.starred)
        elif self._shown_elsewhere and self.table.selectionModel().isRowSelected(index.row()):
            self._show_selected()  # a click on the selected entry brings it back into view

    @Slot(QModelIndex)
    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        if index.column() != STAR_COLUMN:
            self.open_selected()

    # -- actions -----------------------------------------------------------------------------
    def open_selected(self) -> None:
        self._load_selected(self.open_requested.emit)

    def send_again_selected(self) -> None:
        self._load_selected(self.send_again_requested.emit)

    def copy_selected_as_curl(self) -> None:
        def copy(exchange: Exchange) -> None:
            QGuiApplication.clipboard().setText(to_curl(exchange_as_http_request(exchange)))

        self._load_selected(copy)

    def toggle_star_selected(self) -> None:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        summaries = [self.model.summary(row) for row in rows]
        on = not all(s.starred for s in summaries if s is not None)
        for row, summary in zip(rows, summaries, strict=True):
            if summary is not None and summary.starred != on:
                self.model.set_starred(row, on)

    def export_selected_jsonl(self) -> None:
        self._export("JSON lines (*.jsonl)", "history.jsonl", self.store.export_jsonl)

    def export_selected_har(self) -> None:
        self._export("HAR (*.har)", "history.har", self.store.export_har)

    def _export(self, name_filter: str, suggested: str, exporter: Any) -> None:
        ids = [s.id for s in self.selected_summaries()]
        if not ids:
            return
        path = PanelDialogs.save_path(self, "Export history", suggested, name_filter)
        if path is None:
            return

        def done(outcome: TaskOutcome) -> None:
            if outcome.ok:
                self.count_label.setText(f"Exported {len(ids)} to {path}")
            else:
                self.count_label.setText(f"Export to {path} failed: {outcome.error}")

        mask = privacy_mask()
        transform = mask.document if mask.hidden else None  # exports show what the screen does
        self.runner.submit(
            exporter, path, ids, transform=transform, channel="history-export", on_done=done
        )

    def delete_selected(self) -> None:
        ids = [s.id for s in self.selected_summaries()]
        if not ids:
            return
        noun = "this entry" if len(ids) == 1 else f"these {len(ids)} entries"
        if not Prompts.confirm(self, "Delete history", f"Delete {noun} from the history?"):
            return
        for entry_id in ids:
            self.store.delete(entry_id)
        self.model.reload()

    def clear_history(self) -> None:
        if Prompts.confirm(self, "Clear history", "Delete every history entry? Starred ones too."):
            self.store.clear()
            self.model.reload()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Let page loads in flight finish before the panel (and its own runner) go away."""
        self._stop_watching_store()
        if self._owns_runner:
            self.runner.wait_for_done()
        super().closeEvent(event)

    # -- notices -----------------------------------------------------------------------------
    def show_store_notices(self) -> None:
        """Show store notices not shown before (each once, with the paths)."""
        fresh = []
        for notice in list(getattr(self.store, "notices", []) or []):
            text = notice.message
            if notice.moved_to is not None and str(notice.moved_to) not in text:
                text += f" (moved to {notice.moved_to})"
            if text not in self._shown_notices:
                self._shown_notices.add(text)
                fresh.append(text)
        if not fresh:
            return
        shown = self.notice_label.text() if self.notice_bar.isVisible() else ""
        self.notice_label.setText("\n".join([t for t in (shown, *fresh) if t]))
        self.notice_bar.show()
        for text in fresh:
            self.notice_shown.emit(text)

    def _hide_notice(self) -> None:
        self.notice_bar.hide()
        self.notice_label.clear()

    # -- slots -------------------------------------------------------------------------------
    @Slot(str)
    def _on_store_changed_elsewhere(self, kind: str) -> None:
        if self._elsewhere_kind != "changed":
            self._elsewhere_kind = kind
        if not self._elsewhere_timer.isActive():
            self._elsewhere_timer.start()

    @Slot()
    def _on_elsewhere_timer_timeout(self) -> None:
        kind, self._elsewhere_kind = self._elsewhere_kind, None
        if kind == "changed":
            self.model.reload()
        elif kind is not None:
            self.model.refresh_head()
        self.show_store_notices()

    @Slot()
    def _on_model_about_to_be_reset(self) -> None:
        self._ids_across_reset = set(self._selected_ids())

    @Slot()
    def _on_model_reset(self) -> None:
        """Select again the entries that were selected and are still in the first page.

        A reset clears the selection without telling anyone; an entry no longer
        there is no longer the one shown, so choosing it again shows it again.
        """
        kept, self._ids_across_reset = self._ids_across_reset, set()
        selection = QItemSelection()
        last_column = self.model.columnCount() - 1
        for row in range(min(self.model.rowCount(), self.model.page_size)):
            summary = self.model.summary(row) if self.model.is_loaded(row) else None
            if summary is not None and str(summary.id) in kept:
                selection.select(self.model.index(row, 0), self.model.index(row, last_column))
        if selection.isEmpty():
            self._shown_ids = ()
            return
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.table.selectionModel().select(selection, flags)

    @Slot(int)
    def _on_model_query_loaded(self, count: int) -> None:
        self._update_count()
        self.show_store_notices()

    def _update_count(self) -> None:
        count = self.model.rowCount()
        self.count_label.setText(f"{count} entr" + ("y" if count == 1 else "ies"))

    @Slot(str)
    def _on_model_load_failed(self, message: str) -> None:
        self.count_label.setText(message)

    @Slot(QPoint)
    def _on_table_context_menu_requested(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid() and not self.table.selectionModel().isRowSelected(index.row()):
            self.table.selectRow(index.row())
        if not self.selected_summaries():
            return
        menu = QMenu(self)
        single = len(self.selected_summaries()) == 1
        for action in (self.open_action, self.send_again_action, self.copy_curl_action):
            action.setEnabled(single)
            menu.addAction(action)
        menu.addAction(self.star_action)
        menu.addSeparator()
        menu.addAction(self.export_jsonl_action)
        menu.addAction(self.export_har_action)
        if self.extra_actions:
            menu.addSeparator()
            menu.addActions(self.extra_actions)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.exec(self.table.viewport().mapToGlobal(pos))
        menu.deleteLater()
