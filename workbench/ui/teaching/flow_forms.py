"""The three forms of the flow editor: event schema, mapping rule, segment.

Each form loads one definition (the collector's JSON), builds it back from
its fields, checks what can be checked while the user types (conditions with
the position of a mistake underlined, JSON Schemas as they are written), and
marks the field the collector names when it refuses a definition. Forms never
talk to the collector themselves: the editor applies what :meth:`build` gives.
"""

from __future__ import annotations

import json
import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFontDatabase, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from workbench.core.flow.conditions import Condition, ConditionError
from workbench.core.flow.model import EventSchema
from workbench.core.flow.operations import KINDS, DefinitionError

__all__ = [
    "ConditionEdit",
    "DefinitionForm",
    "FormError",
    "OperationRow",
    "RuleForm",
    "SchemaForm",
    "SegmentForm",
]

_INVALID = "border: 2px solid #c62828;"
_FIELD = re.compile(r"^(\w+)(?:\[(\d+)\])?(?:\.(\w+))?")


class FormError(ValueError):
    """A field the form itself can tell is wrong (JSON that does not parse...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _mono(widget: QWidget) -> None:
    widget.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))


def _mark(widget: QWidget, message: str) -> None:
    widget.setStyleSheet(_INVALID)
    widget.setToolTip(message)
    widget.setProperty("invalid", True)


def _unmark(widget: QWidget) -> None:
    if widget.property("invalid"):
        widget.setStyleSheet("")
        widget.setToolTip("")
        widget.setProperty("invalid", False)


class ConditionEdit(QWidget):
    """A condition editor that checks as you type and underlines the mistake.

    Signals:
        edited(): the text changed.
    """

    edited = Signal()

    def __init__(self, roots: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.roots = roots
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("conditionEditor")
        _mono(self.editor)
        self.editor.setFixedHeight(self.editor.fontMetrics().lineSpacing() * 4 + 12)
        self.editor.setPlaceholderText(
            " or ".join(f"{r}@field exists" for r in roots[:2]) + "   (empty: always)"
            if len(roots) > 1
            else "profile@stats.views >= 3"
        )
        self.verdict = QLabel(self)
        self.verdict.setObjectName("conditionVerdict")
        self.verdict.setTextFormat(Qt.TextFormat.PlainText)
        self.verdict.setWordWrap(True)
        _mono(self.verdict)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor)
        layout.addWidget(self.verdict)
        self.error: ConditionError | None = None
        self.editor.textChanged.connect(self._on_editor_text_changed)

    @property
    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        self.editor.setPlainText(text)
        self.check()

    def check(self) -> ConditionError | None:
        """Parse the text now; show the verdict and underline the mistake's character."""
        text = self.text
        self.error = None
        selections: list[QTextEdit.ExtraSelection] = []
        if not text.strip():
            self.verdict.setText(
                "No condition: the rule runs for every event of its type."
                if len(self.roots) > 1
                else "A segment needs a condition."
            )
            self.verdict.setStyleSheet(
                "color: palette(mid);" if len(self.roots) > 1 else "color: #c62828;"
            )
        else:
            try:
                Condition.parse(text, roots=self.roots)
            except ConditionError as exc:
                self.error = exc
                self.verdict.setText(
                    f"✗ {exc.message} (character {exc.position + 1})\n{exc.pointer()}"
                )
                self.verdict.setStyleSheet("color: #c62828;")
                selection = QTextEdit.ExtraSelection()
                fmt = QTextCharFormat()
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                fmt.setUnderlineColor(QColor("#c62828"))
                fmt.setBackground(QColor(198, 40, 40, 60))
                selection.format = fmt  # type: ignore[attr-defined]
                cursor = QTextCursor(self.editor.document())
                position = min(exc.position, max(len(text) - 1, 0))
                cursor.setPosition(position)
                cursor.setPosition(min(position + 1, len(text)), QTextCursor.MoveMode.KeepAnchor)
                selection.cursor = cursor  # type: ignore[attr-defined]
                selections.append(selection)
            else:
                self.verdict.setText("✓ The condition reads fine.")
                self.verdict.setStyleSheet("color: #2e7d32;")
        self.editor.setExtraSelections(selections)
        return self.error

    def _on_editor_text_changed(self) -> None:
        self.check()
        self.edited.emit()


class DefinitionForm(QWidget):
    """Common ground of the three forms.

    Signals:
        edited(): any field changed (the editor enables Apply).
    """

    edited = Signal()
    kind = ""
    key = "id"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.fields: dict[str, QWidget] = {}
        self.original_id: str | None = None

    def _line(self, name: str, label: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(f"field-{name}")
        edit.setPlaceholderText(placeholder)
        edit.textEdited.connect(lambda _text: self.edited.emit())
        self.form.addRow(label, edit)
        self.fields[name] = edit
        return edit

    def _check(self, name: str, label: str) -> QCheckBox:
        box = QCheckBox(label, self)
        box.setObjectName(f"field-{name}")
        box.toggled.connect(lambda _on: self.edited.emit())
        self.form.addRow("", box)
        self.fields[name] = box
        return box

    # -- the editor's side ----------------------------------------------------------------

    def load(self, item: dict[str, Any] | None) -> None:
        """Show *item* (None: a blank new definition)."""
        self.clear_marks()
        self.original_id = None if item is None else str(item.get(self.key, ""))
        self._load(item or {})

    def _load(self, item: dict[str, Any]) -> None:
        raise NotImplementedError

    def build(self) -> dict[str, Any]:
        """The definition the fields hold; :class:`FormError` for what the form can tell."""
        raise NotImplementedError

    def local_problem(self) -> FormError | None:
        """What is wrong before asking the collector (None when nothing the form can see)."""
        try:
            self.build()
        except FormError as exc:
            return exc
        return None

    def widget_for(self, field: str) -> QWidget | None:
        match = _FIELD.match(field)
        if match is None:
            return None
        return self.fields.get(match.group(1))

    def mark(self, field: str, message: str) -> bool:
        """Mark the widget of *field* (a path such as ``condition``); False when none fits."""
        widget = self.widget_for(field)
        if widget is None:
            return False
        _mark(widget, message)
        return True

    def clear_marks(self) -> None:
        for widget in self._all_marked():
            _unmark(widget)

    def _all_marked(self) -> list[QWidget]:
        return list(self.fields.values())


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
        match = _FIELD.match(field)
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
        _mono(self.example_edit)
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
        _mono(edit)
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
