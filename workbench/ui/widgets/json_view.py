"""A JSON tree with search, expand/collapse and copy (value, dot path, JSON Pointer).

An owner that knows what the tree shows names its rows in its own vocabulary
(``path_text``: the answer paths ``profile@traits.email``, ``response@…``) and
can take a search text that is such a path (``path_finder``) to the one row it
names, in this tree or another.

The tree shows a :class:`~workbench.ui.models.json_tree.JsonTreeModel` through a
filter proxy. Searching walks the Python value (not the Qt rows), keeps only the
rows on the way to a match (and everything under a match), and expands down to
each match. All text is plain text: the default delegate never renders rich text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from workbench.ui.models.json_tree import JsonTreeModel, Path, find_paths
from workbench.ui.widgets.text_only import text_action

__all__ = ["EXPAND_ALL_LIMIT", "JsonFilterProxy", "JsonView"]

EXPAND_ALL_LIMIT = 5_000
SEARCH_LIMIT = 500
# The key column's share of a tree's width until the user drags it: values need room too.
KEY_COLUMN_SHARE, KEY_COLUMN_MIN, KEY_COLUMN_MAX = 0.4, 110, 260


class JsonFilterProxy(QSortFilterProxyModel):
    """Keeps rows on the path to a match and every row under a match; all rows when no filter."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._matches: set[Path] | None = None
        self._ancestors: set[Path] = set()

    def set_matches(self, matches: list[Path] | None) -> None:
        self.beginFilterChange()
        if matches is None:
            self._matches = None
            self._ancestors = set()
        else:
            self._matches = set(matches)
            self._ancestors = {m[:i] for m in matches for i in range(len(m))}
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    @property
    def filtering(self) -> bool:
        return self._matches is not None

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if self._matches is None:
            return True
        model = self.sourceModel()
        assert isinstance(model, JsonTreeModel)
        path = model.path_of(model.index(source_row, 0, source_parent))
        if path in self._ancestors or path in self._matches:
            return True
        return any(path[:i] in self._matches for i in range(1, len(path)))


