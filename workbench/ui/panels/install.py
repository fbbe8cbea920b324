"""Puts the panels into the main window: docks, a Targets… menu entry, and the wiring.

``workbench.app`` (the composition root) calls :func:`install_panels(window,
services) <install_panels>` once the services (sender, collector, history) are
there, with :class:`PanelServices` naming what the panels work with, and hands the
:class:`InstalledPanels` it returns to ``window.attach_panels``. Everything goes
through the window's extension points (``add_dock``, ``open_exchange``,
``load_request``, ``set_targets``, ``exchange_recorded``, ``targets_changed``) so
the window needs no knowledge of the panels. The embedded collector the app
started is adopted by a :class:`CollectorController`; when the user restarts it
(new port…), the window and the app (``collector_started``) are told about the new
server, and the controller stops whichever server runs when the window closes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from workbench.collector import CollectorConfig, CollectorServer
from workbench.core.exchange import Exchange
from workbench.settings import Settings, SettingsFile, TargetSettings
from workbench.settings.paths import AppPaths
from workbench.store.collections import CollectionStore, SavedRequest
from workbench.ui.compare.install import install_support
from workbench.ui.panels.collections_panel import CollectionsPanel
from workbench.ui.panels.collector_control import CollectorController, CollectorState
from workbench.ui.panels.collector_panel import CollectorPanel
from workbench.ui.panels.history_panel import HistoryPanel
from workbench.ui.panels.installed import InstalledPanels
from workbench.ui.panels.journeys_install import install_journeys
from workbench.ui.panels.targets_dialog import TargetsDialog
from workbench.ui.teaching.install import install_teaching

if TYPE_CHECKING:
    from workbench.store.history import HistoryStore
    from workbench.ui.main_window import MainWindow

__all__ = ["InstalledPanels", "PanelServices", "install_panels"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PanelServices:
    """What the panels work with, handed in by the composition root.

    ``collector`` is the collector the app started (None when it did not; then
    ``collector_status`` says why); ``collector_started`` hears of every server the
    Collector panel starts later, so the app stops the right one on close.
    """

    paths: AppPaths
    settings: Settings
    history: HistoryStore | None
    collections: CollectionStore | None
    collector: CollectorServer | None
    collector_status: str
    collector_started: Callable[[CollectorServer], None]


class _CloseWatcher(QObject):
    """Stops the collector the panels manage when the window closes (before the app's cleanup)."""

    def __init__(self, window: QMainWindow, controller: CollectorController) -> None:
        super().__init__(window)
        self._controller = controller
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            self._controller.shutdown()
        return False


def _collector_config(services: PanelServices) -> CollectorConfig:
    if services.collector is not None:
        return services.collector.current_config
    return CollectorConfig.from_settings(
        services.settings.collector, data_dir=services.paths.collector_dir
    )


def install_panels(window: MainWindow, services: PanelServices) -> InstalledPanels:
    """Add the history, collections, collector and journeys docks, the Targets… action
    and the teaching and support tools to *window*; return them all."""
    settings_file = SettingsFile(services.paths.settings_file)
    history = _install_history(window, services)
    collections = _install_collections(window, services)
    controller, collector = _install_collector(window, services, settings_file)
    targets_action = _install_targets(window, settings_file)
    if history is not None and collections is not None:
        window.docks["dock-history"].raise_()
    # Story tab, Collector → Event flow… / Why (not)? / timeline / demo shop, presenter mode.
    teaching = install_teaching(window, controller.bridge.records_received)
    # History menu: compare, reproduce locally, support bundles.
    support = install_support(window, history, services.paths.home)
    # Journeys dock; History → New journey from selected.
    journeys = install_journeys(
        window, services.paths.collections_dir, history, _running_collector(controller, services)
    )
    panels = InstalledPanels(
        history, collections, collector, controller, targets_action, teaching, support, journeys
    )
    state_file = window.state_file
    if state_file is None or not state_file.exists():  # first run: proportions of the screen
        window.first_start_layout()
    collector.traffic.model.batch_appended.connect(
        lambda _count: _summarise_collector(window, collector)
    )
    controller.state_changed.connect(lambda *_: _summarise_collector(window, collector))
    _summarise_collector(window, collector)
    return panels


def _running_collector(
    controller: CollectorController, services: PanelServices
) -> Callable[[], CollectorServer | None]:
    """The server the Collector panel runs (else the one the app started), when asked."""

    def running() -> CollectorServer | None:
        if controller.server is not None:
            return controller.server
        return services.collector

    return running


def _summarise_collector(window: MainWindow, panel: CollectorPanel) -> None:
    """The collector dock's title line: its state and traffic, readable while collapsed."""
    bar = window.dock_titles.get("dock-collector")
    if bar is None:
        return
    count = panel.traffic.model.rowCount()
    state = panel.state_label.text().lstrip("● ")
    url = panel.controller.url
    parts = [
        state + (f" on {url}" if url else ""),
        f"{count} request" + ("" if count == 1 else "s"),
    ]
    bar.set_summary(" · ".join(parts))


def _install_history(window: MainWindow, services: PanelServices) -> HistoryPanel | None:
    if services.history is None:
        return None
    panel = HistoryPanel(services.history, window.runner)
    window.add_dock(
        panel,
        Qt.DockWidgetArea.LeftDockWidgetArea,
        "History",
        object_name="dock-history",
        shortcut="Ctrl+H",
    )

    def load(exchange: Exchange) -> None:
        request = exchange.request
        body = request.body if request is not None else None
        route = request.route if request is not None else None
        window.load_request(body, route, exchange.target.name or None)

    def send_again(exchange: Exchange) -> None:
        load(exchange)
        window.send()

    panel.exchange_selected.connect(
        lambda exchange: window.open_exchange(exchange, title="History")
    )
    panel.open_requested.connect(load)
    panel.send_again_requested.connect(send_again)
    window.exchange_recorded.connect(lambda _exchange: panel.entries_appended())
    window.targets_changed.connect(
        lambda targets: panel.set_target_names([t.name for t in targets])
    )
    return panel


def _install_collections(window: MainWindow, services: PanelServices) -> CollectionsPanel | None:
    store = services.collections
    if store is None:
        return None
    panel = CollectionsPanel(store)
    window.add_dock(
        panel,
        Qt.DockWidgetArea.LeftDockWidgetArea,
        "Collections",
        object_name="dock-collections",
        shortcut="Ctrl+Shift+L",
        tab_with="dock-history",
    )

    def current() -> SavedRequest | None:
        try:
            payload = window.composer.document()
        except Exception as exc:  # PayloadNotReady: the raw JSON does not parse
            panel.message_label.setText(f"Not saved: {exc}")
            return None
        target = window.composer.current_target()
        return SavedRequest(
            name="",
            route=window.composer.route_label(),
            payload=payload,
            target_name=target.name if target is not None else None,
        )

    def open_saved(saved: SavedRequest) -> None:
        window.load_request(saved.payload, saved.route, saved.target_name)
        payload = saved.payload if isinstance(saved.payload, dict) else {}
        if (
            panel.new_visit_check.isChecked()
            and not window.composer.is_collect
            and ("session" in payload)
        ):
            window.composer.form.new_visit()  # a fresh session: not a finished visit replayed
            window.composer.mark_clean()

    panel.current_request = current
    panel.request_opened.connect(open_saved)
    # The composer's Save to collection lists it here at once.
    window.tools.request_saved.connect(panel.show_saved)
    return panel


def _install_collector(
    window: MainWindow, services: PanelServices, settings_file: SettingsFile
) -> tuple[CollectorController, CollectorPanel]:
    controller = CollectorController(
        _collector_config(services), window.runner, window, settings_file=settings_file
    )
    panel = CollectorPanel(controller)
    # No scroll area around the panel: its tables own their scrolling (the wheel scrolls
    # the traffic, Follow keeps the newest row in view). The panel is built to shrink,
    # and the dock collapses to its title line when the window needs the height.
    panel.setWindowTitle("Collector")
    window.add_dock(
        panel,
        Qt.DockWidgetArea.BottomDockWidgetArea,
        "Collector",
        object_name="dock-collector",
        shortcut="Ctrl+Shift+K",
    )
    _CloseWatcher(window, controller)

    def on_started(server: CollectorServer) -> None:
        services.collector_started(server)
        window.collector = server
        status = f"Collector: {server.url}"
        if server.port_note:
            status += f" — {server.port_note}"
        window.set_collector_status(status)
        window.set_targets(window.settings.targets)

    def on_state(state: str, reason: str) -> None:
        if state == CollectorState.STOPPED:
            window.collector = None
            window.set_collector_status("Collector: stopped")
        elif state == CollectorState.ERROR:
            window.collector = None
            window.set_collector_status(f"Collector not running: {reason}")

    controller.server_started.connect(on_started)
    controller.state_changed.connect(on_state)
    if services.collector is not None:
        controller.adopt(services.collector)
    else:
        status = services.collector_status
        controller.state = (
            CollectorState.ERROR if "not running" in status else CollectorState.STOPPED
        )
        controller.reason = status.partition(": ")[2] if "not running" in status else ""
        panel.refresh_state()
    return controller, panel


def _install_targets(window: MainWindow, settings_file: SettingsFile) -> QAction:
    action = QAction("&Targets…", window)
    action.setShortcut("Ctrl+Shift+T")
    action.setStatusTip("Add, edit, remove and test the servers Workbench sends to")

    def open_dialog() -> None:
        dialog = TargetsDialog(settings_file, window)

        def sources_loaded(target_name: str, sources: list[dict[str, object]]) -> None:
            ids = [str(s.get("id")) for s in sources if s.get("id")]
            window.composer.form.set_sources(ids)
            window.statusBar().showMessage(
                f"{len(ids)} event sources of {target_name} are in the source picker", 6000
            )

        dialog.sources_loaded.connect(sources_loaded)
        dialog.targets_saved.connect(lambda targets: _targets_saved(window, targets))
        dialog.exec()
        dialog.deleteLater()

    action.triggered.connect(open_dialog)
    menu = QMenu("&Tools", window)
    window.menuBar().insertMenu(window.help_menu.menuAction(), menu)  # Help stays the last
    menu.addAction(action)
    return action


def _targets_saved(window: MainWindow, targets: list[TargetSettings]) -> None:
    window.settings.targets = list(targets)
    window.set_targets(targets)
