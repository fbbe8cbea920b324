"""What the support tools (History menu, compare window, bundles, privacy switch) work with.

:func:`workbench.ui.compare.install.install_support` builds a :class:`SupportHost`
from the window and hands it to the tools, which keep it instead of the window:
the sender, collector, history and the shown answer are callables (they arrive
after the window is shown, and the collector restarts), the rest are the widgets,
signals and services themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMenu, QStatusBar, QWidget

    from workbench.client import Sender
    from workbench.collector import CollectorServer
    from workbench.core.exchange import Exchange
    from workbench.settings import Settings
    from workbench.store.history import HistoryStore
    from workbench.ui.tasks import TaskRunner

__all__ = ["SupportHost"]


@dataclass(frozen=True)
class SupportHost:
    """What the support tools use.

    ``parent`` is the Qt parent of their menu, actions and dialogs; ``settings`` the
    app's settings (the targets at start, what a bundle carries without secrets);
    ``register_shortcut`` makes an action's key work in the window and lists it in
    Help → Shortcuts.
    """

    parent: QWidget
    settings: Settings
    targets_changed: SignalInstance
    shown: Callable[[], Exchange | None]
    history: Callable[[], HistoryStore | None]
    collector: Callable[[], CollectorServer | None]
    client: Callable[[], Sender | None]
    runner: TaskRunner
    status: QStatusBar
    view_menu: QMenu
    register_shortcut: Callable[[QAction], None]
