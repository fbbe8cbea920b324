"""A non-modal window showing one stored profile, session or event of the embedded collector."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from workbench.core.answer_paths import (
    DOCUMENT_ROOTS,
    AnswerRoots,
    format_answer_path,
    json_pointer,
)
from workbench.core.answer_places import search_path
from workbench.ui.widgets.json_view import JsonView

__all__ = ["EntityDialog"]


class EntityDialog(QDialog):
    """Shows *document* (a stored ``kind``) as a JSON tree; paths copy as ``kind@...``.

    A profile's or session's rows are named as journeys and the answer's trees name
    them (``profile@traits.email``), and such a path typed into the search selects
    its row.
    """

    def __init__(self, kind: str, ident: str, document: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(f"{kind.capitalize()} {ident} — Workbench")
        self.resize(720, 560)
        self.kind = kind
        header = QLabel(self)
        header.setTextFormat(Qt.TextFormat.PlainText)
        header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.view = JsonView(self, dot_root=kind)
        if kind in DOCUMENT_ROOTS:
            self.view.path_text = lambda keys, pointer: (
                f"{kind}#{json_pointer(keys)}"
                if pointer and keys
                else format_answer_path(kind, keys)
            )
            self.view.path_finder = self._find_path
        if document is None:
            header.setText(f"The embedded collector has no {kind} with id {ident}.")
        else:
            header.setText(f"{kind.capitalize()} {ident} as stored by the embedded collector")
            self.view.set_document(document, dot_root=kind)
            self.view.expand_to_depth(1)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(self.view, 1)

    def _find_path(self, view: JsonView, text: str, _move: bool) -> tuple[bool, str] | None:
        path = search_path(text)
        if path is None:
            return None
        if path.root != self.kind:
            return False, f"this {self.kind} holds only {self.kind}@… paths"
        document = view.document()
        keys = AnswerRoots(**{self.kind: document}).locate(path) if document is not None else None
        if keys is None:
            return False, f"nothing at {path.text}"
        return view.show_path(keys, text), ""
