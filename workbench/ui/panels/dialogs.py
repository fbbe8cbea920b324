"""The few modal questions the panels ask, behind classmethods tests can replace.

Every name prompt and file chooser the panels show goes through
:class:`PanelDialogs`, so a test swaps one classmethod (``monkeypatch.setattr``)
instead of driving a modal dialog, and the panels never block a test run.
Confirmations are :meth:`workbench.ui.prompts.Prompts.confirm`, the one for the
whole user interface.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

__all__ = ["PanelDialogs"]


class PanelDialogs:
    """Modal questions; each is a classmethod so tests can replace it."""

    @classmethod
    def ask_text(
        cls, parent: QWidget | None, title: str, label: str, default: str = ""
    ) -> str | None:
        """Ask for one line of text; ``None`` when cancelled or left blank."""
        text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, default)
        text = text.strip()
        return text if ok and text else None

    @classmethod
    def save_path(
        cls, parent: QWidget | None, title: str, suggested: str, name_filter: str
    ) -> Path | None:
        """Ask where to save a file; ``None`` when cancelled."""
        path, _ = QFileDialog.getSaveFileName(parent, title, suggested, name_filter)
        return Path(path) if path else None

    @classmethod
    def inform(cls, parent: QWidget | None, title: str, text: str) -> None:
        """Tell the user something that needs no answer."""
        QMessageBox.information(parent, title, text)
