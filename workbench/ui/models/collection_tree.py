"""The collections tree: the user's folders and saved requests, and the built-in templates apart.

Two top-level groups: *My collections* (folders nested as on disk, saved
requests inside) and *Built-in templates* (read-only). Saved requests can be
dragged onto a folder or onto *My collections*; the drop moves the file with
``CollectionStore.move`` and the tree is re-read. The model is rebuilt from the
store on :meth:`reload` (collections are small; files are the truth).
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from workbench.store.collections import CollectionError, CollectionStore, SavedRequest

__all__ = ["MIME_TYPE", "CollectionsModel", "Node"]

_Index = QModelIndex | QPersistentModelIndex
MIME_TYPE = "application/x-workbench-saved-request"
MY_COLLECTIONS = "My collections"
TEMPLATES = "Built-in templates"


class Node:
    """One row: a group, a folder, a saved request or a template."""

    def __init__(
        self,
        kind: str,
        name: str,
        parent: Node | None,
        *,
        folder: str = "",
        request: SavedRequest | None = None,
    ) -> None:
        self.kind = kind  # "group" | "folder" | "request" | "template"
        self.name = name
        self.parent = parent
        self.folder = folder  # the folder path a drop here moves to / the request lives in
        self.request = request
        self.children: list[Node] = []

    def add(self, child: Node) -> Node:
        self.children.append(child)
        return child

    @property
    def row(self) -> int:
        return self.parent.children.index(self) if self.parent is not None else 0

    @property
    def accepts_drops(self) -> bool:
        return self.kind == "folder" or (self.kind == "group" and self.name == MY_COLLECTIONS)


class CollectionsModel(QAbstractItemModel):
    """Tree over a ``CollectionStore``.

    Signals:
        move_failed(str): a drag-and-drop move was refused (the message says why).
        moved(object): the ``SavedRequest`` at its new place after a move.
    """

    move_failed = Signal(str)
    moved = Signal(object)
    NodeRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, store: CollectionStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._root = Node("root", "", None)
        self.reload()

    def reload(self) -> None:
        """Re-read folders, saved requests and templates from the store."""
        self.beginResetModel()
        root = Node("root", "", None)
        mine = root.add(Node("group", MY_COLLECTIONS, root, folder=""))
        folders: dict[str, Node] = {"": mine}
        for path in self.store.folders():
            parent_path, _, leaf = path.rpartition("/")
            parent = folders.get(parent_path, mine)
            folders[path] = parent.add(Node("folder", leaf, parent, folder=path))
        for request in self.store.list():
            parent = folders.get(request.folder, mine)
            parent.add(
                Node("request", request.name, parent, folder=request.folder, request=request)
            )
        templates = root.add(Node("group", TEMPLATES, root))
        for template in self.store.templates():
            templates.add(Node("template", template.name, templates, request=template))
        self._root = root
        self.endResetModel()

    # -- lookup ------------------------------------------------------------------------------
    def node(self, index: _Index) -> Node:
        if index.isValid():
            node = index.internalPointer()
            assert isinstance(node, Node)
            return node
        return self._root

    def index_of(self, node: Node) -> QModelIndex:
        if node.parent is None:
            return QModelIndex()
        return self.createIndex(node.row, 0, node)

    def find(self, kind: str, name: str, folder: str = "") -> QModelIndex:
        """The index of a folder/request/template, or an invalid index."""
        stack = list(self._root.children)
        while stack:
            node = stack.pop()
            if (
                node.kind == kind
                and node.name == name
                and (kind == "template" or node.folder == folder)
            ):
                return self.index_of(node)
            stack.extend(node.children)
        return QModelIndex()

    def group_index(self, name: str) -> QModelIndex:
        for node in self._root.children:
            if node.name == name:
                return self.index_of(node)
        return QModelIndex()

    # -- Qt model ----------------------------------------------------------------------------
    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self.node(parent)
        if column != 0 or not 0 <= row < len(node.children):
            return QModelIndex()
        return self.createIndex(row, 0, node.children[row])

    # The stubs overload parent() as QObject.parent() -> QObject and parent(index) -> index;
    # one Python method cannot restate both, so mypy sees an incompatible override.
    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        return self.index_of(self.node(index).parent or self._root)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            section == 0
            and orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
        ):
            return "Collections"
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self.node(index)
        if role == Qt.ItemDataRole.DisplayRole:
            if node.kind == "folder":
                return f"▸ {node.name}"
            return node.name
        if role == Qt.ItemDataRole.ToolTipRole and node.request is not None:
            request = node.request
            lines = [f"{request.method} {request.route}"]
            if request.note:
                lines.append(request.note)
            if node.kind == "template":
                lines.append("Built-in template (read-only): save a copy to change it")
            return "\n".join(lines)
        if role == self.NodeRole:
            return node
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        node = self.node(index)
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if node.kind == "request":
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        if node.accepts_drops:
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        return flags

    # -- drag and drop -----------------------------------------------------------------------
    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Any) -> QMimeData:
        items = [
            {"name": node.name, "folder": node.folder}
            for node in (self.node(i) for i in indexes if i.isValid())
            if node.kind == "request"
        ]
        data = QMimeData()
        data.setData(MIME_TYPE, json.dumps(items).encode("utf-8"))
        return data

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        return data.hasFormat(MIME_TYPE) and self.node(parent).accepts_drops

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        return self.move_requests(
            json.loads(bytes(data.data(MIME_TYPE).data()).decode("utf-8")),
            self.node(parent).folder,
            deferred=True,
        )

    def move_requests(
        self, items: list[dict[str, str]], folder: str, *, deferred: bool = False
    ) -> bool:
        """Move saved requests (``{"name", "folder"}``) to *folder*; False if any was refused."""
        ok = True
        for item in items:
            if item["folder"] == folder:
                continue
            try:
                self.moved.emit(self.store.move(item["name"], item["folder"], folder))
            except CollectionError as exc:
                ok = False
                self.move_failed.emit(str(exc))
        if deferred:  # the view is still inside its drop handling: reset after it returns
            QTimer.singleShot(0, self, self.reload)
        else:
            self.reload()
        return ok
