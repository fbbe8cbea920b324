"""The embedded collector's event sources: list, add, edit, enable/disable, delete.

Every change is written to the collector's store at once, and the collector
reads sources from that store per request, so the very next request sees it (a
disabled source answers 401). The selected source's ``/track`` and ``/collect``
URLs are shown ready to copy.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.collector.sources import EventSource
from workbench.ui.panels.source_dialog import SourceDialog
from workbench.ui.prompts import Prompts

__all__ = ["SourcesEditor", "SourcesModel", "source_urls"]

_Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Enabled", "Id", "Name", "Accepts", "Consent", "Description")
ENABLED_COLUMN, CONSENT_COLUMN = 0, 4


def source_urls(base_url: str, source: EventSource) -> list[tuple[str, str]]:
    """(label, text) pairs a client needs to send through *source*: URLs, and for REST
    the ``source`` member of the payload."""
    base = base_url.rstrip("/")
    urls: list[tuple[str, str]] = []
    if "rest" in source.type:
        urls.append(("POST /track", f"{base}/track"))
        urls.append(("Profile-less", f"{base}/track?profile_less=true"))
        urls.append(("In the payload", f'"source": {{"id": "{source.id}"}}'))
    if "webhook" in source.type:
        urls.append(("Webhook", f"{base}/collect/EVENT-TYPE/{source.id}"))
        urls.append(("With session", f"{base}/collect/EVENT-TYPE/{source.id}/SESSION-ID"))
    return urls


class SourcesModel(QAbstractTableModel):
    """Event sources of a ``CollectorStore``; the check boxes write through to the store.

    Signals:
        source_changed(str): a source with this id was written to the store.
    """

    source_changed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store: Any = None
        self._sources: list[EventSource] = []

    def set_store(self, store: Any) -> None:
        self._store = store
        self.reload()

    @property
    def store(self) -> Any:
        return self._store

    def reload(self) -> None:
        self.beginResetModel()
        self._sources = (
            sorted(self._store.list_sources(), key=lambda s: s.id) if self._store else []
        )
        self.endResetModel()

    def source(self, row: int) -> EventSource:
        return self._sources[row]

    def row_of(self, source_id: str) -> int:
        return next((i for i, s in enumerate(self._sources) if s.id == source_id), -1)

    def put(self, source: EventSource) -> None:
        """Write *source* to the store (add or replace) and show it."""
        self._store.put_source(source)
        row = self.row_of(source.id)
        if row < 0:
            self.reload()
        else:
            self._sources[row] = source
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        self.source_changed.emit(source.id)

    def remove(self, source_id: str) -> None:
        self._store.delete_source(source_id)
        row = self.row_of(source_id)
        if row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._sources[row]
            self.endRemoveRows()
        self.source_changed.emit(source_id)

    # -- Qt model ----------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._sources)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in (ENABLED_COLUMN, CONSENT_COLUMN):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._sources):
            return None
        src = self._sources[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column in (ENABLED_COLUMN, CONSENT_COLUMN):
            on = src.enabled if column == ENABLED_COLUMN else src.requires_consent
            return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return ("", src.id, src.name, " + ".join(src.type), "", src.description)[column]
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            role != Qt.ItemDataRole.CheckStateRole
            or not index.isValid()
            or index.column() not in (ENABLED_COLUMN, CONSENT_COLUMN)
            or self._store is None
        ):
            return False
        on = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
        src = self._sources[index.row()]
        if index.column() == ENABLED_COLUMN:
            self.put(dataclasses.replace(src, enabled=on))
        else:
            self.put(dataclasses.replace(src, requires_consent=on))
        return True


class SourcesEditor(QWidget):
    """Buttons and a table over :class:`SourcesModel`, and the URLs of the selected source."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.base_url = ""
        self.model = SourcesModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((70, 170, 190, 120, 70)):
            self.table.horizontalHeader().resizeSection(column, width)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.model.modelReset.connect(self._show_urls)

        self.add_button = QPushButton("Add…", self)
        self.add_button.clicked.connect(self.add_source)
        self.edit_button = QPushButton("Edit…", self)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.clicked.connect(self.delete_selected)
        self.state_label = QLabel(self)
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addWidget(self.state_label, 1)

        self.urls_box = QWidget(self)
        self.urls_layout = QGridLayout(self.urls_box)
        self.urls_layout.setContentsMargins(0, 0, 0, 0)
        self.url_edits: list[QLineEdit] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.urls_box)
        self.set_store(None)

    def set_store(self, store: Any, base_url: str = "") -> None:
        """Edit the sources of *store* (None while the collector is stopped)."""
        self.base_url = base_url
        self.model.set_store(store)
        usable = store is not None
        for widget in (self.add_button, self.edit_button, self.delete_button, self.table):
            widget.setEnabled(usable)
        self.state_label.setText("" if usable else "Start the collector to edit its event sources.")
        self._show_urls()

    def selected_source(self) -> EventSource | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.source(rows[0].row()) if rows else None

    def select_source(self, source_id: str) -> None:
        row = self.model.row_of(source_id)
        if row >= 0:
            self.table.selectRow(row)

    # -- actions -----------------------------------------------------------------------------
    def add_source(self) -> None:
        taken = {s.id for s in self.model.store.list_sources()}
        source = SourceDialog.edit(self, None, taken)
        if source is not None:
            self.model.put(source)
            self.select_source(source.id)

    def edit_selected(self) -> None:
        current = self.selected_source()
        if current is None:
            return
        source = SourceDialog.edit(self, current)
        if source is not None:
            self.model.put(source)
            self.select_source(source.id)

    def delete_selected(self) -> None:
        current = self.selected_source()
        if current is None:
            return
        question = (
            f"Delete the event source {current.id!r}? Requests that name it will be "
            "answered with 401 (invalid event source)."
        )
        if Prompts.confirm(self, "Delete event source", question):
            self.model.remove(current.id)
            self._show_urls()

    # -- slots -------------------------------------------------------------------------------
    @Slot(QModelIndex)
    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        if index.column() not in (ENABLED_COLUMN, CONSENT_COLUMN):
            self.edit_selected()

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, *_: QItemSelection) -> None:
        self._show_urls()

    def _show_urls(self) -> None:
        while self.urls_layout.count():
            item = self.urls_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.url_edits = []
        source = self.selected_source()
        if source is None or not self.base_url:
            hint = QLabel("Select a source to see the URLs clients send to.", self.urls_box)
            self.urls_layout.addWidget(hint, 0, 0, 1, 3)
            return
        for row, (label, url) in enumerate(source_urls(self.base_url, source)):
            edit = QLineEdit(url, self.urls_box)
            edit.setReadOnly(True)
            copy = QToolButton(self.urls_box)
            copy.setText("Copy")
            copy.setToolTip(f"Copy {url}")
            copy.clicked.connect(lambda _=False, u=url: QGuiApplication.clipboard().setText(u))
            self.urls_layout.addWidget(QLabel(label, self.urls_box), row, 0)
            self.urls_layout.addWidget(edit, row, 1)
            self.urls_layout.addWidget(copy, row, 2)
            self.url_edits.append(edit)
