"""A lazy ``QAbstractItemModel`` over any JSON value.

Children are built only when a row is expanded (``canFetchMore``/``fetchMore``)
and wide objects/arrays arrive in batches of :data:`BATCH` rows, so a 50 MB
document shows its first rows as soon as it is parsed: the model never walks
the document up front. Columns are key, value and type (the name
:func:`workbench.core.json_types.json_type` gives). Every row knows its
path, rendered as a JSON Pointer (``/profile/traits/email``) or in Tracardi's
dot notation (``profile@traits.email``). An object that stands for one line (a
log record, a flow rule, a change) shows that line in its value column.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from workbench.core.answer_lines import summary_line
from workbench.core.json_types import json_type
from workbench.ui.privacy import app_privacy_mask

__all__ = [
    "BATCH",
    "PATH_ROLE",
    "RAW_VALUE_ROLE",
    "JsonTreeModel",
    "dot_path",
    "find_paths",
    "json_pointer",
    "json_type",
    "preview",
]

BATCH = 500
MAX_PREVIEW = 500
PATH_ROLE = Qt.ItemDataRole.UserRole + 1
RAW_VALUE_ROLE = Qt.ItemDataRole.UserRole + 2
# Looked up once: data(), headerData() and flags() run for every painted cell, and each
# PySide6 enum attribute access (and a Flag ``|``) is a Python-level call.
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_HORIZONTAL = Qt.Orientation.Horizontal
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

Path = tuple[str | int, ...]
AnyIndex = QModelIndex | QPersistentModelIndex


def preview(value: Any) -> str:
    """One line of plain text for the value column (containers summarised, long text cut)."""
    if isinstance(value, dict):
        n = len(value)
        return f"{{{n} key{'s' if n != 1 else ''}}}"
    if isinstance(value, list):
        n = len(value)
        return f"[{n} item{'s' if n != 1 else ''}]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    text = text.replace("\r", "\\r").replace("\n", "\\n")
    if len(text) > MAX_PREVIEW:
        text = text[:MAX_PREVIEW] + f"… ({len(text):,} chars)"
    return text


def json_pointer(path: Path) -> str:
    """RFC 6901 pointer: ``("profile", "traits", "email")`` → ``/profile/traits/email``."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def dot_path(path: Path, root: str | None = None) -> str:
    """Tracardi dot notation: ``("traits", "email")``, root ``profile`` → ``profile@traits.email``.

    Without a *root*, a document whose first key names a Tracardi object
    (profile, session, event, payload...) uses it as the root, so the response
    row ``profile.traits.email`` copies as ``profile@traits.email``.
    """
    parts = [str(p) for p in path]
    if root is None and parts and parts[0] in _DOT_ROOTS and len(parts) > 1:
        root, parts = parts[0], parts[1:]
    body = ".".join(parts)
    return f"{root}@{body}" if root else body


# Rows named like a problem and holding something are drawn in a warning colour.
_PROBLEM_COLOURS = {
    "errors": QColor(200, 40, 40),
    "error": QColor(200, 40, 40),
    "warnings": QColor(200, 120, 0),
    "warning": QColor(200, 120, 0),
}

_DOT_ROOTS = frozenset({"profile", "session", "event", "payload", "flow", "memory", "source"})


class _Node:
    """One row: a key, its value, and the children fetched so far."""

    __slots__ = ("children", "key", "parent", "row", "source", "value")

    def __init__(self, key: str | int | None, value: Any, parent: _Node | None, row: int) -> None:
        self.key = key
        self.value = value
        self.parent = parent
        self.row = row
        self.children: list[_Node] = []
        self.source: Iterator[tuple[str | int, Any]] | None = None

    @property
    def total(self) -> int:
        if isinstance(self.value, dict | list):
            return len(self.value)
        return 0

    def fetch(self, count: int) -> list[_Node]:
        if self.source is None:
            items = self.value.items() if isinstance(self.value, dict) else enumerate(self.value)
            self.source = iter(items)
        start = len(self.children)
        new = [
            _Node(key, value, self, start + i)
            for i, (key, value) in enumerate(islice(self.source, count))
        ]
        self.children.extend(new)
        return new

    def path(self) -> Path:
        parts: list[str | int] = []
        node: _Node | None = self
        while node is not None and node.parent is not None:
            assert node.key is not None
            parts.append(node.key)
            node = node.parent
        return tuple(reversed(parts))


