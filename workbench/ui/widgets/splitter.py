"""A splitter that says when it was resized.

The window shares the room between its panes again after each resize of the centre
and of the events editor. An event filter would do it too, but every event a Python
``eventFilter`` sees is converted to its most derived Python type, and to find that
type PySide6 builds the types of all ``QEvent`` subclasses it knows (touch, tablet,
graphics-scene events…, with their enums): a few milliseconds before the first
paint. ``resizeEvent`` receives a ``QResizeEvent``, which has no subclasses to try.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSplitter

__all__ = ["ResizeSplitter"]


class ResizeSplitter(QSplitter):
    """A :class:`QSplitter` that emits :attr:`resized` after each resize.

    Signals:
        resized(): the splitter took a new size (its panes already spread it).
    """

    resized = Signal()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()
