"""A condition editor that checks what is typed and underlines the mistake."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget

from workbench.core.flow.conditions import Condition, ConditionError
from workbench.ui.teaching.flow_form_base import mono

__all__ = ["ConditionEdit"]


class ConditionEdit(QWidget):
    """A condition editor that checks as you type and underlines the mistake.

    Signals:
        edited(): the text changed.
    """

    edited = Signal()

    def __init__(self, roots: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.roots = roots
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("conditionEditor")
        mono(self.editor)
        self.editor.setFixedHeight(self.editor.fontMetrics().lineSpacing() * 4 + 12)
        self.editor.setPlaceholderText(
            " or ".join(f"{r}@field exists" for r in roots[:2]) + "   (empty: always)"
            if len(roots) > 1
            else "profile@stats.views >= 3"
        )
        self.verdict = QLabel(self)
        self.verdict.setObjectName("conditionVerdict")
        self.verdict.setTextFormat(Qt.TextFormat.PlainText)
        self.verdict.setWordWrap(True)
        mono(self.verdict)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor)
        layout.addWidget(self.verdict)
        self.error: ConditionError | None = None
        self.editor.textChanged.connect(self._on_editor_text_changed)

    @property
    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        self.editor.setPlainText(text)
        self.check()

    def check(self) -> ConditionError | None:
        """Parse the text now; show the verdict and underline the mistake's character."""
        text = self.text
        self.error = None
        selections: list[QTextEdit.ExtraSelection] = []
        if not text.strip():
            self.verdict.setText(
                "No condition: the rule runs for every event of its type."
                if len(self.roots) > 1
                else "A segment needs a condition."
            )
            self.verdict.setStyleSheet(
                "color: palette(mid);" if len(self.roots) > 1 else "color: #c62828;"
            )
        else:
            try:
                Condition.parse(text, roots=self.roots)
            except ConditionError as exc:
                self.error = exc
                self.verdict.setText(
                    f"✗ {exc.message} (character {exc.position + 1})\n{exc.pointer()}"
                )
                self.verdict.setStyleSheet("color: #c62828;")
                selection = QTextEdit.ExtraSelection()
                fmt = QTextCharFormat()
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                fmt.setUnderlineColor(QColor("#c62828"))
                fmt.setBackground(QColor(198, 40, 40, 60))
                # Some PySide6 releases' stubs leave ExtraSelection's two fields out.
                selection.format = fmt  # type: ignore[attr-defined]
                cursor = QTextCursor(self.editor.document())
                position = min(exc.position, max(len(text) - 1, 0))
                cursor.setPosition(position)
                cursor.setPosition(min(position + 1, len(text)), QTextCursor.MoveMode.KeepAnchor)
                selection.cursor = cursor  # type: ignore[attr-defined]
                selections.append(selection)
            else:
                self.verdict.setText("✓ The condition reads fine.")
                self.verdict.setStyleSheet("color: #2e7d32;")
        self.editor.setExtraSelections(selections)
        return self.error

    def _on_editor_text_changed(self) -> None:
        self.check()
        self.edited.emit()
