"""A dock's title bar that can collapse the dock to one line (and float and close it).

On a laptop screen a dock under the window takes height the composer and the
answer need. Collapsed, a top or bottom dock is only its title bar, with an
optional one-line summary ("● Running · 12 requests"); one click (or a double
click on the title) brings it back at the height it had. Side docks are not
collapsed (that would free no room): they tab together or close.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSizePolicy,
    QStyle,
    QToolButton,
    QWidget,
)

__all__ = ["DockTitleBar"]

_QT_MAX = 16_777_215  # QWIDGETSIZE_MAX
_VERTICAL_AREAS = (Qt.DockWidgetArea.TopDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea)


class DockTitleBar(QWidget):
    """Title, summary and collapse / float / close buttons for *dock*.

    Signals:
        collapsed_changed(bool): the dock was collapsed (True) or expanded.
    """

    collapsed_changed = Signal(bool)

    def __init__(self, dock: QDockWidget, window: QMainWindow) -> None:
        super().__init__(dock)
        self._dock = dock
        self._window = window
        self._collapsed = False
        self._expanded_height = 0
        self._content: QWidget | None = None  # the dock's widget, kept while collapsed
        self._stand_in: QWidget | None = None
        self.setObjectName("dockTitleBar")

        self.collapse_button = QToolButton(self)
        self.collapse_button.setAutoRaise(True)
        self.collapse_button.clicked.connect(self.toggle)
        self.title_label = QLabel(dock.windowTitle(), self)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.summary_label = QLabel(self)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        style = self.style()
        self.float_button = QToolButton(self)
        self.float_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_TitleBarNormalButton))
        self.float_button.setAutoRaise(True)
        self.float_button.setToolTip("Float / dock again")
        self.float_button.clicked.connect(lambda: dock.setFloating(not dock.isFloating()))
        self.close_button = QToolButton(self)
        self.close_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Close (View menu brings it back)")
        self.close_button.clicked.connect(dock.close)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 1, 2, 1)
        layout.setSpacing(4)
        layout.addWidget(self.collapse_button)
        layout.addWidget(self.title_label)
        layout.addWidget(self.summary_label, 1)
        layout.addWidget(self.float_button)
        layout.addWidget(self.close_button)

        dock.windowTitleChanged.connect(self.title_label.setText)
        dock.dockLocationChanged.connect(self._on_dock_location_changed)
        dock.topLevelChanged.connect(lambda _floating: self._update_buttons())
        self._update_buttons()

    @property
    def collapsed(self) -> bool:
        return self._collapsed

    def can_collapse(self) -> bool:
        """Only a docked top/bottom dock collapses (a side dock would free no room)."""
        dock = self._dock
        return not dock.isFloating() and self._window.dockWidgetArea(dock) in _VERTICAL_AREAS

    def set_summary(self, text: str) -> None:
        """One line shown beside the title (most useful while collapsed)."""
        self.summary_label.setText(text)
        self.summary_label.setToolTip(text)

    def toggle(self) -> None:
        self.set_collapsed(not self._collapsed)

    def set_collapsed(self, on: bool, *, expanded_height: int | None = None) -> None:
        """Collapse the dock to this title bar, or give it back its height."""
        if on and not self.can_collapse():
            on = False
        if on == self._collapsed:
            return
        dock = self._dock
        self._collapsed = on
        if on:
            self._expanded_height = expanded_height or dock.height()
            self._content = dock.widget()
            # Qt caps a dock's width at its content's maximum, which for a hidden widget
            # is nothing: the collapsed dock would shrink to its title and hide the
            # summary. An empty line of no height stands in (and hides the content).
            dock.setWidget(self._empty_line())
            dock.setMaximumHeight(self.sizeHint().height() + 2)
        else:
            dock.setMaximumHeight(_QT_MAX)
            if self._content is not None:
                dock.setWidget(self._content)  # shown again
                self._content = None
            height = expanded_height or self._expanded_height or self._window.height() // 3
            self._window.resizeDocks([dock], [height], Qt.Orientation.Vertical)
        self._update_buttons()
        self.collapsed_changed.emit(on)

    def _empty_line(self) -> QWidget:
        if self._stand_in is None:
            self._stand_in = QWidget(self._dock)
            self._stand_in.setMaximumHeight(0)
        return self._stand_in

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self.can_collapse() or self._collapsed:
            self.toggle()
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def _on_dock_location_changed(self, _area: Qt.DockWidgetArea) -> None:
        if self._collapsed and not self.can_collapse():
            self.set_collapsed(False)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.collapse_button.setVisible(self.can_collapse() or self._collapsed)
        self.collapse_button.setText("▸" if self._collapsed else "▾")
        self.collapse_button.setToolTip(
            "Expand (double-click the title)" if self._collapsed else "Collapse to this line"
        )
