"""What the embedded collector stored: profiles, their sessions, their events on a timeline.

Pick a profile to see its sessions and its events oldest → newest, with the
time since the first event, so a visit reads like a story. Any profile,
session or event id (e.g. from the debugger's *Open*) can be opened directly.
*Reset all local data* empties the collector's store after a confirmation.
The collector keeps two data sets (staging and production, chosen per request by
``x-context``); the *Data set* box picks the one shown, and an id found only in the
other one switches to it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.core.wording import counted
from workbench.ui.models.rows import RowsModel, dig
from workbench.ui.prompts import Prompts
from workbench.ui.widgets.json_view import JsonView

__all__ = ["LocalDataView"]

PROFILE_LIMIT = 1000
EVENT_LIMIT = 2000

PROFILE_COLUMNS = (
    ("Profile id", "id"),
    ("Created", "metadata.time.insert"),
    ("Last visit", "metadata.time.visit.last"),
    ("Visits", "stats.visits"),
)
SESSION_COLUMNS = (("Session id", "id"), ("Started", "metadata.time.insert"))
EVENT_COLUMNS = (
    ("Time", "metadata.time.insert"),
    ("+", "_offset"),
    ("Type", "type"),
    ("Session", "session.id"),
    ("Source", "source.id"),
    ("Event id", "id"),
)


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def timeline(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events oldest first, each with ``_offset`` (time since the first one, e.g. ``+1m 05s``)."""
    ordered = sorted(events, key=lambda e: str(dig(e, "metadata.time.insert") or ""))
    start = _moment(dig(ordered[0], "metadata.time.insert")) if ordered else None
    rows = []
    for event in ordered:
        moment = _moment(dig(event, "metadata.time.insert"))
        offset = ""
        if start is not None and moment is not None:
            seconds = int((moment - start).total_seconds())
            minutes, secs = divmod(seconds, 60)
            offset = f"+{minutes}m {secs:02d}s" if minutes else f"+{secs}s"
        rows.append({**event, "_offset": offset})
    return rows


def _table(parent: QWidget, model: RowsModel) -> QTableView:
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.setWordWrap(False)
    return table


