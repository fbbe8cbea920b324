"""Showing a response that did not come from a send: a JSON file (opened or dropped) or
the clipboard.

A small collaborator of :class:`~workbench.ui.main_window.MainWindow`: files are
read on the window's task runner, so a large debug dump never blocks the GUI.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
        """Read a response/debug JSON file in the background and show it (a HAR: import it)."""
        name = Path(path).name
        if Path(path).suffix.lower() == ".har":
            self.import_har(path)
            return
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

    def import_har(self, path: str) -> None:
        """Put a HAR file's Tracardi calls into the history (all or nothing); show the first."""
        name = Path(path).name
        history = self._window.history
        writable = history is not None and not getattr(history, "read_only", False)

        def work() -> tuple[Any, Any]:
            from workbench.core.har_import import read_har
            from workbench.store.har_history import add_har_calls

            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from exc
            har = read_har(data, name)
            report = add_har_calls(history, har) if writable and har.calls else None
            return har, report

        self._window.statusBar().showMessage(f"Importing {name}…")
        self._window.runner.submit(
            work, channel="open", on_done=lambda outcome: self._on_har_imported(name, outcome)
        )

    def _on_har_imported(self, name: str, outcome: TaskOutcome) -> None:
        window = self._window
        if outcome.stale:
            return
        window.statusBar().clearMessage()
        if outcome.error is not None:
            window.composer.show_error(
                f"Could not import {name}: {outcome.error}", "Nothing was imported."
            )
            return
        har, report = outcome.result
        if not har.calls:
            window.composer.show_error(
                f"{name} holds no Tracardi call",
                f"{har.skipped_count} other requests were skipped; nothing was imported.",
            )
            return
        if report is not None:
            message = report.message(name)
            window.exchange_recorded.emit(har.calls[-1].exchange)  # the History panel reloads
        else:
            message = f"{name}: {len(har.calls)} Tracardi calls shown (the history is read-only)"
        window.statusBar().showMessage(message[:1].upper() + message[1:], 10_000)
        first = har.calls[0]
        window.open_exchange(first.exchange, title=f"Imported {name}#{first.index}")

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
