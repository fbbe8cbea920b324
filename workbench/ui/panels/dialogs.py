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

__all__ = ["JourneyDialogs", "PanelDialogs"]


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


class JourneyDialogs:
    """The questions the Journeys panel asks; tests replace these class methods."""

    @classmethod
    def journey_name(cls, parent: QWidget, suggested: str) -> str | None:
        name, ok = QInputDialog.getText(parent, "Save journey as", "Name:", text=suggested)
        return name if ok and name.strip() else None

    @classmethod
    def open_file(cls, parent: QWidget) -> str | None:
        path, _ = QFileDialog.getOpenFileName(
            parent, "Open journey", "", "Journeys (*.yaml *.yml *.json);;All files (*)"
        )
        return path or None
