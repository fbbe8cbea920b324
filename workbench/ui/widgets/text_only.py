"""Buttons and actions that have a text and no icon, made without PySide6 building QIcon.

``QPushButton("Send", parent)``, ``QAction("Open…", parent)`` and
``menu.addAction("Copy", slot)`` make PySide6 first rule out the overloads that take
an icon, and to do that it builds the ``QIcon`` type with its enums (``ThemeIcon``
alone has 151 members): about 2 ms before the first paint, for a window that shows
no icon at start-up. These make the object with its parent, then give it the text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QPushButton, QWidget

__all__ = ["add_action", "push_button", "text_action"]


def push_button(text: str, parent: QWidget | None = None) -> QPushButton:
    """A :class:`QPushButton` labelled *text* (what ``QPushButton(text, parent)`` makes)."""
    button = QPushButton(parent)
    button.setText(text)
    return button


def text_action(text: str, parent: QObject | None = None) -> QAction:
    """A :class:`QAction` with *text* (what ``QAction(text, parent)`` makes)."""
    action = QAction(parent)
    action.setText(text)
    return action


def add_action(menu: QMenu, text: str, slot: Callable[..., Any] | None = None) -> QAction:
    """Add an action with *text* to *menu*, calling *slot* when triggered (``menu.addAction``)."""
    action = text_action(text, menu)
    if slot is not None:
        action.triggered.connect(slot)
    menu.addAction(action)
    return action
