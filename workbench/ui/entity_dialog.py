"""A non-modal window showing one stored profile, session or event of the embedded collector."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from workbench.ui.widgets.json_view import JsonView

__all__ = ["EntityDialog"]


class EntityDialog(QDialog):
    """Shows *document* (a stored ``kind``) as a JSON tree; paths copy as ``kind@...``."""

    def __init__(self, kind: str, ident: str, document: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(f"{kind.capitalize()} {ident} — Workbench")
        self.resize(720, 560)
        header = QLabel(self)
        header.setTextFormat(Qt.TextFormat.PlainText)
        header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.view = JsonView(self, dot_root=kind)
        if document is None:
            header.setText(f"The embedded collector has no {kind} with id {ident}.")
        else:
            header.setText(f"{kind.capitalize()} {ident} as stored by the embedded collector")
            self.view.set_document(document, dot_root=kind)
            self.view.expand_to_depth(1)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(self.view, 1)
