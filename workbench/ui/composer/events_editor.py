"""The list of events in a tracker payload: add, remove, duplicate, reorder, edit one.

The left list shows each event's type; the right side edits the selected event:
its type (with completion from known event types), properties, and the optional
context, options and tags (each switched on by its group box, so an absent key
stays absent). Keys the form does not know (``id``, ``time``...) are kept as they
were, so loading and saving an event never loses anything.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCompleter,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.ui.widgets.flow_layout import FlowLayout
from workbench.ui.widgets.object_editor import ObjectEditor
from workbench.ui.widgets.splitter import ResizeSplitter
from workbench.ui.widgets.tool_button import tool_button

__all__ = ["KNOWN_EVENT_TYPES", "EventsEditor"]

KNOWN_EVENT_TYPES = (
    "page-view",
    "purchase-order",
    "add-to-cart",
    "remove-from-cart",
    "checkout-started",
    "identify",
    "sign-up",
    "sign-in",
    "sign-out",
    "search",
    "product-view",
    "click",
    "form-submitted",
    "subscribe",
    "unsubscribe",
    "consent-granted",
    "session-opened",
    "visit-started",
)
_OPTIONAL = ("context", "options")
EVENTS_LIST_SHARE = 0.28  # of the editor's width on first start: the types are short
_INVALID_STYLE = "background-color: rgb(255, 205, 205); color: black;"
_RED = QColor(200, 40, 40)


class EventsEditor(QWidget):
    """Edits ``payload["events"]``.

    Signals:
        changed(): the list or an event changed through the editor.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._events: list[Any] = []
        self._current = -1
        self._loading = False
        self._marked: list[tuple[str | int, ...]] = []

        self.list = QListWidget(self)
        self.list.setAccessibleName("events")
        self.list.setMinimumHeight(48)
        self.list.setMinimumWidth(100)
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        self.add_button = tool_button(self, "Add", "Add an event (page-view)", self.add_event)
        self.remove_button = tool_button(
            self, "Remove", "Remove the selected event", self.remove_event
        )
        self.duplicate_button = tool_button(
            self, "Duplicate", "Duplicate the selected event", self.duplicate_event
        )
        self.up_button = tool_button(
            self, "↑", "Move the selected event up", lambda: self.move_event(-1)
        )
        self.down_button = tool_button(
            self, "↓", "Move the selected event down", lambda: self.move_event(1)
        )
        left = QWidget(self)
        # The buttons wrap under the list when it is narrow: they never set its width.
        buttons_row = QWidget(left)
        list_buttons = FlowLayout(buttons_row, spacing=4)
        for button in (
            self.add_button,
            self.duplicate_button,
            self.remove_button,
            self.up_button,
            self.down_button,
        ):
            list_buttons.addWidget(button)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(buttons_row)

        self.type_edit = QLineEdit(self)
        self.type_edit.setPlaceholderText("event type, e.g. page-view")
        self.type_edit.setAccessibleName("event type")
        self._type_model = QStringListModel(list(KNOWN_EVENT_TYPES), self)
        completer = QCompleter(self._type_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.type_edit.setCompleter(completer)
        # textChanged, not textEdited: a completion taken from the list, a paste or an undo
        # changes the text without "editing" it, and each must reach the payload.
        self.type_edit.textChanged.connect(self._on_detail_changed)

        self.properties_editor = ObjectEditor(self, title="event properties")
        self.properties_editor.changed.connect(self._on_detail_changed)
        self.optional_boxes: dict[str, QGroupBox] = {}
        self.optional_editors: dict[str, ObjectEditor] = {}
        self.detail_tabs = QTabWidget(self)
        self.detail_tabs.addTab(self.properties_editor, "Properties")
        for key in _OPTIONAL:
            box = QGroupBox(f"Send {key}", self)
            box.setCheckable(True)
            box.setChecked(False)
            editor = ObjectEditor(box, title=f"event {key}", build_when_shown=True)
            editor.changed.connect(self._on_detail_changed)
            box.toggled.connect(self._on_detail_changed)
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(4, 4, 4, 4)
            box_layout.addWidget(editor)
            self.optional_boxes[key] = box
            self.optional_editors[key] = editor
            self.detail_tabs.addTab(box, key.capitalize())
        self.tags_box = QGroupBox("Send tags", self)
        self.tags_box.setCheckable(True)
        self.tags_box.setChecked(False)
        self.tags_edit = QLineEdit(self.tags_box)
        self.tags_edit.setPlaceholderText("comma-separated, e.g. promo, mobile")
        self.tags_edit.textChanged.connect(self._on_detail_changed)
        self.tags_box.toggled.connect(self._on_detail_changed)
        tags_layout = QVBoxLayout(self.tags_box)
        tags_layout.addWidget(self.tags_edit)
        tags_layout.addStretch(1)
        self.detail_tabs.addTab(self.tags_box, "Tags")

        self.detail = QWidget(self)
        form = QFormLayout()
        form.addRow("Type", self.type_edit)
        self.extra_label = QLabel(self.detail)
        self.extra_label.setTextFormat(Qt.TextFormat.PlainText)
        self.extra_label.setWordWrap(True)
        detail_layout = QVBoxLayout(self.detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addLayout(form)
        detail_layout.addWidget(self.detail_tabs, 1)
        detail_layout.addWidget(self.extra_label)

        splitter = ResizeSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([150, 550])
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._show_detail()

    def set_list_share(self, share: float) -> None:
        """Give the events list *share* of the width (the detail editor gets the rest)."""
        total = max(sum(self.splitter.sizes()), self.width())
        left = max(int(total * share), self.list.minimumWidth())
        self.splitter.setSizes([left, max(total - left, 1)])

    # --- value in and out ----------------------------------------------------------------
    def set_events(self, events: list[Any]) -> None:
        """Show *events*; does not emit ``changed``."""
        self._events = copy.deepcopy(list(events))
        self._current = -1
        self._refresh_list(0 if self._events else -1)

    def events(self) -> list[Any]:
        return copy.deepcopy(self._events)

    def set_known_types(self, types: list[str]) -> None:
        """Offer *types* (e.g. seen in history) in the type completion, after the built-in ones."""
        merged = list(dict.fromkeys([*KNOWN_EVENT_TYPES, *types]))
        self._type_model.setStringList(merged)

    @property
    def current_row(self) -> int:
        return self._current

    # --- list operations -----------------------------------------------------------------
    def add_event(self) -> None:
        at = self._current + 1 if self._current >= 0 else len(self._events)
        self._events.insert(at, {"type": "page-view", "properties": {}})
        self._refresh_list(at)
        self.type_edit.setFocus()
        self.type_edit.selectAll()
        self.changed.emit()

    def remove_event(self) -> None:
        if not 0 <= self._current < len(self._events):
            return
        del self._events[self._current]
        self._refresh_list(min(self._current, len(self._events) - 1))
        self.changed.emit()

    def duplicate_event(self) -> None:
        if not 0 <= self._current < len(self._events):
            return
        clone = copy.deepcopy(self._events[self._current])
        if isinstance(clone, dict):
            clone.pop("id", None)  # a client-sent id is used as the stored id; do not repeat it
        self._events.insert(self._current + 1, clone)
        self._refresh_list(self._current + 1)
        self.changed.emit()

    def move_event(self, step: int) -> None:
        row, target = self._current, self._current + step
        if not (0 <= row < len(self._events) and 0 <= target < len(self._events)):
            return
        self._events[row], self._events[target] = self._events[target], self._events[row]
        self._refresh_list(target)
        self.changed.emit()

    def _refresh_list(self, select: int) -> None:
        self._loading = True
        try:
            self.list.clear()
            for i, event in enumerate(self._events):
                self.list.addItem(QListWidgetItem(self._label(i, event)))
            self._current = select
            self.list.setCurrentRow(select)
        finally:
            self._loading = False
        self._show_detail()

    @staticmethod
    def _label(i: int, event: Any) -> str:
        kind = event.get("type") if isinstance(event, dict) else None
        return f"{i + 1}. {kind if isinstance(kind, str) and kind else '(no type)'}"

    # --- focus and marks -----------------------------------------------------------------
    def focus_path(self, path: tuple[str | int, ...]) -> None:
        """Focus the widget for ``events[i]...`` given *path* relative to ``events``."""
        if not path or not isinstance(path[0], int) or not 0 <= path[0] < len(self._events):
            self.list.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.list.setCurrentRow(path[0])
        rest = path[1:]
        if not rest or rest[0] == "type":
            self.type_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        elif rest[0] == "properties":
            self.detail_tabs.setCurrentIndex(0)
            self.properties_editor.focus_path(rest[1:])
        elif rest[0] in _OPTIONAL:
            self.detail_tabs.setCurrentWidget(self.optional_boxes[str(rest[0])])
            self.optional_editors[str(rest[0])].focus_path(rest[1:])
        elif rest[0] == "tags":
            self.detail_tabs.setCurrentWidget(self.tags_box)
            self.tags_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def mark_paths(self, paths: list[tuple[str | int, ...]]) -> None:
        """Mark invalid events in the list and invalid fields of the selected one."""
        self._marked = list(paths)
        bad_rows = {p[0] for p in paths if p and isinstance(p[0], int)}
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setData(Qt.ItemDataRole.ForegroundRole, _RED if i in bad_rows else None)
            item.setData(
                Qt.ItemDataRole.ToolTipRole, "has validation issues" if i in bad_rows else None
            )
        mine = [p[1:] for p in paths if p and p[0] == self._current]
        type_bad = any(not rest or rest[0] == "type" for rest in mine)
        self.type_edit.setStyleSheet(_INVALID_STYLE if type_bad else "")
        self.properties_editor.mark_paths([r[1:] for r in mine if r and r[0] == "properties"])
        for key, editor in self.optional_editors.items():
            editor.mark_paths([r[1:] for r in mine if r and r[0] == key])

    # --- detail ---------------------------------------------------------------------------
    def _on_list_current_row_changed(self, row: int) -> None:
        if self._loading:
            return
        self._current = row
        self._show_detail()

    def _show_detail(self) -> None:
        event = self._events[self._current] if 0 <= self._current < len(self._events) else None
        editable = isinstance(event, dict)
        self.detail.setEnabled(editable)
        self.remove_button.setEnabled(event is not None or bool(self._events))
        self._loading = True
        try:
            data: dict[str, Any] = event if isinstance(event, dict) else {}
            kind = data.get("type")
            self.type_edit.setText(kind if isinstance(kind, str) else "")
            props = data.get("properties")
            self.properties_editor.set_value(props if isinstance(props, dict) else {})
            for key in _OPTIONAL:
                value = data.get(key)
                self.optional_boxes[key].setChecked(key in data)
                self.optional_editors[key].set_value(value if isinstance(value, dict) else {})
            tags = data.get("tags")
            self.tags_box.setChecked("tags" in data)
            self.tags_edit.setText(
                ", ".join(str(t) for t in tags) if isinstance(tags, list) else ""
            )
            extra = [k for k in data if k not in ("type", "properties", "tags", *_OPTIONAL)]
            self.extra_label.setText(
                f"Also sent as-is (edit in Raw JSON): {', '.join(extra)}" if extra else ""
            )
            if event is not None and not editable:
                self.extra_label.setText("This event is not an object: edit it in Raw JSON.")
        finally:
            self._loading = False
        self.mark_paths(self._marked)

    def _on_detail_changed(self, *_args: Any) -> None:
        if self._loading or not 0 <= self._current < len(self._events):
            return
        event = self._events[self._current]
        if not isinstance(event, dict):
            return
        event["type"] = self.type_edit.text()
        props = self.properties_editor.value()
        if props or "properties" in event:
            event["properties"] = props
        for key in _OPTIONAL:
            if self.optional_boxes[key].isChecked():
                event[key] = self.optional_editors[key].value()
            else:
                event.pop(key, None)
        if self.tags_box.isChecked():
            event["tags"] = [t.strip() for t in self.tags_edit.text().split(",") if t.strip()]
        else:
            event.pop("tags", None)
        self.list.item(self._current).setText(self._label(self._current, event))
        self.changed.emit()
