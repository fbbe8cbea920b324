"""Showing a response that did not come from a send: a JSON file (opened or dropped),
a HAR file (imported into history) or the clipboard.

It gets what it uses: the task runner (files are read there, so a large debug dump
never blocks the GUI), the response panel it shows documents in, the history a HAR
goes into (``None`` until it loaded; the owner sets :attr:`history`) and a parent
widget for the file dialog. The rest it says through its own signals.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from workbench.ui.response_panel import ResponsePanel, load_json_file

if TYPE_CHECKING:
    from workbench.store.history import HistoryStore
    from workbench.ui.tasks import TaskOutcome, TaskRunner

__all__ = ["ResponseOpener"]


class ResponseOpener(QObject):
    """File → Open, drag and drop, and File → Paste response JSON.

    Signals:
        failed(str, str): what could not be shown, and a hint.
        notice(str, int): a status line and how long to show it (ms; 0 keeps it);
            an empty text clears the status line.
        opened(object): a file is shown in the panel; its Exchange, or None.
        pasted(object): the clipboard is shown in the panel; its Exchange, or None.
        recorded(object): a HAR import added exchanges to history (the last one).
        show_exchange(object, str): show this Exchange with this title.
    """

    failed = Signal(str, str)
    notice = Signal(str, int)
    opened = Signal(object)
    pasted = Signal(object)
    recorded = Signal(object)
    show_exchange = Signal(object, str)

    def __init__(
        self,
        runner: TaskRunner,
        panel: ResponsePanel,
        parent: QWidget,
        history: HistoryStore | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._panel = panel
        self._parent = parent
        self.history = history

    def ask_open_file(self) -> None:
        """Ask for a file (a dialog), then open it."""
        from workbench.ui.prompts import Prompts

        path = Prompts.get_open_path(self._parent)
        if path:
            self.open_file(path)

    def open_file(self, path: str) -> None:
        """Read a response/debug JSON file in the background and show it (a HAR: import it)."""
        name = Path(path).name
        if Path(path).suffix.lower() == ".har":
            self.import_har(path)
            return
        self.notice.emit(f"Opening {name}…", 0)
        self._runner.submit(
            load_json_file,
            path,
            channel="open",
            on_done=lambda outcome: self._on_file_loaded(name, outcome),
        )

    def _on_file_loaded(self, name: str, outcome: TaskOutcome) -> None:
        if outcome.stale:
            return
        if outcome.error is not None:
            self.failed.emit(f"Could not open {name}: {outcome.error}", "")
            self.notice.emit("", 0)
            return
        self._panel.open_document(outcome.result, title=f"Opened {name}")
        self.notice.emit(f"Opened {name}", 4000)
        self.opened.emit(self._panel.exchange())

    def import_har(self, path: str) -> None:
        """Put a HAR file's Tracardi calls into the history (all or nothing); show the first."""
        name = Path(path).name
        history = self.history if self.history is not None and not self.history.read_only else None

        def work() -> tuple[Any, Any]:
            from workbench.core.har_import import read_har
            from workbench.store.har_history import add_har_calls

            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from exc
            har = read_har(data, name)
            report = add_har_calls(history, har) if history is not None and har.calls else None
            return har, report

        self.notice.emit(f"Importing {name}…", 0)
        self._runner.submit(
            work, channel="open", on_done=lambda outcome: self._on_har_imported(name, outcome)
        )

    def _on_har_imported(self, name: str, outcome: TaskOutcome) -> None:
        if outcome.stale:
            return
        self.notice.emit("", 0)
        if outcome.error is not None:
            self.failed.emit(f"Could not import {name}: {outcome.error}", "Nothing was imported.")
            return
        har, report = outcome.result
        if not har.calls:
            self.failed.emit(
                f"{name} holds no Tracardi call",
                f"{har.skipped_count} other requests were skipped; nothing was imported.",
            )
            return
        if report is not None:
            message = report.message(name)
            self.recorded.emit(har.calls[-1].exchange)  # the History panel reloads
        else:
            message = f"{name}: {len(har.calls)} Tracardi calls shown (the history is read-only)"
        self.notice.emit(message[:1].upper() + message[1:], 10_000)
        first = har.calls[0]
        self.show_exchange.emit(first.exchange, f"Imported {name}#{first.index}")

    def paste_response(self) -> bool:
        """Show JSON from the clipboard (a response or an exchange someone sent)."""
        text = QGuiApplication.clipboard().text()
        try:
            document = json.loads(text)
        except ValueError as exc:
            self.failed.emit(
                f"The clipboard does not hold JSON: {exc}",
                "Copy the whole response body (or a history export line) and try again.",
            )
            return False
        self._panel.open_document(document, title="Pasted response")
        self.pasted.emit(self._panel.exchange())
        return True
