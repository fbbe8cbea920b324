"""Puts the panels into the main window: docks, a Targets… menu entry, and the wiring.

``workbench.app`` calls :func:`install_panels(window, parts)` once the services
(sender, collector, history) are there. Everything goes through the window's
extension points (``add_dock``, ``open_exchange``, ``load_request``,
``set_targets``, ``exchange_recorded``, ``targets_changed``) so the window needs
no knowledge of the panels. The embedded collector the app started is adopted
by a :class:`CollectorController`; when the user restarts it (new port…), the
window and the app's parts are told about the new server, and the controller
stops whichever server runs when the window closes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from workbench.collector import CollectorConfig
from workbench.core.exchange import Exchange
from workbench.settings import SettingsFile
from workbench.store.collections import SavedRequest
from workbench.ui.compare.install import install_support
from workbench.ui.panels.collections_panel import CollectionsPanel
from workbench.ui.panels.collector_control import CollectorController, CollectorState
from workbench.ui.panels.collector_panel import CollectorPanel
from workbench.ui.panels.history_panel import HistoryPanel
from workbench.ui.panels.journeys_install import install_journeys
from workbench.ui.panels.targets_dialog import TargetsDialog
from workbench.ui.teaching.install import install_teaching

__all__ = ["InstalledPanels", "install_panels"]

log = logging.getLogger(__name__)


@dataclass
class InstalledPanels:
    """What :func:`install_panels` added (tests and the README screenshots use it)."""

    history: HistoryPanel | None
    collections: CollectionsPanel | None
    collector: CollectorPanel
    controller: CollectorController
    targets_action: QAction


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


def _collector_config(parts: Any) -> CollectorConfig:
    wanted = parts.settings.collector
    server = getattr(parts, "collector", None)
    if server is not None:
        return server.current_config
    return CollectorConfig.from_settings(wanted, data_dir=parts.paths.collector_dir)


def install_panels(window: Any, parts: Any) -> InstalledPanels:
    """Add the history, collections and collector docks and the Targets… action to *window*."""
    settings_file = SettingsFile(parts.paths.settings_file)
    history = _install_history(window, parts)
    collections = _install_collections(window, parts)
    controller, collector = _install_collector(window, parts, settings_file)
    targets_action = _install_targets(window, parts, settings_file)
    if history is not None and collections is not None:
        window.tabifyDockWidget(window.docks["dock-history"], window.docks["dock-collections"])
        window.docks["dock-history"].raise_()
    panels = InstalledPanels(history, collections, collector, controller, targets_action)
    window.panels = panels
    # Story tab, Collector → Event flow… / Why (not)? / timeline / demo shop, presenter mode.
    install_teaching(window, controller.bridge.records_received)
    # History menu: compare, reproduce locally, support bundles.
    install_support(window, history, parts.paths.home)
    # Journeys dock; History → New journey from selected.
    install_journeys(window, parts, history)
    state_file = getattr(window, "state_file", None)
    if state_file is None or not state_file.exists():  # first run: proportions of the screen
        window.first_start_layout()
    collector.traffic.model.batch_appended.connect(
        lambda _count: _summarise_collector(window, collector)
    )
    controller.state_changed.connect(lambda *_: _summarise_collector(window, collector))
    _summarise_collector(window, collector)
    return panels


def _summarise_collector(window: Any, panel: CollectorPanel) -> None:
    """The collector dock's title line: its state and traffic, readable while collapsed."""
    bar = getattr(window, "dock_titles", {}).get("dock-collector")
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


def _install_history(window: Any, parts: Any) -> HistoryPanel | None:
    if parts.history is None:
        return None
    panel = HistoryPanel(parts.history, window.runner)
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


def _install_collections(window: Any, parts: Any) -> CollectionsPanel | None:
    store = getattr(parts, "collections", None)
    if store is None:
        return None
    panel = CollectionsPanel(store)
    window.add_dock(
        panel,
        Qt.DockWidgetArea.LeftDockWidgetArea,
        "Collections",
        object_name="dock-collections",
        shortcut="Ctrl+Shift+L",
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
    tools = getattr(window, "tools", None)
    if tools is not None:  # the composer's Save to collection lists it here at once
        tools.request_saved.connect(panel.show_saved)
    return panel


def _install_collector(
    window: Any, parts: Any, settings_file: SettingsFile
) -> tuple[CollectorController, CollectorPanel]:
    controller = CollectorController(
        _collector_config(parts), window.runner, window, settings_file=settings_file
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

    def on_started(server: Any) -> None:
        if parts.services is not None:
            parts.services.collector = server
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
    if parts.collector is not None:
        controller.adopt(parts.collector)
    else:
        status = getattr(parts.services, "collector_status", "") if parts.services else ""
        controller.state = (
            CollectorState.ERROR if "not running" in status else CollectorState.STOPPED
        )
        controller.reason = status.partition(": ")[2] if "not running" in status else ""
        panel.refresh_state()
    return controller, panel


def _install_targets(window: Any, parts: Any, settings_file: SettingsFile) -> QAction:
    action = QAction("&Targets…", window)
    action.setShortcut("Ctrl+Shift+T")
    action.setStatusTip("Add, edit, remove and test the servers Workbench sends to")

    def open_dialog() -> None:
        dialog = TargetsDialog(settings_file, window)

        def sources_loaded(target_name: str, sources: list[dict[str, Any]]) -> None:
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
    help_menu = getattr(window, "help_menu", None)
    if help_menu is not None:  # Help stays the last menu
        window.menuBar().insertMenu(help_menu.menuAction(), menu)
    else:
        window.menuBar().addMenu(menu)
    menu.addAction(action)
    return action


def _targets_saved(window: Any, targets: list[Any]) -> None:
    window.settings.targets = list(targets)
    window.set_targets(targets)
