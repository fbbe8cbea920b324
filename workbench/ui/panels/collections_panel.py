"""The collections dock: open, save the current request as, rename, move, delete.

Double-click (or *Open*) emits the saved request for the composer. *Save
current as…* asks the window for its current request (``current_request`` hook)
and a name, and saves it into the selected folder; a taken name asks before
overwriting. Templates are read-only: *Save a copy* starts from one. Deleting
always asks first. Dialogs go through :class:`PanelDialogs` (tests replace them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from workbench.store.collections import (
    CollectionError,
    CollectionStore,
    NameTakenError,
    SavedRequest,
)
from workbench.ui.models.collection_tree import MY_COLLECTIONS, CollectionsModel, Node
from workbench.ui.panels.dialogs import PanelDialogs
from workbench.ui.panels.view_action import view_action
from workbench.ui.prompts import Prompts

__all__ = ["CollectionsPanel"]


class CollectionsPanel(QWidget):
    """Tree of saved requests and templates with the actions on them.

    Signals:
        request_opened(object): a ``SavedRequest`` (or template) to load into the composer.
        request_saved(object): a ``SavedRequest`` that was written.
    """

    request_opened = Signal(object)
    request_saved = Signal(object)

    def __init__(self, store: CollectionStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        #: Set by the window: returns the composer's request as a ``SavedRequest`` (name unused).
        self.current_request: Callable[[], SavedRequest | None] | None = None
        self.model = CollectionsModel(store, self)
        self.tree = QTreeView(self)
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setDragEnabled(True)
        self.tree.setAcceptDrops(True)
        self.tree.setDropIndicatorShown(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._on_tree_context_menu_requested)
        self.tree.doubleClicked.connect(self._on_tree_double_clicked)
        self.model.modelReset.connect(self._on_model_reset)
        self.model.move_failed.connect(self._show_message)
        self.message_label = QLabel(self)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setWordWrap(True)

        self.open_action = self._action("Open", self.open_selected, "Return")
        self.save_current_action = self._action("Save current as…", self.save_current_as, "Ctrl+S")
        self.rename_action = self._action("Rename…", self.rename_selected, "F2")
        self.new_folder_action = self._action("New folder…", self.new_folder, None)
        self.delete_action = self._action(
            "Delete…", self.delete_selected, QKeySequence.StandardKey.Delete
        )
        save_button = QPushButton("Save current as…", self)
        save_button.clicked.connect(self.save_current_as)
        folder_button = QPushButton("New folder…", self)
        folder_button.clicked.connect(self.new_folder)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(save_button)
        buttons.addWidget(folder_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        # A saved request holds the session (and profile) of the visit it was saved from:
        # opened as it is, it continues a finished visit. Usually a new one is meant.
        self.new_visit_check = QCheckBox("New visit on open", self)
        self.new_visit_check.setChecked(True)
        self.new_visit_check.setToolTip(
            "Opening a saved request gives it a fresh session id (a new visit of the same "
            "profile); off: the saved session id is replayed"
        )
        layout.addLayout(buttons)
        layout.addWidget(self.new_visit_check)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.message_label)
        self._on_model_reset()

    def _action(self, text: str, slot: Any, shortcut: Any) -> QAction:
        return view_action(self, self.tree, text, slot, shortcut)

    def show_saved(self, saved: SavedRequest) -> None:
        """A request was saved elsewhere (the composer's *Save to collection*): list it now."""
        self.model.reload()
        self.select(self.model.find("request", saved.name, saved.folder))
        self._show_message(f"Saved {saved.name!r}.")

    # -- selection ---------------------------------------------------------------------------
    def selected_node(self) -> Node | None:
        index = self.tree.currentIndex()
        return self.model.node(index) if index.isValid() else None

    def select(self, index: QModelIndex) -> None:
        self.tree.setCurrentIndex(index)

    def _target_folder(self) -> str:
        node = self.selected_node()
        if node is None or node.kind in ("template", "group"):
            return ""
        return node.folder

    # -- actions -----------------------------------------------------------------------------
    def open_selected(self) -> None:
        node = self.selected_node()
        if node is not None and node.request is not None:
            self.request_opened.emit(node.request)

    def save_current_as(self) -> SavedRequest | None:
        """Save the composer's request (or a copy of the selected template) under a new name."""
        node = self.selected_node()
        source: SavedRequest | None = None
        if node is not None and node.kind == "template" and self.current_request is None:
            source = node.request
        elif self.current_request is not None:
            source = self.current_request()
        if source is None:
            self._show_message("There is no current request to save.")
            return None
        folder = self._target_folder()
        where = f" in {folder!r}" if folder else ""
        name = PanelDialogs.ask_text(self, "Save request", f"Name{where}:", source.name or "")
        if name is None:
            return None
        try:
            try:
                saved = self.store.save_as(source, name, folder)
            except NameTakenError as exc:
                if not Prompts.confirm(self, "Replace saved request", f"{exc}. Replace it?"):
                    return None
                saved = self.store.save_as(source, name, folder, overwrite=True)
        except CollectionError as exc:
            self._show_message(f"Not saved: {exc}")
            return None
        self.model.reload()
        self.select(self.model.find("request", saved.name, saved.folder))
        self._show_message(f"Saved {saved.name!r}.")
        self.request_saved.emit(saved)
        return saved

    def rename_selected(self) -> None:
        node = self.selected_node()
        if node is None or node.kind not in ("request", "folder"):
            return
        new_name = PanelDialogs.ask_text(self, "Rename", "New name:", node.name)
        if new_name is None or new_name == node.name:
            return
        try:
            if node.kind == "request":
                renamed = self.store.rename(node.name, new_name, node.folder)
                kind, name, folder = "request", renamed.name, renamed.folder
            else:
                folder = self.store.rename_folder(node.folder, new_name)
                kind, name = "folder", folder.rpartition("/")[2]
        except CollectionError as exc:
            self._show_message(f"Not renamed: {exc}")
            return
        self.model.reload()
        self.select(self.model.find(kind, name, folder))

    def new_folder(self) -> None:
        parent = self._target_folder()
        name = PanelDialogs.ask_text(self, "New folder", "Folder name:")
        if name is None:
            return
        try:
            folder = self.store.create_folder(f"{parent}/{name}" if parent else name)
        except CollectionError as exc:
            self._show_message(f"No folder created: {exc}")
            return
        self.model.reload()
        self.select(self.model.find("folder", folder.rpartition("/")[2], folder))

    def delete_selected(self) -> None:
        node = self.selected_node()
        if node is None or node.kind not in ("request", "folder"):
            return
        what = "saved request" if node.kind == "request" else "folder"
        if not Prompts.confirm(self, f"Delete {what}", f"Delete the {what} {node.name!r}?"):
            return
        try:
            if node.kind == "request":
                self.store.delete(node.name, node.folder)
            else:
                self.store.delete_folder(node.folder)
        except CollectionError as exc:
            self._show_message(f"Not deleted: {exc}")
            return
        self.model.reload()

    def move_selected(self, folder: str) -> bool:
        """Move the selected saved request into *folder* (what a drop does)."""
        node = self.selected_node()
        if node is None or node.kind != "request":
            return False
        return self.model.move_requests([{"name": node.name, "folder": node.folder}], folder)

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)

    # -- slots -------------------------------------------------------------------------------
    @Slot()
    def _on_model_reset(self) -> None:
        self.tree.expand(self.model.group_index(MY_COLLECTIONS))
        self.tree.expandRecursively(self.model.group_index(MY_COLLECTIONS))
        notices = [n.message for n in self.store.notices]
        if notices:
            self._show_message("\n".join(notices))

    @Slot(QModelIndex)
    def _on_tree_double_clicked(self, index: QModelIndex) -> None:
        if self.model.node(index).request is not None:
            self.open_selected()

    @Slot(QPoint)
    def _on_tree_context_menu_requested(self, pos: QPoint) -> None:
        index = self.tree.indexAt(pos)
        if index.isValid():
            self.tree.setCurrentIndex(index)
        node = self.selected_node()
        menu = QMenu(self)
        editable = node is not None and node.kind in ("request", "folder")
        self.open_action.setEnabled(node is not None and node.request is not None)
        self.rename_action.setEnabled(editable)
        self.delete_action.setEnabled(editable)
        for action in (self.open_action, self.save_current_action, self.rename_action):
            menu.addAction(action)
        menu.addAction(self.new_folder_action)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.exec(self.tree.viewport().mapToGlobal(pos))
        menu.deleteLater()
