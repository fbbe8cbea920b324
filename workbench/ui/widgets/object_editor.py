"""A key/value tree editor for a JSON object with typed values and nested editing.

Each row has a key, a type (string, number, boolean, null, object, array) and, for
scalars, a value typed as text. Objects and arrays hold child rows. Changing a
row's type converts its value where that makes sense (``"12"`` → 12). Keys
inside arrays are their indexes and renumber themselves. Invalid rows (a number
column holding ``abc``, a duplicate key) are shown in red and keep their text,
so nothing the user typed is lost.
"""

from __future__ import annotations

import copy
import functools
import json
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QStyledItemDelegate,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.ui.models.json_tree import json_type
from workbench.ui.widgets.tool_button import tool_button
from workbench.ui.widgets.tree_items import child_at

if TYPE_CHECKING:  # only in annotations; its class (and enums) load when Qt passes one
    from PySide6.QtWidgets import QStyleOptionViewItem

__all__ = ["TYPES", "ObjectEditor", "parse_scalar"]

TYPES = ("string", "number", "boolean", "null", "object", "array")
KEY, TYPE, VALUE = range(3)
_CONTAINERS = ("object", "array")


@functools.cache
def _invalid_brush() -> QBrush:
    """The background of a row whose value does not parse (made on first use: building
    a brush loads Qt's gradient types, which a window that shows no error never needs)."""
    return QBrush(QColor(255, 205, 205))


def _type_of(value: Any) -> str:
    """The row type for *value*: its JSON type, and ``string`` for anything JSON has not."""
    kind = json_type(value)
    return kind if kind in TYPES else "string"


def _text_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return json.dumps(value)
    return str(value)


def _shown_value(value: Any) -> Any:
    """*value* as a row made from it gives it back: its type's reading of its text.

    What ``ObjectEditor.set_value`` then ``value`` return (keys as text, values JSON has
    no type for as strings); an editor not built yet answers with it.
    """
    kind = _type_of(value)
    if isinstance(value, dict):
        children = [(str(k), v) for k, v in value.items()]
    elif isinstance(value, list):
        children = [(str(i), v) for i, v in enumerate(value)]
    else:
        children = []
    if kind == "object":
        return {key: _shown_value(child) for key, child in children}
    if kind == "array":
        return [_shown_value(child) for _key, child in children]
    return parse_scalar(kind, _text_of(value))[0]


def parse_scalar(kind: str, text: str) -> tuple[Any, bool]:
    """``(value, ok)`` for the text of a scalar row of type *kind*."""
    if kind == "string":
        return text, True
    if kind == "null":
        return None, True
    if kind == "boolean":
        lowered = text.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true", True
        return False, False
    if kind == "number":
        stripped = text.strip()
        try:
            return int(stripped), True
        except ValueError:
            pass
        try:
            number = float(stripped)
        except ValueError:
            return 0, False
        return (number, True) if number == number and abs(number) != float("inf") else (0, False)
    return None, False


class _TypeDelegate(QStyledItemDelegate):
    """A combo box for the type column; other columns edit as text."""

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        if index.column() == TYPE:
            combo = QComboBox(parent)
            combo.addItems(TYPES)
            return combo
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentText(str(index.data()))
            return
        super().setEditorData(editor, index)

    def setModelData(
        self, editor: QWidget, model: Any, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText())
            return
        super().setModelData(editor, model, index)


