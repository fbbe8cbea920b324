"""What one collector request looked like: request, response and debugger trees.

Bodies are parsed as JSON when they are JSON and shown as text otherwise; a
rejected request (401/413/422…) shows its reason on top in plain text.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from workbench.core.answer_places import answer_row, answer_row_path, search_path
from workbench.core.response_view import normalize_response
from workbench.ui.widgets.debugger_view import DebuggerView
from workbench.ui.widgets.json_view import JsonView

__all__ = ["RecordDetails", "parse_body"]


def parse_body(text: str | None) -> Any:
    """The body as JSON when it parses, else the text itself (None stays None)."""
    if text is None or text == "":
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


class RecordDetails(QWidget):
    """Request, response and debugger trees of one ``RequestRecord``.

    ``debugger_view.open_requested(kind, id)`` asks to open a profile or session
    in the local data view.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("Select a request to see what was sent and answered.", self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.request_view = JsonView(self)
        self.response_view = JsonView(self)
        # The answer as the collector sent it: its rows are status, headers@… and response@….
        self.response_view.path_text = lambda keys, pointer: answer_row_path(keys, pointer=pointer)
        self.response_view.path_finder = self._find_answer_path
        self.debugger_view = DebuggerView(self)
        self.debugger_view.set_can_open(True)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.request_view, "Request")
        self.tabs.addTab(self.response_view, "Response")
        self.tabs.addTab(self.debugger_view, "Debugger")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        self._record: Any = None

    def _find_answer_path(self, view: JsonView, text: str, _move: bool) -> tuple[bool, str] | None:
        path = search_path(text)
        if path is None:
            return None
        document = view.document()
        keys = answer_row(document, path) if isinstance(document, dict) else None
        if keys is None:
            where = " (the Debugger tab shows debug@…)" if path.root == "debug" else ""
            return False, f"nothing at {path.text} in this answer{where}"
        return view.show_path(keys, text), ""

    @property
    def record(self) -> Any:
        return self._record

    def show_record(self, record: Any) -> None:
        """Show *record* (a collector ``RequestRecord``), or clear with None."""
        self._record = record
        if record is None:
            self.summary.setText("Select a request to see what was sent and answered.")
            self.request_view.set_document(None)
            self.response_view.set_document(None)
            self.debugger_view.set_view(None)
            return
        line = f"{record.method} {record.path}" + (f"?{record.query}" if record.query else "")
        text = f"{line} → {record.status} in {record.latency_ms:.1f} ms"
        if record.reason:
            text += f"\nRejected: {record.reason}"
        self.summary.setText(text)
        request_body = parse_body(record.request_body)
        response_body = parse_body(record.response_body)
        self.request_view.set_document(
            {"line": line, "headers": dict(record.request_headers or {}), "body": request_body}
        )
        self.response_view.set_document(
            {
                "status": record.status,
                "headers": dict(record.response_headers or {}),
                "body": response_body,
            }
        )
        self.request_view.expand_to_depth(1)
        self.response_view.expand_to_depth(1)
        view = normalize_response(
            response_body, status=record.status, headers=dict(record.response_headers or {})
        )
        self.debugger_view.set_view(view)