class JsonView(QWidget):
    """Search box + tree of a JSON document, with copy actions.

    ``elsewhere`` (optional) is ``text -> [(key, title, count)]``: the other places
    (debugger sections, the body...) that also match the search. They are listed
    under the search box as links; following one emits :attr:`elsewhere_activated`.

    ``path_text`` (optional) is ``(keys, pointer) -> str``: the path Copy path gives
    for the row at *keys* (``pointer``: the JSON Pointer form); without it, Tracardi
    dot notation below ``dot_root`` and a JSON Pointer into the document.

    ``path_finder`` (optional) is ``(view, text, move) -> (handled, note) | None``,
    asked before a search: ``None`` when *text* is no path (it is searched as
    words); ``handled`` when the owner showed the row (e.g. with :meth:`show_path`,
    here or, when *move* allows, in another tree); else the words are searched and
    *note* says why the path found nothing. A search re-applied to a new document
    does not move.

    Signals:
        value_activated(tuple): the path of a row that was double-clicked or Enter-ed.
        elsewhere_activated(str, str): (key, search text) of a place the user followed.
    """

    value_activated = Signal(object)
    elsewhere_activated = Signal(str, str)

    def __init__(self, parent: QWidget | None = None, *, dot_root: str | None = None) -> None:
        super().__init__(parent)
        self.model = JsonTreeModel(None, self, dot_root=dot_root)
        # Optional hook: called with (menu, path, value) to add row-specific actions.
        self.menu_extender: Callable[[QMenu, Path, Any], None] | None = None
        self.elsewhere: Callable[[str], list[tuple[str, str, int]]] | None = None
        self.path_text: Callable[[Path, bool], str] | None = None
        self.path_finder: Callable[[JsonView, str, bool], tuple[bool, str] | None] | None = None
        self.proxy = JsonFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search keys and values…")
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("jsonSearch")
        self.match_label = QLabel(self)
        self.match_label.setTextFormat(Qt.TextFormat.PlainText)
        # Our own words with escaped titles and keys: rich text only for the links.
        self.elsewhere_label = QLabel(self)
        self.elsewhere_label.setTextFormat(Qt.TextFormat.RichText)
        self.elsewhere_label.setWordWrap(True)
        self.elsewhere_label.linkActivated.connect(self._on_elsewhere_label_link_activated)
        self.elsewhere_label.hide()
        self._elsewhere_found: list[tuple[str, str, int]] = []
        expand = QToolButton(self)
        expand.setText("Expand all")
        expand.clicked.connect(self.expand_all)
        collapse = QToolButton(self)
        collapse.setText("Collapse all")
        collapse.clicked.connect(self.collapse_all)

        self.tree = QTreeView(self)
        self.tree.setModel(self.proxy)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._on_tree_context_menu)
        self.tree.doubleClicked.connect(self._on_tree_double_clicked)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(0, 220)
        self._key_width_chosen = False  # the user dragged the key column: keep theirs
        self._fitting_keys = False
        header.sectionResized.connect(self._on_header_section_resized)

        self.copy_value_action = self._action(
            "Copy value", self.copy_value, QKeySequence.StandardKey.Copy
        )
        self.copy_dot_action = self._action(
            "Copy path (dot notation)", self.copy_dot_path, "Ctrl+Shift+C"
        )
        self.copy_pointer_action = self._action(
            "Copy path (JSON Pointer)", self.copy_json_pointer, "Ctrl+Alt+C"
        )

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self.apply_search)
        self.search.textChanged.connect(self._search_timer.start)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.match_label)
        bar.addWidget(expand)
        bar.addWidget(collapse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.elsewhere_label)
        layout.addWidget(self.tree, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_key_column()

    def fit_key_column(self) -> None:
        """Give the key column its share of the width (unless the user set it)."""
        if self._key_width_chosen:
            return
        width = self.width() - 24  # the tree's frame and scroll bar (its viewport lags behind)
        key = int(min(KEY_COLUMN_MAX, max(KEY_COLUMN_MIN, width * KEY_COLUMN_SHARE)))
        self._fitting_keys = True
        try:
            self.tree.header().resizeSection(0, key)
        finally:
            self._fitting_keys = False

    def _on_header_section_resized(self, index: int, _old: int, _new: int) -> None:
        if index == 0 and not self._fitting_keys:
            self._key_width_chosen = True

    def _action(self, text: str, slot: Any, shortcut: Any) -> QAction:
        action = text_action(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.tree.addAction(action)
        return action

    # --- document -----------------------------------------------------------------------
    def set_document(self, document: Any, *, dot_root: str | None = None) -> None:
        """Show *document*; the top level is fetched at once, the rest on expand."""
        self.proxy.set_matches(None)
        self.model.set_document(document, dot_root=dot_root)
        if self.model.canFetchMore(QModelIndex()):
            self.model.fetchMore(QModelIndex())
        if self.search.text():
            # A search stays on a new document and says so: its count is the new one.
            self.apply_search(fresh=True)
        else:
            self.match_label.clear()
            self._show_elsewhere("")

    def document(self) -> Any:
        return self.model.document()

    # --- search -------------------------------------------------------------------------
    def apply_search(self, *, fresh: bool = False) -> None:
        """Filter to the rows matching the search text and expand to each match.

        *fresh*: the document is new (a new answer); the count says it was re-applied.
        """
        self._search_timer.stop()
        text = self.search.text().strip()
        if not text:
            self.proxy.set_matches(None)
            self.match_label.clear()
            self._show_elsewhere("")
            return
        finder = self.path_finder
        found = finder(self, text, not fresh) if finder is not None else None
        if found is not None and found[0]:
            return  # a path: the owner showed its row (or said where its value is)
        matches = find_paths(self.model.document(), text, limit=SEARCH_LIMIT)
        self.proxy.set_matches(matches)
        more = "+" if len(matches) >= SEARCH_LIMIT else ""
        count = f"{len(matches)}{more} match{'es' if len(matches) != 1 else ''}"
        count = f"{count} in the new answer" if fresh else count
        if found is not None and found[1]:
            count = f"{found[1]} · {count}"
        self.match_label.setText(count)
        self._show_elsewhere(text)
        first: QModelIndex | None = None
        for path in matches[:200]:
            source = self.model.index_for_path(path)
            proxy_index = self.proxy.mapFromSource(source)
            if not proxy_index.isValid():
                continue
            first = first or proxy_index
            parent = proxy_index.parent()
            while parent.isValid():
                self.tree.expand(parent)
                parent = parent.parent()
        if first is not None:
            self.tree.setCurrentIndex(first)
            self.tree.scrollTo(first)

    def show_path(self, keys: Path, text: str, *, focus: bool = False) -> bool:
        """Show only the row at *keys* (and what is under it), selected; *text* (the path
        as the user wrote it) stays in the search box. False when the tree has no such row.

        *focus*: the search box takes the focus (the user was typing the path elsewhere).
        """
        self._search_timer.stop()
        if self.search.text() != text:
            self.search.blockSignals(True)
            self.search.setText(text)
            self.search.blockSignals(False)
        self._show_elsewhere("")
        if focus:
            self._focus_search_end()
            if not self.search.isVisible():  # a tree built just now is shown a moment later
                QTimer.singleShot(0, self, self._focus_search_end)
        if keys and not self.model.index_for_path(keys).isValid():
            self.proxy.set_matches([])
            self.match_label.setText("nothing shown at this path")
            return False
        self.proxy.set_matches([keys] if keys else None)
        if keys:
            self.select_path(keys)
        self.match_label.setText("the row at this path")
        return True

    def clear_search(self) -> None:
        """Empty the search box and show every row again."""
        self._search_timer.stop()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_search()

    def _focus_search_end(self) -> None:
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)
        self.search.end(False)

    def show_note(self, note: str) -> None:
        """Say *note* where the match count goes, with no filter (a path shown elsewhere)."""
        self._search_timer.stop()
        self.proxy.set_matches(None)
        self._show_elsewhere("")
        self.match_label.setText(note)

    def search_has_focus(self) -> bool:
        """True while the search box holds the keyboard focus (even in an inactive window)."""
        return QApplication.focusWidget() is self.search

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def search_for(self, text: str) -> None:
        """Put *text* in the search box and search at once (no debounce)."""
        self.search.blockSignals(True)
        self.search.setText(text)
        self.search.blockSignals(False)
        self.apply_search()

    def elsewhere_matches(self) -> list[tuple[str, str, int]]:
        """The other places listed under the search box: ``(key, title, count)``."""
        return list(self._elsewhere_found)

    def _show_elsewhere(self, text: str) -> None:
        found = [p for p in self.elsewhere(text) if p[2]] if text and self.elsewhere else []
        self._elsewhere_found = found
        if not found:
            self.elsewhere_label.clear()
            self.elsewhere_label.hide()
            return
        import html  # only for these links: it loads html.entities, a large table

        links = ", ".join(
            f'<a href="{html.escape(key, quote=True)}">{html.escape(title)} ({count})</a>'
            for key, title, count in found
        )
        self.elsewhere_label.setText(f"Also in: {links}")
        self.elsewhere_label.show()

    def _on_elsewhere_label_link_activated(self, key: str) -> None:
        self.elsewhere_activated.emit(key, self.search.text().strip())

    # --- expand / collapse ---------------------------------------------------------------
    def expand_all(self) -> None:
        """Expand breadth first, at most EXPAND_ALL_LIMIT rows, so huge documents stay usable."""
        queue = [QModelIndex()]
        expanded = 0
        while queue and expanded < EXPAND_ALL_LIMIT:
            parent = queue.pop(0)
            while (
                self.proxy.canFetchMore(parent) and self.proxy.rowCount(parent) < EXPAND_ALL_LIMIT
            ):
                self.proxy.fetchMore(parent)
            if parent.isValid():
                self.tree.expand(parent)
                expanded += 1
            for row in range(self.proxy.rowCount(parent)):
                child = self.proxy.index(row, 0, parent)
                if self.proxy.hasChildren(child):
                    queue.append(child)

    def collapse_all(self) -> None:
        self.tree.collapseAll()

    def expand_to_depth(self, depth: int, *, limit: int = 50) -> None:
        """Expand the first *limit* containers of each level down to *depth* (0 = top level).

        Unlike ``QTreeView.expandToDepth`` this does not open every one of 100,000
        log records: wide levels stay collapsed after the first few.
        """
        level = [QModelIndex()]
        for _ in range(depth + 1):
            following: list[QModelIndex] = []
            for parent in level:
                rows = min(self.proxy.rowCount(parent), limit)
                for row in range(rows):
                    child = self.proxy.index(row, 0, parent)
                    if self.proxy.hasChildren(child):
                        self.tree.expand(child)
                        following.append(child)
                        if len(following) >= limit:
                            break
                if len(following) >= limit:
                    break
            level = following

    # --- copy ---------------------------------------------------------------------------
    def current_source_index(self) -> QModelIndex:
        return self.proxy.mapToSource(self.tree.currentIndex())

    def select_path(self, path: Path) -> bool:
        """Make the row at *path* current (expanding its parents); False if it does not exist."""
        proxy_index = self.proxy.mapFromSource(self.model.index_for_path(path))
        if not proxy_index.isValid():
            return False
        parent = proxy_index.parent()
        while parent.isValid():
            self.tree.expand(parent)
            parent = parent.parent()
        from PySide6.QtCore import QItemSelectionModel  # loads when a row is first selected

        self.tree.selectionModel().setCurrentIndex(
            proxy_index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.tree.scrollTo(proxy_index)
        return True

    def copy_value(self) -> str:
        index = self.current_source_index()
        if not index.isValid():
            return ""
        value = self.model.shown_value_of(index)
        text = value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)
        QGuiApplication.clipboard().setText(text)
        return text

    def copy_dot_path(self) -> str:
        return self._copy_path(self.dot_path_of)

    def copy_json_pointer(self) -> str:
        return self._copy_path(self.json_pointer_of)

    def dot_path_of(self, index: QModelIndex) -> str:
        """The path Copy path gives for the row at (source) *index*."""
        if self.path_text is not None:
            return self.path_text(self.model.path_of(index), False)
        return self.model.dot_path_of(index)

    def json_pointer_of(self, index: QModelIndex) -> str:
        """The JSON Pointer form Copy path (JSON Pointer) gives for the row at *index*."""
        if self.path_text is not None:
            return self.path_text(self.model.path_of(index), True)
        return self.model.json_pointer_of(index)

    def _copy_path(self, path_of: Callable[[QModelIndex], str]) -> str:
        """Put the current row's path, as *path_of* writes it, on the clipboard ("" if none)."""
        index = self.current_source_index()
        text = path_of(index) if index.isValid() else ""
        if text:
            QGuiApplication.clipboard().setText(text)
        return text

    def _on_tree_context_menu(self, pos: Any) -> None:
        clicked = self.tree.indexAt(pos)
        if clicked.isValid():
            self.tree.setCurrentIndex(clicked)
        menu = QMenu(self)
        index = self.current_source_index()
        if index.isValid():  # say which path each copy gives
            self.copy_dot_action.setText(f"Copy path {_elide(self.dot_path_of(index))}")
            self.copy_pointer_action.setText(
                f"Copy path as JSON Pointer {_elide(self.json_pointer_of(index))}"
            )
        for action in (self.copy_value_action, self.copy_dot_action, self.copy_pointer_action):
            menu.addAction(action)
        if self.menu_extender is not None and index.isValid():
            self.menu_extender(menu, self.model.path_of(index), self.model.value_of(index))
        menu.addSeparator()
        menu.addAction("Expand all", self.expand_all)
        menu.addAction("Collapse all", self.collapse_all)
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    def _on_tree_double_clicked(self, index: QModelIndex) -> None:
        self.value_activated.emit(self.model.path_of(self.proxy.mapToSource(index)))


def _elide(text: str, limit: int = 60) -> str:
    """*text* for a menu entry: cut in the middle past *limit*, ``&`` kept literal."""
    if len(text) > limit:
        text = text[: limit // 2 - 1] + "…" + text[-(limit // 2) :]
    return text.replace("&", "&&")
