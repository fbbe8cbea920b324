"""The Journeys panel: open, edit (form and YAML), save, run in the background, read results."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from workbench.journeys.runner import JourneyResult
from workbench.store.journey_files import JourneyFiles
from workbench.ui.panels.journeys_install import make_run_journey
from workbench.ui.panels.journeys_panel import (
    DEMO_COLLECTOR,
    FRESH_COLLECTOR,
    WINDOW_COLLECTOR,
    JourneyDialogs,
    JourneysPanel,
)
from workbench.ui.tasks import TaskRunner

FAILING = {
    "name": "two steps",
    "steps": [
        {
            "name": "first",
            "send": {"source": {"id": "source-id"}, "events": [{"type": "page-view"}]},
            "expect": {"status": 200, "debug@events.saved": {"ge": 99}},
        },
        {"name": "second", "send": {"source": {"id": "source-id"}, "events": []}},
    ],
}


@pytest.fixture
def panel(qtbot: Any, tmp_path: Path) -> Iterator[JourneysPanel]:
    runner = TaskRunner()
    widget = JourneysPanel(
        JourneyFiles(tmp_path / "collections"), runner, make_run_journey(lambda: None, list)
    )
    qtbot.addWidget(widget)
    yield widget
    widget.shutdown()
    runner.wait_for_done(10_000)


def run(qtbot: Any, panel: JourneysPanel, where: str = FRESH_COLLECTOR) -> JourneyResult:
    panel.target_combo.setCurrentText(where)
    with qtbot.waitSignal(panel.run_finished, timeout=20_000) as blocker:
        panel.run_button.click()
    result = blocker.args[0]
    assert isinstance(result, JourneyResult)
    return result


def _open_example(panel: JourneysPanel, name: str) -> None:
    labels = [panel.journey_combo.itemText(i) for i in range(panel.journey_combo.count())]
    index = labels.index(f"Examples/{name} (example)")
    panel.journey_combo.setCurrentIndex(index)
    panel.journey_combo.activated.emit(index)


def test_the_examples_are_listed_and_run_green(qtbot: Any, panel: JourneysPanel) -> None:
    _open_example(panel, "demo-story")
    assert panel.step_list.count() == 6
    assert panel.form.name_edit.text() == "a visitor arrives on a phone"
    result = run(qtbot, panel, FRESH_COLLECTOR)  # with the journey's own flow: demo
    assert result.passed, [s.messages() for s in result.steps]
    tree = panel.results_tree
    assert tree.topLevelItemCount() == 6
    assert all(tree.topLevelItem(i).text(0).startswith("PASS") for i in range(6))
    assert "6 passed, 0 failed" in panel.message_label.text()


def test_the_demo_flow_choice_loads_it_for_any_journey(qtbot: Any, panel: JourneysPanel) -> None:
    step = {
        "send": {"source": {"id": "source-id"}, "events": [{"type": "page-view"}]},
        "expect": {"debug@segmentation.entered": {"contains": "visitor"}},
    }
    panel.open_document({"name": "no flow named", "steps": [step]})
    assert not run(qtbot, panel, FRESH_COLLECTOR).passed
    assert run(qtbot, panel, DEMO_COLLECTOR).passed


def test_a_failed_expectation_shows_expected_and_actual_and_links_to_the_answer(
    qtbot: Any, panel: JourneysPanel
) -> None:
    panel.open_document(FAILING)
    result = run(qtbot, panel)
    assert not result.passed
    top = panel.results_tree.topLevelItem(0)
    assert top.text(0).startswith("FAIL  1. first")
    assert top.isExpanded()
    assert panel.tabs.currentWidget() is panel.results_tree
    child = top.child(0)
    assert child.text(0) == "debug@events.saved"
    assert child.child(0).text(0) == "expected  ≥ 99"
    assert child.child(1).text(0).removeprefix("actual  ").isdigit()
    with qtbot.waitSignal(panel.exchange_selected, timeout=2000) as blocker:
        panel.results_tree.itemClicked.emit(child.child(1), 0)
    exchange = blocker.args[0]
    assert exchange.status == 200
    assert exchange.request is not None
    assert exchange.request.body["events"][0]["type"] == "page-view"
    assert panel.step_list.currentRow() == 0
    second = panel.results_tree.topLevelItem(1)
    assert second.text(0).startswith("PASS  2. second")


def test_a_journey_that_cannot_run_says_where_and_sends_nothing(
    qtbot: Any, panel: JourneysPanel
) -> None:
    panel.open_document({"steps": [{"send": {}, "expect": {"debg@x": 1}}]})
    panel.run_button.click()
    assert not panel.running
    assert "steps[0].expect.debg@x" in panel.message_label.text()
    assert "did you mean 'debug'" in panel.message_label.text()
    assert panel.results_tree.topLevelItemCount() == 0


def test_cancel_stops_the_run_and_skips_the_rest(qtbot: Any, panel: JourneysPanel) -> None:
    step = {"send": {"source": {"id": "source-id"}, "events": [{"type": "page-view"}]}}
    panel.open_document({"name": "long", "steps": [dict(step) for _ in range(400)]})
    panel.target_combo.setCurrentText(FRESH_COLLECTOR)
    with qtbot.waitSignal(panel.run_finished, timeout=30_000) as blocker:
        panel.run_button.click()
        assert panel.cancel_button.isEnabled()
        qtbot.waitUntil(lambda: panel.results_tree.topLevelItemCount() >= 1, timeout=10_000)
        panel.cancel_button.click()
    result = blocker.args[0]
    assert result.cancelled
    assert result.counts["skipped"] > 0
    assert "cancelled" in panel.message_label.text()
    assert panel.run_button.isEnabled()
    assert not panel.cancel_button.isEnabled()


def test_the_window_collector_choice_says_when_there_is_none(
    qtbot: Any, panel: JourneysPanel
) -> None:
    panel.open_document(FAILING)
    panel.target_combo.setCurrentText(WINDOW_COLLECTOR)
    panel.run_button.click()
    qtbot.waitUntil(lambda: not panel.running, timeout=10_000)
    assert "not running" in panel.message_label.text()


def test_form_yaml_and_save_stay_in_step(
    qtbot: Any, panel: JourneysPanel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel.new_journey()
    panel.form.name_edit.setText("landing page")
    panel.form.name_edit.textEdited.emit("landing page")
    assert "name: landing page" in panel.yaml_edit.toPlainText()
    assert panel.step_list.item(0).text() == "1. landing page"
    panel.add_step()
    assert panel.step_list.count() == 2
    text = panel.yaml_edit.toPlainText().replace("name: new journey", "name: mine")
    panel.yaml_edit.setPlainText(text)
    assert panel.journey_text().startswith("name: mine")
    panel.yaml_edit.setPlainText("steps: [")  # broken YAML is not applied, and says why
    assert panel._apply_yaml() is False
    assert "YAML not applied" in panel.message_label.text()
    panel.yaml_edit.setPlainText(text)
    monkeypatch.setattr(JourneyDialogs, "journey_name", classmethod(lambda cls, p, s: "Checkout"))
    assert panel.save()
    saved = tmp_path / "collections" / "Checkout.journey.yaml"
    assert saved.read_text(encoding="utf-8").startswith("name: mine")
    labels = [panel.journey_combo.itemText(i) for i in range(panel.journey_combo.count())]
    assert "Checkout" in labels
    assert panel.journey_combo.currentText() == "Checkout"
    # Saving again writes in place, no question asked.
    monkeypatch.setattr(JourneyDialogs, "journey_name", classmethod(lambda cls, p, s: None))
    assert panel.save()


def test_an_example_saved_as_a_copy_inlines_its_payload_files(
    qtbot: Any, panel: JourneysPanel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _open_example(panel, "tracardi-document")
    monkeypatch.setattr(JourneyDialogs, "journey_name", classmethod(lambda cls, p, s: "doc"))
    assert panel.save()  # an example is read-only: Save makes a copy
    text = (tmp_path / "collections" / "doc.journey.yaml").read_text(encoding="utf-8")
    assert "02-minimal.json" not in text
    assert "purchase-order" in text
    result = run(qtbot, panel)
    assert result.passed, [s.messages() for s in result.steps]
