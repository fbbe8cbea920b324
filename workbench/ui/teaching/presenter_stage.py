"""Where presenter mode shows itself, and what it works with.

:class:`PresenterStage` is the one part that touches the main window's frame: it
puts a panel in the window's centre with the docks hidden, and puts the normal
layout back exactly as it was. :class:`PresenterHost` is everything presenter
mode uses, handed in by the teaching installer: the stage, the composer its
steps are loaded into, the window's send, the sender and collector (callables:
they arrive late and restart), the task runner, the status bar and the
``exchange_shown`` signal. Neither keeps the window as such.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, Signal, SignalInstance
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDockWidget, QMainWindow, QStatusBar, QWidget

if TYPE_CHECKING:
    from workbench.client import Sender
    from workbench.collector import CollectorServer
    from workbench.ui.composer.composer import Composer
    from workbench.ui.tasks import TaskRunner

__all__ = ["PresenterHost", "PresenterStage"]


class PresenterStage(QObject):
    """The centre of *frame* for presenter mode; *docks* are the frame's docks by name.

    Signals:
        closing(): the frame is closing (before it saves its own layout).
    """

    closing = Signal()

    def __init__(self, frame: QMainWindow, docks: Mapping[str, QDockWidget]) -> None:
        super().__init__(frame)
        self._frame = frame
        self._docks = docks
        self._normal: tuple[QByteArray, QByteArray, dict[str, bool]] | None = None
        self._central: QWidget | None = None
        frame.installEventFilter(self)

    def font(self) -> QFont:
        """The frame's font (presenter mode scales it)."""
        return QFont(self._frame.font())

    def take(self, panel: QWidget) -> None:
        """Remember the layout and the docks' visibility, hide the docks, show *panel*."""
        frame = self._frame
        docks = {name: dock.isVisible() for name, dock in self._docks.items()}
        self._normal = (frame.saveState(), frame.saveGeometry(), docks)
        for dock in self._docks.values():
            dock.hide()
        self._central = frame.takeCentralWidget()
        frame.setCentralWidget(panel)

    def give_back(self) -> None:
        """Put the centre, the layout and the docks back as :meth:`take` found them."""
        if self._normal is None:
            return
        frame = self._frame
        frame.takeCentralWidget()
        if self._central is not None:
            frame.setCentralWidget(self._central)
            self._central = None
        state, geometry, docks = self._normal
        frame.restoreGeometry(geometry)
        frame.restoreState(state)
        for name, visible in docks.items():
            if name in self._docks:
                self._docks[name].setVisible(visible)
        self._normal = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._frame and event.type() == QEvent.Type.Close:
            self.closing.emit()
        return False


@dataclass(frozen=True)
class PresenterHost:
    """What presenter mode works with (see the module docstring)."""

    stage: PresenterStage
    composer: Composer
    send: Callable[[], int | None]
    client: Callable[[], Sender | None]
    collector: Callable[[], CollectorServer | None]
    runner: TaskRunner
    status: QStatusBar
    exchange_shown: SignalInstance
