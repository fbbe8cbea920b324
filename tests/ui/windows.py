"""The main window as the window tests open it: real stores, every file in a test folder."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from workbench.collector import CollectorServer
from workbench.settings import Settings
from workbench.store.collections import CollectionStore
from workbench.store.history import HistoryStore
from workbench.ui.main_window import MainWindow

__all__ = ["open_window"]


def open_window(
    qtbot: QtBot, *, collector: CollectorServer, history: HistoryStore, folder: Path
) -> MainWindow:
    """A shown window over *collector* and *history*; collections and window state in *folder*.

    The caller closes it (and *history*).
    """
    win = MainWindow(
        settings=Settings(),
        history=history,
        collections=CollectionStore(folder / "collections"),
        collector=collector,
        state_file=folder / "window-state.json",
    )
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win
