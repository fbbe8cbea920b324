"""The embedded collector, seen and steered: state, URL, switches, traffic, sources, data.

The header says whether the collector runs (and on which URL, with a copy
button), or why it does not; when it has a token (it is bound beyond loopback, or
one was given) the token is there too, masked, with Show and Copy. Start/stop, the
port, the response format, the debugger switch and the source check sit beside it.
Below, three tabs: live traffic, the event sources editor and the stored
profiles/sessions/events.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.collector.durability import RELAXED_RISK
from workbench.ui.panels.collector_control import CollectorController, CollectorState
from workbench.ui.panels.local_data import LocalDataView
from workbench.ui.panels.sources_editor import SourcesEditor
from workbench.ui.panels.traffic_view import LiveTrafficView

__all__ = ["CollectorPanel"]

_STATE_COLOURS = {
    CollectorState.RUNNING: "#2e7d32",
    CollectorState.ERROR: "#c62828",
    CollectorState.STARTING: "#f9a825",
    CollectorState.STOPPING: "#f9a825",
    CollectorState.STOPPED: "#757575",
}
FORMATS = (
    ("documented", "Documented — Tracardi 0.7.3 (debugging block)"),
    ("counters", "Counters — Tracardi 0.7.4–0.8.1 (saved counts)"),
    ("current", "Current — Tracardi 0.8.2+ (ids only)"),
)


class CollectorPanel(QWidget):
    """Controls and views of the embedded collector.

    Signals:
        url_changed(str): the collector's base URL ("" when it is not running).
    """

    url_changed = Signal(str)

    def __init__(self, controller: CollectorController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._shown_notices: set[str] = set()
        config = controller.config

        self.state_label = QLabel(self)
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)
        self.state_label.setWordWrap(True)
        self.state_label.setObjectName("collectorState")
        self.url_edit = QLineEdit(self)
        self.url_edit.setReadOnly(True)
        self.url_edit.setPlaceholderText("not running")
        self.copy_url_button = QToolButton(self)
        self.copy_url_button.setText("Copy")
        self.copy_url_button.setToolTip("Copy the collector's URL")
        self.copy_url_button.clicked.connect(self.copy_url)
        # The token (only when the collector has one): masked, shown on demand, copied.
        self.token_label = QLabel("Token", self)
        self.token_edit = QLineEdit(self)
        self.token_edit.setReadOnly(True)
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setAccessibleName("collector token")
        self.token_edit.setMaximumWidth(300)
        # Room for a generated token (32 characters) without scrolling it.
        self.token_edit.setMinimumWidth(self.token_edit.fontMetrics().horizontalAdvance("M" * 26))
        self.token_edit.setToolTip(
            "Admin and /_workbench/* routes need it as `Authorization: Bearer <token>` (or "
            "?token= on the collector's own pages); tracking routes stay open."
        )
        self.show_token_button = QToolButton(self)
        self.show_token_button.setText("Show")
        self.show_token_button.setCheckable(True)
        self.show_token_button.setToolTip("Show or hide the token")
        self.show_token_button.toggled.connect(self._on_show_token_button_toggled)
        self.copy_token_button = QToolButton(self)
        self.copy_token_button.setText("Copy token")
        self.copy_token_button.setToolTip("Copy the token (for a Bearer header or ?token=)")
        self.copy_token_button.clicked.connect(self.copy_token)
        self.token_hint = QLabel(
            "Admin and /_workbench/* routes need it (Authorization: Bearer); tracking stays open.",
            self,
        )
        self.token_hint.setTextFormat(Qt.TextFormat.PlainText)
        self._token_widgets = (
            self.token_label,
            self.token_edit,
            self.show_token_button,
            self.copy_token_button,
            self.token_hint,
        )
        for widget in self._token_widgets:
            widget.hide()
        self.start_stop_button = QPushButton("Start", self)
        self.start_stop_button.clicked.connect(self._on_start_stop_button_clicked)
        self.port_spin = QSpinBox(self)
        self.port_spin.setRange(0, 65535)
        self.port_spin.setValue(config.port)
        self.port_spin.setToolTip("Port on 127.0.0.1 (0 = any free port); applied by a restart")
        self.port_spin.editingFinished.connect(self._on_port_spin_editing_finished)
        self.format_combo = QComboBox(self)
        for key, label in FORMATS:
            self.format_combo.addItem(label, key)
        self.format_combo.setCurrentIndex(
            max(0, self.format_combo.findData(config.response_format))
        )
        self.format_combo.setToolTip(
            "Which Tracardi release the collector answers as: the /track response shape, "
            "system events and GET /info/version follow it"
        )
        self.format_combo.currentIndexChanged.connect(self._on_format_combo_changed)
        self.debugger_check = QCheckBox("Debugger", self)
        self.debugger_check.setChecked(config.debugger)
        self.debugger_check.setToolTip(
            "Honour options.debugger (off imitates a production server, TRACK_DEBUG=no)"
        )
        self.debugger_check.toggled.connect(self._on_debugger_check_toggled)
        self.source_check = QCheckBox("Check sources", self)
        self.source_check.setChecked(not config.accept_any_source)
        self.source_check.setToolTip(
            "Reject unknown or disabled event sources with 401 "
            "(off = ENABLE_EVENT_SOURCE_CHECK=no, any source id is accepted)"
        )
        self.source_check.toggled.connect(self._on_source_check_toggled)
        self.durable_check = QCheckBox("Durable", self)
        self.durable_check.setChecked(config.durability == "durable")
        self.durable_check.setToolTip(
            "On: a tracking request is answered only once its events are written and "
            "fsync'ed (nothing answered 200 is lost in a crash).\n"
            f"Off (relaxed, for load tests): {RELAXED_RISK}."
        )
        self.durable_check.toggled.connect(self._on_durable_check_toggled)
        self.note_label = QLabel(self)
        self.note_label.setTextFormat(Qt.TextFormat.PlainText)
        self.note_label.setWordWrap(True)
        self.note_label.hide()

        # One line of controls: the dock is wide and low, every row of it is traffic lost.
        self.url_edit.setMaximumWidth(260)
        # Room for a loopback URL with any port: on a 1280-wide screen the row is full
        # and the edit would show it scrolled, its "h" cut off.
        url_width = self.url_edit.fontMetrics().horizontalAdvance("http://127.0.0.1:65535")
        self.url_edit.setMinimumWidth(url_width + 16)
        row1 = QHBoxLayout()
        row1.setContentsMargins(0, 0, 0, 0)
        row1.addWidget(self.state_label)
        row1.addWidget(self.url_edit, 1)
        row1.addWidget(self.copy_url_button)
        row1.addWidget(self.start_stop_button)
        row1.addSpacing(8)
        row1.addWidget(QLabel("Port", self))
        row1.addWidget(self.port_spin)
        row1.addWidget(QLabel("Response", self))
        row1.addWidget(self.format_combo)
        row1.addWidget(self.debugger_check)
        row1.addWidget(self.source_check)
        row1.addWidget(self.durable_check)
        row1.addStretch(1)

        self.traffic = LiveTrafficView(controller.bridge, self)
        self.sources = SourcesEditor(self)
        self.local_data = LocalDataView(self)
        self.traffic.details.debugger_view.open_requested.connect(self.open_local)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.traffic, "Live traffic")
        self.tabs.addTab(self.sources, "Sources")
        self.tabs.addTab(self.local_data, "Local data")
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(3)
        layout.addLayout(row1)
        # Its own line, shown only with a token (a class on a LAN): the URL keeps its room.
        token_row = QHBoxLayout()
        token_row.setContentsMargins(0, 0, 0, 0)
        for widget in self._token_widgets:
            token_row.addWidget(widget)
        token_row.addStretch(1)
        layout.addLayout(token_row)
        layout.addWidget(self.note_label)
        layout.addWidget(self.tabs, 1)

        controller.state_changed.connect(self._on_controller_state_changed)
        self._on_controller_state_changed(controller.state, controller.reason)

    # -- actions -----------------------------------------------------------------------------
    def refresh_state(self) -> None:
        """Show the controller's current state (after it was set without a signal)."""
        self._on_controller_state_changed(self.controller.state, self.controller.reason)

    def copy_url(self) -> str:
        url = self.controller.url
        if url:
            QGuiApplication.clipboard().setText(url)
        return url

    def token(self) -> str:
        """The running collector's token ("" when it has none: loopback only)."""
        server = self.controller.server
        return (server.token or "") if server is not None else ""

    def copy_token(self) -> str:
        token = self.token()
        if token:
            QGuiApplication.clipboard().setText(token)
            window = self.window()
            if isinstance(window, QMainWindow):
                window.statusBar().showMessage("Token copied to the clipboard.", 4000)
        return token

    def open_local(self, kind: str, ident: str) -> bool:
        """Show a profile/session/event of the embedded collector (e.g. from a debugger id)."""
        self.tabs.setCurrentWidget(self.local_data)
        return self.local_data.open_id(kind, ident)

    # -- slots -------------------------------------------------------------------------------
    @Slot()
    def _on_start_stop_button_clicked(self) -> None:
        if self.controller.state == CollectorState.RUNNING:
            self.controller.stop()
        else:
            self.controller.start()

    @Slot()
    def _on_port_spin_editing_finished(self) -> None:
        self.controller.set_port(self.port_spin.value())

    def _reconfigure(self, **fields: object) -> None:
        try:
            self.controller.reconfigure(**fields)
            self._set_note(self.controller.port_note or "")
        except ValueError as exc:
            self._set_note(f"Not changed: {exc}")

    def _set_note(self, text: str) -> None:
        self.note_label.setText(text)
        self.note_label.setVisible(bool(text))

    @Slot(bool)
    def _on_show_token_button_toggled(self, shown: bool) -> None:
        self.token_edit.setEchoMode(
            QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        )
        self.show_token_button.setText("Hide" if shown else "Show")

    @Slot(int)
    def _on_format_combo_changed(self, index: int) -> None:
        self._reconfigure(response_format=self.format_combo.itemData(index))

    @Slot(bool)
    def _on_debugger_check_toggled(self, on: bool) -> None:
        self._reconfigure(debugger=on)

    @Slot(bool)
    def _on_source_check_toggled(self, on: bool) -> None:
        self._reconfigure(accept_any_source=not on)

    @Slot(bool)
    def _on_durable_check_toggled(self, on: bool) -> None:
        self._reconfigure(durability="durable" if on else "relaxed")
        if not on:
            self._set_note(f"Relaxed durability: the collector {RELAXED_RISK}.")

    @Slot(int)
    def _on_tabs_current_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.local_data:
            self.local_data.refresh()
        elif self.tabs.widget(index) is self.sources and self.sources.model.store is not None:
            selected = self.sources.selected_source()
            self.sources.model.reload()  # sources may change through the admin API too
            if selected is not None:
                self.sources.select_source(selected.id)

    @Slot(str, str)
    def _on_controller_state_changed(self, state: str, reason: str) -> None:
        colour = _STATE_COLOURS.get(state, "#757575")
        text = {
            CollectorState.RUNNING: "● Running",
            CollectorState.STARTING: "● Starting…",
            CollectorState.STOPPING: "● Stopping…",
            CollectorState.STOPPED: "● Stopped",
            CollectorState.ERROR: "● Error",
        }.get(state, state)
        self.state_label.setText(text)
        self.state_label.setStyleSheet(f"color: {colour}; font-weight: bold")
        self.start_stop_button.setText("Stop" if state == CollectorState.RUNNING else "Start")
        self.start_stop_button.setEnabled(
            state not in (CollectorState.STARTING, CollectorState.STOPPING)
        )
        url = self.controller.url
        server = self.controller.server
        port = server.port if server is not None else None
        if port:  # the port it runs on (a taken port moved it), not only the one asked for
            self.port_spin.blockSignals(True)
            self.port_spin.setValue(port)
            self.port_spin.blockSignals(False)
        self.url_edit.setText(url)
        self.copy_url_button.setEnabled(bool(url))
        token = self.token() if state == CollectorState.RUNNING else ""
        self.token_edit.setText(token)
        for widget in self._token_widgets:
            widget.setVisible(bool(token))
        if state == CollectorState.ERROR:
            self._set_note(f"The collector is not running: {reason}")
        else:
            self._set_note(self.controller.port_note or "")
        server = self.controller.server
        for notice in list(server.store.notices) if server is not None else []:
            if notice.message not in self._shown_notices:  # each store notice once
                self._shown_notices.add(notice.message)
                self._set_note("\n".join(filter(None, [self.note_label.text(), notice.message])))
        server = self.controller.server
        store = server.store if server is not None else None
        self.sources.set_store(store, url)
        # The production data set is shown as it is, without opening it (no files made).
        production = server.contexts if server is not None else None
        self.local_data.set_store(
            store, (lambda: production.peek("production")) if production is not None else None
        )
        self.url_changed.emit(url)
