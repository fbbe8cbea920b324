"""Puts the Journeys dock into the window, with what it runs against and History → journey.

:func:`install_journeys` adds the dock (Ctrl+Shift+J), tabified with the
collections, and wires it:

* *run* goes through :func:`make_run_journey`: a fresh in-memory collector for
  the run (as ``workbench run`` in CI; with the journey's ``flow:`` if it names
  one), the same with the demo flow, the
  window's own collector (its store answers ``profile@``/``session@``), or a
  saved target by name. It runs on the window's task runner, never on the GUI
  thread;
* a clicked step shows its exchange in the window's response panel;
* *New journey from selected* (History menu and the History panel's context
  menu) reads the selected entries on the task runner and opens the journey
  :func:`~workbench.core.journey.recording.journey_from_exchanges` makes of
  them, unsaved, ready to edit.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from workbench.client import CancelToken, embedded_target
from workbench.collector import CollectorServer
from workbench.core.journey.model import Journey
from workbench.core.journey.recording import journey_from_exchanges
from workbench.journeys import JourneyRunner, fresh_collector
from workbench.journeys.recording import exchanges_by_id
from workbench.journeys.runner import JourneyResult, StepResult
from workbench.settings import TargetSettings
from workbench.store.journey_files import JourneyFiles
from workbench.ui.panels.history_panel import HistoryPanel
from workbench.ui.panels.journeys_panel import (
    DEMO_COLLECTOR,
    FRESH_COLLECTOR,
    WINDOW_COLLECTOR,
    JourneysPanel,
)
from workbench.ui.tasks import TaskOutcome

if TYPE_CHECKING:
    from workbench.ui.main_window import MainWindow

__all__ = ["JOURNEYS_SHORTCUT", "install_journeys", "make_run_journey"]

JOURNEYS_SHORTCUT = "Ctrl+Shift+J"


def make_run_journey(
    window_collector: Callable[[], CollectorServer | None],
    targets: Callable[[], list[TargetSettings]],
) -> Callable[[Journey, str, CancelToken, Callable[[StepResult], None]], JourneyResult]:
    """The panel's run function; *window_collector* gives the running server (or None)."""

    def run(
        journey: Journey, where: str, cancel: CancelToken, on_step: Callable[[StepResult], None]
    ) -> JourneyResult:
        if where in (FRESH_COLLECTOR, DEMO_COLLECTOR):
            flow = "demo" if where == DEMO_COLLECTOR else journey.flow_source()
            with fresh_collector(flow=flow) as server:
                runner = JourneyRunner(embedded_target(server.url), documents=server.store)
                return runner.run(journey, cancel=cancel, on_step=on_step)
        if where == WINDOW_COLLECTOR:
            running = window_collector()
            if running is None:
                raise RuntimeError("this window's collector is not running")
            runner = JourneyRunner(embedded_target(running.url), documents=running.store)
            return runner.run(journey, cancel=cancel, on_step=on_step)
        target = next((t for t in targets() if t.name == where), None)
        if target is None:
            raise RuntimeError(f"no saved target named {where!r}")
        return JourneyRunner(target).run(journey, cancel=cancel, on_step=on_step)

    return run


def install_journeys(
    window: MainWindow,
    collections_dir: Path,
    history_panel: HistoryPanel | None,
    window_collector: Callable[[], CollectorServer | None],
) -> JourneysPanel:
    """Add the Journeys dock and the History → journey action to *window*.

    Journey files live in *collections_dir*; *window_collector* gives the collector
    the window runs (or None) when a journey runs against it."""

    def targets() -> list[TargetSettings]:
        return list(window.settings.targets)

    panel = JourneysPanel(
        JourneyFiles(collections_dir),
        window.runner,
        make_run_journey(window_collector, targets),
        window,
    )
    panel.set_target_names([t.name for t in targets() if t.kind != "embedded"])
    window.targets_changed.connect(
        lambda saved: panel.set_target_names([t.name for t in saved if t.kind != "embedded"])
    )
    docks = window.docks
    window.add_dock(
        panel,
        Qt.DockWidgetArea.LeftDockWidgetArea,
        "Journeys",
        object_name="dock-journeys",
        shortcut=JOURNEYS_SHORTCUT,
        tab_with=next((n for n in ("dock-collections", "dock-history") if n in docks), None),
    )
    if "dock-history" in docks:
        docks["dock-history"].raise_()
    panel.exchange_selected.connect(
        lambda exchange: window.open_exchange(exchange, title="journey step")
    )
    # A failed expectation's row: its path's row selected in the shown answer.
    panel.failure_path_selected.connect(
        lambda path: window.response_panel.find_path(window.response_panel.body_tree, path)
    )
    panel.record_action = _record_action(window, panel, history_panel)
    return panel


def _record_action(
    window: MainWindow, panel: JourneysPanel, history_panel: HistoryPanel | None
) -> QAction:
    action = QAction("New &journey from selected", window)
    action.setToolTip(
        "A journey from the selected history entries (oldest first), with expectations "
        "from their answers, in the Journeys panel"
    )

    def record() -> None:
        if history_panel is None:
            return
        ids = [str(s.id) for s in reversed(history_panel.selected_summaries())]
        if not ids:
            window.statusBar().showMessage("Select history entries to make a journey of", 6000)
            return

        def done(outcome: TaskOutcome) -> None:
            if outcome.error is not None:
                window.statusBar().showMessage(f"Cannot read history: {outcome.error}", 8000)
                return
            exchanges = outcome.result
            document = journey_from_exchanges(exchanges, name="recorded journey")
            count = len(document["steps"])
            panel.open_document(
                document,
                note=f"Recorded {count} step{'s' if count != 1 else ''} from history: "
                "edit, Run, then Save.",
            )
            dock = window.docks.get("dock-journeys")
            if dock is not None:
                dock.show()
                dock.raise_()

        window.runner.submit(
            exchanges_by_id, history_panel.store, ids, channel="journey-record", on_done=done
        )

    action.triggered.connect(record)
    bar = window.menuBar()
    menu = next(
        (m for a in bar.actions() if isinstance(m := a.menu(), QMenu) and a.text() == "H&istory"),
        None,
    )
    if menu is not None:
        menu.addSeparator()
        menu.addAction(action)
    if history_panel is not None:
        history_panel.extra_actions.append(action)
    window.addAction(action)
    return action
