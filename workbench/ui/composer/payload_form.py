"""Form editors for every field of a tracker payload.

Source (a combo filled from the target's sources, free text allowed), session id
with *New visit*, profile id with *Forget profile*, the options Tracardi honours
as tri-state check boxes (unset = not sent), context, properties and the events.

The form edits a copy of the loaded payload: keys it does not manage (``request``,
``metadata``, ``device``...) and extra keys inside ``source``/``session``/
``profile`` are kept as they were. A document the form
cannot show faithfully (a ``source`` that is a number, say) reads back
differently; the composer compares and keeps the raw JSON as the authority then.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.ui.composer.events_editor import EventsEditor
from workbench.ui.widgets.object_editor import ObjectEditor
from workbench.ui.widgets.text_only import push_button

__all__ = ["OPTION_KEYS", "PayloadForm"]

OPTION_KEYS = ("debugger", "profile", "saveSession", "saveEvents", "saveProfile")
_INVALID_STYLE = "background-color: rgb(255, 205, 205); color: black;"


class PayloadForm(QWidget):
    """The payload as a form.

    Signals:
        changed(): the user changed a field (not emitted by :meth:`set_payload`).
        new_visit_requested(str): *New visit* put this fresh session id in the form.
        forget_profile_requested(): *Forget profile* cleared the profile id.
    """

    changed = Signal()
    new_visit_requested = Signal(str)
    forget_profile_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base: dict[str, Any] = {}
        self._loading = False

        self.source_combo = QComboBox(self)
        self.source_combo.setEditable(True)
        self.source_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.source_combo.setAccessibleName("source id")
        self.source_combo.setToolTip("The event source id (source.id); free text allowed")
        self.source_combo.editTextChanged.connect(self._on_field_changed)

        self.session_edit = QLineEdit(self)
        self.session_edit.setPlaceholderText("empty: let the server create a session")
        self.session_edit.setAccessibleName("session id")
        self.session_edit.textChanged.connect(self._on_field_changed)
        self.new_visit_button = push_button("New visit", self)
        self.new_visit_button.setToolTip("Start a new session: a fresh uuid4 session id (Ctrl+N)")
        self.new_visit_button.clicked.connect(self.new_visit)

        self.profile_edit = QLineEdit(self)
        self.profile_edit.setPlaceholderText("empty: the server creates a new profile")
        self.profile_edit.setAccessibleName("profile id")
        self.profile_edit.textChanged.connect(self._on_field_changed)
        self.forget_button = push_button("Forget profile", self)
        self.forget_button.setToolTip("Clear the profile id so the next send creates a new profile")
        self.forget_button.clicked.connect(self.forget_profile)

        self.option_boxes: dict[str, QCheckBox] = {}
        options_row = QGridLayout()
        options_row.setContentsMargins(0, 0, 0, 0)
        for i, key in enumerate(OPTION_KEYS):
            box = QCheckBox(key, self)
            box.setTristate(True)
            box.setCheckState(Qt.CheckState.PartiallyChecked)
            box.setToolTip(f"options.{key}: checked = true, unchecked = false, dashed = not sent")
            box.stateChanged.connect(self._on_field_changed)
            self.option_boxes[key] = box
            options_row.addWidget(box, i // 3, i % 3)
        options_row.setColumnStretch(3, 1)

        session_row = QHBoxLayout()
        session_row.addWidget(self.session_edit, 1)
        session_row.addWidget(self.new_visit_button)
        profile_row = QHBoxLayout()
        profile_row.addWidget(self.profile_edit, 1)
        profile_row.addWidget(self.forget_button)
        form = QFormLayout()
        form.addRow("Source", self.source_combo)
        form.addRow("Session", session_row)
        form.addRow("Profile", profile_row)
        form.addRow("Options", options_row)

        self.events_editor = EventsEditor(self)
        self.events_editor.changed.connect(self._on_field_changed)
        self.context_editor = ObjectEditor(self, title="context", build_when_shown=True)
        self.context_editor.changed.connect(self._on_field_changed)
        self.properties_editor = ObjectEditor(self, title="properties", build_when_shown=True)
        self.properties_editor.changed.connect(self._on_field_changed)
        self.sections = QTabWidget(self)
        self.sections.addTab(self.events_editor, "Events")
        self.sections.addTab(self.context_editor, "Context")
        self.sections.addTab(self.properties_editor, "Properties")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.sections, 1)

    # --- value in and out ----------------------------------------------------------------
    def set_payload(self, payload: dict[str, Any]) -> None:
        """Load *payload* into the fields; does not emit ``changed``."""
        self._base = copy.deepcopy(payload)
        self._loading = True
        try:
            self.source_combo.setEditText(_id_text(payload.get("source")))
            self.session_edit.setText(_id_text(payload.get("session")))
            self.profile_edit.setText(_id_text(payload.get("profile")))
            options = payload.get("options")
            options = options if isinstance(options, dict) else {}
            for key, box in self.option_boxes.items():
                value = options.get(key)
                state = (
                    Qt.CheckState.PartiallyChecked
                    if not isinstance(value, bool)
                    else (Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
                )
                box.setCheckState(state)
            context = payload.get("context")
            self.context_editor.set_value(context if isinstance(context, dict) else {})
            properties = payload.get("properties")
            self.properties_editor.set_value(properties if isinstance(properties, dict) else {})
            events = payload.get("events")
            self.events_editor.set_events(events if isinstance(events, list) else [])
        finally:
            self._loading = False

    def payload(self) -> dict[str, Any]:
        """The payload as the form shows it, with unmanaged keys kept."""
        out = copy.deepcopy(self._base)
        _put_id(out, "source", self.source_combo.currentText())
        _put_id(out, "session", self.session_edit.text())
        _put_id(out, "profile", self.profile_edit.text())
        for key, editor in (
            ("context", self.context_editor),
            ("properties", self.properties_editor),
        ):
            value = editor.value()
            if value or key in out:
                out[key] = value
        events = self.events_editor.events()
        if events or "events" in out:
            out["events"] = events
        given = out.get("options")
        options: dict[str, Any] = dict(given) if isinstance(given, dict) else {}
        for key, box in self.option_boxes.items():
            state = box.checkState()
            if state == Qt.CheckState.PartiallyChecked:
                options.pop(key, None)
            else:
                options[key] = state == Qt.CheckState.Checked
        if options or "options" in out:
            out["options"] = options
        return out

    def hidden_parts(self, payload: dict[str, Any]) -> list[str]:
        """What in *payload* the form cannot show (e.g. ``source.id is a number``)."""
        hidden = []
        for key in ("source", "session", "profile"):
            entity = payload.get(key)
            if entity is None:
                continue
            if not isinstance(entity, dict):
                hidden.append(f"{key} is not an object")
            elif "id" in entity and not isinstance(entity["id"], str):
                hidden.append(f"{key}.id is not a string")
        for key in ("context", "properties", "options"):
            if key in payload and not isinstance(payload[key], dict):
                hidden.append(f"{key} is not an object")
        options = payload.get("options")
        if isinstance(options, dict):
            hidden += [
                f"options.{k} is not true/false"
                for k in OPTION_KEYS
                if k in options and not isinstance(options[k], bool)
            ]
        events = payload.get("events")
        if "events" in payload and not isinstance(events, list):
            hidden.append("events is not a list")
        elif isinstance(events, list):
            hidden += [
                f"events[{i}] is not an object"
                for i, e in enumerate(events)
                if not isinstance(e, dict)
            ]
        return hidden

    # --- identity ------------------------------------------------------------------------
    def new_visit(self) -> str:
        """Put a fresh uuid4 in the session id (a new visit)."""
        import uuid  # here: uuid imports platform, not needed before the first paint

        session_id = str(uuid.uuid4())
        self.session_edit.setText(session_id)  # textChanged tells the composer
        self.new_visit_requested.emit(session_id)
        return session_id

    def forget_profile(self) -> None:
        self.profile_edit.clear()  # textChanged tells the composer
        self.forget_profile_requested.emit()

    def set_profile_id(self, profile_id: str | None) -> None:
        """Fill the profile id from a response (``changed`` follows, so raw JSON does)."""
        if (profile_id or "") == self.profile_edit.text():
            return
        self.profile_edit.setText(profile_id or "")

    def set_session_id(self, session_id: str | None) -> None:
        if (session_id or "") == self.session_edit.text():
            return
        self.session_edit.setText(session_id or "")

    def set_sources(self, source_ids: list[str]) -> None:
        """Offer *source_ids* in the source combo, keeping what is typed."""
        text = self.source_combo.currentText()
        self._loading = True
        try:
            self.source_combo.clear()
            self.source_combo.addItems(source_ids)
            self.source_combo.setEditText(text)
        finally:
            self._loading = False

    # --- focus and marks -----------------------------------------------------------------
    def field_widget(self, path: tuple[str | int, ...]) -> QWidget | None:
        """The widget that edits *path* (for the top-level fields; None for nested ones)."""
        head = path[0] if path else None
        if head == "source":
            return self.source_combo
        if head == "session":
            return self.session_edit
        if head == "profile":
            return self.profile_edit
        if head == "options" and len(path) > 1 and path[1] in self.option_boxes:
            return self.option_boxes[str(path[1])]
        return None

    def focus_path(self, path: tuple[str | int, ...]) -> None:
        """Give focus to the field that edits *path* (a validation issue's path)."""
        head = path[0] if path else None
        widget = self.field_widget(path)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
        elif head == "events":
            self.sections.setCurrentWidget(self.events_editor)
            self.events_editor.focus_path(path[1:])
        elif head == "context":
            self.sections.setCurrentWidget(self.context_editor)
            self.context_editor.focus_path(path[1:])
        elif head == "properties":
            self.sections.setCurrentWidget(self.properties_editor)
            self.properties_editor.focus_path(path[1:])
        elif head == "options":
            next(iter(self.option_boxes.values())).setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.source_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def mark_paths(self, paths: list[tuple[str | int, ...]]) -> None:
        """Mark the fields that validation issues name (and unmark the others)."""
        for widget in (self.source_combo, self.session_edit, self.profile_edit):
            widget.setStyleSheet("")
        for box in self.option_boxes.values():
            box.setStyleSheet("")
        for path in paths:
            field = self.field_widget(path)
            if field is not None:
                field.setStyleSheet(_INVALID_STYLE)
        self.events_editor.mark_paths([p[1:] for p in paths if p and p[0] == "events"])
        self.context_editor.mark_paths([p[1:] for p in paths if p and p[0] == "context"])
        self.properties_editor.mark_paths([p[1:] for p in paths if p and p[0] == "properties"])
        titles = {"events": "Events", "context": "Context", "properties": "Properties"}
        for i, (key, title) in enumerate(titles.items()):
            bad = any(p and p[0] == key for p in paths)
            self.sections.setTabText(i, f"{title} ⚠" if bad else title)

    def _on_field_changed(self, *_args: Any) -> None:
        if not self._loading:
            self.changed.emit()


def _id_text(entity: Any) -> str:
    if isinstance(entity, dict):
        value = entity.get("id")
        return value if isinstance(value, str) else ""
    return ""


def _put_id(out: dict[str, Any], key: str, text: str) -> None:
    """Write ``out[key]["id"] = text`` keeping the entity's other keys; drop the id when empty.

    An id that was loaded as ``""`` stays ``""`` (sending a blank id is a test case too),
    and a non-string id the form cannot show is left as it was.
    """
    entity = out.get(key)
    if text or (isinstance(entity, dict) and entity.get("id") == ""):
        merged = dict(entity) if isinstance(entity, dict) else {}
        merged["id"] = text
        out[key] = merged
    elif isinstance(entity, dict) and isinstance(entity.get("id"), str):
        rest = {k: v for k, v in entity.items() if k != "id"}
        if rest:
            out[key] = rest
        else:
            out.pop(key, None)
