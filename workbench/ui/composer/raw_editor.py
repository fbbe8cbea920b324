"""The *Raw JSON* tab: the payload as text, parsed as the user types.

Invalid JSON is reported with its line and column (the editor numbers its lines,
and the cursor can jump there); the caller keeps the last good document, so the
forms are never wiped by a half-typed brace.

A paste or drop larger than :data:`PASTE_LIMIT` is refused with a message and the
text stays as it was: laying out tens of megabytes in a text editor freezes the
window for many seconds (50 MB on one line: about 40 s here), and the collector
takes 1 MB per request by default anyway.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from workbench.ui.widgets.text_only import push_button

if TYPE_CHECKING:
    from workbench.ui.composer.raw_text_edit import RawTextEdit

__all__ = ["PASTE_LIMIT", "JsonSyntaxProblem", "RawJsonEditor", "parse_json_text"]

#: The largest paste or drop (in characters) the Raw JSON editor takes at once.
PASTE_LIMIT = 2 * 1024 * 1024


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB"


class JsonSyntaxProblem(NamedTuple):
    """Where and why the text is not JSON (line and column count from 1)."""

    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"Invalid JSON at line {self.line}, column {self.column}: {self.message}"


def parse_json_text(text: str) -> tuple[Any, JsonSyntaxProblem | None]:
    """``(document, None)`` or ``(None, problem)``; empty text is a problem too."""
    if not text.strip():
        return None, JsonSyntaxProblem(1, 1, "the text is empty; a JSON value is expected")
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, JsonSyntaxProblem(exc.lineno, exc.colno, exc.msg)


class RawJsonEditor(QWidget):
    """A plain-text JSON editor with a parse status line.

    The tab is hidden at start-up: its text editor (line numbers, fixed-pitch font)
    and status row are made when it is first shown or its widgets are first asked
    for; until then the text is kept as a string and parsed from there.

    Signals:
        document_edited(object): the user's text parsed to this JSON value (debounced).
        syntax_failed(object): the user's text is not JSON (a :class:`JsonSyntaxProblem`).
    """

    document_edited = Signal(object)
    syntax_failed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self.problem: JsonSyntaxProblem | None = None
        self._text = ""  # the text while the editor is not made yet
        self._edit: RawTextEdit | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.parse_now)

    # --- made on first use -----------------------------------------------------------------
    def _build(self) -> RawTextEdit:
        if self._edit is not None:
            return self._edit
        from workbench.ui.composer.raw_text_edit import RawTextEdit

        edit = RawTextEdit(self, limit=PASTE_LIMIT)  # "line 14, column 3" can be found
        self._edit = edit
        edit.paste_refused.connect(self._on_paste_refused)
        self._status_label = QLabel(self)
        self._status_label.setTextFormat(Qt.TextFormat.PlainText)
        self._status_label.setWordWrap(True)
        self._go_button = push_button("Go to error", self)
        self._go_button.clicked.connect(self.go_to_problem)
        self._format_button = push_button("Format", self)
        self._format_button.setToolTip("Re-indent the JSON")
        self._format_button.clicked.connect(self.reformat)
        status = QHBoxLayout()
        status.setContentsMargins(0, 0, 0, 0)
        status.addWidget(self._status_label, 1)
        status.addWidget(self._go_button)
        status.addWidget(self._format_button)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.addWidget(edit, 1)
        layout.addLayout(status)
        self._loading = True
        try:
            edit.setPlainText(self._text)
        finally:
            self._loading = False
        self._show_problem()
        edit.textChanged.connect(self._on_text_edit_text_changed)
        if self.isVisible():  # made while shown: the new children show now
            for child in (edit, self._status_label, self._format_button):
                child.show()
            self._go_button.setVisible(self.problem is not None)
        return edit

    @property
    def text_edit(self) -> RawTextEdit:
        return self._build()

    @property
    def status_label(self) -> QLabel:
        self._build()
        return self._status_label

    @property
    def go_button(self) -> QPushButton:
        self._build()
        return self._go_button

    @property
    def format_button(self) -> QPushButton:
        self._build()
        return self._format_button

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._build()

    # --- text ------------------------------------------------------------------------------
    def set_document(self, document: Any) -> None:
        """Show *document* pretty-printed; does not emit ``document_edited``."""
        text = json.dumps(document, indent=2, ensure_ascii=False)
        if text == self.text():
            return
        if self._edit is None:
            self._text = text
        else:
            self._loading = True
            try:
                self._edit.setPlainText(text)
            finally:
                self._loading = False
        self._set_problem(None)

    def text(self) -> str:
        return self._text if self._edit is None else self._edit.toPlainText()

    def set_text(self, text: str) -> None:
        """Replace the text as if the user typed it (parsed at once)."""
        self.text_edit.setPlainText(text)
        self.parse_now()

    def has_pending_edit(self) -> bool:
        return self._timer.isActive()

    def parse_now(self) -> Any:
        """Parse the text now; emits ``document_edited`` or ``syntax_failed``."""
        self._timer.stop()
        document, problem = parse_json_text(self.text())
        self._set_problem(problem)
        if problem is None:
            self.document_edited.emit(document)
        else:
            self.syntax_failed.emit(problem)
        return document

    def reformat(self) -> None:
        document, problem = parse_json_text(self.text())
        if problem is None:
            self.text_edit.setPlainText(json.dumps(document, indent=2, ensure_ascii=False))
            self.parse_now()

    def go_to_problem(self) -> None:
        if self.problem is None:
            return
        from PySide6.QtGui import QTextCursor

        text_edit = self.text_edit
        block = text_edit.document().findBlockByLineNumber(self.problem.line - 1)
        cursor = QTextCursor(block)
        cursor.movePosition(
            QTextCursor.MoveOperation.Right,
            QTextCursor.MoveMode.MoveAnchor,
            max(0, min(self.problem.column - 1, block.length() - 1)),
        )
        text_edit.setTextCursor(cursor)
        text_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _set_problem(self, problem: JsonSyntaxProblem | None) -> None:
        self.problem = problem
        if self._edit is not None:
            self._show_problem()

    def _show_problem(self) -> None:
        problem = self.problem
        if problem is None:
            self._status_label.setText("Valid JSON")
            self._status_label.setStyleSheet("")
        else:
            self._status_label.setText(f"{problem} — the forms keep the last valid payload.")
            self._status_label.setStyleSheet("color: rgb(200, 40, 40);")
        self._go_button.setVisible(problem is not None)

    def _on_paste_refused(self, size: int) -> None:
        self._status_label.setText(
            f"Not pasted: the clipboard holds {_megabytes(size)} of text; Raw JSON takes up "
            f"to {_megabytes(PASTE_LIMIT)} at once (the collector accepts 1 MB per request "
            "by default). The payload is unchanged."
        )
        self._status_label.setStyleSheet("color: rgb(200, 40, 40);")

    def _on_text_edit_text_changed(self) -> None:
        if not self._loading:
            self._timer.start()
