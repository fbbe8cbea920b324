"""The table of a diff's changes: kind, path, the A value and the B value."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from workbench.core.compare import short_value
from workbench.core.diff import Change
from workbench.ui.privacy import PrivacyMask

__all__ = ["ChangesModel"]

_HEADERS = ("", "Path", "A", "B")
_MARKS = {"changed": "~", "added": "+", "removed": "−"}
_COLOURS = {
    "changed": QColor(176, 112, 0),
    "added": QColor(30, 140, 60),
    "removed": QColor(200, 40, 40),
}
AnyIndex = QModelIndex | QPersistentModelIndex


class ChangesModel(QAbstractTableModel):
    """One row per change; values are shown through the privacy mask."""

    def __init__(self, mask: PrivacyMask | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._changes: tuple[Change, ...] = ()
        self._mask = mask
        if mask is not None:
            mask.changed.connect(self._on_mask_changed)

    def set_changes(self, changes: tuple[Change, ...]) -> None:
        self.beginResetModel()
        self._changes = changes
        self.endResetModel()

    def change(self, row: int) -> Change | None:
        return self._changes[row] if 0 <= row < len(self._changes) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._changes)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _HEADERS[section]
        return None

    def _value(self, change: Change, side: str) -> str:
        if (side == "A" and change.kind == "added") or (side == "B" and change.kind == "removed"):
            return "—"
        value = change.old if side == "A" else change.new
        if self._mask is not None:
            value = self._mask.value(change.segments, value)
        return short_value(value, 200)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        change = self.change(index.row())
        if change is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == 0:
                return _MARKS[change.kind] if role == Qt.ItemDataRole.DisplayRole else change.kind
            if column == 1:
                return change.path or "(the whole document)"
            return self._value(change, "A" if column == 2 else "B")
        if role == Qt.ItemDataRole.ForegroundRole and column in (0, 1):
            return _COLOURS[change.kind]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def _on_mask_changed(self, _hidden: bool) -> None:
        if self._changes:
            self.dataChanged.emit(self.index(0, 2), self.index(len(self._changes) - 1, 3))
