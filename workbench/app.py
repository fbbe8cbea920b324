"""The composition root: settings, stores, collector, sender and window, built and torn down.

Nothing else lives here. ``workbench`` (via :mod:`workbench.cli.gui`) calls
:func:`run`, which shows the window first and loads the services (httpx client,
uvicorn collector, history store: about half a second of imports) on the task
runner, handing them to the window when they are ready. Tests call :func:`build`,
which makes everything before returning; both end with :meth:`AppParts.close`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from workbench.settings import Settings, SettingsFile
from workbench.settings.paths import AppPaths, app_paths
from workbench.store.collections import CollectionStore
from workbench.ui.main_window import MainWindow
from workbench.ui.tasks import TaskOutcome

if TYPE_CHECKING:
    import argparse

    from workbench.client import Sender
    from workbench.collector import CollectorServer
    from workbench.store.history import HistoryStore

__all__ = [
    "SERVICES_FALLBACK_MS",
    "AppParts",
    "Services",
    "build",
    "load_services",
    "run",
    "start",
]

# Load the services this long after start-up even if the window never painted.
SERVICES_FALLBACK_MS = 1_000


class Services:
    """What loads in the background: the sender, the embedded collector and history.

    A plain class rather than a dataclass: it is defined on the way to the first paint,
    where Python 3.11 would compile a dataclass's methods from source.
    """

    __slots__ = ("collector", "collector_status", "history", "notices", "sender")

    def __init__(
        self,
        sender: Sender,
        collector: CollectorServer | None,
        collector_status: str,
        history: HistoryStore | None,
        notices: list[str] | None = None,
    ) -> None:
        self.sender = sender
        self.collector = collector
        self.collector_status = collector_status
        self.history = history
        self.notices: list[str] = [] if notices is None else notices

    def close(self) -> None:
        self.sender.close()
        if self.collector is not None:
            self.collector.stop()
        if self.history is not None:
            self.history.close()


class AppParts:
    """Everything built; ``services`` is None until they loaded. :meth:`close` releases it all.

    A plain class, like :class:`Services`.
    """

    __slots__ = (
        "closed",
        "collections",
        "loaded",
        "notices",
        "paths",
        "services",
        "settings",
        "submitted",
        "window",
    )

    def __init__(
        self,
        paths: AppPaths,
        settings: Settings,
        window: MainWindow,
        collections: CollectionStore,
        services: Services | None = None,
        notices: list[str] | None = None,
    ) -> None:
        self.paths = paths
        self.settings = settings
        self.window = window
        self.collections = collections
        self.services = services
        self.notices: list[str] = [] if notices is None else notices
        # Filled on the worker thread the moment services exist, so close() finds them
        # even when the window closes before they were attached.
        self.loaded: list[Services] = []
        self.closed = False
        self.submitted = False

    @property
    def sender(self) -> Sender | None:
        return self.services.sender if self.services else None

    @property
    def collector(self) -> CollectorServer | None:
        return self.services.collector if self.services else None

    @property
    def history(self) -> HistoryStore | None:
        return self.services.history if self.services else None

    def close(self) -> None:
        self.closed = True
        self.window.close()  # waits for background work, so `loaded` is final below
        services = self.services or (self.loaded[0] if self.loaded else None)
        if services is not None:
            services.close()


def load_services(
    paths: AppPaths,
    settings: Settings,
    collector_port: int | None = None,
    collector_in_memory: bool = False,
    read_only_history: bool = False,
) -> Services:
    """Import and start the sender, collector and history (safe on a worker thread)."""
    from workbench.client import Sender

    notices: list[str] = []
    collector, status = _start_collector(paths, settings, collector_port, collector_in_memory)
    # The store opens even when recording is switched off (settings.history_enabled):
    # earlier exchanges stay readable, and the switch in the Request menu can turn
    # recording back on without a restart.
    from workbench.store.history import HistoryStore

    history = None
    try:
        history = HistoryStore(
            paths.history_dir, retention=settings.history_retention, read_only=read_only_history
        )
        notices.extend(str(n) for n in history.notices)
    except (OSError, ValueError) as exc:
        notices.append(f"History is off for this run: {exc}")
    return Services(Sender(), collector, status, history, notices)


def _start_collector(
    paths: AppPaths, settings: Settings, port: int | None, in_memory: bool
) -> tuple[CollectorServer | None, str]:
    from workbench.collector import CollectorConfig, CollectorServer, CollectorStartError

    wanted = settings.collector
    if not wanted.autostart and port is None:
        return None, "Collector: not started (autostart is off in settings)"
    config = CollectorConfig.from_settings(
        wanted, data_dir=None if in_memory else paths.collector_dir, port=port
    )
    server = CollectorServer(config)
    try:
        server.start()
    except CollectorStartError as exc:
        server.stop()
        return None, f"Collector not running: {exc}"
    status = f"Collector: {server.url}"
    if server.port_note:
        status += f" — {server.port_note}"
    return server, status


def _prepare(
    paths: AppPaths | None,
) -> tuple[AppPaths, Settings, CollectionStore, list[str]]:
    """What both ways of starting need before the window: folders, settings, collections.

    The notices list holds what the user must be told (e.g. a settings file moved aside).
    """
    paths = (paths or app_paths()).ensure()
    settings_file = SettingsFile(paths.settings_file)
    settings = settings_file.load()
    notices = [str(settings_file.notice)] if settings_file.notice is not None else []
    return paths, settings, CollectionStore(paths.collections_dir), notices


def _finish(parts: AppParts, install_panels: bool) -> None:
    """Once the services are there: add the panels' docks and show the notices."""
    if install_panels:
        _install_panels(parts)
    _show_notices(parts)


