"""Tree rows that wrap instead of being cut.

A class reads a story row to its end: a long condition explanation or a long
list of segments has to wrap onto the next line at the width the tree has now.
``QTreeView.setWordWrap`` paints wrapped text, but it sizes rows from the
delegate's hint, which does not know the column's width, so rows stay one line
high and the rest is cut. :func:`wrap_rows` gives a tree a delegate whose hint
measures each cell's text wrapped at its column's width (less the indentation
of its depth), turns off the horizontal scroll bar, and lays the rows out again
whenever the tree is resized or a column's width changes.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QTreeView

__all__ = ["WrappingDelegate", "wrap_rows"]

_PADDING = 10  # the style's text margins and focus frame, both sides
_FLAGS = Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextWrapAnywhere


class WrappingDelegate(QStyledItemDelegate):
    """Row heights from the text wrapped at the cell's width."""

    def __init__(self, tree: QTreeView) -> None:
        super().__init__(tree)
        self._tree = tree

    def _depth(self, index: QModelIndex | QPersistentModelIndex) -> int:
        depth = 0
        parent = index.parent()
        while parent.isValid():
            depth += 1
            parent = parent.parent()
        return depth

    def cell_width(self, index: QModelIndex | QPersistentModelIndex) -> int:
        """The width the text of *index* has to wrap in."""
        tree = self._tree
        header = tree.header()
        column = index.column()
        width = header.sectionSize(column)
        if column == header.logicalIndex(0):
            levels = self._depth(index) + (1 if tree.rootIsDecorated() else 0)
            width -= tree.indentation() * levels
        width = min(width, tree.viewport().width())
        return max(40, width - _PADDING)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not isinstance(text, str) or not text:
            return hint
        font = index.data(Qt.ItemDataRole.FontRole)
        metrics = QFontMetrics(font if isinstance(font, QFont) else option.font)
        width = self.cell_width(index)
        needed = metrics.boundingRect(QRect(0, 0, width, 1_000_000), int(_FLAGS), text)
        extra = hint.height() - metrics.height()  # the style's vertical margins
        return QSize(
            min(hint.width(), width + _PADDING), max(hint.height(), needed.height() + extra)
        )


class _Relayout(QObject):
    """Lays the rows out again when the width they wrap in changes."""

    def __init__(self, tree: QTreeView) -> None:
        super().__init__(tree)
        self._tree = tree
        tree.header().sectionResized.connect(self._again)

    def _again(self, *_: object) -> None:
        self._tree.scheduleDelayedItemsLayout()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._again()
        return False


def wrap_rows(tree: QTreeView) -> WrappingDelegate:
    """Make *tree*'s rows wrap at its width (see the module docstring)."""
    tree.setWordWrap(True)
    tree.setUniformRowHeights(False)
    tree.setTextElideMode(Qt.TextElideMode.ElideNone)
    tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    tree.header().setStretchLastSection(True)
    delegate = WrappingDelegate(tree)
    tree.setItemDelegate(delegate)
    relayout = _Relayout(tree)
    tree.viewport().installEventFilter(relayout)
    model: QAbstractItemModel | None = tree.model()
    if model is not None:
        model.layoutChanged.connect(relayout._again)
    return delegate
