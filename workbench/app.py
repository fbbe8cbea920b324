"""The composition root: settings, stores, collector, sender and window, built and torn down.

Nothing else lives here. ``workbench`` (via :mod:`workbench.cli.gui`) calls
:func:`run`; tests and the benchmark call :func:`build` with their own paths and
port and :meth:`AppParts.close` afterwards.
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtWidgets import QApplication

from workbench.client import Sender
from workbench.collector import CollectorConfig, CollectorServer, CollectorStartError
from workbench.settings import Settings, SettingsFile
from workbench.settings.paths import AppPaths, app_paths
from workbench.store.collections import CollectionStore
from workbench.store.history import HistoryStore
from workbench.ui.main_window import MainWindow
from workbench.ui.theme import follow_system_scheme

__all__ = ["PORT_FALLBACK", "AppParts", "build", "run"]

log = logging.getLogger(__name__)
PORT_FALLBACK = 20


@dataclass
class AppParts:
    """Everything :func:`build` made; :meth:`close` releases it in reverse order."""

    paths: AppPaths
    settings: Settings
    window: MainWindow
    sender: Sender
    collector: CollectorServer | None
    history: HistoryStore | None
    collections: CollectionStore
    notices: list[str] = field(default_factory=list)

    def close(self) -> None:
        self.window.close()
        self.sender.close()
        if self.collector is not None:
            self.collector.stop()
        if self.history is not None:
            self.history.close()


def _start_collector(
    paths: AppPaths, settings: Settings, port: int | None, in_memory: bool
) -> tuple[CollectorServer | None, str]:
    wanted = settings.collector
    if not wanted.autostart and port is None:
        return None, "Collector: not started (autostart is off in settings)"
    config = CollectorConfig(
        host=wanted.host,
        port=wanted.port if port is None else port,
        data_dir=None if in_memory else paths.collector_dir,
        response_format=wanted.response_format,
        accept_any_source=wanted.accept_any_source,
        debugger=wanted.debugger,
        max_body_bytes=wanted.max_body_bytes,
        strict_validation=wanted.strict_validation,
        port_fallback=0 if port == 0 else PORT_FALLBACK,
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


def build(
    paths: AppPaths | None = None,
    *,
    collector_port: int | None = None,
    collector_in_memory: bool = False,
    install_panels: bool = True,
) -> AppParts:
    """Build every part and the window (a ``QApplication`` must exist already)."""
    paths = (paths or app_paths()).ensure()
    notices: list[str] = []
    settings_file = SettingsFile(paths.settings_file)
    settings = settings_file.load()
    if settings_file.notice is not None:
        notices.append(str(settings_file.notice))
    collector, status = _start_collector(paths, settings, collector_port, collector_in_memory)
    history: HistoryStore | None = None
    if settings.history_enabled:
        try:
            history = HistoryStore(paths.history_dir, retention=settings.history_retention)
            notices.extend(str(n) for n in history.notices)
        except (OSError, ValueError) as exc:
            notices.append(f"History is off for this run: {exc}")
    collections = CollectionStore(paths.collections_dir)
    sender = Sender()
    window = MainWindow(
        settings=settings,
        sender=sender,
        history=history,
        collections=collections,
        collector=collector,
        collector_status=status,
        state_file=paths.window_state_file,
    )
    parts = AppParts(paths, settings, window, sender, collector, history, collections, notices)
    if install_panels:
        _install_panels(parts)
    for notice in notices:
        window.statusBar().showMessage(notice, 10_000)
    return parts


def _install_panels(parts: AppParts) -> None:
    """Let the panels package add its docks, if it offers ``install_panels(window, parts)``."""
    try:
        from workbench.ui import panels
    except ImportError as exc:  # a broken panel must not keep the window from opening
        log.warning("panels not available: %s", exc)
        return
    install: Any = getattr(panels, "install_panels", None)
    if callable(install):
        install(parts.window, parts)


def run(args: argparse.Namespace) -> int:
    """Open the window and run until it is closed."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Workbench")
    app.setApplicationDisplayName("Workbench")
    app.setOrganizationName("Workbench")
    follow_system_scheme(app)
    parts = build(app_paths(getattr(args, "basedir", None)))
    parts.window.show()
    try:
        return int(app.exec())
    finally:
        parts.close()
