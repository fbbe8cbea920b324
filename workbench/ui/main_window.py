"""The Workbench window: composer on the left, the answer on the right, panels in docks.

The window wires pieces together and reacts to them; it does no I/O of its own:
sending goes through :class:`~workbench.ui.send_controller.SendController` (the
task runner), history and collections are stores handed in by ``workbench.app``.
The menu bar is built by :mod:`~workbench.ui.window_menus`; the docks and their
sizes are :class:`~workbench.ui.window_docks.DockLayout`; opening files and the
clipboard is :class:`~workbench.ui.response_opener.ResponseOpener`; what the window
does with the embedded collector is :class:`~workbench.ui.collector_actions.CollectorActions`;
the ids threaded from answers are :class:`~workbench.ui.composer_follow.ComposerFollow`;
keyboard navigation is :mod:`~workbench.ui.window_navigation`. Each gets what it
uses and answers through its own signals; none knows the window.

For the panels, the extension points are:

* :meth:`MainWindow.add_dock` — put a widget in a dock (toggle in *View*, state saved);
* :meth:`MainWindow.open_exchange` — show an :class:`~workbench.core.exchange.Exchange`
  (e.g. from history);
* :meth:`MainWindow.load_request` — put a payload/route/target in the composer;
* :meth:`MainWindow.set_targets` — after the targets dialog saved;
* signals :attr:`exchange_recorded` (every send, stale ones too) and
  :attr:`exchange_shown`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QPaintEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QMainWindow,
    QSplitter,
    QWidget,
)

from workbench.settings import EMBEDDED_TARGET_NAME, Settings, SettingsFile, TargetSettings
from workbench.ui.collector_actions import CollectorActions
from workbench.ui.composer.composer import Composer, PayloadNotReady
from workbench.ui.composer.tools import ComposerTools
from workbench.ui.composer_follow import ComposerFollow
from workbench.ui.exchange_status import ExchangeStatus
from workbench.ui.response_opener import ResponseOpener
from workbench.ui.response_panel import ResponsePanel
from workbench.ui.send_controller import SendController, window_hint
from workbench.ui.tasks import TaskRunner
from workbench.ui.widgets.splitter import ResizeSplitter
from workbench.ui.window_docks import DockLayout, fit_to_screen
from workbench.ui.window_menus import MenuCommands, build_menus
from workbench.ui.window_navigation import cycle_tab, focus_search
from workbench.ui.window_state import (
    restore_window_state,
    save_window_state,
)

# Dialogs (prompts, entity, shortcuts) are imported where they open: not before the first paint.
if TYPE_CHECKING:
    from PySide6.QtWidgets import QDockWidget

    from workbench.client import RequestSpec, Sender
    from workbench.collector import CollectorServer
    from workbench.core.exchange import Exchange
    from workbench.core.snippets import HttpRequest
    from workbench.store.collections import CollectionStore
    from workbench.store.history import HistoryStore
    from workbench.ui.panels.installed import InstalledPanels
    from workbench.ui.prompts import Prompts
    from workbench.ui.shortcuts_dialog import ShortcutsDialog

__all__ = ["WINDOW_TITLE", "MainWindow"]

# Ends with the application's display name, so Qt does not append it a second time.
WINDOW_TITLE = "Tracardi event debugger — Workbench"


class MainWindow(QMainWindow):
    """The main window. See the module docstring for the panel extension points.

    Signals:
        exchange_recorded(Exchange): a send finished and was recorded (stale ones too).
        exchange_shown(Exchange): an exchange is now shown in the response panel.
        targets_changed(list): the target list changed (``set_targets``).
        services_attached(): sender, collector and history arrived (``attach_services``).
        first_painted(): the window drew its first frame (emitted once, from the event loop).
        demo_flow_loaded(): Collector → Load demo flow finished.
    """

    exchange_recorded = Signal(object)
    exchange_shown = Signal(object)
    targets_changed = Signal(list)
    services_attached = Signal()
    first_painted = Signal()
    demo_flow_loaded = Signal()

    def __init__(
        self,
        *,
        settings: Settings | None = None,
        sender: Sender | None = None,
        runner: TaskRunner | None = None,
        history: HistoryStore | None = None,
        collections: CollectionStore | None = None,
        collector: CollectorServer | None = None,
        collector_status: str | None = None,
        state_file: Path | None = None,
        services_pending: bool = False,
        settings_file: SettingsFile | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle(WINDOW_TITLE)
        self.setObjectName("workbenchMainWindow")
        # Docks tab together when dropped on one another and nest side by side.
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.GroupedDragging
        )
        self.settings = settings or Settings()
        # With services_pending the sender, collector and history arrive later through
        # attach_services(): the window shows while httpx and uvicorn are still loading.
        self._owns_sender = sender is None and not services_pending
        if self._owns_sender:
            from workbench.client import Sender

            sender = Sender()
        # Not "sender": that name is QObject.sender(), which Qt's own code calls.
        self.client: Sender | None = sender
        self.runner = runner or TaskRunner(self)
        self._history = history
        self.collections = collections
        self._collector = collector
        self.state_file = state_file
        self.settings_file = settings_file
        self.shortcut_actions: list[QAction] = []
        self.painted = False
        # The docks and tools the composition root installed (attach_panels); None before.
        self.panels: InstalledPanels | None = None

        self.composer = Composer(self)
        self.response_panel = ResponsePanel(self)
        self.opener = ResponseOpener(self.runner, self.response_panel, self, history)
        self.opener.failed.connect(self.composer.show_error)
        self.opener.notice.connect(self._show_notice)
        self.opener.opened.connect(self._on_opener_opened)
        self.opener.pasted.connect(self.offer_open_for)
        self.opener.recorded.connect(self.exchange_recorded)
        self.opener.show_exchange.connect(lambda ex, title: self.open_exchange(ex, title=title))
        self.collector_actions = CollectorActions(self.runner, self, collector)
        self.collector_actions.can_open.connect(self.response_panel.debugger.set_can_open)
        self.collector_actions.sources_loaded.connect(self.composer.form.set_sources)
        self.collector_actions.failed.connect(lambda text: self.composer.show_error(text, ""))
        self.collector_actions.notice.connect(self._show_notice)
        self.collector_actions.demo_flow_loaded.connect(self._on_demo_flow_loaded)
        self.tools = ComposerTools(
            self.composer,
            collections=collections,
            prepare=self._prepare_http,
        )
        self.tools.notice.connect(self._on_tools_notice)
        self.splitter = ResizeSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.composer)
        self.splitter.addWidget(self.response_panel)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([640, 640])
        self.setCentralWidget(self.splitter)

        self.controller = SendController(self.client, self.runner, history, self)
        self.controller.recording = self.settings.history_enabled
        self.controller.exchange_finished.connect(self._on_controller_exchange_finished)
        self.controller.exchange_crashed.connect(self._on_controller_exchange_crashed)
        self.controller.busy_changed.connect(self._on_controller_busy_changed)
        self.controller.history_failed.connect(self._on_controller_history_failed)
        self.controller.history_resumed.connect(self._on_controller_history_resumed)
        self._elapsed_timer = QTimer(self)
        self._elapsed_timer.setInterval(100)
        self._elapsed_timer.timeout.connect(self._on_elapsed_timer_timeout)

        self.composer.send_requested.connect(self.send)
        self.composer.cancel_requested.connect(self.cancel)
        self.composer.target_changed.connect(self._on_composer_target_changed)
        self.follow = ComposerFollow(self.composer, self.client)
        self.follow.notice.connect(self._show_notice)
        self.response_panel.file_dropped.connect(self.opener.open_file)
        self.response_panel.debugger.open_requested.connect(self.collector_actions.open_entity)
        self.response_panel.debugger.demo_flow_requested.connect(
            self.collector_actions.load_demo_flow
        )

        if services_pending and collector_status is None:
            collector_status = "Collector: starting…"
        self._build_status_bar(collector_status)
        menus = build_menus(
            self,
            self._menu_commands(),
            shortcut_actions=self.shortcut_actions,
            recording=self.settings.history_enabled,
        )
        self.view_menu = menus.view_menu
        self.collector_menu = menus.collector_menu
        self.help_menu = menus.help_menu
        self.send_action = menus.send_action
        self.cancel_action = menus.cancel_action
        self.load_demo_action = menus.load_demo_action
        self.record_history_action = menus.record_history_action
        self.dock_layout = DockLayout(
            self,
            self.splitter,
            self.composer,
            view_menu=self.view_menu,
            state_file=state_file,
            splitters=self._splitters,
            shortcut_actions=self.shortcut_actions,
        )
        self.docks = self.dock_layout.docks
        self.dock_titles = self.dock_layout.dock_titles
        self.set_targets(self.settings.targets)
        fit_to_screen(self)
        restored = state_file is not None and restore_window_state(
            state_file, self, self._splitters()
        )
        if not restored:
            self.first_start_layout()

    # --- building -------------------------------------------------------------------------
    def _menu_commands(self) -> MenuCommands:
        composer, tools = self.composer, self.tools
        return MenuCommands(
            open_file=self.ask_open_file,
            paste_response=self.paste_response,
            quit=self.close,
            send=self.send,
            cancel=self.cancel,
            new_visit=lambda: composer.form.new_visit(),
            forget_profile=lambda: composer.form.forget_profile(),
            validate=composer.validate_now,
            save_to_collection=tools.save_to_collection,
            copy_as_curl=lambda: tools.copy_as("curl"),
            paste_curl=tools.ask_and_paste_curl,
            record_history=self.set_history_recording,
            focus_search=self.focus_search,
            cycle_tab=self.cycle_tab,
            # Between the composer's Form and Raw JSON tabs.
            toggle_raw_json=lambda: composer.tabs.setCurrentIndex(1 - composer.tabs.currentIndex()),
            load_demo_flow=self.load_demo_flow,
            show_shortcuts=self.show_shortcuts,
        )

    def _show_notice(self, text: str, timeout_ms: int) -> None:
        if text:
            self.statusBar().showMessage(text, timeout_ms)
        else:
            self.statusBar().clearMessage()

    def _on_opener_opened(self, exchange: Exchange | None) -> None:
        self.offer_open_for(exchange)
        if exchange is not None:
            self.exchange_status.show_exchange(exchange)
            self.exchange_shown.emit(exchange)

    def _on_demo_flow_loaded(self, text: str) -> None:
        # The status bar forgets in seconds; the debugger keeps it until the next answer.
        self.response_panel.debugger.show_flow_notice(text)
        self.demo_flow_loaded.emit()

    def _build_status_bar(self, collector_status: str | None) -> None:
        self.exchange_status = ExchangeStatus(self.statusBar())
        self.status_code_label = self.exchange_status.status_code_label
        self.time_label = self.exchange_status.time_label
        self.size_label = self.exchange_status.size_label
        self.collector_label = self.exchange_status.collector_label
        self.history_notice = self.exchange_status.history_notice
        self.set_collector_status(collector_status or self._default_collector_status())

    def _default_collector_status(self) -> str:
        if self.collector is None:
            return "Collector: not running"
        note = self.collector.port_note
        text = f"Collector: {self.collector.url}"
        return f"{text} ({note})" if note else text

    def set_collector_status(self, text: str) -> None:
        """Show the embedded collector's state (URL, port note, or why it is not running)."""
        self.exchange_status.set_collector(text)

    def _splitters(self) -> dict[str, QSplitter]:
        return {
            "main": self.splitter,
            "composer": self.composer.splitter,
            "events": self.composer.form.events_editor.splitter,
        }

    def _prepare_http(self, target: TargetSettings, spec: RequestSpec) -> HttpRequest:
        if self.client is None:
            raise ValueError("Workbench is still starting; try again in a moment")
        return self.client.prepare(target, spec).as_http()

    def attach_services(
        self,
        *,
        sender: Sender,
        collector: CollectorServer | None = None,
        history: HistoryStore | None = None,
        collector_status: str | None = None,
    ) -> None:
        """Hand over what loaded after the window was shown (see ``workbench.app.run``)."""
        self.client = sender
        self.controller.client = sender
        self.follow.client = sender
        self.collector = collector
        self.history = history
        self.set_collector_status(collector_status or self._default_collector_status())
        self.set_targets(self.settings.targets)
        self.services_attached.emit()

    @property
    def collector(self) -> CollectorServer | None:
        """The running embedded collector, or None (set when it starts, stops, restarts)."""
        return self._collector

    @collector.setter
    def collector(self, server: CollectorServer | None) -> None:
        self._collector = server
        self.collector_actions.collector = server

    @property
    def history(self) -> HistoryStore | None:
        """The history store, or None (not loaded yet, or it could not open)."""
        return self._history

    @history.setter
    def history(self, store: HistoryStore | None) -> None:
        self._history = store
        self.controller.history = store
        self.opener.history = store

    @property
    def ready(self) -> bool:
        """True once a sender is there (sending and Copy as work)."""
        return self.client is not None

    # --- extension points for panels --------------------------------------------------------
    def attach_panels(self, panels: InstalledPanels) -> None:
        """Keep what ``workbench.app`` installed (the panels, the teaching and support tools)."""
        self.panels = panels

    def add_dock(
        self,
        widget: QWidget,
        area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea,
        title: str = "",
        *,
        object_name: str | None = None,
        shortcut: str | None = None,
        visible: bool = True,
        tab_with: str | None = None,
    ) -> QDockWidget:
        """Put *widget* in a dock with a toggle in the View menu; its state is saved.
        With *tab_with* (a dock's object name) it is a tab beside that dock."""
        return self.dock_layout.add_dock(
            widget,
            area,
            title,
            object_name=object_name,
            shortcut=shortcut,
            visible=visible,
            tab_with=tab_with,
        )

    def first_start_layout(self) -> None:
        """Share the window between the docks, the composer and the answer by its size
        (see :meth:`DockLayout.first_start_layout`)."""
        self.dock_layout.first_start_layout()

    def share_centre(self) -> None:
        """Composer and answer share the centre (at least what the composer needs)."""
        self.dock_layout.share_centre()

    def collapsed_docks(self) -> list[str]:
        return self.dock_layout.collapsed_docks()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.dock_layout.window_shown()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.painted:
            # Queued: the children paint in this same pass; the signal comes after the frame.
            self.painted = True
            QTimer.singleShot(0, self.first_painted.emit)

    def set_history_recording(self, on: bool) -> None:
        """Turn recording of exchanges in history on or off, and keep the choice."""
        self.settings.history_enabled = on
        self.controller.recording = on
        if self.settings_file is not None:
            try:
                saved = self.settings_file.load()
                saved.history_enabled = on
                self.settings_file.save(saved)
            except OSError as exc:
                self.statusBar().showMessage(f"Could not save the history setting: {exc}")
                return
        self.statusBar().showMessage(
            "Exchanges are recorded in history" if on else "History recording is off"
        )

    def open_exchange(self, exchange: Exchange, *, title: str | None = None) -> None:
        """Show an exchange (from history, a file...) in the response panel."""
        self.response_panel.show_exchange(exchange, title=title)
        self.offer_open_for(exchange)
        self.exchange_status.show_exchange(exchange)
        self.exchange_shown.emit(exchange)

    def offer_open_for(self, exchange: Exchange | None) -> None:
        """*Open* a profile/session only for answers of the running embedded collector:
        an answer pasted, opened from a file or sent elsewhere names ids it does not hold."""
        collector = self.collector
        ours = (
            collector is not None
            and exchange is not None
            and exchange.target.kind == "embedded"
            and exchange.target.base_url.rstrip("/") == collector.url.rstrip("/")
        )
        self.response_panel.debugger.set_can_open(ours)

    def load_request(
        self, payload: Any, route: str | None = None, target: str | None = None
    ) -> None:
        """Put a payload (and optionally its route and target name) in the composer."""
        self.composer.load_request(payload, route, target)

    def set_targets(self, remote: list[TargetSettings]) -> None:
        """Offer the embedded collector first, then *remote* targets (from settings)."""
        self.load_demo_action.setEnabled(self.collector is not None)
        embedded = self.collector_actions.embedded_target()
        targets = [embedded, *(t for t in remote if t.name != EMBEDDED_TARGET_NAME)]
        self.composer.request_bar.set_targets(targets)
        self.targets_changed.emit(targets)

    # --- sending ----------------------------------------------------------------------------
    def send(self) -> int | None:
        """Validate, confirm when invalid, and send in the background; returns the sequence."""
        self.composer.clear_error()
        if self.client is None:
            self.statusBar().showMessage("Still starting: the sender is not ready yet.", 4000)
            return None
        try:
            spec = self.composer.build_spec()
        except PayloadNotReady as exc:
            self.composer.show_error(
                str(exc), "Fix the JSON in the Raw JSON tab, then send.", until_json_parses=True
            )
            return None
        issues = self.composer.validate_now()
        if issues and not _prompts().ask_send_invalid(self, issues):
            self.statusBar().showMessage("Not sent: the payload has validation issues.", 5000)
            return None
        target = self.composer.current_target()
        seq = self.controller.send(target, spec)
        self.composer.mark_clean()  # sent: history keeps it
        return seq

    def cancel(self) -> None:
        if self.controller.cancel():
            self.statusBar().showMessage("Cancelling…", 3000)

    def _on_controller_busy_changed(self, busy: bool) -> None:
        if busy:
            self._elapsed_timer.start()
            self._on_elapsed_timer_timeout()
        else:
            self._elapsed_timer.stop()
            self.composer.set_busy(False, "")

    def _on_controller_history_failed(self, problem: str) -> None:
        self.exchange_status.history_failed(problem)
        self.statusBar().showMessage(f"Not saved in history: {problem}")

    def _on_controller_history_resumed(self) -> None:
        self.exchange_status.history_resumed()
        self.statusBar().showMessage("History is being saved again.", 5000)

    def _on_elapsed_timer_timeout(self) -> None:
        self.composer.set_busy(True, f"Sending… {self.controller.elapsed():.1f} s")

    def _on_controller_exchange_finished(self, exchange: Exchange, stale: bool) -> None:
        result = exchange
        self.follow.learn_event_types(exchange)
        self.exchange_recorded.emit(exchange)
        if stale:
            self.statusBar().showMessage(
                "An older request answered after a newer one started; it is in history "
                "but not shown.",
                6000,
            )
            return
        self.response_panel.show_exchange(exchange)
        self.offer_open_for(exchange)
        self.exchange_status.show_exchange(exchange)
        if result.error is not None:
            self.composer.show_error(result.error.message, window_hint(result))
            if result.status is None:
                self.response_panel.tabs.setCurrentIndex(0)
        self.follow.answer_arrived(exchange)
        self.exchange_shown.emit(exchange)

    def _on_controller_exchange_crashed(self, _seq: int, message: str) -> None:
        self.composer.show_error(
            f"Sending failed inside Workbench: {message}",
            "This is a bug; the log has the details. The request may not have been sent.",
        )

    def _on_composer_target_changed(self, target: TargetSettings) -> None:
        self.follow.show_remembered_identity(target)
        self.collector_actions.target_changed(target)

    # --- delegated to collaborators (public entry points) ---------------------------------------
    def open_entity(self, kind: str, ident: str) -> None:
        """Open a stored profile/session/event of the embedded collector in its own window."""
        self.collector_actions.open_entity(kind, ident)

    def load_demo_flow(self) -> None:
        """Collector → Load demo flow (asks before replacing a flow that holds anything)."""
        self.collector_actions.load_demo_flow()

    def ask_open_file(self) -> None:
        self.opener.ask_open_file()

    def open_file(self, path: str) -> None:
        """Read a response/debug JSON file in the background and show it."""
        self.opener.open_file(path)

    def paste_response(self) -> bool:
        """Show JSON from the clipboard (a response or an exchange someone sent)."""
        return self.opener.paste_response()

    def focus_search(self) -> None:
        """Focus the search box of the JSON tree in view (debugger section, body or request)."""
        focus_search(self.response_panel)

    def cycle_tab(self, step: int) -> None:
        """Next/previous tab of the tab widget holding the focus (else the response tabs)."""
        cycle_tab(self.response_panel.tabs, step)

    def _on_tools_notice(self, text: str) -> None:
        self.statusBar().showMessage(text, 4000)

    def show_shortcuts(self) -> ShortcutsDialog:
        """Help → Shortcuts: every action with a key, in a table."""
        from workbench.ui.shortcuts_dialog import ShortcutsDialog

        dialog = ShortcutsDialog(self.shortcut_actions, self)
        dialog.show()
        self.shortcuts_dialog = dialog
        return dialog

    def shortcut_table(self) -> list[tuple[str, str]]:
        from workbench.ui.shortcuts_dialog import shortcut_rows

        return shortcut_rows(self.shortcut_actions)

    # --- closing ---------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """Save geometry and splitters, cancel sends and wait for background work."""
        if self.state_file is not None:
            save_window_state(
                self.state_file, self, self._splitters(), collapsed=self.collapsed_docks()
            )
        self.controller.cancel()
        self.runner.wait_for_done(10_000)
        if self._owns_sender and self.client is not None:
            self.client.close()
        super().closeEvent(event)


def _prompts() -> type[Prompts]:
    """The dialogs (QFileDialog, QMessageBox...) load on first use, after the first paint."""
    from workbench.ui.prompts import Prompts

    return Prompts
