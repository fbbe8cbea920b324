"""A plain-text editor for JSON and HTTP text: line numbers, and an optional find bar.

:class:`CodeEdit` is a ``QPlainTextEdit`` with a line-number gutter on the left
(an error "at line 14" can be found by eye) and, when ``findable``, a find bar
on top of the text: type to highlight every match, Enter / Shift+Enter (or the
arrows) to step through them, "n of m" says where you are. Both live in the
editor's viewport margins, so the editor stays one widget to put in a tab.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QWidget,
)

# The text classes for finding and the painter load when a find runs or the gutter is
# first painted: an editor in a tab not shown yet (the composer's Raw JSON) needs neither.
if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent, QTextCursor

__all__ = ["FIND_LIMIT", "CodeEdit", "FindBar"]

FIND_LIMIT = 1000  # matches highlighted and counted; beyond, the count says "1000+"
_MATCH = QColor(255, 230, 120)
_CURRENT = QColor(255, 170, 60)


class _Gutter(QWidget):
    def __init__(self, editor: CodeEdit) -> None:
        super().__init__(editor)
        self._editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self._editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._editor.paint_gutter(self, event)


class FindBar(QWidget):
    """Search box, "n of m" and previous/next for a :class:`CodeEdit`.

    Signals:
        searched(int): the number of matches after the text changed (capped at FIND_LIMIT).
    """

    searched = Signal(int)

    def __init__(self, editor: CodeEdit) -> None:
        super().__init__(editor)
        self._editor = editor
        self.setAutoFillBackground(True)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Find in text…")
        self.edit.setClearButtonEnabled(True)
        self.edit.textChanged.connect(self._on_edit_text_changed)
        self.edit.returnPressed.connect(lambda: self.step(1))
        self.count_label = QLabel(self)
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        previous = QToolButton(self)
        previous.setText("↑")
        previous.setToolTip("Previous match (Shift+Enter)")
        previous.clicked.connect(lambda: self.step(-1))
        following = QToolButton(self)
        following.setText("↓")
        following.setToolTip("Next match (Enter)")
        following.clicked.connect(lambda: self.step(1))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(previous)
        layout.addWidget(following)
        self._matches: list[QTextCursor] = []
        self._current = -1

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.step(-1)
            return
        super().keyPressEvent(event)

    @property
    def match_count(self) -> int:
        return len(self._matches)

    @property
    def current(self) -> int:
        """The index of the match in view (-1 when none)."""
        return self._current

    def search(self, text: str) -> int:
        """Find *text* (any case) everywhere; select the first match. Returns the count."""
        if self.edit.text() != text:
            self.edit.setText(text)  # runs the search through textChanged
            return self.match_count
        self._find_all(text)
        return self.match_count

    def refresh(self) -> None:
        """Run the search again (the text of the editor changed)."""
        self._find_all(self.edit.text())

    def step(self, direction: int) -> None:
        if not self._matches:
            return
        self._current = (self._current + direction) % len(self._matches)
        self._show_current()

    def _on_edit_text_changed(self, text: str) -> None:
        self._find_all(text)

    def _find_all(self, text: str) -> None:
        from PySide6.QtGui import QTextCursor, QTextDocument

        document = self._editor.document()
        self._matches = []
        if text:
            cursor = QTextCursor(document)
            while len(self._matches) < FIND_LIMIT:
                cursor = document.find(text, cursor, QTextDocument.FindFlag(0))
                if cursor.isNull():
                    break
                self._matches.append(QTextCursor(cursor))
        self._current = 0 if self._matches else -1
        self._show_current()
        self.searched.emit(len(self._matches))

    def _show_current(self) -> None:
        from PySide6.QtGui import QTextCharFormat, QTextCursor
        from PySide6.QtWidgets import QTextEdit

        text = self.edit.text()
        n = len(self._matches)
        more = "+" if n >= FIND_LIMIT else ""
        if not text:
            self.count_label.clear()
        elif not n:
            self.count_label.setText("no match")
        else:
            self.count_label.setText(f"{self._current + 1} of {n}{more}")
        selections = []
        for i, cursor in enumerate(self._matches):
            selection = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setBackground(_CURRENT if i == self._current else _MATCH)
            fmt.setForeground(QColor(0, 0, 0))
            selection.format = fmt
            selection.cursor = cursor
            selections.append(selection)
        self._editor.setExtraSelections(selections)
        if 0 <= self._current < n:
            shown = QTextCursor(self._matches[self._current])
            self._editor.setTextCursor(shown)
            self._editor.ensureCursorVisible()


class CodeEdit(QPlainTextEdit):
    """A ``QPlainTextEdit`` with line numbers and (``findable=True``) a find bar on top."""

    def __init__(self, parent: QWidget | None = None, *, findable: bool = False) -> None:
        super().__init__(parent)
        self._gutter = _Gutter(self)
        self.find_bar: FindBar | None = FindBar(self) if findable else None
        self.blockCountChanged.connect(self._update_margins)
        self.updateRequest.connect(self._on_update_request)
        self._update_margins()

    # --- geometry -------------------------------------------------------------------------
    def gutter_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return 10 + self.fontMetrics().horizontalAdvance("9") * max(digits, 2)

    def _bar_height(self) -> int:
        return self.find_bar.sizeHint().height() if self.find_bar is not None else 0

    def _update_margins(self, *_args: object) -> None:
        self.setViewportMargins(self.gutter_width(), self._bar_height(), 0, 0)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        self._update_margins()  # a new font changes the digits' width

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        rect = self.contentsRect()
        top = self._bar_height()
        self._gutter.setGeometry(
            QRect(rect.left(), rect.top() + top, self.gutter_width(), rect.height() - top)
        )
        if self.find_bar is not None:
            self.find_bar.setGeometry(QRect(rect.left(), rect.top(), rect.width(), top))

    def _on_update_request(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    def paint_gutter(self, gutter: QWidget, event: QPaintEvent) -> None:
        from PySide6.QtGui import QPainter

        painter = QPainter(gutter)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.alternateBase())
        painter.setPen(palette.placeholderText().color())
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        offset = self.contentOffset()
        top = round(self.blockBoundingGeometry(block).translated(offset).top())
        bottom = top + round(self.blockBoundingRect(block).height())
        height = self.fontMetrics().height()
        width = gutter.width() - 5
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible() and bottom >= event.rect().top():
                painter.drawText(
                    0, top, width, height, Qt.AlignmentFlag.AlignRight, str(number + 1)
                )
            block = block.next()
            top = bottom
            bottom = top + round(self.blockBoundingRect(block).height())
            number += 1
        painter.end()

    # --- text -----------------------------------------------------------------------------
    def setPlainText(self, text: str) -> None:
        super().setPlainText(text)
        if self.find_bar is not None and self.find_bar.edit.text():
            self.find_bar.refresh()

    def focus_find(self) -> bool:
        """Focus the find bar (select its text); False when the editor has none."""
        if self.find_bar is None:
            return False
        self.find_bar.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_bar.edit.selectAll()
        return True