def build(
    paths: AppPaths | None = None,
    *,
    collector_port: int | None = None,
    collector_in_memory: bool = False,
    install_panels: bool = True,
) -> AppParts:
    """Build every part, services included, then the window (a ``QApplication`` must exist)."""
    paths, settings, collections, notices = _prepare(paths)
    services = load_services(paths, settings, collector_port, collector_in_memory)
    window = MainWindow(
        settings=settings,
        sender=services.sender,
        history=services.history,
        collections=collections,
        collector=services.collector,
        collector_status=services.collector_status,
        state_file=paths.window_state_file,
        settings_file=SettingsFile(paths.settings_file),
    )
    parts = AppParts(paths, settings, window, collections, services, notices + services.notices)
    _finish(parts, install_panels)
    return parts


def start(
    paths: AppPaths | None = None,
    *,
    collector_port: int | None = None,
    collector_in_memory: bool = False,
    install_panels: bool = True,
    read_only_history: bool = False,
) -> AppParts:
    """Show the window now; load the services on the task runner and attach them when ready."""
    paths, settings, collections, notices = _prepare(paths)
    window = MainWindow(
        settings=settings,
        collections=collections,
        state_file=paths.window_state_file,
        services_pending=True,
        settings_file=SettingsFile(paths.settings_file),
    )
    parts = AppParts(paths, settings, window, collections, None, notices)
    window.show()

    def attach(outcome: TaskOutcome) -> None:
        if outcome.error is not None:
            window.set_collector_status(f"Collector not running: {outcome.error}")
            window.statusBar().showMessage(f"Workbench could not start: {outcome.error}")
            return
        services: Services = outcome.result
        parts.services = services
        parts.notices.extend(services.notices)
        window.attach_services(
            sender=services.sender,
            collector=services.collector,
            history=services.history,
            collector_status=services.collector_status,
        )
        _finish(parts, install_panels)

    def load() -> Services:
        services = load_services(
            paths, settings, collector_port, collector_in_memory, read_only_history
        )
        parts.loaded.append(services)
        return services

    # Submitted once the window drew its first frame: a worker importing httpx and uvicorn
    # holds the GIL in long stretches, and the first paint (which calls into Python for
    # the models and custom widgets) would wait for it. A window that is not painted
    # (minimised, on a platform that never exposes it) still gets its services.
    def submit() -> None:
        if not parts.closed and not parts.submitted:
            parts.submitted = True
            window.runner.submit(load, channel="services", on_done=attach)

    window.first_painted.connect(submit)
    QTimer.singleShot(SERVICES_FALLBACK_MS, window, submit)
    return parts


def _show_notices(parts: AppParts) -> None:
    for notice in parts.notices:
        parts.window.statusBar().showMessage(notice, 10_000)


def _install_panels(parts: AppParts) -> None:
    """Install the panels and tools into the window and attach them to it."""
    # Imported here: the panels load the client (httpx), which waits for the first paint.
    from workbench.ui.panels.install import PanelServices, install_panels

    def collector_started(server: CollectorServer) -> None:
        if parts.services is not None:  # closed with the app's services
            parts.services.collector = server

    services = PanelServices(
        paths=parts.paths,
        settings=parts.settings,
        history=parts.history,
        collections=parts.collections,
        collector=parts.collector,
        collector_status=parts.services.collector_status if parts.services else "",
        collector_started=collector_started,
    )
    parts.window.attach_panels(install_panels(parts.window, services))


def run(args: argparse.Namespace) -> int:
    """Open the window and run until it is closed."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Workbench")
    app.setApplicationDisplayName("Workbench")
    app.setOrganizationName("Workbench")
    from workbench.ui.theme import follow_system_scheme

    follow_system_scheme(app)
    # A support bundle opens in its own home with its history read-only (cli/bundle.py).
    parts = start(
        app_paths(getattr(args, "basedir", None)),
        read_only_history=bool(getattr(args, "read_only_history", False)),
    )
    title = getattr(args, "window_title", None)
    if title:
        parts.window.setWindowTitle(f"{parts.window.windowTitle()} — {title}")
    try:
        return int(app.exec())
    finally:
        parts.close()