class JsonTreeModel(QAbstractItemModel):
    """Key / value / type columns over a JSON value, built lazily.

    ``dot_root`` sets the Tracardi object name used by :meth:`dot_path_of`
    (e.g. ``profile`` when the document is a profile).
    """

    KEY, VALUE, TYPE = range(3)
    HEADERS = ("Key", "Value", "Type")

    def __init__(self, document: Any = None, parent: Any = None, *, dot_root: str | None = None):
        super().__init__(parent)
        self.dot_root = dot_root
        self._root = _Node(None, document, None, 0)
        # The "hide personal data" switch: values at the policy's paths show masked.
        self._mask = app_privacy_mask()
        if self._mask is not None:
            self._mask.changed.connect(self._on_mask_changed)

    # --- the document -------------------------------------------------------------------
    def document(self) -> Any:
        return self._root.value

    def set_document(self, document: Any, *, dot_root: str | None = None) -> None:
        """Replace the whole document (cheap: nothing is walked until rows are fetched)."""
        self.beginResetModel()
        self.dot_root = dot_root
        self._root = _Node(None, document, None, 0)
        self.endResetModel()

    # --- Qt model API -------------------------------------------------------------------
    def _node(self, index: AnyIndex) -> _Node:
        if index.isValid():
            node: _Node = index.internalPointer()
            return node
        return self._root

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= 3 or row < 0:
            return QModelIndex()
        node = self._node(parent)
        if row >= len(node.children):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    # The stubs overload parent() as QObject.parent() -> QObject and parent(index) -> index;
    # one Python method cannot restate both, so mypy sees an incompatible override.
    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node = self._node(index).parent
        if node is None or node is self._root:
            return QModelIndex()
        return self.createIndex(node.row, 0, node)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 3

    def hasChildren(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return False
        return self._node(parent).total > 0

    def canFetchMore(self, parent: AnyIndex) -> bool:
        if parent.isValid() and parent.column() != 0:
            return False
        node = self._node(parent)
        return len(node.children) < node.total

    def fetchMore(self, parent: AnyIndex) -> None:
        if not self.canFetchMore(parent):
            return
        node = self._node(parent)
        start = len(node.children)
        count = min(BATCH, node.total - start)
        self.beginInsertRows(parent, start, start + count - 1)
        node.fetch(count)
        self.endInsertRows()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._node(index)
        column = index.column()
        if role in _TEXT_ROLES:
            if column == self.KEY:
                return f"[{node.key}]" if isinstance(node.key, int) else str(node.key)
            if column == self.VALUE:
                # A log record, a rule, a change: its message line first, the keys on expand.
                line = summary_line(node.value) if isinstance(node.value, dict) else None
                mask = self._mask
                if mask is not None and mask.hidden:
                    if line is not None:
                        return preview(mask.text(line))
                    if isinstance(node.value, dict | list):
                        return preview(node.value)
                    return preview(mask.value(node.path(), node.value))
                return preview(node.value) if line is None else preview(line)
            return json_type(node.value)
        if role == _FOREGROUND and node.value and isinstance(node.key, str):
            return _PROBLEM_COLOURS.get(node.key.lower())
        if role == PATH_ROLE:
            return node.path()
        if role == RAW_VALUE_ROLE:
            return node.value
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == _HORIZONTAL and role == _DISPLAY and 0 <= section < 3:
            return self.HEADERS[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return _NO_FLAGS
        return _ROW_FLAGS

    # --- paths --------------------------------------------------------------------------
    def path_of(self, index: AnyIndex) -> Path:
        return self._node(index).path() if index.isValid() else ()

    def value_of(self, index: AnyIndex) -> Any:
        return self._node(index).value

    def shown_value_of(self, index: AnyIndex) -> Any:
        """The value as the screen may show it: personal data masked while hidden."""
        node = self._node(index)
        if self._mask is None or not self._mask.hidden:
            return node.value
        return self._mask.value(node.path(), node.value)

    def _on_mask_changed(self, _hidden: bool) -> None:
        self.layoutAboutToBeChanged.emit()
        self.layoutChanged.emit()

    def json_pointer_of(self, index: AnyIndex) -> str:
        return json_pointer(self.path_of(index))

    def dot_path_of(self, index: AnyIndex) -> str:
        return dot_path(self.path_of(index), self.dot_root)

    def index_for_path(self, path: Path) -> QModelIndex:
        """The index of the row at *path*, fetching the rows on the way (invalid if absent)."""
        index = QModelIndex()
        node = self._root
        for key in path:
            value = node.value
            if isinstance(value, dict):
                if key not in value:
                    return QModelIndex()
            elif isinstance(value, list):
                if not isinstance(key, int) or not 0 <= key < len(value):
                    return QModelIndex()
            else:
                return QModelIndex()
            child = self._child_with_key(index, node, key)
            if child is None:
                return QModelIndex()
            node = child
            index = self.createIndex(node.row, 0, node)
        return index

    def _child_with_key(self, index: QModelIndex, node: _Node, key: str | int) -> _Node | None:
        for child in node.children:
            if child.key == key:
                return child
        while self.canFetchMore(index):
            start = len(node.children)
            self.fetchMore(index)
            for child in node.children[start:]:
                if child.key == key:
                    return child
        return None


def find_paths(document: Any, needle: str, *, limit: int = 500) -> list[Path]:
    """Paths of rows whose key or scalar value contains *needle* (case-insensitive), in order.

    Walks the Python value, not the Qt rows, so it finds matches in parts of the
    tree that were never expanded. Stops after *limit* matches.
    """
    needle = needle.casefold()
    found: list[Path] = []
    if not needle:
        return found
    stack: list[tuple[Path, Any]] = [((), document)]
    while stack and len(found) < limit:
        path, value = stack.pop()
        if isinstance(value, dict):
            items: list[tuple[str | int, Any]] = list(value.items())
        elif isinstance(value, list):
            items = list(enumerate(value))
        else:
            continue
        for key, child in reversed(items):
            stack.append(((*path, key), child))
        for key, child in items:
            if len(found) >= limit:
                break
            key_hit = isinstance(key, str) and needle in key.casefold()
            value_hit = not isinstance(child, dict | list) and needle in preview(child).casefold()
            if key_hit or value_hit:
                found.append((*path, key))
    return found
