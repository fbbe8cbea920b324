"""Add, edit, remove and test the remote servers Workbench sends to.

The dialog edits copies of the settings' targets and writes them with
``SettingsFile.save`` only on *Save*. Passwords, tokens and secret header
values (``Authorization``, ``X-Api-Key``…) are masked until *Show secrets* is
ticked. *Test connection* runs on the task runner's threads and reports the
server's version, the response format it speaks and, with credentials, how many
event sources it has; those are offered to the composer's source picker through
``sources_loaded``.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.masking import MASK, is_secret_name
from workbench.settings import EMBEDDED_TARGET_NAME, SettingsFile, TargetSettings
from workbench.ui.panels.connection_check import ConnectionReport, check_connection
from workbench.ui.tasks import TaskOutcome, TaskRunner

__all__ = ["TargetsDialog", "validate_targets"]

RESPONSE_FORMATS = (
    ("auto", "Detect (GET /info/version)"),
    ("current", "Current (0.8.2+)"),
    ("0.8.1", "0.7.4 – 0.8.1"),
    ("documented", "Documented (≤ 0.7.3, debugging object)"),
)


def validate_targets(targets: list[TargetSettings]) -> str | None:
    """The first problem with *targets* (which target, which field), or None."""
    seen: set[str] = set()
    for number, target in enumerate(targets, start=1):
        label = f"target {number} ({target.name or 'unnamed'})"
        if not target.name.strip():
            return f"{label}: the name is empty"
        if target.name == EMBEDDED_TARGET_NAME:
            return f"{label}: {EMBEDDED_TARGET_NAME!r} is the built-in collector's name"
        if target.name in seen:
            return f"{label}: another target has the same name"
        seen.add(target.name)
        if not target.base_url.startswith(("http://", "https://")):
            return f"{label}: the URL must start with http:// or https://"
        if target.timeout <= 0:
            return f"{label}: the timeout must be more than 0 seconds"
        for name in target.headers:
            if not name.strip() or any(c in name for c in ":\r\n "):
                return f"{label}: header name {name!r} is not valid"
    return None


class TargetsDialog(QDialog):
    """List of remote targets and a form for the selected one.

    Signals:
        sources_loaded(str, list): target name and the event sources its server listed.
        targets_saved(list): the targets written to the settings file.
    """

    sources_loaded = Signal(str, list)
    targets_saved = Signal(list)

    def __init__(
        self,
        settings_file: SettingsFile,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Targets")
        self.resize(820, 520)
        self.settings_file = settings_file
        # Its own runner: a test still in flight is waited for when the dialog closes.
        self.runner = TaskRunner(self)
        self.targets: list[TargetSettings] = [
            copy.deepcopy(t) for t in settings_file.load().targets if t.kind != "embedded"
        ]
        self._current = -1
        self._loading_form = False
        self._headers: list[list[str]] = []
        self.last_report: ConnectionReport | None = None

        self.list = QListWidget(self)
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        self.add_button = QPushButton("Add", self)
        self.add_button.clicked.connect(self.add_target)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.clicked.connect(self.remove_current)

        self.name_edit = QLineEdit(self)
        self.url_edit = QLineEdit(self)
        self.url_edit.setPlaceholderText("https://tracardi.example.com:8686")
        self.context_combo = QComboBox(self)
        self.context_combo.setEditable(True)
        self.context_combo.addItems(["", "production", "staging"])
        self.context_combo.setToolTip("Sent as the x-context header (empty = not sent)")
        self.username_edit = QLineEdit(self)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit = QLineEdit(self)
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText("bearer token (instead of user name and password)")
        self.show_secrets_check = QCheckBox("Show secrets", self)
        self.show_secrets_check.toggled.connect(self._on_show_secrets_check_toggled)
        self.headers_table = QTableWidget(0, 2, self)
        self.headers_table.setHorizontalHeaderLabels(["Header", "Value"])
        self.headers_table.horizontalHeader().setStretchLastSection(True)
        self.headers_table.verticalHeader().setVisible(False)
        self.headers_table.itemChanged.connect(self._on_headers_table_item_changed)
        self.add_header_button = QPushButton("Add header", self)
        self.add_header_button.clicked.connect(self.add_header)
        self.remove_header_button = QPushButton("Remove header", self)
        self.remove_header_button.clicked.connect(self.remove_header)
        self.verify_check = QCheckBox("Verify TLS certificates", self)
        self.timeout_spin = QDoubleSpinBox(self)
        self.timeout_spin.setRange(0.5, 600)
        self.timeout_spin.setSuffix(" s")
        self.format_combo = QComboBox(self)
        for key, label in RESPONSE_FORMATS:
            self.format_combo.addItem(label, key)
        self.test_button = QPushButton("Test connection", self)
        self.test_button.clicked.connect(self.test_connection)
        self.result_label = QLabel(self)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label = QLabel(self)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setStyleSheet("color: #c62828")
        self.error_label.setWordWrap(True)

        for edit in (self.name_edit, self.url_edit, self.username_edit):
            edit.textEdited.connect(self._store_form)
        for edit in (self.password_edit, self.token_edit):
            edit.textEdited.connect(self._store_form)
        self.context_combo.currentTextChanged.connect(self._store_form)
        self.verify_check.toggled.connect(self._store_form)
        self.timeout_spin.valueChanged.connect(self._store_form)
        self.format_combo.currentIndexChanged.connect(self._store_form)

        header_buttons = QHBoxLayout()
        header_buttons.addWidget(self.add_header_button)
        header_buttons.addWidget(self.remove_header_button)
        header_buttons.addStretch(1)
        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("URL", self.url_edit)
        form.addRow("x-context", self.context_combo)
        form.addRow("User name", self.username_edit)
        form.addRow("Password", self.password_edit)
        form.addRow("Token", self.token_edit)
        form.addRow("", self.show_secrets_check)
        form.addRow("Headers", self.headers_table)
        form.addRow("", header_buttons)
        form.addRow("", self.verify_check)
        form.addRow("Timeout", self.timeout_spin)
        form.addRow("Response format", self.format_combo)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.result_label, 1)
        self.form_box = QWidget(self)
        form_layout = QVBoxLayout(self.form_box)
        form_layout.setContentsMargins(0, 0, 0, 0)
        form_layout.addLayout(form)
        form_layout.addLayout(test_row)
        form_layout.addStretch(1)

        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.add_button)
        list_buttons.addWidget(self.remove_button)
        left.addLayout(list_buttons)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addWidget(self.form_box, 3)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        self._refresh_list()
        self.list.setCurrentRow(0 if self.targets else -1)
        self._load_form()

    # -- list --------------------------------------------------------------------------------
    def _refresh_list(self) -> None:
        current = self._current
        self.list.blockSignals(True)
        self.list.clear()
        for target in self.targets:
            self.list.addItem(target.name or "(unnamed)")
        self.list.setCurrentRow(current)
        self.list.blockSignals(False)

    def current_target(self) -> TargetSettings | None:
        return self.targets[self._current] if 0 <= self._current < len(self.targets) else None

    def add_target(self) -> None:
        names = {t.name for t in self.targets}
        name = next(
            f"Tracardi {n}" for n in range(1, len(names) + 2) if f"Tracardi {n}" not in names
        )
        self.targets.append(TargetSettings(name=name, base_url="http://localhost:8686"))
        self._current = len(self.targets) - 1
        self._refresh_list()
        self._load_form()
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def remove_current(self) -> None:
        if self.current_target() is None:
            return
        del self.targets[self._current]
        self._current = min(self._current, len(self.targets) - 1)
        self._refresh_list()
        self._load_form()

    @Slot(int)
    def _on_list_current_row_changed(self, row: int) -> None:
        self._current = row
        self._load_form()

    # -- form --------------------------------------------------------------------------------
    def _load_form(self) -> None:
        target = self.current_target()
        self.form_box.setEnabled(target is not None)
        self.remove_button.setEnabled(target is not None)
        self.result_label.clear()
        self._loading_form = True
        try:
            target = target or TargetSettings(name="", base_url="")
            self.name_edit.setText(target.name)
            self.url_edit.setText(target.base_url)
            self.context_combo.setCurrentText(target.x_context or "")
            self.username_edit.setText(target.username or "")
            self.password_edit.setText(target.password or "")
            self.token_edit.setText(target.token or "")
            self.verify_check.setChecked(target.verify_tls)
            self.timeout_spin.setValue(target.timeout)
            self.format_combo.setCurrentIndex(
                max(0, self.format_combo.findData(target.response_format))
            )
            self._headers = [[k, v] for k, v in target.headers.items()]
            self._fill_headers_table()
        finally:
            self._loading_form = False

    def _fill_headers_table(self) -> None:
        reveal = self.show_secrets_check.isChecked()
        self._loading_form, was_loading = True, self._loading_form
        try:
            self.headers_table.setRowCount(len(self._headers))
            for row, (name, value) in enumerate(self._headers):
                secret = is_secret_name(name) and bool(value) and not reveal
                name_item = QTableWidgetItem(name)
                value_item = QTableWidgetItem(MASK if secret else value)
                if secret:
                    value_item.setFlags(value_item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    value_item.setToolTip("Tick 'Show secrets' to see or edit this value")
                self.headers_table.setItem(row, 0, name_item)
                self.headers_table.setItem(row, 1, value_item)
        finally:
            self._loading_form = was_loading

    def add_header(self) -> None:
        self._headers.append(["", ""])
        self._fill_headers_table()
        item = self.headers_table.item(len(self._headers) - 1, 0)
        if item is not None:
            self.headers_table.editItem(item)

    def remove_header(self) -> None:
        row = self.headers_table.currentRow()
        if 0 <= row < len(self._headers):
            del self._headers[row]
            self._fill_headers_table()
            self._store_form()

    @Slot(QTableWidgetItem)
    def _on_headers_table_item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading_form or not 0 <= item.row() < len(self._headers):
            return
        text = item.text()
        if item.column() == 1 and text == MASK:
            return
        self._headers[item.row()][item.column()] = text.strip() if item.column() == 0 else text
        if item.column() == 0:
            self._fill_headers_table()  # a renamed header may become (or stop being) secret
        self._store_form()

    @Slot(bool)
    def _on_show_secrets_check_toggled(self, reveal: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if reveal else QLineEdit.EchoMode.Password
        self.password_edit.setEchoMode(mode)
        self.token_edit.setEchoMode(mode)
        self._fill_headers_table()

    def form_target(self) -> TargetSettings:
        """The target as the form shows it now."""
        current = self.current_target()
        return TargetSettings(
            name=self.name_edit.text().strip(),
            base_url=self.url_edit.text().strip(),
            kind="remote",
            x_context=self.context_combo.currentText().strip() or None,
            username=self.username_edit.text().strip() or None,
            password=self.password_edit.text() or None,
            token=self.token_edit.text().strip() or None,
            headers={name: value for name, value in self._headers if name},
            timeout=float(self.timeout_spin.value()),
            verify_tls=self.verify_check.isChecked(),
            response_format=self.format_combo.currentData(),
            variables=dict(current.variables) if current else {},
        )

    def _store_form(self, *_: Any) -> None:
        if self._loading_form or self.current_target() is None:
            return
        self.targets[self._current] = self.form_target()
        item = self.list.item(self._current)
        if item is not None:
            item.setText(self.targets[self._current].name or "(unnamed)")

    # -- test and save -----------------------------------------------------------------------
    def test_connection(self) -> None:
        """Ask the server (in the background) for its version and, with credentials, its sources."""
        target = self.form_target()
        self.test_button.setEnabled(False)
        self.result_label.setText(f"Connecting to {target.base_url}…")
        self.runner.submit(
            check_connection, target, channel="target-test", on_done=self._on_test_done
        )

    def _on_test_done(self, outcome: TaskOutcome) -> None:
        self.test_button.setEnabled(True)
        if outcome.stale:
            return
        if not outcome.ok:
            self.result_label.setText(f"Could not connect: {outcome.error}")
            return
        report: ConnectionReport = outcome.result
        self.last_report = report
        self.result_label.setText(report.describe())
        if report.sources:
            self.sources_loaded.emit(self.form_target().name, report.sources)

    def save(self) -> None:
        """Validate and write the targets to the settings file, then close."""
        self._store_form()
        problem = validate_targets(self.targets)
        if problem:
            self.error_label.setText(f"Not saved: {problem}")
            return
        settings = self.settings_file.load()
        embedded = [t for t in settings.targets if t.kind == "embedded"]
        settings.targets = embedded + [copy.deepcopy(t) for t in self.targets]
        try:
            self.settings_file.save(settings)
        except OSError as exc:
            self.error_label.setText(f"Not saved: {self.settings_file.path}: {exc}")
            return
        self.targets_saved.emit(list(self.targets))
        self.accept()

    def done(self, result: int) -> None:
        self.runner.wait_for_done(5_000)  # a test in flight must not outlive the dialog
        super().done(result)

    @classmethod
    def edit_targets(
        cls, parent: QWidget | None, settings_file: SettingsFile
    ) -> list[TargetSettings] | None:
        """Show the dialog modally; the saved targets, or None when cancelled."""
        dialog = cls(settings_file, parent)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return list(dialog.targets)
            return None
        finally:
            dialog.deleteLater()
