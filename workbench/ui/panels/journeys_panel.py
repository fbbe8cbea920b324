"""The Journeys dock: write, open, save and run journeys, and read each step's result.

The journey being edited is one document (the dict a journey file holds). The
*Steps* tab edits it step by step in a form (:class:`StepForm`); the *YAML* tab
shows the same document as text, and edits there replace the document once
they parse. *Run* checks the journey (every problem listed with its field path,
nothing sent) and runs it in the background through ``run_journey``, which the
composition root supplies (it knows the targets and the collector); each step's
result appears as it finishes, and *Cancel* stops the run between steps or
inside a send. A click on a step shows its exchange in the debugger
(:attr:`JourneysPanel.exchange_selected`).

Journeys are saved in the collections folder beside the payloads
(:class:`~workbench.store.journey_files.JourneyFiles`); the shipped examples
are read-only (*Save as* makes a copy, with payload files inlined so the copy
runs wherever it is saved).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.journey.model import Journey, JourneyError, parse_journey
from workbench.core.journey.portable import portable_document
from workbench.core.journey.source import SourceError, dump_text, load_text
from workbench.journeys.runner import JourneyResult, StepResult
from workbench.store.collections import CollectionError, NameTakenError
from workbench.store.journey_files import JourneyFile, JourneyFiles
from workbench.ui.panels.dialogs import JourneyDialogs
from workbench.ui.panels.journey_results import JourneyResultsTree
from workbench.ui.panels.journey_run import (
    DEMO_COLLECTOR,
    FRESH_COLLECTOR,
    WINDOW_COLLECTOR,
    JourneyRun,
    RunJourney,
)
from workbench.ui.panels.journey_step_form import StepForm
from workbench.ui.prompts import Prompts
from workbench.ui.tasks import TaskOutcome, TaskRunner

__all__ = [
    "DEMO_COLLECTOR",
    "FRESH_COLLECTOR",
    "WINDOW_COLLECTOR",
    "JourneyDialogs",
    "JourneysPanel",
]


_NEW_JOURNEY: dict[str, Any] = {
    "name": "new journey",
    "steps": [
        {
            "name": "first visit",
            "send": {"source": {"id": "source-id"}, "events": [{"type": "page-view"}]},
            "expect": {"status": 200, "debug@profile.new": True},
            "capture": {"profile_id": "debug@profile.id"},
        }
    ],
}


def _button(text: str, parent: QWidget) -> QToolButton:
    """A compact text button (the dock shares its width with History and Collections)."""
    button = QToolButton(parent)
    button.setText(text)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    return button


class JourneysPanel(QWidget):
    """Journeys: the list, the editor (form and YAML), the run and its results.

    Signals:
        exchange_selected(dict): the exchange of the clicked step, for the debugger.
        run_finished(object): the :class:`JourneyResult` of a finished (or cancelled) run.
    """

    exchange_selected = Signal(object)  # Exchange
    failure_path_selected = Signal(str)
    run_finished = Signal(object)

    def __init__(
        self,
        files: JourneyFiles,
        runner: TaskRunner,
        run_journey: RunJourney,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Journeys")
        self.files = files
        self.runner = runner
        self.journey_run = JourneyRun(runner, run_journey, self)
        self.document: dict[str, Any] = copy.deepcopy(_NEW_JOURNEY)
        self.current_file: JourneyFile | None = None
        self.base_dir: Path | None = None
        self.dirty = False
        self.last_result: JourneyResult | None = None
        self.record_action: QAction | None = None  # History → journey, set by the installer
        self._syncing = False

        self.journey_combo = QComboBox(self)
        self.journey_combo.setMinimumContentsLength(10)
        self.journey_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.journey_combo.setToolTip("journeys in your collections, then the shipped examples")
        self.new_button = _button("New", self)
        self.open_button = _button("Open…", self)
        self.save_button = _button("Save", self)
        self.save_as_button = _button("Save as…", self)
        self.target_combo = QComboBox(self)
        self.target_combo.addItems([FRESH_COLLECTOR, DEMO_COLLECTOR, WINDOW_COLLECTOR])
        self.target_combo.setToolTip(
            "Fresh collector: a new in-memory collector for this run, as `workbench run` "
            "does in CI (Fresh + demo flow: with the demo pack's flow, as `--demo`). "
            "This window's collector: the one the live traffic shows. Or a saved target."
        )
        self.target_combo.setAccessibleName("Run against")
        self.target_combo.setMinimumContentsLength(10)
        self.target_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.run_button = _button("Run", self)
        self.run_button.setShortcut(QKeySequence("Ctrl+Shift+Return"))
        self.run_button.setToolTip("run the journey (Ctrl+Shift+Enter)")
        self.cancel_button = _button("Cancel", self)
        self.cancel_button.setEnabled(False)

        self.step_list = QListWidget(self)
        self.step_list.setMaximumHeight(120)
        self.add_step_button = _button("Add step", self)
        self.remove_step_button = _button("Remove", self)
        self.up_button = _button("Up", self)
        self.down_button = _button("Down", self)
        self.form = StepForm(self)
        self.yaml_edit = QPlainTextEdit(self)
        self.yaml_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.yaml_edit.setFont(mono)
        self.results_tree = JourneyResultsTree(self)
        self.message_label = QLabel(self)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        steps_page = QWidget(self)
        step_buttons = QHBoxLayout()
        for button in (
            self.add_step_button,
            self.remove_step_button,
            self.up_button,
            self.down_button,
        ):
            step_buttons.addWidget(button)
        step_buttons.addStretch(1)
        steps_layout = QVBoxLayout(steps_page)
        steps_layout.setContentsMargins(4, 4, 4, 4)
        steps_layout.addWidget(self.step_list)
        steps_layout.addLayout(step_buttons)
        steps_layout.addWidget(self.form, 1)
        # The form scrolls rather than asking the dock for its full height (a laptop screen).
        steps_scroll = QScrollArea(self)
        steps_scroll.setWidgetResizable(True)
        steps_scroll.setFrameShape(QFrame.Shape.NoFrame)
        steps_scroll.setWidget(steps_page)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(steps_scroll, "Steps")
        self.tabs.addTab(self.yaml_edit, "YAML")
        self.tabs.addTab(self.results_tree, "Results")

        files_row = QHBoxLayout()
        for button in (self.new_button, self.open_button, self.save_button, self.save_as_button):
            files_row.addWidget(button)
        files_row.addStretch(1)
        run_row = QHBoxLayout()
        run_row.addWidget(self.target_combo, 1)
        run_row.addWidget(self.run_button)
        run_row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.journey_combo)
        layout.addLayout(files_row)
        layout.addLayout(run_row)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message_label)

        self._yaml_timer = QTimer(self)
        self._yaml_timer.setSingleShot(True)
        self._yaml_timer.setInterval(400)
        self._yaml_timer.timeout.connect(self._on_yaml_timer_timeout)

        self.journey_combo.activated.connect(self._on_journey_combo_activated)
        self.new_button.clicked.connect(self.new_journey)
        self.open_button.clicked.connect(self.open_file)
        self.save_button.clicked.connect(self.save)
        self.save_as_button.clicked.connect(self.save_as)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.step_list.currentRowChanged.connect(self._on_step_list_current_row_changed)
        self.add_step_button.clicked.connect(self.add_step)
        self.remove_step_button.clicked.connect(self.remove_step)
        self.up_button.clicked.connect(lambda: self.move_step(-1))
        self.down_button.clicked.connect(lambda: self.move_step(1))
        self.form.step_edited.connect(self._on_form_step_edited)
        self.yaml_edit.textChanged.connect(self._on_yaml_edit_text_changed)
        self.results_tree.itemClicked.connect(self._on_results_tree_item_clicked)
        self.results_tree.currentItemChanged.connect(self._on_results_tree_current_item_changed)
        self.journey_run.step_finished.connect(self.results_tree.add_result)
        self.journey_run.finished.connect(self._on_run_done)

        self.refresh_files()
        self._show_document(select=0)

    def sizeHint(self) -> QSize:
        return QSize(420, 620)

    # -- the list of journeys -----------------------------------------------------------------

    def refresh_files(self) -> None:
        """Re-read the journeys in the collections and the examples."""
        self.journey_combo.blockSignals(True)
        self.journey_combo.clear()
        self.journey_combo.addItem("(unsaved journey)", None)
        for file in self.files.list():
            suffix = " (example)" if file.read_only else ""
            self.journey_combo.addItem(file.label + suffix, file)
        self._select_current_in_combo()
        self.journey_combo.blockSignals(False)

    def _select_current_in_combo(self) -> None:
        for index in range(self.journey_combo.count()):
            file = self.journey_combo.itemData(index)
            if (file is None and self.current_file is None) or (
                file is not None
                and self.current_file is not None
                and file.path == self.current_file.path
            ):
                self.journey_combo.setCurrentIndex(index)
                return

    def set_target_names(self, names: list[str]) -> None:
        """Offer saved targets after the two collectors."""
        current = self.target_combo.currentText()
        self.target_combo.blockSignals(True)
        self.target_combo.clear()
        self.target_combo.addItems([FRESH_COLLECTOR, DEMO_COLLECTOR, WINDOW_COLLECTOR, *names])
        index = self.target_combo.findText(current)
        self.target_combo.setCurrentIndex(max(index, 0))
        self.target_combo.blockSignals(False)

    def _on_journey_combo_activated(self, index: int) -> None:
        file = self.journey_combo.itemData(index)
        if file is not None:
            self.open_journey_file(file)

    # -- documents ------------------------------------------------------------------------------

    def new_journey(self) -> None:
        self.set_document(copy.deepcopy(_NEW_JOURNEY), file=None, base_dir=None)
        self._say("A new journey: edit the step, add more, then Run.")

    def open_journey_file(self, file: JourneyFile) -> None:
        try:
            text = self.files.read(file)
        except OSError as exc:
            self._say(f"Cannot open {file.path}: {exc.strerror or exc}")
            return
        self._open_text(text, file=file, base_dir=file.path.parent, where=str(file.path))

    def open_file(self) -> None:
        name = JourneyDialogs.open_file(self)
        if not name:
            return
        path = Path(name)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self._say(f"Cannot open {path}: {exc}")
            return
        outside = JourneyFile(path.name, str(path.parent), path, read_only=False)
        self._open_text(text, file=outside, base_dir=path.parent, where=str(path))

    def _open_text(
        self, text: str, *, file: JourneyFile | None, base_dir: Path | None, where: str
    ) -> None:
        try:
            document = load_text(text).document
        except SourceError as exc:
            self._say(f"{where} is not YAML or JSON: {exc}")
            return
        if not isinstance(document, dict):
            self._say(f"{where} does not hold a journey (a mapping with steps)")
            return
        self.set_document(document, file=file, base_dir=base_dir)
        self._say(f"Opened {where}")

    def open_document(self, document: dict[str, Any], *, note: str = "") -> None:
        """Show a journey document that has no file yet (e.g. recorded from history)."""
        self.set_document(document, file=None, base_dir=None)
        self.dirty = True
        self._say(note or "A new journey: save it to keep it.")

    def set_document(
        self, document: dict[str, Any], *, file: JourneyFile | None, base_dir: Path | None
    ) -> None:
        self.document = document
        self.current_file = file
        self.base_dir = base_dir
        self.dirty = False
        self.results_tree.clear_results()
        self._select_current_in_combo()
        self._show_document(select=0)

    def _steps(self) -> list[Any]:
        steps = self.document.get("steps")
        if not isinstance(steps, list):
            steps = []
            self.document["steps"] = steps
        return steps

    def _show_document(self, *, select: int | None = None) -> None:
        self._syncing = True
        try:
            self._fill_step_list(select)
            self.yaml_edit.setPlainText(dump_text(self.document))
        finally:
            self._syncing = False

    def _fill_step_list(self, select: int | None) -> None:
        row = self.step_list.currentRow() if select is None else select
        self.step_list.blockSignals(True)
        self.step_list.clear()
        for index, step in enumerate(self._steps()):
            name = step.get("name") if isinstance(step, dict) else None
            self.step_list.addItem(f"{index + 1}. {name or 'step ' + str(index + 1)}")
        self.step_list.blockSignals(False)
        steps = self._steps()
        row = min(max(row, 0), len(steps) - 1) if steps else -1
        self.step_list.setCurrentRow(row)
        step = steps[row] if row >= 0 and isinstance(steps[row], dict) else None
        self.form.set_step(step)

    def _on_step_list_current_row_changed(self, row: int) -> None:
        if self._syncing:
            return
        self.form.flush()
        steps = self._steps()
        self.form.set_step(
            steps[row] if 0 <= row < len(steps) and isinstance(steps[row], dict) else None
        )

    def _on_form_step_edited(self, step: dict[str, Any]) -> None:
        row = self.step_list.currentRow()
        steps = self._steps()
        if not 0 <= row < len(steps):
            return
        steps[row] = step
        self.dirty = True
        item = self.step_list.item(row)
        if item is not None:
            item.setText(f"{row + 1}. {step.get('name') or 'step ' + str(row + 1)}")
        self._syncing = True
        try:
            self.yaml_edit.setPlainText(dump_text(self.document))
        finally:
            self._syncing = False

    def _on_yaml_edit_text_changed(self) -> None:
        if not self._syncing:
            self.dirty = True
            self._yaml_timer.start()

    def _on_yaml_timer_timeout(self) -> None:
        self._apply_yaml()

    def _apply_yaml(self) -> bool:
        """Take the YAML text as the document when it parses; say why not otherwise."""
        try:
            document = load_text(self.yaml_edit.toPlainText()).document
        except SourceError as exc:
            self._say(f"YAML not applied: {exc}")
            return False
        if not isinstance(document, dict):
            self._say("YAML not applied: a journey is a mapping with name and steps")
            return False
        self.document = document
        self._syncing = True
        try:
            self._fill_step_list(None)
        finally:
            self._syncing = False
        self._say("")
        return True

    def add_step(self) -> None:
        self._sync_editors()
        steps = self._steps()
        steps.append(
            {
                "name": f"step {len(steps) + 1}",
                "send": {"source": {"id": "source-id"}, "events": []},
            }
        )
        self.dirty = True
        self._show_document(select=len(steps) - 1)

    def remove_step(self) -> None:
        self._sync_editors()
        row = self.step_list.currentRow()
        steps = self._steps()
        if 0 <= row < len(steps):
            del steps[row]
            self.dirty = True
            self._show_document(select=min(row, len(steps) - 1))

    def move_step(self, delta: int) -> None:
        self._sync_editors()
        row = self.step_list.currentRow()
        steps = self._steps()
        other = row + delta
        if 0 <= row < len(steps) and 0 <= other < len(steps):
            steps[row], steps[other] = steps[other], steps[row]
            self.dirty = True
            self._show_document(select=other)

    def _sync_editors(self) -> bool:
        """Apply pending edits of whichever editor is shown; False when the YAML is broken."""
        self.form.flush()
        if self._yaml_timer.isActive():
            self._yaml_timer.stop()
            return self._apply_yaml()
        return True

    def journey_text(self) -> str:
        self._sync_editors()
        return dump_text(self.document)

    # -- saving ---------------------------------------------------------------------------------

    def save(self) -> bool:
        file = self.current_file
        if file is None or file.read_only or not self._in_collections(file):
            return self.save_as()
        return self._write(file.name, file.folder, overwrite=True)

    def save_as(self) -> bool:
        if not self._sync_editors():
            return False
        suggested = str(self.document.get("name") or "journey")
        name = JourneyDialogs.journey_name(self, suggested)
        if name is None:
            return False
        folder = (
            self.current_file.folder
            if self.current_file and self._in_collections(self.current_file)
            else ""
        )
        return self._write(name, folder, overwrite=False)

    def _in_collections(self, file: JourneyFile) -> bool:
        try:
            file.path.relative_to(self.files.folder)
        except ValueError:
            return False
        return not file.read_only

    def _write(self, name: str, folder: str, *, overwrite: bool) -> bool:
        if not self._sync_editors():
            return False
        target_dir = self.files.path_of(name, folder).parent if name.strip() else None
        document = portable_document(self.document, self.base_dir, target_dir)
        text = dump_text(document)
        try:
            saved = self.files.save(name, folder, text, overwrite=overwrite)
        except NameTakenError:
            if not Prompts.confirm(
                self, "Replace journey?", f"A journey named {name!r} exists. Replace it?"
            ):
                return False
            return self._write(name, folder, overwrite=True)
        except CollectionError as exc:
            self._say(f"Not saved: {exc}")
            return False
        self.document = document
        self.current_file = saved
        self.base_dir = saved.path.parent
        self.dirty = False
        self.refresh_files()
        self._show_document(select=None)
        self._say(f"Saved {saved.path}")
        return True

    # -- running --------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.journey_run.running

    def parse(self) -> Journey | None:
        """The journey as it would run, or ``None`` (the problems are shown)."""
        text = self.journey_text()
        source = str(self.current_file.path) if self.current_file else ""
        try:
            return parse_journey(text, base_dir=self.base_dir, source=source)
        except JourneyError as exc:
            lines = "\n".join(f"• {issue}" for issue in exc.issues)
            self._say(f"The journey cannot run:\n{lines}")
            return None

    def run(self) -> None:
        if self.running:
            return
        journey = self.parse()
        if journey is None:
            return
        self.last_result = None
        self.results_tree.clear_results()
        self.tabs.setCurrentWidget(self.results_tree)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        target = self.target_combo.currentText()
        self._say(f"Running {journey.name} against {target}…")
        self.journey_run.start(journey, target)

    def cancel(self) -> None:
        if self.journey_run.cancel():
            self._say("Cancelling…")

    @property
    def results(self) -> list[StepResult]:
        """The steps of the last run that finished so far, in order."""
        return self.results_tree.results

    def _on_run_done(self, outcome: TaskOutcome) -> None:
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if not outcome.ok:
            self._say(f"The run failed: {outcome.error}")
            return
        result: JourneyResult = outcome.result
        self.last_result = result
        counts = result.counts
        word = "cancelled" if result.cancelled else "passed" if result.passed else "failed"
        self._say(
            f"{result.journey.name}: {word} — {counts['passed']} passed, {counts['failed']} "
            f"failed, {counts['skipped']} skipped ({result.duration_ms:.0f} ms)"
        )
        self.run_finished.emit(result)

    def _on_results_tree_item_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        self.show_step_exchange(self.results_tree.result_of(item))
        path = self.results_tree.failure_path(item)
        if path is not None:
            self.failure_path_selected.emit(path)

    def _on_results_tree_current_item_changed(
        self, item: QTreeWidgetItem | None, _old: QTreeWidgetItem | None
    ) -> None:
        self.show_step_exchange(self.results_tree.result_of(item))

    def show_step_exchange(self, result: StepResult | None) -> None:
        """Show the step's exchange in the debugger, and its step in the form."""
        if result is None:
            return
        if 0 <= result.index < self.step_list.count():
            self.step_list.setCurrentRow(result.index)
        if result.exchange is not None:
            self.exchange_selected.emit(result.exchange)

    def shutdown(self) -> None:
        """Cancel a run in progress (the window is closing)."""
        self.cancel()

    def _say(self, text: str) -> None:
        self.message_label.setText(text)
