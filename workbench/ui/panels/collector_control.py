"""Starts, stops and reconfigures the embedded collector without blocking the window.

:class:`CollectorController` owns the running ``CollectorServer`` and the
:class:`CollectorBridge` that listens to it. Starting and stopping run on the
task runner's threads (``start()`` blocks until the socket accepts); the state
(stopped / starting / running / stopping / error + reason) is reported by
signal. Switches that the collector can change while running go through
``reconfigure`` and take effect for the next request; a new port needs a
restart, which the controller does itself. Changes are saved to the settings
file when one is given, so the next start uses them.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from workbench.collector import CollectorConfig, CollectorServer
from workbench.settings import SettingsFile
from workbench.ui.panels.collector_bridge import CollectorBridge
from workbench.ui.panels.gc_pauses import GcPauseGuard
from workbench.ui.tasks import TaskOutcome, TaskRunner

__all__ = ["CollectorController", "CollectorState"]

log = logging.getLogger(__name__)


class CollectorState:
    STOPPED = "stopped"
    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"
    ERROR = "error"


#: Settings-file field for each reconfigurable collector field.
_SETTINGS_FIELDS = {
    "response_format": "response_format",
    "debugger": "debugger",
    "accept_any_source": "accept_any_source",
    "strict_validation": "strict_validation",
    "max_body_bytes": "max_body_bytes",
    "durability": "durability",
    "port": "port",
}


class CollectorController(QObject):
    """The embedded collector's life cycle, seen from the GUI thread.

    Signals:
        state_changed(str, str): the new state and its reason (empty unless error).
        server_started(object): the ``CollectorServer`` now accepting requests.
        server_stopped(): the server stopped (by the user, a restart or shutdown).
    """

    state_changed = Signal(str, str)
    server_started = Signal(object)
    server_stopped = Signal()

    def __init__(
        self,
        config: CollectorConfig,
        runner: TaskRunner | None = None,
        parent: QObject | None = None,
        *,
        settings_file: SettingsFile | None = None,
        server_factory: Callable[[CollectorConfig], CollectorServer] = CollectorServer,
    ) -> None:
        super().__init__(parent)
        self.config = config
        self.runner = runner if runner is not None else TaskRunner(self)
        self.bridge = CollectorBridge(self)
        # The collector's data lives in this process: keep full GC pauses off the GUI.
        self.gc_guard = GcPauseGuard(self)
        self.bridge.records_received.connect(self.gc_guard.note_traffic)
        self._settings_file = settings_file
        self._factory = server_factory
        self._server: CollectorServer | None = None
        self.state = CollectorState.STOPPED
        self.reason = ""
        self._restart_after_stop = False

    # -- reading -----------------------------------------------------------------------------
    @property
    def server(self) -> CollectorServer | None:
        """The running server, or None."""
        return self._server if self.state == CollectorState.RUNNING else None

    @property
    def url(self) -> str:
        server = self.server
        return server.url if server is not None else ""

    @property
    def port_note(self) -> str | None:
        server = self.server
        return server.port_note if server is not None else None

    # -- life cycle --------------------------------------------------------------------------
    def adopt(self, server: CollectorServer) -> None:
        """Take over a server that is already running (the app may start it before the window)."""
        self._server = server
        self.bridge.attach(server)
        self._set_state(CollectorState.RUNNING)
        self.server_started.emit(server)

    def start(self) -> None:
        """Start the collector in the background; ``state_changed`` reports the outcome."""
        if self.state in (CollectorState.RUNNING, CollectorState.STARTING):
            return
        if self.state == CollectorState.STOPPING:
            self._restart_after_stop = True
            return
        server = self._factory(self.config)
        self.bridge.attach(server)  # before start(): the very first request is shown too
        self._server = server
        self._set_state(CollectorState.STARTING)
        self.runner.submit(server.start, channel="collector-life", on_done=self._on_started)

    def _on_started(self, outcome: TaskOutcome) -> None:
        server = self._server
        if outcome.ok:
            self._set_state(CollectorState.RUNNING)
            self.server_started.emit(server)
            return
        self.bridge.detach()
        self._server = None
        if server is not None:
            server.stop()  # releases a store it opened (idempotent, quick when not serving)
        self._set_state(CollectorState.ERROR, str(outcome.error))

    def stop(self) -> None:
        """Stop the collector in the background (the store is flushed by the server)."""
        if self.state != CollectorState.RUNNING or self._server is None:
            return
        server = self._server
        self._set_state(CollectorState.STOPPING)
        self.runner.submit(server.stop, channel="collector-life", on_done=self._on_stopped)

    def _on_stopped(self, outcome: TaskOutcome) -> None:
        self.bridge.detach()
        self.bridge.flush()
        self.gc_guard.stop()
        self._server = None
        if outcome.ok:
            self._set_state(CollectorState.STOPPED)
        else:
            self._set_state(CollectorState.ERROR, f"stopping failed: {outcome.error}")
        self.server_stopped.emit()
        if self._restart_after_stop:
            self._restart_after_stop = False
            self.start()

    def restart(self) -> None:
        if self.state == CollectorState.RUNNING:
            self._restart_after_stop = True
            self.stop()
        else:
            self.start()

    def shutdown(self) -> None:
        """Stop now, on this thread (application exit): no thread or socket left behind."""
        self._restart_after_stop = False
        self.runner.wait_for_done()
        server, self._server = self._server, None
        self.bridge.detach()
        if server is not None:
            server.stop()
            self.bridge.flush()
            self._set_state(CollectorState.STOPPED)
            self.server_stopped.emit()
        self.gc_guard.stop()

    # -- configuration -----------------------------------------------------------------------
    def set_port(self, port: int) -> None:
        """Listen on *port* from now on (restarts a running collector)."""
        if port == self.config.port:
            return
        self.config = dataclasses.replace(self.config, port=port)
        self._save_settings(port=port)
        if self.state in (CollectorState.RUNNING, CollectorState.STOPPING):
            self.restart()

    def reconfigure(self, **fields: Any) -> None:
        """Change switches of the running collector (effective for its next request) and save them.

        ``ValueError`` (naming the field) when a value is not acceptable.
        """
        if self._server is not None:
            self._server.reconfigure(**fields)
        self.config = dataclasses.replace(self.config, **fields)
        self._save_settings(**fields)

    def _save_settings(self, **fields: Any) -> None:
        if self._settings_file is None:
            return
        try:
            settings = self._settings_file.load()
            for name, value in fields.items():
                if name in _SETTINGS_FIELDS:
                    setattr(settings.collector, _SETTINGS_FIELDS[name], value)
            self._settings_file.save(settings)
        except OSError as exc:
            log.warning("could not save the collector settings: %s", exc)

    def _set_state(self, state: str, reason: str = "") -> None:
        self.state = state
        self.reason = reason
        self.state_changed.emit(state, reason)
