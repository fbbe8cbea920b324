"""The mapping rule form: event type, condition, and its operations one row each."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.flow.operations import KINDS
from workbench.ui.teaching.condition_edit import ConditionEdit
from workbench.ui.teaching.flow_form_base import FIELD_PATH, DefinitionForm, FormError

__all__ = ["OperationRow", "RuleForm"]


class OperationRow(QFrame):
    """One operation of a rule as a form: what, which profile field, from where.

    Signals:
        edited(): a field changed.
        remove_requested(): the × button was pressed.
    """

    edited = Signal()
    remove_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.op = QComboBox(self)
        self.op.addItems(list(KINDS))
        self.op.setObjectName("op")
        self.target = QLineEdit(self)
        self.target.setObjectName("target")
        self.target.setPlaceholderText("profile@traits.plan")
        self.source_kind = QComboBox(self)
        self.source_kind.addItems(["from a field", "a value"])
        self.source = QLineEdit(self)
        self.source.setObjectName("source")
        self.unique = QCheckBox("unique", self)
        self.unique.setToolTip("append: skip a value the list already holds")
        remove = QPushButton("×", self)
        remove.setToolTip("Remove this operation")
        remove.setFixedWidth(28)
        remove.clicked.connect(self.remove_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.op)
        layout.addWidget(self.target, 3)
        layout.addWidget(self.source_kind)
        layout.addWidget(self.source, 3)
        layout.addWidget(self.unique)
        layout.addWidget(remove)
        for signal in (self.op.currentIndexChanged, self.source_kind.currentIndexChanged):
            signal.connect(self._on_changed)
        self.target.textEdited.connect(lambda _t: self.edited.emit())
        self.source.textEdited.connect(lambda _t: self.edited.emit())
        self.unique.toggled.connect(lambda _on: self.edited.emit())
        self._on_changed()

    def _on_changed(self) -> None:
        kind = self.op.currentText()
        takes_source = kind != "delete"
        self.source_kind.setEnabled(takes_source)
        self.source.setEnabled(takes_source)
        self.unique.setEnabled(kind == "append")
        if kind != "append":
            self.unique.setChecked(False)
        self.source.setPlaceholderText(
            "event@properties.plan" if self.source_kind.currentIndex() == 0 else '1, "pro", true'
        )
        self.edited.emit()

    def load(self, operation: dict[str, Any]) -> None:
        self.op.setCurrentText(str(operation.get("op", "set")))
        self.target.setText(str(operation.get("target", "")))
        if "value" in operation:
            self.source_kind.setCurrentIndex(1)
            self.source.setText(json.dumps(operation["value"], ensure_ascii=False))
        else:
            self.source_kind.setCurrentIndex(0)
            self.source.setText(str(operation.get("from", "")))
        self.unique.setChecked(bool(operation.get("unique", False)))

    def build(self, index: int) -> dict[str, Any]:
        out: dict[str, Any] = {"op": self.op.currentText(), "target": self.target.text().strip()}
        if out["op"] != "delete":
            text = self.source.text().strip()
            if self.source_kind.currentIndex() == 0:
                out["from"] = text
            else:
                try:
                    out["value"] = json.loads(text)
                except ValueError:
                    raise FormError(
                        f"operations[{index}].value",
                        'a value is JSON: a number (1), text in quotes ("pro"), true or false',
                    ) from None
        if self.unique.isChecked():
            out["unique"] = True
        return out

    def widget_for(self, part: str | None) -> QWidget:
        return {"op": self.op, "target": self.target, "unique": self.unique}.get(
            part or "", self.source if part in ("from", "value") else self.target
        )


class RuleForm(DefinitionForm):
    kind = "rules"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.id_edit = self._line("id", "Id", "e.g. plan-from-sign-up")
        self.name_edit = self._line("name", "Name")
        self.event_type = QComboBox(self)
        self.event_type.setEditable(True)
        self.event_type.setObjectName("field-event_type")
        self.event_type.addItem("*")
        self.event_type.editTextChanged.connect(lambda _t: self.edited.emit())
        self.form.addRow("Event type", self.event_type)
        self.fields["event_type"] = self.event_type
        self.description_edit = self._line("description", "Description")
        self.enabled_box = self._check("enabled", "Enabled")
        self.condition = ConditionEdit(("event", "session", "profile"), self)
        self.condition.edited.connect(self.edited)
        self.form.addRow("Condition", self.condition)
        self.fields["condition"] = self.condition.editor
        self.operations_box = QVBoxLayout()
        self.operations_box.setSpacing(4)
        holder = QWidget(self)
        holder.setObjectName("field-operations")
        holder.setLayout(self.operations_box)
        self.fields["operations"] = holder
        add = QPushButton("Add operation", self)
        add.setObjectName("addOperation")
        add.clicked.connect(lambda: self.add_operation({"op": "set"}))
        self.form.addRow("Operations", holder)
        self.form.addRow("", add)
        self.rows: list[OperationRow] = []
        self.predefined = False
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addStretch(1)

    def set_event_types(self, types: list[str]) -> None:
        current = self.event_type.currentText()
        self.event_type.blockSignals(True)
        self.event_type.clear()
        self.event_type.addItems(["*", *sorted(set(types))])
        self.event_type.setCurrentText(current)
        self.event_type.blockSignals(False)

    def add_operation(self, operation: dict[str, Any]) -> OperationRow:
        row = OperationRow(self)
        row.load(operation)
        row.edited.connect(self.edited)
        row.remove_requested.connect(lambda: self._remove(row))
        self.rows.append(row)
        self.operations_box.addWidget(row)
        self.edited.emit()
        return row

    def _remove(self, row: OperationRow) -> None:
        self.rows.remove(row)
        row.deleteLater()
        self.edited.emit()

    def _load(self, item: dict[str, Any]) -> None:
        self.id_edit.setText(str(item.get("id", "")))
        self.name_edit.setText(str(item.get("name", "")))
        self.event_type.setCurrentText(str(item.get("event_type", "")))
        self.description_edit.setText(str(item.get("description", "")))
        self.enabled_box.setChecked(bool(item.get("enabled", True)))
        self.condition.set_text(str(item.get("condition") or ""))
        self.predefined = bool(item.get("predefined", False))
        for row in self.rows:
            row.deleteLater()
        self.rows = []
        for operation in item.get("operations") or [{"op": "set"}]:
            if isinstance(operation, dict):
                self.add_operation(operation)

    def build(self) -> dict[str, Any]:
        if self.condition.check() is not None:
            raise FormError("condition", str(self.condition.error))
        out: dict[str, Any] = {
            "id": self.id_edit.text().strip(),
            "event_type": self.event_type.currentText().strip(),
            "operations": [row.build(i) for i, row in enumerate(self.rows)],
            "enabled": self.enabled_box.isChecked(),
        }
        if self.name_edit.text().strip():
            out["name"] = self.name_edit.text().strip()
        if self.condition.text.strip():
            out["condition"] = self.condition.text
        if self.description_edit.text().strip():
            out["description"] = self.description_edit.text().strip()
        if self.predefined:
            out["predefined"] = True
        return out

    def widget_for(self, field: str) -> QWidget | None:
        match = FIELD_PATH.match(field)
        if match is not None and match.group(1) == "operations" and match.group(2) is not None:
            index = int(match.group(2))
            if index < len(self.rows):
                return self.rows[index].widget_for(match.group(3))
        return super().widget_for(field)

    def _all_marked(self) -> list[QWidget]:
        widgets = super()._all_marked()
        for row in self.rows:
            widgets += [row.op, row.target, row.source, row.unique]
        return widgets
