"""The *Raw JSON* tab's text editor: a :class:`CodeEdit` that refuses oversized pastes.

Loaded when the tab is first shown or its text first needed (see
:class:`~workbench.ui.composer.raw_editor.RawJsonEditor`): the editor, its line
numbers and the fixed-pitch font are not needed for the window's first paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from workbench.ui.widgets.code_edit import CodeEdit

if TYPE_CHECKING:
    from PySide6.QtCore import QMimeData

__all__ = ["RawTextEdit"]


class RawTextEdit(CodeEdit):
    """Line-numbered JSON text; a paste or drop over *limit* characters is refused
    (``paste_refused``) and the text stays as it was."""

    paste_refused = Signal(int)

    def __init__(self, parent: QWidget | None = None, *, limit: int) -> None:
        super().__init__(parent)
        self._limit = limit
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setAccessibleName("raw JSON")
        self.setTabChangesFocus(False)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))

    def insertFromMimeData(self, source: QMimeData) -> None:
        if source.hasText():
            size = len(source.text())
            if size > self._limit:
                self.paste_refused.emit(size)
                return
        super().insertFromMimeData(source)
