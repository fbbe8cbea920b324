"""What the composition root installed into the window: every panel and tool, typed.

:func:`workbench.ui.panels.install.install_panels` returns it and ``workbench.app``
hands it to :meth:`MainWindow.attach_panels <workbench.ui.main_window.MainWindow.attach_panels>`.
It lives apart from the installer so the window can name its type without importing
the installer (which imports the window).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from workbench.ui.compare.install import SupportTools
    from workbench.ui.panels.collections_panel import CollectionsPanel
    from workbench.ui.panels.collector_control import CollectorController
    from workbench.ui.panels.collector_panel import CollectorPanel
    from workbench.ui.panels.history_panel import HistoryPanel
    from workbench.ui.panels.journeys_panel import JourneysPanel
    from workbench.ui.teaching.install import Teaching

__all__ = ["InstalledPanels"]


@dataclass
class InstalledPanels:
    """The docks, tools and actions the installer added (tests and screenshots use it)."""

    history: HistoryPanel | None
    collections: CollectionsPanel | None
    collector: CollectorPanel
    controller: CollectorController
    targets_action: QAction
    teaching: Teaching
    support: SupportTools
    journeys: JourneysPanel
