"""The window's panels: history, collections, targets and the embedded collector.

Each panel is a plain ``QWidget`` the main window puts in a dock; they talk to
the window through signals (``open_requested``, ``exchange_selected``…) and to
the layers below through their public APIs only.
"""

from workbench.ui.panels.collector_bridge import CollectorBridge
from workbench.ui.panels.collector_control import CollectorController, CollectorState
from workbench.ui.panels.collector_panel import CollectorPanel
from workbench.ui.panels.dialogs import PanelDialogs
from workbench.ui.panels.history_panel import HistoryPanel
from workbench.ui.panels.install import InstalledPanels, install_panels
from workbench.ui.panels.targets_dialog import TargetsDialog

__all__ = [
    "CollectorBridge",
    "CollectorController",
    "CollectorPanel",
    "CollectorState",
    "HistoryPanel",
    "InstalledPanels",
    "PanelDialogs",
    "TargetsDialog",
    "install_panels",
]
