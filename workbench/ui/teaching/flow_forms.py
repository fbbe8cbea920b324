"""The three forms of the flow editor: event schema, mapping rule, segment.

Each form loads one definition (the collector's JSON), builds it back from
its fields, checks what can be checked while the user types (conditions with
the position of a mistake underlined, JSON Schemas as they are written), and
marks the field the collector names when it refuses a definition. Forms never
talk to the collector themselves: the editor applies what :meth:`build` gives.

The segment and schema forms live here; the rule form (with its operation rows)
in :mod:`flow_rule_form`, the shared base in :mod:`flow_form_base`.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from workbench.core.flow.model import EventSchema
from workbench.core.flow.operations import DefinitionError
from workbench.ui.teaching.condition_edit import ConditionEdit
from workbench.ui.teaching.flow_form_base import DefinitionForm, FormError, mono
from workbench.ui.teaching.flow_rule_form import OperationRow, RuleForm

__all__ = [
    "ConditionEdit",
    "DefinitionForm",
    "FormError",
    "OperationRow",
    "RuleForm",
    "SchemaForm",
    "SegmentForm",
]


class SegmentForm(DefinitionForm):
    kind = "segments"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.id_edit = self._line("id", "Id", "e.g. big-spender")
        self.name_edit = self._line("name", "Name", "shown in lists (default: the id)")
        self.description_edit = self._line("description", "Description")
        self.enabled_box = self._check("enabled", "Enabled (profiles enter and leave it)")
        self.condition = ConditionEdit(("profile",), self)
        self.condition.edited.connect(self.edited)
        self.form.addRow("Condition", self.condition)
        self.fields["condition"] = self.condition.editor
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addStretch(1)

    def _load(self, item: dict[str, Any]) -> None:
        self.id_edit.setText(str(item.get("id", "")))
        self.name_edit.setText(str(item.get("name", "")))
        self.description_edit.setText(str(item.get("description", "")))
        self.enabled_box.setChecked(bool(item.get("enabled", True)))
        self.condition.set_text(str(item.get("condition", "")))

    def build(self) -> dict[str, Any]:
        if self.condition.check() is not None:
            raise FormError("condition", str(self.condition.error))
        out: dict[str, Any] = {
            "id": self.id_edit.text().strip(),
            "condition": self.condition.text,
            "enabled": self.enabled_box.isChecked(),
        }
        if self.name_edit.text().strip():
            out["name"] = self.name_edit.text().strip()
        if self.description_edit.text().strip():
            out["description"] = self.description_edit.text().strip()
        return out


class SchemaForm(DefinitionForm):
    kind = "schemas"
    key = "event_type"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.event_type_edit = self._line("event_type", "Event type", "e.g. purchase-order")
        self.description_edit = self._line("description", "Description")
        self.enabled_box = self._check("enabled", "Enabled (events of this type are validated)")
        self.properties_edit = self._json("properties", "properties schema")
        self.context_edit = self._json("context", "context schema")
        self.schema_verdict = QLabel(self)
        self.schema_verdict.setObjectName("schemaVerdict")
        self.schema_verdict.setWordWrap(True)
        self.schema_verdict.setTextFormat(Qt.TextFormat.PlainText)
        self.form.addRow("", self.schema_verdict)
        self.example_edit = QPlainTextEdit(self)
        self.example_edit.setObjectName("exampleEvent")
        mono(self.example_edit)
        self.example_edit.setFixedHeight(self.example_edit.fontMetrics().lineSpacing() * 4 + 12)
        self.example_edit.setPlaceholderText(
            '{"properties": {"product": "Nike shoes", "quantity": 1}}'
        )
        check = QPushButton("Check the example event", self)
        check.setObjectName("checkExample")
        check.clicked.connect(self.check_example)
        self.example_verdict = QLabel(self)
        self.example_verdict.setObjectName("exampleVerdict")
        self.example_verdict.setWordWrap(True)
        self.example_verdict.setTextFormat(Qt.TextFormat.PlainText)
        self.form.addRow("Example event", self.example_edit)
        self.form.addRow("", check)
        self.form.addRow("", self.example_verdict)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)

    def _json(self, name: str, label: str) -> QPlainTextEdit:
        edit = QPlainTextEdit(self)
        edit.setObjectName(f"field-{name}")
        mono(edit)
        edit.setPlaceholderText('{"type": "object", "required": ["product"]}   (empty: none)')
        edit.textChanged.connect(self._on_schema_text_changed)
        self.form.addRow(label.capitalize(), edit)
        self.fields[name] = edit
        return edit

    def _on_schema_text_changed(self) -> None:
        self.edited.emit()
        problem = self.local_problem()
        if problem is None:
            self.schema_verdict.setText("✓ The schemas read fine (JSON Schema draft 2020-12).")
            self.schema_verdict.setStyleSheet("color: #2e7d32;")
        else:
            self.schema_verdict.setText(f"✗ {problem.field}: {problem.message}")
            self.schema_verdict.setStyleSheet("color: #c62828;")

    def _load(self, item: dict[str, Any]) -> None:
        self.event_type_edit.setText(str(item.get("event_type", "")))
        self.description_edit.setText(str(item.get("description", "")))
        self.enabled_box.setChecked(bool(item.get("enabled", True)))
        for key, edit in (("properties", self.properties_edit), ("context", self.context_edit)):
            value = item.get(key)
            edit.setPlainText(
                "" if value is None else json.dumps(value, indent=2, ensure_ascii=False)
            )
        self.example_verdict.setText("")

    def _schema(self, key: str, edit: QPlainTextEdit) -> Any:
        text = edit.toPlainText().strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise FormError(
                key, f"not JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None

    def build(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "event_type": self.event_type_edit.text().strip(),
            "enabled": self.enabled_box.isChecked(),
        }
        for key, edit in (("properties", self.properties_edit), ("context", self.context_edit)):
            schema = self._schema(key, edit)
            if schema is not None:
                out[key] = schema
        if self.description_edit.text().strip():
            out["description"] = self.description_edit.text().strip()
        try:
            EventSchema.from_dict({**out, "event_type": out["event_type"] or "x"})
        except DefinitionError as exc:
            if exc.field in ("properties", "context"):
                raise FormError(exc.field, exc.message) from None
        return out

    def check_example(self) -> list[str]:
        """Validate the example event against the schemas in the form; show and return issues."""
        try:
            schema = EventSchema.from_dict({**self.build(), "event_type": "example"})
        except (FormError, DefinitionError) as exc:
            self.example_verdict.setText(f"✗ Fix the schema first: {exc}")
            self.example_verdict.setStyleSheet("color: #c62828;")
            return [str(exc)]
        text = self.example_edit.toPlainText().strip() or "{}"
        try:
            event = json.loads(text)
        except json.JSONDecodeError as exc:
            message = f"✗ The example is not JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}"
            self.example_verdict.setText(message)
            self.example_verdict.setStyleSheet("color: #c62828;")
            return [message]
        if not isinstance(event, dict):
            event = {"properties": event}
        if "properties" not in event and "context" not in event:
            event = {"properties": event}  # a bare properties object is the common case
        issues = [issue.message for issue in schema.validate(event)]
        if issues:
            self.example_verdict.setText("✗ Invalid:\n" + "\n".join(f"• {m}" for m in issues))
            self.example_verdict.setStyleSheet("color: #c62828;")
        else:
            self.example_verdict.setText("✓ The example event is valid.")
            self.example_verdict.setStyleSheet("color: #2e7d32;")
        return issues
