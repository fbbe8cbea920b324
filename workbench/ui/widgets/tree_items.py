"""Rows of a QTreeWidget by index, typed as present.

PySide6 types ``QTreeWidgetItem.child(i)`` and ``QTreeWidget.topLevelItem(i)`` as
possibly ``None`` (they are for an index out of range). Callers that loop over
``range(childCount())`` know the row is there; these say so once.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

__all__ = ["child_at", "top_level_at"]


def child_at(item: QTreeWidgetItem, index: int) -> QTreeWidgetItem:
    """The child row *index* of *item*; an index out of range is a bug (IndexError)."""
    child = item.child(index)
    if child is None:
        raise IndexError(f"row has {item.childCount()} children, no child {index}")
    return child


def top_level_at(tree: QTreeWidget, index: int) -> QTreeWidgetItem:
    """The top-level row *index* of *tree*; an index out of range is a bug (IndexError)."""
    item = tree.topLevelItem(index)
    if item is None:
        raise IndexError(f"tree has {tree.topLevelItemCount()} top-level rows, no row {index}")
    return item
