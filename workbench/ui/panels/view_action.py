"""A keyboard action that belongs to one view of a panel (a table, a tree).

Its shortcut works only while focus is in that view, so Delete in the history
table never deletes a collection, and the panel's context menu can list it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

__all__ = ["view_action"]


def view_action(
    owner: QWidget,
    view: QWidget,
    text: str,
    slot: Callable[..., Any],
    shortcut: str | QKeySequence.StandardKey | None,
) -> QAction:
    """An action owned by *owner*, added to *view*, with *shortcut* (if any) local to it."""
    action = QAction(text, owner)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(slot)
    view.addAction(action)
    return action
