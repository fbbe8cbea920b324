"""Showing a response that did not come from a send: a JSON file (opened or dropped) or
the clipboard.

A small collaborator of :class:`~workbench.ui.main_window.MainWindow`: files are
read on the window's task runner, so a large debug dump never blocks the GUI.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QGuiApplication

from workbench.ui.response_panel import load_json_file

if TYPE_CHECKING:
    from workbench.ui.main_window import MainWindow
    from workbench.ui.tasks import TaskOutcome

__all__ = ["ResponseOpener"]


class ResponseOpener:
    """File → Open, drag and drop, and File → Paste response JSON for *window*."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window

    def ask_open_file(self) -> None:
        """Ask for a file (a dialog), then open it."""
        from workbench.ui.prompts import Prompts

        path = Prompts.get_open_path(self._window)
        if path:
            self.open_file(path)

    def open_file(self, path: str) -> None:
        """Read a response/debug JSON file in the background and show it."""
        name = Path(path).name
        self._window.statusBar().showMessage(f"Opening {name}…")
        self._window.runner.submit(
            load_json_file,
            path,
            channel="open",
            on_done=lambda outcome: self._on_file_loaded(name, outcome),
        )

    def _on_file_loaded(self, name: str, outcome: TaskOutcome) -> None:
        window = self._window
        if outcome.stale:
            return
        if outcome.error is not None:
            window.composer.show_error(f"Could not open {name}: {outcome.error}", "")
            window.statusBar().clearMessage()
            return
        window.response_panel.open_document(outcome.result, title=f"Opened {name}")
        window.statusBar().showMessage(f"Opened {name}", 4000)
        exchange = window.response_panel.exchange()
        window.offer_open_for(exchange)
        if exchange is not None:
            window.exchange_status.show_exchange(exchange)
            window.exchange_shown.emit(exchange)

    def paste_response(self) -> bool:
        """Show JSON from the clipboard (a response or an exchange someone sent)."""
        text = QGuiApplication.clipboard().text()
        try:
            document = json.loads(text)
        except ValueError as exc:
            self._window.composer.show_error(
                f"The clipboard does not hold JSON: {exc}",
                "Copy the whole response body (or a history export line) and try again.",
            )
            return False
        self._window.response_panel.open_document(document, title="Pasted response")
        self._window.offer_open_for(self._window.response_panel.exchange())
        return True
