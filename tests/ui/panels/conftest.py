"""Fixtures for the panel tests: a real embedded collector on 127.0.0.1, port 0."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from workbench.collector import CollectorConfig
from workbench.ui.panels.collector_control import CollectorController, CollectorState
from workbench.ui.panels.collector_panel import CollectorPanel

TRACK_BODY = {
    "source": {"id": "source-id"},
    "session": {"id": "session-1"},
    "events": [{"type": "page-view", "properties": {"url": "/"}}],
    "options": {"debugger": True},
}


@pytest.fixture
def controller(qtbot) -> Iterator[CollectorController]:
    control = CollectorController(CollectorConfig(port=0))
    with qtbot.waitSignal(control.server_started, timeout=15_000):
        control.start()
    yield control
    control.shutdown()


@pytest.fixture
def panel(qtbot, controller: CollectorController) -> CollectorPanel:
    widget = CollectorPanel(controller)
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


def send_and_wait(qtbot, controller: CollectorController, send) -> list:
    """Call *send()* (a plain HTTP call) and wait for the bridge's batch that reports it."""
    with qtbot.waitSignal(controller.bridge.records_received, timeout=10_000) as blocker:
        response = send()
    assert controller.state == CollectorState.RUNNING
    return [response, blocker.args[0]]