class ObjectEditor(QWidget):
    """Edit one JSON object as a tree of typed key/value rows.

    Signals:
        changed(): the value changed through the editor (not through :meth:`set_value`).
    """

    changed = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, title: str = "", build_when_shown: bool = False
    ) -> None:
        super().__init__(parent)
        self._loading = False
        self._title = title
        self._tree: QTreeWidget | None = None
        self._pending: dict[str, Any] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # An editor on a page not shown at start-up (a hidden tab) makes its tree and
        # buttons when it is first shown or used: before the first paint they would
        # only cost time. Until then set_value keeps the value to show.
        if not build_when_shown:
            self._build()

    def _build(self) -> QTreeWidget:
        if self._tree is not None:
            return self._tree
        tree = QTreeWidget(self)
        self._tree = tree
        tree.setColumnCount(3)
        tree.setHeaderLabels(["Key", "Type", "Value"])
        tree.setItemDelegate(_TypeDelegate(tree))
        tree.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        tree.header().resizeSection(KEY, 120)
        tree.header().resizeSection(TYPE, 64)
        tree.setAccessibleName(self._title or "object editor")
        tree.setMinimumHeight(60)  # small screens: the splitters decide, not the tree
        tree.itemChanged.connect(self._on_tree_item_changed)

        self._add_button = tool_button(self, "+ Key", "Add a key at this level", self.add_row)
        self._add_child_button = tool_button(
            self, "+ Child", "Add a key inside the selected object or array", self.add_child
        )
        self._remove_button = tool_button(
            self, "Remove", "Remove the selected row", self.remove_selected
        )
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self._add_button, self._add_child_button, self._remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.addWidget(tree, 1)
        layout.addLayout(buttons)
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self.set_value(pending)
        return tree

    @property
    def built(self) -> bool:
        """Whether the tree and its buttons exist (see ``build_when_shown``)."""
        return self._tree is not None

    @property
    def tree(self) -> QTreeWidget:
        return self._build()

    @property
    def add_button(self) -> QToolButton:
        self._build()
        return self._add_button

    @property
    def add_child_button(self) -> QToolButton:
        self._build()
        return self._add_child_button

    @property
    def remove_button(self) -> QToolButton:
        self._build()
        return self._remove_button

    def showEvent(self, event: QShowEvent) -> None:
        if self._tree is None:
            self._build()
            # Made while this editor was being shown: its new children show with it.
            for child in self.findChildren(QWidget):
                if child.parentWidget() is self:
                    child.show()
        super().showEvent(event)

    # --- value in and out ----------------------------------------------------------------
    def set_value(self, value: dict[str, Any] | None) -> None:
        """Show *value* (an object; ``None`` shows an empty one). Does not emit ``changed``."""
        if self._tree is None:  # shown when the tree is made, as a copy taken now
            self._pending = copy.deepcopy(value) if value else {}
            return
        self._loading = True
        try:
            self.tree.clear()
            for key, child in (value or {}).items():
                self.tree.addTopLevelItem(self._make_item(str(key), child))
            self.tree.expandAll()
        finally:
            self._loading = False

    def value(self) -> dict[str, Any]:
        if self._tree is None:  # what the rows would give back, without making them
            return {str(key): _shown_value(child) for key, child in (self._pending or {}).items()}
        root = self.tree.invisibleRootItem()
        return {
            child_at(root, i).text(KEY): self._item_value(child_at(root, i))
            for i in range(root.childCount())
        }

    def is_valid(self) -> bool:
        """False when a row cannot be read as its type (it is marked red)."""
        return not any(self._invalid_items())

    def _make_item(self, key: str, value: Any) -> QTreeWidgetItem:
        item = QTreeWidgetItem([key, _type_of(value), ""])
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        if isinstance(value, dict):
            for k, v in value.items():
                item.addChild(self._make_item(str(k), v))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                item.addChild(self._make_item(str(i), v))
        else:
            item.setText(VALUE, _text_of(value))
        return item

    def _item_value(self, item: QTreeWidgetItem) -> Any:
        kind = item.text(TYPE)
        if kind == "object":
            return {
                child_at(item, i).text(KEY): self._item_value(child_at(item, i))
                for i in range(item.childCount())
            }
        if kind == "array":
            return [self._item_value(child_at(item, i)) for i in range(item.childCount())]
        value, _ok = parse_scalar(kind, item.text(VALUE))
        return value

    # --- paths ---------------------------------------------------------------------------
    def item_for_path(self, path: tuple[str | int, ...]) -> QTreeWidgetItem | None:
        """The row at *path* (keys and array indexes), or the deepest existing row above it."""
        parent = self.tree.invisibleRootItem()
        found: QTreeWidgetItem | None = None
        for key in path:
            match = next(
                (
                    child_at(parent, i)
                    for i in range(parent.childCount())
                    if child_at(parent, i).text(KEY) == str(key)
                ),
                None,
            )
            if match is None:
                break
            found = parent = match
        return found

    def focus_path(self, path: tuple[str | int, ...]) -> None:
        """Select the row at *path* (or the closest one) and give the tree focus."""
        item = self.item_for_path(path)
        if item is not None:
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item)
        self.tree.setFocus(Qt.FocusReason.OtherFocusReason)

    def mark_paths(self, paths: list[tuple[str | int, ...]]) -> None:
        """Mark the rows at *paths* as invalid (validation issues); others unmarked."""
        if self._tree is None and not paths:
            return  # rows not made yet are painted as they are made: unmarked
        self._loading = True
        try:
            for item in self._all_items():
                self._paint(item, self._row_ok(item))
            for path in paths:
                marked = self.item_for_path(path)
                if marked is not None:
                    self._paint(marked, False)
        finally:
            self._loading = False

    # --- editing -------------------------------------------------------------------------
    def add_row(self) -> QTreeWidgetItem:
        """Add a string row next to the selected one (at the top level when nothing is selected)."""
        current = self.tree.currentItem()
        parent = current.parent() if current is not None else None
        return self._add_under(parent)

    def add_child(self) -> QTreeWidgetItem:
        current = self.tree.currentItem()
        if current is None or current.text(TYPE) not in _CONTAINERS:
            return self.add_row()
        return self._add_under(current)

    def _add_under(self, parent: QTreeWidgetItem | None) -> QTreeWidgetItem:
        owner = parent or self.tree.invisibleRootItem()
        if parent is not None and parent.text(TYPE) == "array":
            key = str(owner.childCount())
        else:
            existing = {child_at(owner, i).text(KEY) for i in range(owner.childCount())}
            key, n = "key", 1
            while key in existing:
                n += 1
                key = f"key{n}"
        self._loading = True
        item = self._make_item(key, "")
        owner.addChild(item)
        if parent is not None:
            parent.setExpanded(True)
        self._loading = False
        self.tree.setCurrentItem(item)
        self.changed.emit()
        # Straight into editing its key: what the user types next names the new row.
        self.tree.scrollToItem(item)
        self.tree.editItem(item, KEY)
        return item

    def remove_selected(self) -> None:
        item = self.tree.currentItem()
        if item is None:
            return
        owner = item.parent() or self.tree.invisibleRootItem()
        owner.removeChild(item)
        if owner is not self.tree.invisibleRootItem() and owner.text(TYPE) == "array":
            self._renumber(owner)
        self.changed.emit()

    def _renumber(self, array_item: QTreeWidgetItem) -> None:
        self._loading = True
        for i in range(array_item.childCount()):
            child_at(array_item, i).setText(KEY, str(i))
        self._loading = False

    def _on_tree_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._loading:
            return
        self._loading = True
        try:
            if column == TYPE:
                self._convert(item)
        finally:
            self._loading = False
        self._paint(item, self._row_ok(item))
        self.changed.emit()

    def _convert(self, item: QTreeWidgetItem) -> None:
        kind = item.text(TYPE)
        if kind not in TYPES:
            item.setText(TYPE, "string")
            kind = "string"
        if kind in _CONTAINERS:
            item.setText(VALUE, "")
            if kind == "array":
                self._renumber_children(item)
            return
        while item.childCount():
            item.removeChild(child_at(item, 0))
        text = item.text(VALUE)
        if kind == "null":
            item.setText(VALUE, "null")
        elif kind == "boolean" and text.strip().lower() not in ("true", "false"):
            item.setText(VALUE, "true" if text.strip() not in ("", "0", "null") else "false")
        elif kind == "number" and not parse_scalar("number", text)[1]:
            item.setText(VALUE, "0")

    def _renumber_children(self, item: QTreeWidgetItem) -> None:
        for i in range(item.childCount()):
            child_at(item, i).setText(KEY, str(i))

    def _row_ok(self, item: QTreeWidgetItem) -> bool:
        kind = item.text(TYPE)
        if kind not in _CONTAINERS and not parse_scalar(kind, item.text(VALUE))[1]:
            return False
        owner = item.parent() or self.tree.invisibleRootItem()
        same = [
            child_at(owner, i)
            for i in range(owner.childCount())
            if child_at(owner, i).text(KEY) == item.text(KEY)
        ]
        return len(same) == 1

    def _paint(self, item: QTreeWidgetItem, ok: bool) -> None:
        brush = QBrush() if ok else _invalid_brush()
        was = self._loading
        self._loading = True
        for column in range(3):
            item.setBackground(column, brush)
        self._loading = was

    def _all_items(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []
        stack = [self.tree.invisibleRootItem()]
        while stack:
            node = stack.pop()
            for i in range(node.childCount()):
                out.append(child_at(node, i))
                stack.append(child_at(node, i))
        return out

    def _invalid_items(self) -> list[QTreeWidgetItem]:
        return [item for item in self._all_items() if not self._row_ok(item)]
