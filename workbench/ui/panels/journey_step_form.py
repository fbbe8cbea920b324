"""A form for one journey step: name, route, identity switches, payload, expectations, captures.

The form edits a step as the journey document holds it (a plain dict) and
announces every change with :attr:`StepForm.step_edited`; it never parses the
whole journey. Expectation and capture values are typed as YAML (``200``,
``{ge: 1}``, ``true``); the payload as JSON. A cell or payload that does not
parse is marked and left out of the step until it does, so nothing typed is
lost and nothing half-typed is sent.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.answer_paths import ROOTS
from workbench.core.journey.source import SourceError, inline_yaml, load_text

__all__ = ["StepForm"]

_ROUTES = ("track", "profile-less", "collect/TYPE/SOURCE")
_BAD = QColor(255, 220, 220)


class _PairTable(QTableWidget):
    """Two columns of text (path → value or name → path) with add/remove."""

    def __init__(self, headers: tuple[str, str], parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setHorizontalHeaderLabels(list(headers))
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setVisible(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )

    def set_pairs(self, pairs: list[tuple[str, str]]) -> None:
        self.blockSignals(True)
        self.setRowCount(0)
        for key, value in pairs:
            self._append(key, value)
        self.blockSignals(False)

    def _append(self, key: str, value: str) -> None:
        row = self.rowCount()
        self.insertRow(row)
        self.setItem(row, 0, QTableWidgetItem(key))
        self.setItem(row, 1, QTableWidgetItem(value))

    def add_row(self) -> None:
        self._append("", "")
        self.setCurrentCell(self.rowCount() - 1, 0)
        item = self.item(self.rowCount() - 1, 0)
        if item is not None:
            self.editItem(item)

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.selectedIndexes()}, reverse=True)
        for row in rows:
            self.removeRow(row)
        if rows:
            self.cellChanged.emit(0, 0)

    def pairs(self) -> list[tuple[int, str, str]]:
        out = []
        for row in range(self.rowCount()):
            key = self.item(row, 0)
            value = self.item(row, 1)
            out.append((row, key.text().strip() if key else "", value.text() if value else ""))
        return out

    def mark(self, row: int, column: int, bad: bool, tip: str = "") -> None:
        item = self.item(row, column)
        if item is None:
            return
        self.blockSignals(True)
        item.setBackground(_BAD if bad else QColor(0, 0, 0, 0))
        item.setToolTip(tip)
        self.blockSignals(False)


def _buttons(table: _PairTable, parent: QWidget, what: str) -> QHBoxLayout:
    row = QHBoxLayout()
    add = QPushButton(f"Add {what}", parent)
    remove = QPushButton("Remove", parent)
    add.clicked.connect(table.add_row)
    remove.clicked.connect(table.remove_selected)
    row.addWidget(add)
    row.addWidget(remove)
    row.addStretch(1)
    return row


class StepForm(QWidget):
    """Edits one step dict.

    Signals:
        step_edited(dict): the step as the form now holds it (valid parts only).
    """

    step_edited = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._step: dict[str, Any] = {}
        self._loading = False
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText("what this step proves, e.g. returning visit")
        self.route_combo = QComboBox(self)
        self.route_combo.setEditable(True)
        self.route_combo.addItems(_ROUTES)
        self.route_combo.setToolTip("track, profile-less or collect/TYPE/SOURCE[/SESSION]")
        self.new_visit_check = QCheckBox("New visit (new session)", self)
        self.forget_check = QCheckBox("Forget profile (first visit)", self)
        self.wait_spin = QSpinBox(self)
        self.wait_spin.setRange(0, 1_000_000)
        self.wait_spin.setSpecialValueText("no wait")
        self.wait_spin.setToolTip("wait until this many events are stored (embedded collector)")
        self.wait_type_edit = QLineEdit(self)
        self.wait_type_edit.setPlaceholderText("event type (any)")
        self.payload_edit = QPlainTextEdit(self)
        self.payload_edit.setPlaceholderText('{"source": {"id": "source-id"}, "events": [...]}')
        self.payload_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.payload_note = QLabel(self)
        self.payload_note.setTextFormat(Qt.TextFormat.PlainText)
        self.payload_note.setWordWrap(True)
        self.expect_table = _PairTable(("Path", "Expected (YAML: 200, {ge: 1}, true)"), self)
        self.expect_table.setToolTip("roots: " + ", ".join(ROOTS))
        self.capture_table = _PairTable(("Variable", "Path"), self)

        identity = QVBoxLayout()
        identity.addWidget(self.new_visit_check)
        identity.addWidget(self.forget_check)
        wait = QHBoxLayout()
        wait.addWidget(self.wait_spin)
        wait.addWidget(self.wait_type_edit, 1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Name", self.name_edit)
        form.addRow("Route", self.route_combo)
        form.addRow("Identity", identity)
        form.addRow("Wait", wait)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(QLabel("Payload (JSON)", self))
        layout.addWidget(self.payload_edit, 3)
        layout.addWidget(self.payload_note)
        layout.addWidget(QLabel("Expect", self))
        layout.addWidget(self.expect_table, 2)
        layout.addLayout(_buttons(self.expect_table, self, "expectation"))
        layout.addWidget(QLabel("Capture", self))
        layout.addWidget(self.capture_table, 1)
        layout.addLayout(_buttons(self.capture_table, self, "capture"))

        self._payload_timer = QTimer(self)
        self._payload_timer.setSingleShot(True)
        self._payload_timer.setInterval(300)
        self._payload_timer.timeout.connect(self._on_payload_timer_timeout)
        self.name_edit.textEdited.connect(self._edited)
        self.route_combo.currentTextChanged.connect(self._edited)
        self.new_visit_check.toggled.connect(self._edited)
        self.forget_check.toggled.connect(self._edited)
        self.wait_spin.valueChanged.connect(self._edited)
        self.wait_type_edit.textEdited.connect(self._edited)
        self.payload_edit.textChanged.connect(self._on_payload_edit_text_changed)
        self.expect_table.cellChanged.connect(self._edited)
        self.capture_table.cellChanged.connect(self._edited)

    # -- loading ----------------------------------------------------------------------------

    def set_step(self, step: dict[str, Any] | None) -> None:
        """Show *step* (``None``: an empty, disabled form)."""
        self._loading = True
        try:
            self._step = dict(step or {})
            self.setEnabled(step is not None)
            step = self._step
            self.name_edit.setText(str(step.get("name") or ""))
            self.route_combo.setCurrentText(str(step.get("route") or "track"))
            self.new_visit_check.setChecked(bool(step.get("new_visit")))
            self.forget_check.setChecked(bool(step.get("forget_profile")))
            wait = step.get("wait")
            count = wait.get("count") if isinstance(wait, dict) else wait
            self.wait_spin.setValue(count if isinstance(count, int) else 0)
            kind = wait.get("type") if isinstance(wait, dict) else None
            self.wait_type_edit.setText(str(kind or ""))
            send = step.get("send")
            self.payload_edit.setPlainText(
                json.dumps(send, indent=2, ensure_ascii=False) if send is not None else ""
            )
            self.payload_note.setText(
                f"Read from {send['file']} (relative to the journey); edit the text to inline it."
                if isinstance(send, dict) and set(send) == {"file"}
                else ""
            )
            given = step.get("expect")
            expect: dict[str, Any] = given if isinstance(given, dict) else {}
            self.expect_table.set_pairs([(str(k), inline_yaml(v)) for k, v in expect.items()])
            given = step.get("capture")
            capture: dict[str, Any] = given if isinstance(given, dict) else {}
            self.capture_table.set_pairs([(str(k), str(v)) for k, v in capture.items()])
        finally:
            self._loading = False

    # -- editing ----------------------------------------------------------------------------

    def _on_payload_edit_text_changed(self) -> None:
        if not self._loading:
            self._payload_timer.start()

    def _on_payload_timer_timeout(self) -> None:
        self._edited()

    def flush(self) -> None:
        """Apply a pending payload edit now (before a save or a run)."""
        if self._payload_timer.isActive():
            self._payload_timer.stop()
            self._edited()

    def _edited(self, *_: Any) -> None:
        if self._loading:
            return
        self.step_edited.emit(self.current_step())

    def current_step(self) -> dict[str, Any]:
        """The step as the form holds it; fields that do not parse keep their old value."""
        step = dict(self._step)
        name = self.name_edit.text().strip()
        _put(step, "name", name or None)
        route = self.route_combo.currentText().strip()
        _put(step, "route", None if route in ("", "track") else route)
        _put(step, "new_visit", True if self.new_visit_check.isChecked() else None)
        _put(step, "forget_profile", True if self.forget_check.isChecked() else None)
        count = self.wait_spin.value()
        kind = self.wait_type_edit.text().strip()
        old_wait = step.get("wait")
        if count <= 0:
            _put(step, "wait", None)
        elif kind or isinstance(old_wait, dict):
            wait: dict[str, Any] = dict(old_wait) if isinstance(old_wait, dict) else {}
            wait["count"] = count
            _put(wait, "type", kind or None)
            step["wait"] = wait
        else:
            step["wait"] = count
        text = self.payload_edit.toPlainText().strip()
        try:
            payload = json.loads(text) if text else {}
        except json.JSONDecodeError as exc:
            self.payload_note.setText(
                f"Not JSON yet (line {exc.lineno}, column {exc.colno}: {exc.msg}); not applied."
            )
        else:
            if isinstance(payload, dict):
                step["send"] = payload
                if set(payload) != {"file"}:
                    self.payload_note.setText("")
            else:
                self.payload_note.setText("The payload must be a JSON object; not applied.")
        expect: dict[str, Any] = {}
        for row, path, value in self.expect_table.pairs():
            if not path:
                continue
            try:
                expect[path] = load_text(value).document if value.strip() else None
            except SourceError as exc:
                self.expect_table.mark(row, 1, True, str(exc))
                old = (self._step.get("expect") or {}).get(path)
                if old is not None:
                    expect[path] = old
                continue
            self.expect_table.mark(row, 1, False)
        _put(step, "expect", expect or None)
        capture = {name: path for _row, name, path in self.capture_table.pairs() if name and path}
        _put(step, "capture", capture or None)
        self._step = step
        return dict(step)


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value
