"""A flat tool button with a text, a tooltip and what a click does: the editors' row of
small actions (Add, Remove, Up, Down…)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QToolButton, QWidget

__all__ = ["tool_button"]


def tool_button(parent: QWidget, text: str, tip: str, slot: Callable[..., Any]) -> QToolButton:
    """A :class:`QToolButton` labelled *text*, explained by *tip*, calling *slot* on click."""
    button = QToolButton(parent)
    button.setText(text)
    button.setToolTip(tip)
    button.clicked.connect(slot)
    return button
