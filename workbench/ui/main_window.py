"""The Workbench window: composer on the left, the answer on the right, panels in docks.

The window wires pieces together and reacts to them; it does no I/O of its own:
sending goes through :class:`~workbench.ui.send_controller.SendController` (the
task runner), history and collections are stores handed in by ``workbench.app``.

For the panels (engineer F), the extension points are:

* :meth:`MainWindow.add_dock` — put a widget in a dock (toggle in *View*, state saved);
* :meth:`MainWindow.open_exchange` — show an exchange dict (e.g. from history);
* :meth:`MainWindow.load_request` — put a payload/route/target in the composer;
* :meth:`MainWindow.set_targets` — after the targets dialog saved;
* signals :attr:`exchange_recorded` (every send, stale ones too) and
  :attr:`exchange_shown`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QPaintEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QWidget,
)

from workbench.settings import EMBEDDED_TARGET_NAME, Settings, TargetSettings
from workbench.ui.composer.composer import Composer, PayloadNotReady
from workbench.ui.composer.tools import ComposerTools
from workbench.ui.exchange_status import ExchangeStatus
from workbench.ui.response_panel import ResponsePanel, load_json_file
from workbench.ui.send_controller import SendController
from workbench.ui.tasks import TaskOutcome, TaskRunner
from workbench.ui.widgets.json_view import JsonView
from workbench.ui.window_state import restore_window_state, save_window_state

# Dialogs (prompts, entity, shortcuts) are imported where they open: not before the first paint.
if TYPE_CHECKING:
    from workbench.client import Sender, SendResult
    from workbench.ui.prompts import Prompts
    from workbench.ui.shortcuts_dialog import ShortcutsDialog

__all__ = ["WINDOW_TITLE", "MainWindow"]

WINDOW_TITLE = "Workbench — Tracardi event debugger"
DEFAULT_EMBEDDED_URL = "http://127.0.0.1:8686"
DOCK_WIDTH, DOCK_HEIGHT = 300, 210


class MainWindow(QMainWindow):
    """The main window. See the module docstring for the panel extension points.

    Signals:
        exchange_recorded(dict): a send finished and was recorded (stale ones too).
        exchange_shown(dict): an exchange is now shown in the response panel.
        targets_changed(list): the target list changed (``set_targets``).
        services_attached(): sender, collector and history arrived (``attach_services``).
        first_painted(): the window drew its first frame (emitted once, from the event loop).
        demo_flow_loaded(): Collector → Load demo flow finished.
    """

    exchange_recorded = Signal(dict)
    exchange_shown = Signal(dict)
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
        history: Any = None,
        collections: Any = None,
        collector: Any = None,
        collector_status: str | None = None,
        state_file: Path | None = None,
        services_pending: bool = False,
    ) -> None:
        super().__init__()
        self.setWindowTitle(WINDOW_TITLE)
        self.setObjectName("workbenchMainWindow")
        self.settings = settings or Settings()
        # With services_pending the sender, collector and history arrive later through
        # attach_services(): the window shows while httpx and uvicorn are still loading.
        self._owns_sender = sender is None and not services_pending
        if self._owns_sender:
            from workbench.client import Sender

            sender = Sender()
        self.sender: Sender | None = sender
        self.runner = runner or TaskRunner(self)
        self.history = history
        self.collections = collections
        self.collector = collector
        self.state_file = state_file
        self.shortcut_actions: list[QAction] = []
        self.docks: dict[str, QDockWidget] = {}
        self._unsized_docks: list[tuple[QDockWidget, Qt.DockWidgetArea]] = []
        self._seen_types: set[str] = set()
        self.painted = False

        self.composer = Composer(self)
        self.tools = ComposerTools(
            self.composer,
            collections=collections,
            prepare=self._prepare_http,
        )
        self.tools.notice.connect(self._on_tools_notice)
        self.response_panel = ResponsePanel(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.composer)
        self.splitter.addWidget(self.response_panel)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([640, 640])
        self.setCentralWidget(self.splitter)

        self.controller = SendController(self.sender, self.runner, history, self)
        self.controller.exchange_finished.connect(self._on_controller_exchange_finished)
        self.controller.exchange_crashed.connect(self._on_controller_exchange_crashed)
        self.controller.busy_changed.connect(self._on_controller_busy_changed)
        self._elapsed_timer = QTimer(self)
        self._elapsed_timer.setInterval(100)
        self._elapsed_timer.timeout.connect(self._on_elapsed_timer_timeout)

        self.composer.send_requested.connect(self.send)
        self.composer.cancel_requested.connect(self.cancel)
        self.composer.target_changed.connect(self._on_composer_target_changed)
        self.composer.connect_identity(self._on_form_new_visit, self._on_form_forget_profile)
        self.response_panel.file_dropped.connect(self.open_file)
        self.response_panel.debugger.open_requested.connect(self.open_entity)

        if services_pending and collector_status is None:
            collector_status = "Collector: starting…"
        self._build_status_bar(collector_status)
        self._build_menus()
        self.set_targets(self.settings.targets)
        self._default_size()
        if state_file is not None:
            restore_window_state(state_file, self, self._splitters())

    # --- building -------------------------------------------------------------------------
    def _build_status_bar(self, collector_status: str | None) -> None:
        self.exchange_status = ExchangeStatus(self.statusBar())
        self.status_code_label = self.exchange_status.status_code_label
        self.time_label = self.exchange_status.time_label
        self.size_label = self.exchange_status.size_label
        self.collector_label = self.exchange_status.collector_label
        self.set_collector_status(collector_status or self._default_collector_status())

    def _default_size(self) -> None:
        screen = QGuiApplication.primaryScreen()
        available = screen.availableGeometry() if screen is not None else None
        width, height = 1360, 840
        if available is not None:
            width = min(width, available.width() - 40)
            height = min(height, available.height() - 60)
        self.resize(max(width, 800), max(height, 560))

    def _default_collector_status(self) -> str:
        if self.collector is None:
            return "Collector: not running"
        note = getattr(self.collector, "port_note", None)
        text = f"Collector: {self.collector.url}"
        return f"{text} ({note})" if note else text

    def set_collector_status(self, text: str) -> None:
        """Show the embedded collector's state (URL, port note, or why it is not running)."""
        self.exchange_status.set_collector(text)

    def _action(
        self, menu: Any, text: str, slot: Any, shortcuts: tuple[str, ...] = (), tip: str = ""
    ) -> QAction:
        action = QAction(text, self)
        if shortcuts:
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.shortcut_actions.append(action)
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&Open response or debug JSON…", self.ask_open_file, ("Ctrl+O",))
        self._action(file_menu, "&Paste response JSON", self.paste_response, ("Ctrl+Shift+V",))
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, ("Ctrl+Q",))

        request_menu = bar.addMenu("&Request")
        self.send_action = self._action(
            request_menu, "&Send", self.send, ("Ctrl+Return", "Ctrl+Enter")
        )
        self.cancel_action = self._action(request_menu, "&Cancel", self.cancel, ("Esc",))
        self._action(
            request_menu,
            "&New visit (new session id)",
            lambda: self.composer.form.new_visit(),
            ("Ctrl+Shift+N",),
        )
        self._action(request_menu, "&Forget profile", lambda: self.composer.form.forget_profile())
        request_menu.addSeparator()
        self._action(request_menu, "&Validate now", self.composer.validate_now, ("Ctrl+Shift+E",))
        self._action(
            request_menu, "Save to &collection…", self.tools.save_to_collection, ("Ctrl+S",)
        )
        self._action(
            request_menu, "Copy as c&url", lambda: self.tools.copy_as("curl"), ("Ctrl+Shift+U",)
        )
        self._action(request_menu, "&Paste curl…", self.tools.ask_and_paste_curl)

        self.view_menu = bar.addMenu("&View")
        self._action(self.view_menu, "Focus &search", self.focus_search, ("Ctrl+F",))
        self._action(
            self.view_menu, "&Next tab", lambda: self.cycle_tab(1), ("Ctrl+PgDown", "Ctrl+Tab")
        )
        self._action(
            self.view_menu,
            "&Previous tab",
            lambda: self.cycle_tab(-1),
            ("Ctrl+PgUp", "Ctrl+Shift+Tab"),
        )
        self._action(self.view_menu, "Show &Raw JSON / Form", self._toggle_raw, ("Ctrl+Shift+R",))
        self.view_menu.addSeparator()

        self.collector_menu = bar.addMenu("&Collector")
        self.load_demo_action = self._action(
            self.collector_menu,
            "Load &demo flow",
            self.load_demo_flow,
            tip="Put the demo event flow (schemas, rules, segments) into the embedded collector",
        )
        self.load_demo_action.setEnabled(False)  # until the collector runs

        self.help_menu = bar.addMenu("&Help")
        self._action(self.help_menu, "&Shortcuts", self.show_shortcuts, ("F1",))

    def _splitters(self) -> dict[str, QSplitter]:
        return {
            "main": self.splitter,
            "composer": self.composer.splitter,
            "events": self.composer.form.events_editor.splitter,
        }

    def _prepare_http(self, target: TargetSettings, spec: Any) -> Any:
        if self.sender is None:
            raise ValueError("Workbench is still starting; try again in a moment")
        return self.sender.prepare(target, spec).as_http()

    def attach_services(
        self,
        *,
        sender: Sender,
        collector: Any = None,
        history: Any = None,
        collector_status: str | None = None,
    ) -> None:
        """Hand over what loaded after the window was shown (see ``workbench.app.run``)."""
        self.sender = sender
        self.controller.sender = sender
        self.collector = collector
        self.history = history
        self.controller.history = history
        self.set_collector_status(collector_status or self._default_collector_status())
        self.set_targets(self.settings.targets)
        self.services_attached.emit()

    @property
    def ready(self) -> bool:
        """True once a sender is there (sending and Copy as work)."""
        return self.sender is not None

    # --- extension points for panels --------------------------------------------------------
    def add_dock(
        self,
        widget: QWidget,
        area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea,
        title: str = "",
        *,
        object_name: str | None = None,
        shortcut: str | None = None,
        visible: bool = True,
    ) -> QDockWidget:
        """Put *widget* in a dock with a toggle in the View menu; its state is saved."""
        dock = QDockWidget(title or widget.windowTitle(), self)
        dock.setObjectName(object_name or f"dock-{(title or 'panel').lower().replace(' ', '-')}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        toggle = dock.toggleViewAction()
        if shortcut:
            toggle.setShortcut(QKeySequence(shortcut))
            self.shortcut_actions.append(toggle)
        self.view_menu.addAction(toggle)
        dock.setVisible(visible)
        self.docks[dock.objectName()] = dock
        restored = self.state_file is not None and restore_window_state(
            self.state_file, self, self._splitters()
        )
        if not restored:
            self._unsized_docks.append((dock, area))
            if self.isVisible():  # after the layout took the new dock in
                QTimer.singleShot(0, self._size_new_docks)
        return dock

    def _size_new_docks(self) -> None:
        """First start: docks stay modest so the composer and the answer keep the room."""
        for dock, area in self._unsized_docks:
            side = area in (
                Qt.DockWidgetArea.LeftDockWidgetArea,
                Qt.DockWidgetArea.RightDockWidgetArea,
            )
            self.resizeDocks(
                [dock],
                [DOCK_WIDTH if side else DOCK_HEIGHT],
                Qt.Orientation.Horizontal if side else Qt.Orientation.Vertical,
            )
        self._unsized_docks.clear()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._unsized_docks:
            QTimer.singleShot(0, self._size_new_docks)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.painted:
            # Queued: the children paint in this same pass; the signal comes after the frame.
            self.painted = True
            QTimer.singleShot(0, self.first_painted)

    def open_exchange(self, exchange: dict[str, Any], *, title: str | None = None) -> None:
        """Show an exchange dict (from history, a file...) in the response panel."""
        self.response_panel.show_exchange(exchange, title=title)
        self._show_status(exchange)
        self.exchange_shown.emit(exchange)

    def load_request(
        self, payload: Any, route: str | None = None, target: str | None = None
    ) -> None:
        """Put a payload (and optionally its route and target name) in the composer."""
        self.composer.load_request(payload, route, target)

    def set_targets(self, remote: list[TargetSettings]) -> None:
        """Offer the embedded collector first, then *remote* targets (from settings)."""
        self.load_demo_action.setEnabled(self.collector is not None)
        url = self.collector.url if self.collector is not None else DEFAULT_EMBEDDED_URL
        # The same target as workbench.client.embedded_target(url), built here so the
        # window does not import the client (httpx) before it is shown.
        embedded = TargetSettings(
            name=EMBEDDED_TARGET_NAME, base_url=url, kind="embedded", response_format="auto"
        )
        targets = [embedded, *(t for t in remote if t.name != EMBEDDED_TARGET_NAME)]
        self.composer.request_bar.set_targets(targets)
        self.targets_changed.emit(targets)

    # --- sending ----------------------------------------------------------------------------
    def send(self) -> int | None:
        """Validate, confirm when invalid, and send in the background; returns the sequence."""
        self.composer.clear_error()
        if self.sender is None:
            self.statusBar().showMessage("Still starting: the sender is not ready yet.", 4000)
            return None
        try:
            spec = self.composer.build_spec()
        except PayloadNotReady as exc:
            self.composer.show_error(str(exc), "Fix the JSON in the Raw JSON tab, then send.")
            return None
        issues = self.composer.validate_now()
        if issues and not _prompts().ask_send_invalid(self, issues):
            self.statusBar().showMessage("Not sent: the payload has validation issues.", 5000)
            return None
        target = self.composer.current_target()
        return self.controller.send(target, spec)

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

    def _on_elapsed_timer_timeout(self) -> None:
        self.composer.set_busy(True, f"Sending… {self.controller.elapsed():.1f} s")

    def _on_controller_exchange_finished(self, result: SendResult, stale: bool) -> None:
        exchange = result.to_dict()
        self._learn_event_types(exchange)
        self.exchange_recorded.emit(exchange)
        if stale:
            self.statusBar().showMessage(
                "An older request answered after a newer one started; it is in history "
                "but not shown.",
                6000,
            )
            return
        self.response_panel.show_exchange(exchange)
        self._show_status(exchange)
        if result.error is not None:
            self.composer.show_error(result.error.message, result.error.hint)
            if result.status is None:
                self.response_panel.tabs.setCurrentIndex(0)
        view = result.view
        if (
            view is not None
            and result.error is None
            and not self.composer.is_collect
            and not self.composer.raw_edit_in_progress()
        ):
            if view.profile_id:
                self.composer.form.set_profile_id(view.profile_id)
            if view.session_id:
                self.composer.form.set_session_id(view.session_id)
        self.exchange_shown.emit(exchange)

    def _learn_event_types(self, exchange: dict[str, Any]) -> None:
        """Offer the event types sent (and the server's, e.g. profile-created) in completion."""
        summary = exchange.get("summary") or {}
        view = exchange.get("view") or {}
        events = view.get("events") if isinstance(view, dict) else None
        found = list(summary.get("event_types") or [])
        if isinstance(events, dict):
            found += [t for t in events.get("types") or [] if isinstance(t, str)]
        new = [t for t in found if isinstance(t, str) and t and t not in self._seen_types]
        if new:
            self._seen_types.update(new)
            self.composer.form.events_editor.set_known_types(sorted(self._seen_types))

    def _on_controller_exchange_crashed(self, _seq: int, message: str) -> None:
        self.composer.show_error(
            f"Sending failed inside Workbench: {message}",
            "This is a bug; the log has the details. The request may not have been sent.",
        )

    def _show_status(self, exchange: dict[str, Any]) -> None:
        self.exchange_status.show_exchange(exchange)

    # --- identity ----------------------------------------------------------------------------
    def _source_id(self) -> str | None:
        try:
            return self.composer.build_spec().source_id
        except (PayloadNotReady, ValueError):
            return None

    def _on_form_new_visit(self, session_id: str) -> None:
        self.statusBar().showMessage(f"New visit: session {session_id}", 4000)

    def _on_form_forget_profile(self) -> None:
        if self.sender is None:
            return
        identity = self.sender.identity.forget_profile(
            self.composer.current_target(), self._source_id()
        )
        self.composer.form.set_session_id(identity.session_id)
        self.statusBar().showMessage("Profile forgotten: the next send is a first visit.", 4000)

    def _on_composer_target_changed(self, target: TargetSettings) -> None:
        self._show_remembered_identity(target)
        if target.kind != "embedded" or self.collector is None:
            self.response_panel.debugger.set_can_open(False)
            return
        self.response_panel.debugger.set_can_open(True)
        store = self.collector.store
        self.runner.submit(
            lambda: [s.id for s in store.list_sources()],
            channel="sources",
            on_done=self._on_sources_loaded,
        )

    def _show_remembered_identity(self, target: TargetSettings) -> None:
        """Each target keeps its own visitor (as the JS tracker does per site): show its ids."""
        if self.sender is None or self.composer.is_collect or self.composer.raw_edit_in_progress():
            return
        identity = self.sender.identity.get(target, self._source_id())
        self.composer.form.set_profile_id(identity.profile_id)
        self.composer.form.set_session_id(identity.session_id)

    def _on_sources_loaded(self, outcome: TaskOutcome) -> None:
        if outcome.ok and not outcome.stale:
            self.composer.form.set_sources(list(outcome.result))

    def open_entity(self, kind: str, ident: str) -> None:
        """Open a stored profile/session/event of the embedded collector in its own window."""
        if self.collector is None:
            return
        store = self.collector.store
        getter = {
            "profile": store.get_profile,
            "session": store.get_session,
            "event": store.get_event,
        }[kind]

        def show(outcome: TaskOutcome) -> None:
            from workbench.ui.entity_dialog import EntityDialog

            document = outcome.result if outcome.ok else None
            dialog = EntityDialog(kind, ident, document, self)
            dialog.show()

        self.runner.submit(getter, ident, channel=f"entity-{kind}", on_done=show)

    # --- the embedded collector's event flow ---------------------------------------------------
    def load_demo_flow(self) -> None:
        """Collector → Load demo flow: the shipped demo pack into the embedded collector.

        It replaces the collector's flow (schemas, rules, segments), so a flow that
        holds anything is only replaced after the user said yes.
        """
        collector = self.collector
        if collector is None:
            self.statusBar().showMessage("The embedded collector is not running.", 5000)
            return
        from workbench.collector.flow_routes import flow_store_of

        store = flow_store_of(collector.app)
        current = store.config
        sizes = (len(current.schemas), len(current.rules), len(current.segments))
        if any(sizes) and not _prompts().confirm(
            self,
            "Load the demo flow?",
            "The embedded collector's event flow has {} schemas, {} rules and {} segments. "
            "Replace them with the demo pack?".format(*sizes),
        ):
            return
        self.runner.submit(
            store.load_pack, "demo", channel="flow", on_done=self._on_demo_flow_loaded
        )

    def _on_demo_flow_loaded(self, outcome: TaskOutcome) -> None:
        if outcome.error is not None:
            self.composer.show_error(f"The demo flow was not loaded: {outcome.error}", "")
            return
        flow = outcome.result
        self.statusBar().showMessage(
            f"Demo flow loaded: {len(flow.schemas)} event schemas, {len(flow.rules)} rules, "
            f"{len(flow.segments)} segments. Send with the debugger on to see execution "
            "and segmentation.",
            8000,
        )
        self.demo_flow_loaded.emit()

    # --- opening responses --------------------------------------------------------------------
    def ask_open_file(self) -> None:
        path = _prompts().get_open_path(self)
        if path:
            self.open_file(path)

    def open_file(self, path: str) -> None:
        """Read a response/debug JSON file in the background and show it."""
        name = Path(path).name
        self.statusBar().showMessage(f"Opening {name}…")
        self.runner.submit(
            load_json_file,
            path,
            channel="open",
            on_done=lambda outcome: self._on_file_loaded(name, outcome),
        )

    def _on_file_loaded(self, name: str, outcome: TaskOutcome) -> None:
        if outcome.stale:
            return
        if outcome.error is not None:
            self.composer.show_error(f"Could not open {name}: {outcome.error}", "")
            self.statusBar().clearMessage()
            return
        self.response_panel.open_document(outcome.result, title=f"Opened {name}")
        self.statusBar().showMessage(f"Opened {name}", 4000)
        exchange = self.response_panel.exchange()
        if exchange is not None:
            self._show_status(exchange)
            self.exchange_shown.emit(exchange)

    def paste_response(self) -> bool:
        """Show JSON from the clipboard (a response or an exchange someone sent)."""
        text = QGuiApplication.clipboard().text()
        try:
            document = json.loads(text)
        except ValueError as exc:
            self.composer.show_error(
                f"The clipboard does not hold JSON: {exc}",
                "Copy the whole response body (or a history export line) and try again.",
            )
            return False
        self.response_panel.open_document(document, title="Pasted response")
        return True

    # --- navigation ----------------------------------------------------------------------------
    def focus_search(self) -> None:
        """Focus the search box of the JSON tree in view (debugger section, body or request)."""
        panel = self.response_panel
        current = panel.tabs.currentWidget()
        view: JsonView | None = None
        if current is panel.debugger:
            view = panel.debugger.current_tree()
        elif current is panel.body_tabs:
            panel.body_tabs.setCurrentWidget(panel.body_tree)
            view = panel.body_tree
        elif current is panel.request_tabs:
            panel.request_tabs.setCurrentWidget(panel.request_tree)
            view = panel.request_tree
        else:
            panel.tabs.setCurrentWidget(panel.body_tabs)
            panel.body_tabs.setCurrentWidget(panel.body_tree)
            view = panel.body_tree
        if view is not None:
            view.focus_search()

    def cycle_tab(self, step: int) -> None:
        """Next/previous tab of the tab widget holding the focus (else the response tabs)."""
        widget = QGuiApplication.focusObject()
        tabs: QTabWidget | None = None
        while isinstance(widget, QWidget):
            if isinstance(widget, QTabWidget):
                tabs = widget
                break
            widget = widget.parentWidget()
        tabs = tabs or self.response_panel.tabs
        if tabs.count():
            tabs.setCurrentIndex((tabs.currentIndex() + step) % tabs.count())

    def _toggle_raw(self) -> None:
        tabs = self.composer.tabs
        tabs.setCurrentIndex(1 - tabs.currentIndex())

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
            save_window_state(self.state_file, self, self._splitters())
        self.controller.cancel()
        self.runner.wait_for_done(10_000)
        if self._owns_sender and self.sender is not None:
            self.sender.close()
        super().closeEvent(event)


def _prompts() -> type[Prompts]:
    """The dialogs (QFileDialog, QMessageBox...) load on first use, after the first paint."""
    from workbench.ui.prompts import Prompts

    return Prompts
