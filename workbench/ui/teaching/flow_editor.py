"""Collector → Event flow…: edit the embedded collector's schemas, rules and segments.

Every change goes to the collector through its API at once (Apply, Delete,
Load pack, Import, Undo) on the task runner, so what the editor shows is what
the next request meets. The collector checks a definition whole before it
stores anything; when it refuses, the field it names is marked in red with
its message and nothing is half-applied. Undo puts back the whole flow as it
was before the last change (the editor keeps the last 50).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.client.flow_api import FlowApi, FlowApiError
from workbench.store.atomic import atomic_write_bytes
from workbench.ui.prompts import Prompts
from workbench.ui.tasks import TaskOutcome, TaskRunner
from workbench.ui.teaching.flow_forms import (
    DefinitionForm,
    FormError,
    RuleForm,
    SchemaForm,
    SegmentForm,
)

__all__ = ["FlowEditor"]

_UNDO_LIMIT = 50
_TITLES = {"schemas": "Event schemas", "rules": "Rules", "segments": "Segments"}
_KEYS = {"schemas": "event_type", "rules": "id", "segments": "id"}


class _KindPage(QWidget):
    """One tab: the list of definitions of one kind and the form of the selected one."""

    def __init__(self, kind: str, form: DefinitionForm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.form = form
        self.list = QListWidget(self)
        self.list.setObjectName(f"list-{kind}")
        self.new_button = QPushButton("New", self)
        self.delete_button = QPushButton("Delete", self)
        self.apply_button = QPushButton("Apply to the collector", self)
        self.apply_button.setObjectName(f"apply-{kind}")
        self.apply_button.setDefault(True)
        self.message = QLabel(self)
        self.message.setObjectName(f"message-{kind}")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        left_layout.addLayout(buttons)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(form)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(scroll, 1)
        right_layout.addWidget(self.message)
        apply_row = QHBoxLayout()
        apply_row.addStretch(1)
        apply_row.addWidget(self.apply_button)
        right_layout.addLayout(apply_row)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([260, 740])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def show_items(self, items: list[dict[str, Any]], select: str | None) -> None:
        key = _KEYS[self.kind]
        self.list.blockSignals(True)
        self.list.clear()
        chosen = None
        for item in items:
            ident = str(item.get(key, ""))
            label = ident if item.get("enabled", True) else f"{ident}   (disabled)"
            if self.kind == "rules":
                label += f"   [{item.get('event_type')}]"
            entry = QListWidgetItem(label)
            entry.setData(Qt.ItemDataRole.UserRole, ident)
            self.list.addItem(entry)
            if ident == select:
                chosen = entry
        self.list.blockSignals(False)
        if chosen is not None:
            self.list.setCurrentItem(chosen)
        elif self.list.count():
            self.list.setCurrentRow(0)
        else:
            self.form.load(None)

    def selected_id(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c62828;" if error else "color: #2e7d32;")


class FlowEditor(QDialog):
    """The editor; ``api_factory`` gives the :class:`FlowApi` of the running collector.

    Signals:
        flow_changed(dict): the collector's flow after a change was applied.
    """

    flow_changed = Signal(dict)

    def __init__(
        self,
        api_factory: Callable[[], FlowApi | None],
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Event flow — embedded collector")
        self.setObjectName("flowEditor")
        self.resize(1060, 680)
        self._api_factory = api_factory
        self._runner = runner
        self.flow: dict[str, Any] = {"schemas": [], "rules": [], "segments": []}
        self.undo_stack: list[dict[str, Any]] = []
        self.busy = False

        self.pages = {
            "schemas": _KindPage("schemas", SchemaForm(), self),
            "rules": _KindPage("rules", RuleForm(), self),
            "segments": _KindPage("segments", SegmentForm(), self),
        }
        self.tabs = QTabWidget(self)
        for kind, page in self.pages.items():
            self.tabs.addTab(page, _TITLES[kind])
            page.list.currentItemChanged.connect(lambda *_a, p=page: self._show_selected(p))
            page.new_button.clicked.connect(lambda _c=False, p=page: self._new(p))
            page.delete_button.clicked.connect(
                lambda _c=False, p=page: self.delete_selected(p.kind)
            )
            page.apply_button.clicked.connect(lambda _c=False, p=page: self.apply(p.kind))
            page.form.edited.connect(lambda p=page: p.say(""))

        self.pack_button = QToolButton(self)
        self.pack_button.setText("Load pack")
        self.pack_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        packs = QMenu(self.pack_button)
        for name, text in (
            ("demo", "Demo: visitor → engaged → customer"),
            ("predefined", "Tracardi's predefined event rules"),
            ("empty", "Empty (no schemas, rules or segments)"),
        ):
            packs.addAction(text, self._pack_loader(name))
        self.pack_button.setMenu(packs)
        self.import_button = QPushButton("Import…", self)
        self.export_button = QPushButton("Export…", self)
        self.undo_button = QPushButton("Undo last change", self)
        self.undo_button.setObjectName("undo")
        self.undo_button.setShortcut("Ctrl+Z")
        self.undo_button.setEnabled(False)
        self.reload_button = QPushButton("Reload", self)
        self.status = QLabel(self)
        self.status.setObjectName("flowStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.import_button.clicked.connect(self.ask_import)
        self.export_button.clicked.connect(self.ask_export)
        self.undo_button.clicked.connect(self.undo)
        self.reload_button.clicked.connect(self.reload)
        bar = QHBoxLayout()
        for widget in (
            self.pack_button,
            self.import_button,
            self.export_button,
            self.undo_button,
            self.reload_button,
        ):
            bar.addWidget(widget)
        bar.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)

    # -- replaceable prompts (tests swap these) -------------------------------------------

    @classmethod
    def ask_open_path(cls, parent: QWidget) -> str:
        path, _ = QFileDialog.getOpenFileName(parent, "Import an event flow", "", "JSON (*.json)")
        return path

    @classmethod
    def ask_save_path(cls, parent: QWidget) -> str:
        path, _ = QFileDialog.getSaveFileName(
            parent, "Export the event flow", "flow.json", "JSON (*.json)"
        )
        return path

    # -- talking to the collector -------------------------------------------------------------

    def _run(
        self,
        call: Callable[[FlowApi], Any],
        done: Callable[[Any], None],
        *,
        failed: Callable[[FlowApiError], None] | None = None,
    ) -> None:
        api = self._api_factory()
        if api is None:
            self.status.setText("The embedded collector is not running.")
            return
        self.busy = True
        self.status.setText("Talking to the collector…")

        def finished(outcome: TaskOutcome) -> None:
            self.busy = False
            if outcome.error is None:
                self.status.setText("")
                done(outcome.result)
                return
            error = outcome.error
            if isinstance(error, FlowApiError):
                if failed is not None:
                    failed(error)
                else:
                    self.status.setText(f"Not applied: {error}")
            else:
                self.status.setText(f"Not applied: {type(error).__name__}: {error}")

        self._runner.submit(call, api, channel="flow-editor", on_done=finished)

    def reload(self) -> None:
        """Read the collector's flow into the lists."""
        self._run(lambda api: api.get_flow(), self._show_flow)

    def _show_flow(self, flow: dict[str, Any], select: dict[str, str | None] | None = None) -> None:
        self.flow = {k: list(flow.get(k) or []) for k in ("schemas", "rules", "segments")}
        for kind, page in self.pages.items():
            wanted = (select or {}).get(kind, page.selected_id())
            page.show_items(self.flow[kind], wanted)
        rule_form = self.pages["rules"].form
        assert isinstance(rule_form, RuleForm)
        rule_form.set_event_types([s["event_type"] for s in self.flow["schemas"]])
        sizes = tuple(len(self.flow[k]) for k in ("schemas", "rules", "segments"))
        self.status.setText("{} schemas, {} rules, {} segments in the collector".format(*sizes))
        self.undo_button.setEnabled(bool(self.undo_stack))

    def _changed(self, flow: dict[str, Any], select: dict[str, str | None] | None = None) -> None:
        self._show_flow(flow, select)
        self.flow_changed.emit(flow)

    def _remember(self) -> None:
        self.undo_stack.append(json.loads(json.dumps(self.flow)))
        del self.undo_stack[:-_UNDO_LIMIT]

    # -- editing ---------------------------------------------------------------------------

    def _show_selected(self, page: _KindPage) -> None:
        ident = page.selected_id()
        key = _KEYS[page.kind]
        item = next((i for i in self.flow[page.kind] if str(i.get(key)) == ident), None)
        page.form.load(item)
        page.say("")

    def _new(self, page: _KindPage) -> None:
        page.list.clearSelection()
        page.list.setCurrentRow(-1)  # no current item: what setCurrentItem(None) does
        page.form.load(None)
        page.say("A new definition: fill it in, then Apply.")

    def apply(self, kind: str) -> None:
        """Send the form's definition to the collector (renames replace the whole flow at once)."""
        page = self.pages[kind]
        form = page.form
        form.clear_marks()
        try:
            item = form.build()
        except FormError as exc:
            form.mark(exc.field, exc.message)
            page.say(f"Not applied: {exc.field}: {exc.message}", error=True)
            return
        key = _KEYS[kind]
        new_id = str(item.get(key, ""))
        old_id = form.original_id
        before = self.flow
        if old_id and old_id != new_id:
            # A rename is one change: the whole flow with the item replaced in its place.
            flow = {k: list(v) for k, v in before.items()}
            flow[kind] = [item if str(d.get(key)) == old_id else d for d in flow[kind]]
            call: Callable[[FlowApi], Any] = lambda api: api.replace_flow(flow)  # noqa: E731
            prefix = f"{kind}["
        else:
            call = lambda api: (api.put(kind, item), api.get_flow())[1]  # noqa: E731
            prefix = ""

        def done(flow: dict[str, Any]) -> None:
            self._changed(flow, {kind: new_id})
            page.say(f"Applied: {new_id} is live in the collector.")

        def failed(error: FlowApiError) -> None:
            self.undo_stack.pop()
            self.undo_button.setEnabled(bool(self.undo_stack))
            marked = False
            for problem in error.problems:
                field = problem.field
                if prefix and field.startswith(prefix):
                    field = field.split(".", 1)[1] if "." in field else ""
                marked = form.mark(field, problem.message) or marked
            page.say(f"Not applied (nothing changed in the collector): {error}", error=True)

        self._remember()
        self._run(call, done, failed=failed)

    def delete_selected(self, kind: str) -> None:
        page = self.pages[kind]
        ident = page.selected_id()
        if ident is None:
            return
        self._remember()

        def failed(error: FlowApiError) -> None:
            self.undo_stack.pop()
            page.say(f"Not deleted: {error}", error=True)

        def deleted(flow: dict[str, Any]) -> None:
            self._changed(flow)
            page.say(f"Deleted {ident}.")

        def delete(api: FlowApi) -> dict[str, Any]:
            api.delete(kind, ident)
            return api.get_flow()

        self._run(delete, deleted, failed=failed)

    def _pack_loader(self, name: str) -> Callable[[], None]:
        return lambda: self.load_pack(name)

    def load_pack(self, name: str) -> None:
        if any(self.flow.values()) and not Prompts.confirm(
            self, "Load a pack?", f"Replace the collector's whole event flow with the {name} pack?"
        ):
            return
        self._remember()
        self._run(lambda api: api.load_pack(name), self._changed, failed=self._whole_failed)

    def _whole_failed(self, error: FlowApiError) -> None:
        if self.undo_stack:
            self.undo_stack.pop()
        self.undo_button.setEnabled(bool(self.undo_stack))
        self.status.setText(f"Not applied (nothing changed in the collector): {error}")

    def undo(self) -> None:
        """Put back the whole flow as it was before the last change."""
        if not self.undo_stack:
            return
        previous = self.undo_stack.pop()

        def failed(error: FlowApiError) -> None:
            self.undo_stack.append(previous)
            self.status.setText(f"Undo failed: {error}")

        def undone(flow: dict[str, Any]) -> None:
            self._changed(flow)
            self.status.setText("Undone.")

        self._run(lambda api: api.replace_flow(previous), undone, failed=failed)

    def import_file(self, path: str | Path) -> None:
        """Replace the collector's flow with a flow file (all of it or nothing)."""
        try:
            data = json.loads(Path(path).read_bytes())
        except (OSError, ValueError) as exc:
            self.status.setText(f"Not imported: {Path(path).name}: {exc}")
            return
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k not in ("notice",)}
        self._remember()
        self._run(lambda api: api.replace_flow(data), self._changed, failed=self._whole_failed)

    def export_file(self, path: str | Path) -> None:
        flow = {"version": 1, **self.flow}
        try:
            atomic_write_bytes(Path(path), json.dumps(flow, indent=2, ensure_ascii=False).encode())
        except OSError as exc:
            self.status.setText(f"Not exported: {exc}")
            return
        self.status.setText(f"Exported to {path}")

    def ask_import(self) -> None:
        path = self.ask_open_path(self)
        if path:
            self.import_file(path)

    def ask_export(self) -> None:
        path = self.ask_save_path(self)
        if path:
            self.export_file(path)
