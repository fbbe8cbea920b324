"""The questions the window and its panels ask, as class methods tests can replace.

Following pytest-qt's advice, dialogs are reached through one class so a test
swaps ``Prompts.ask_send_invalid`` (etc.) for a function returning a canned
answer instead of clicking a modal dialog. :meth:`Prompts.confirm` is the one
confirmation of the whole user interface: *Yes* does it, *Cancel* (the default,
and what Escape answers) leaves everything as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

if TYPE_CHECKING:
    from workbench.core.validation import Issue

__all__ = ["Prompts"]


class Prompts:
    """Modal questions; every method returns the answer (None/False when cancelled)."""

    @classmethod
    def ask_send_invalid(cls, parent: QWidget, issues: list[Issue]) -> bool:
        shown = "\n".join(f"• {i.message}" for i in issues[:8])
        more = f"\n… and {len(issues) - 8} more" if len(issues) > 8 else ""
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Send an invalid payload?")
        box.setText(
            f"The payload has {len(issues)} validation issue{'s' if len(issues) != 1 else ''}. "
            "Send it anyway (to see how the server answers)?"
        )
        box.setInformativeText(shown + more)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    @classmethod
    def confirm(cls, parent: QWidget | None, title: str, text: str) -> bool:
        """A yes/cancel question before something that replaces or deletes (cancel is
        the default); True only for *Yes*."""
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(title)
        box.setText(text)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    @classmethod
    def get_open_path(cls, parent: QWidget) -> str | None:
        path, _ = QFileDialog.getOpenFileName(
            parent,
            "Open a response, debug JSON or HAR file",
            "",
            "JSON or HAR files (*.json *.jsonl *.txt *.har);;All files (*)",
        )
        return path or None

    @classmethod
    def get_text(cls, parent: QWidget, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getMultiLineText(parent, title, label, text)
        return value if ok else None

    @classmethod
    def get_line(cls, parent: QWidget, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(parent, title, label, text=text)
        return value if ok else None
