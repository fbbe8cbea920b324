"""A path copied in the window is a journey expectation path, and back.

Real parts: a collector on 127.0.0.1, the journeys runner, the answer's trees.
Paths are copied from one send's answer; a journey then expects and captures
exactly those paths on its own send, and each captured value is the value the
window selects when the same path is pasted into Ctrl+F on that journey's answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication

from workbench.client import embedded_target
from workbench.collector import CollectorServer
from workbench.core.journey.model import parse_journey
from workbench.journeys import JourneyResult, JourneyRunner, fresh_collector
from workbench.ui.entity_dialog import EntityDialog
from workbench.ui.response_panel import ResponsePanel
from workbench.ui.widgets.json_view import JsonView

PAYLOAD = {
    "source": {"id": "source-id"},
    "session": {"id": "{{uuid}}"},
    "events": [{"type": "purchase-order", "properties": {"product": "Nike shoes", "qty": 2}}],
}


@pytest.fixture
def collector() -> Iterator[CollectorServer]:
    with fresh_collector() as server:
        yield server


def run(collector: CollectorServer, tmp_path: Path, step: dict[str, Any]) -> JourneyResult:
    text = json.dumps({"name": "round trip", "steps": [{"name": "buy", "send": PAYLOAD, **step}]})
    journey = parse_journey(text, base_dir=tmp_path, source=str(tmp_path / "j.json"))
    runner = JourneyRunner(embedded_target(collector.url), documents=collector.store)
    return runner.run(journey)


def copy(view: JsonView, keys: tuple[Any, ...], *, pointer: bool = False) -> str:
    assert view.select_path(keys), keys
    text = view.copy_json_pointer() if pointer else view.copy_dot_path()
    assert QGuiApplication.clipboard().text() == text
    return text


def selected_value(view: JsonView) -> Any:
    return view.model.value_of(view.current_source_index())


def test_copied_paths_are_journey_expectations(qtbot, collector, tmp_path: Path) -> None:
    first = run(collector, tmp_path, {}).steps[0].exchange
    assert first is not None
    assert first.view is not None
    panel = ResponsePanel()
    qtbot.addWidget(panel)
    panel.show_exchange(first)
    trees = panel.debugger.trees
    profile = collector.store.get_profile(first.view.profile_id)
    stored = EntityDialog("profile", first.view.profile_id, profile)
    qtbot.addWidget(stored)

    copied = [
        copy(trees["events"], ("saved",)),
        copy(trees["events"], ("types", 0)),
        copy(trees["session"], ("new",)),
        copy(trees["profile"], ("new",), pointer=True),
        copy(trees["logs"], (0, "message")),
        copy(panel.body_tree, ("profile", "id")),
        copy(panel.body_tree, ("debugging", "events", "saved"), pointer=True),
        copy(stored.view, ("stats", "visits")),
        copy(stored.view, ("id",), pointer=True),
    ]
    assert copied == [
        "debug@events.saved",
        "debug@events.types.0",
        "debug@session.new",
        "debug#/profile/new",
        "debug@logs.0.message",
        "response@profile.id",
        "/debugging/events/saved",
        "profile@stats.visits",
        "profile#/id",
    ]

    names = {f"v{i}": path for i, path in enumerate(copied)}
    result = run(
        collector,
        tmp_path,
        {"expect": {path: {"exists": True} for path in copied}, "capture": names},
    )
    step = result.steps[0]
    assert result.passed, step.messages()
    assert step.messages() == []
    assert step.exchange is not None
    assert step.exchange.view is not None
    assert set(step.captured) == set(names)

    # The same paths pasted into the window's search on this answer select the row
    # whose value the journey read.
    panel.show_exchange(step.exchange)
    stored = EntityDialog(
        "profile",
        step.exchange.view.profile_id,
        collector.store.get_profile(step.exchange.view.profile_id),
    )
    qtbot.addWidget(stored)
    for name, path in names.items():
        if path.startswith("profile"):
            view = stored.view
            view.search_for(path)
        else:
            origin = panel.debugger.show_section("warnings")
            origin.search_for(path)  # the row is in another section or the Body
            view = (
                panel.body_tree
                if path.startswith(("response", "/"))
                else panel.debugger.current_tree()
            )
        assert view.match_label.text() == "the row at this path", path
        assert selected_value(view) == step.captured[name], path
