"""Add or edit one event source of the embedded collector.

The fields are checked by the collector's own ``source_from_dict`` so the
dialog and the collector agree on what a valid source is; the reason a value
is refused is shown under the form, naming the field.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from workbench.collector.sources import EventSource, source_from_dict

__all__ = ["SourceDialog"]


class SourceDialog(QDialog):
    """Form for an ``EventSource``: id, name, REST/webhook, enabled, consent, description."""

    def __init__(
        self,
        parent: QWidget | None = None,
        source: EventSource | None = None,
        taken_ids: set[str] | frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit event source" if source else "Add event source")
        self._editing = source
        self._taken = set(taken_ids) - ({source.id} if source else set())
        self.result_source: EventSource | None = None

        self.id_edit = QLineEdit(self)
        self.id_edit.setPlaceholderText("e.g. my-website")
        self.name_edit = QLineEdit(self)
        self.rest_check = QCheckBox("REST (/track)", self)
        self.webhook_check = QCheckBox("Webhook (/collect/…)", self)
        self.enabled_check = QCheckBox("Enabled", self)
        self.consent_check = QCheckBox("Requires consent", self)
        self.description_edit = QLineEdit(self)
        self.error_label = QLabel(self)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setStyleSheet("color: #c62828")
        self.error_label.setWordWrap(True)

        if source is None:
            self.rest_check.setChecked(True)
            self.enabled_check.setChecked(True)
        else:
            self.id_edit.setText(source.id)
            self.id_edit.setReadOnly(True)
            self.id_edit.setToolTip("A source's id cannot change; add a new source instead.")
            self.name_edit.setText(source.name)
            self.rest_check.setChecked("rest" in source.type)
            self.webhook_check.setChecked("webhook" in source.type)
            self.enabled_check.setChecked(source.enabled)
            self.consent_check.setChecked(source.requires_consent)
            self.description_edit.setText(source.description)

        types = QHBoxLayout()
        types.addWidget(self.rest_check)
        types.addWidget(self.webhook_check)
        types.addStretch(1)
        form = QFormLayout()
        form.addRow("Id", self.id_edit)
        form.addRow("Name", self.name_edit)
        form.addRow("Accepts", types)
        form.addRow("", self.enabled_check)
        form.addRow("", self.consent_check)
        form.addRow("Description", self.description_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def form_data(self) -> dict[str, Any]:
        types = [
            name
            for name, box in (("rest", self.rest_check), ("webhook", self.webhook_check))
            if box.isChecked()
        ]
        return {
            "id": self.id_edit.text(),
            "name": self.name_edit.text() or self.id_edit.text(),
            "type": types,
            "enabled": self.enabled_check.isChecked(),
            "requires_consent": self.consent_check.isChecked(),
            "description": self.description_edit.text() or "No description provided",
        }

    def build(self) -> EventSource:
        """The source the form describes; ``ValueError`` naming the field when it is not valid."""
        source = source_from_dict(self.form_data())
        if source.id in self._taken:
            raise ValueError(f"id: a source with id {source.id!r} exists already")
        return source

    def accept(self) -> None:
        try:
            self.result_source = self.build()
        except ValueError as exc:
            self.error_label.setText(str(exc))
            return
        super().accept()

    @classmethod
    def edit(
        cls,
        parent: QWidget | None,
        source: EventSource | None,
        taken_ids: set[str] | frozenset[str] = frozenset(),
    ) -> EventSource | None:
        """Show the dialog modally; the new or edited source, or None when cancelled."""
        dialog = cls(parent, source, taken_ids)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.result_source
            return None
        finally:
            dialog.deleteLater()