class LocalDataView(QWidget):
    """Browse and reset the collector's stored profiles, sessions and events.

    Signals:
        data_reset(): the user reset all local data.
    """

    data_reset = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stores: dict[str, Callable[[], Any] | None] = {}
        self.profiles = RowsModel(PROFILE_COLUMNS, self)
        self.sessions = RowsModel(SESSION_COLUMNS, self)
        self.events = RowsModel(EVENT_COLUMNS, self)
        self.profile_table = _table(self, self.profiles)
        self.session_table = _table(self, self.sessions)
        self.event_table = _table(self, self.events)
        self.profile_table.horizontalHeader().resizeSection(0, 280)
        self.session_table.horizontalHeader().resizeSection(0, 280)
        self.event_table.horizontalHeader().resizeSection(0, 150)
        self.event_table.horizontalHeader().resizeSection(1, 70)
        self.event_table.horizontalHeader().resizeSection(3, 120)
        self.document_view = JsonView(self)

        self.open_edit = QLineEdit(self)
        self.open_edit.setPlaceholderText("Open a profile, session or event id…")
        self.open_edit.setClearButtonEnabled(True)
        self.open_edit.returnPressed.connect(self._on_open_edit_return_pressed)
        self.context_combo = QComboBox(self)
        self.context_combo.addItems(["staging", "production"])
        self.context_combo.setToolTip(
            "The collector's data set shown here: staging (requests without x-context, "
            "or x-context: staging) or production (x-context: production)"
        )
        self.context_combo.currentTextChanged.connect(self._on_context_combo_text_changed)
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.clicked.connect(self.refresh)
        self.reset_button = QPushButton("Reset all local data…", self)
        self.reset_button.clicked.connect(self.reset_all)
        self.stats_label = QLabel(self)
        self.stats_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label = QLabel(self)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setWordWrap(True)
        self.message_label.hide()  # shown only while it has something to say

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.open_edit, 1)
        bar.addWidget(QLabel("Data set:", self))
        bar.addWidget(self.context_combo)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.stats_label)
        bar.addWidget(self.reset_button)

        # Three columns, as the dock is wide and low: profiles | sessions over the event
        # timeline | the selected document. The detail tree is never below the fold.
        middle = QSplitter(Qt.Orientation.Vertical, self)
        middle.addWidget(self.session_table)
        middle.addWidget(self.event_table)
        middle.setStretchFactor(0, 1)
        middle.setStretchFactor(1, 2)
        for table in (self.profile_table, self.session_table, self.event_table):
            table.setMinimumHeight(60)
        self.document_view.setMinimumHeight(60)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.profile_table)
        splitter.addWidget(middle)
        splitter.addWidget(self.document_view)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 3)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.message_label)
        layout.addWidget(splitter, 1)

        self.profile_table.selectionModel().selectionChanged.connect(
            self._on_profile_table_selection_changed
        )
        self.session_table.selectionModel().selectionChanged.connect(
            self._on_session_table_selection_changed
        )
        self.event_table.selectionModel().selectionChanged.connect(
            self._on_event_table_selection_changed
        )
        self.set_store(None)

    # -- data --------------------------------------------------------------------------------
    def set_store(self, store: Any, production: Callable[[], Any] | None = None) -> None:
        """Browse *store* (the staging ``CollectorStore``; None while the collector is
        stopped) and what *production* returns when asked, the production one (None:
        only staging to show). It is asked at every read: the collector opens its
        production data set only when a request first uses it."""
        self._stores = {
            "staging": (lambda: store) if store is not None else None,
            "production": production,
        }
        if production is None and self.context_combo.currentText() == "production":
            self.context_combo.blockSignals(True)
            self.context_combo.setCurrentText("staging")
            self.context_combo.blockSignals(False)
        for widget in (self.open_edit, self.refresh_button, self.reset_button):
            widget.setEnabled(store is not None)
        self.context_combo.setEnabled(store is not None and production is not None)
        self.refresh()

    @property
    def _store(self) -> Any:
        """The store of the data set shown (None: nothing to show)."""
        source = self._stores.get(self.context_combo.currentText())
        return source() if source is not None else None

    @property
    def context(self) -> str:
        """The data set shown: ``staging`` or ``production``."""
        return self.context_combo.currentText()

    def set_context(self, name: str) -> None:
        """Show the *name* data set (``staging`` or ``production``)."""
        self.context_combo.setCurrentText(name)

    def refresh(self) -> None:
        """Re-read the profiles (the selection is kept when it still exists)."""
        selected = self.selected_profile_id()
        if self._store is None:
            self.profiles.set_rows([])
            self.stats_label.setText("Collector stopped")
            self._show_profile(None)
            return
        stats = self._store.stats()
        self.stats_label.setText(
            f"{counted(stats.get('profiles', 0), 'profile')} · "
            f"{counted(stats.get('sessions', 0), 'session')} · "
            f"{counted(stats.get('events', 0), 'event')}"
        )
        self.profiles.set_rows(self._store.list_profiles(limit=PROFILE_LIMIT))
        if selected and self.profiles.row_of(selected) >= 0:
            self.profile_table.selectRow(self.profiles.row_of(selected))
        else:
            self._show_profile(None)

    def selected_profile_id(self) -> str | None:
        rows = self.profile_table.selectionModel().selectedRows()
        return self.profiles.row(rows[0].row()).get("id") if rows else None

    def _say(self, text: str) -> None:
        """Show *text* above the tables; an empty message takes no line."""
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def open_id(self, kind: str, ident: str) -> bool:
        """Show the profile, session or event *ident* (kind "profile", "session", "event" or "")."""
        if self._store is None:
            self._say("The collector is stopped; start it to browse its data.")
            return False
        self.refresh()
        kinds = (
            [kind] if kind in ("profile", "session", "event") else ["profile", "session", "event"]
        )
        shown = self.context
        others = [name for name, store in self._stores.items() if name != shown and store]
        for context in (shown, *others):
            if context != self.context:
                self.set_context(context)
            for candidate in kinds:
                document = getattr(self._store, f"get_{candidate}")(ident)
                if document is not None:
                    self._open_document(candidate, document)
                    self._say("")
                    return True
        self.set_context(shown)
        self._say(
            f"No {kind or 'profile, session or event'} with id {ident!r} is stored in the "
            "embedded collector's staging or production data (it may have been sent "
            "elsewhere, or reset)."
        )
        return False

    def _open_document(self, kind: str, document: dict[str, Any]) -> None:
        if kind == "profile":
            profile_id = document.get("id")
        else:
            profile_id = dig(document, "profile.id")
        if profile_id:
            row = self.profiles.row_of(profile_id)
            if row < 0:  # older than the listed ones: show it anyway
                self.profiles.set_rows([*self.profiles.rows(), self._store.get_profile(profile_id)])
                row = self.profiles.row_of(profile_id)
            if row >= 0:
                self.profile_table.selectRow(row)
        table, model = {
            "profile": (None, None),
            "session": (self.session_table, self.sessions),
            "event": (self.event_table, self.events),
        }[kind]
        if table is not None and model is not None and model.row_of(document.get("id", "")) >= 0:
            table.selectRow(model.row_of(document["id"]))
        self.document_view.set_document(document)
        self.document_view.expand_to_depth(0)

    def reset_all(self) -> None:
        """Forget every profile, session and event and restore default sources, if confirmed."""
        if self._store is None:
            return
        question = (
            f"Delete every profile, session and event of the {self.context} data set the "
            "embedded collector stored, and restore its default event sources? The other "
            "data set is kept. This cannot be undone."
        )
        if not Prompts.confirm(self, "Reset all local data", question):
            return
        self._store.reset()
        self.document_view.set_document(None)
        self.refresh()
        self.data_reset.emit()

    def _show_profile(self, profile_id: str | None) -> None:
        if profile_id is None or self._store is None:
            self.sessions.set_rows([])
            self.events.set_rows([])
            return
        self.sessions.set_rows(self._store.sessions_for_profile(profile_id))
        self.events.set_rows(
            timeline(self._store.events_for_profile(profile_id, limit=EVENT_LIMIT))
        )

    # -- slots -------------------------------------------------------------------------------
    @Slot(str)
    def _on_context_combo_text_changed(self, name: str) -> None:
        self.document_view.set_document(None)
        self.refresh()

    @Slot()
    def _on_open_edit_return_pressed(self) -> None:
        ident = self.open_edit.text().strip()
        if ident:
            self.open_id("", ident)

    @Slot(QItemSelection, QItemSelection)
    def _on_profile_table_selection_changed(self, *_: QItemSelection) -> None:
        profile_id = self.selected_profile_id()
        self._show_profile(profile_id)
        if profile_id is not None:
            self.document_view.set_document(self._store.get_profile(profile_id))
            self.document_view.expand_to_depth(0)

    @Slot(QItemSelection, QItemSelection)
    def _on_session_table_selection_changed(self, *_: QItemSelection) -> None:
        rows = self.session_table.selectionModel().selectedRows()
        if rows:
            self.document_view.set_document(self.sessions.row(rows[0].row()))
            self.document_view.expand_to_depth(0)

    @Slot(QItemSelection, QItemSelection)
    def _on_event_table_selection_changed(self, *_: QItemSelection) -> None:
        rows = self.event_table.selectionModel().selectedRows()
        if rows:
            event = dict(self.events.row(rows[0].row()))
            event.pop("_offset", None)
            self.document_view.set_document(event)
            self.document_view.expand_to_depth(0)
