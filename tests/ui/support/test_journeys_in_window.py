"""The Journeys dock in the real window: there, recorded from History, a step opens its answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel

from workbench import app as workbench_app
from workbench.client import IdentityMemory, RequestSpec, Sender, embedded_target
from workbench.ui.panels.journeys_panel import WINDOW_COLLECTOR, JourneysPanel


@pytest.fixture
def parts(qtbot: Any) -> Iterator[Any]:
    built = workbench_app.build(collector_port=0, collector_in_memory=True)
    qtbot.addWidget(built.window)
    yield built
    built.window.panels.journeys.shutdown()
    built.window.runner.wait_for_done(10_000)
    built.close()


def test_the_dock_is_in_the_view_menu(parts: Any) -> None:
    window = parts.window
    assert isinstance(window.panels.journeys, JourneysPanel)
    dock = window.docks["dock-journeys"]
    assert dock.toggleViewAction().shortcut().toString() == "Ctrl+Shift+J"
    assert dock.toggleViewAction() in window.view_menu.actions()
    history_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "H&istory")
    record = window.panels.journeys.record_action
    assert record in history_menu.actions()
    assert record in window.panels.history.extra_actions


def test_history_selection_becomes_a_journey_that_runs_and_opens_answers(
    qtbot: Any, parts: Any
) -> None:
    window = parts.window
    url = window.panels.controller.url
    target = embedded_target(url)
    payload = {"source": {"id": "source-id"}, "events": [{"type": "page-view"}]}
    history = window.panels.history
    with Sender(identity=IdentityMemory()) as sender:
        for _ in range(3):
            result = sender.send(target, RequestSpec(payload=payload, debugger=True))
            assert result.status == 200
            entry = parts.history.append(result)
            with qtbot.waitSignal(history.model.rowsInserted, timeout=5000):
                window.exchange_recorded.emit(entry.exchange)

    def select_all() -> bool:
        if history.model.rowCount() < 3:
            return False
        for row in range(3):
            history.table.selectionModel().select(
                history.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )
        return len(history.selected_summaries()) == 3

    qtbot.waitUntil(select_all, timeout=5000)
    panel: JourneysPanel = window.panels.journeys
    panel.record_action.trigger()
    qtbot.waitUntil(lambda: panel.step_list.count() == 3, timeout=5000)
    assert "Recorded 3 steps from history" in panel.message_label.text()
    text = panel.journey_text()
    assert "debug@profile.new: true" in text
    assert "'{{profile_id}}'" in text

    panel.target_combo.setCurrentText(WINDOW_COLLECTOR)
    with qtbot.waitSignal(panel.run_finished, timeout=20_000) as blocker:
        panel.run_button.click()
    result = blocker.args[0]
    assert result.passed, [s.messages() for s in result.steps]

    shown: list[Any] = []
    window.exchange_shown.connect(shown.append)
    item = panel.results_tree.topLevelItem(2)
    panel.results_tree.itemClicked.emit(item, 0)
    assert shown
    assert shown[-1].id == result.steps[2].exchange.id
    assert window.response_panel.exchange().id == result.steps[2].exchange.id


def test_record_with_nothing_selected_says_so(parts: Any) -> None:
    parts.window.panels.journeys.record_action.trigger()
    assert "Select history entries" in parts.window.statusBar().currentMessage()


def test_a_failed_expectation_opens_its_answer_at_the_path(
    qtbot: Any, parts: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = parts.window
    found: list[tuple[str, Any]] = []
    original = window.response_panel.find_path

    def spy(origin: Any, text: str, move: bool = True) -> Any:
        answer = original(origin, text, move)
        found.append((text, answer))
        return answer

    monkeypatch.setattr(window.response_panel, "find_path", spy)
    panel: JourneysPanel = window.panels.journeys
    panel.open_document(
        {
            "steps": [
                {
                    "send": {"source": {"id": "source-id"}, "events": [{"type": "page-view"}]},
                    "expect": {"debug@profile.new": False},
                }
            ]
        }
    )
    with qtbot.waitSignal(panel.run_finished, timeout=20_000):
        panel.run_button.click()
    failure = panel.results_tree.topLevelItem(0).child(0)
    assert failure.text(0) == "debug@profile.new"
    assert failure.isExpanded()
    assert failure.child(1).text(0) == "actual  true"
    panel.results_tree.itemClicked.emit(failure.child(1), 0)
    response = window.response_panel
    assert response.exchange().id == panel.results[0].exchange.id
    assert response.tabs.currentWidget() is response.debugger
    assert found == [("debug@profile.new", (True, ""))]
