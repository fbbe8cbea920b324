"""Fixtures for the teaching tools: a real collector on 127.0.0.1 (port 0), a real task runner."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from workbench.client.flow_api import FlowApi
from workbench.collector import CollectorConfig, CollectorServer
from workbench.ui.tasks import TaskRunner


@pytest.fixture
def collector() -> Iterator[CollectorServer]:
    server = CollectorServer(CollectorConfig(port=0, data_dir=None))
    server.start()
    try:
        assert httpx.post(f"{server.url}/_workbench/flow/packs/demo").status_code == 200
        yield server
    finally:
        server.stop()


@pytest.fixture
def runner(qtbot) -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    tasks.wait_for_done(10_000)


@pytest.fixture
def api(collector: CollectorServer) -> FlowApi:
    return FlowApi(collector.url)


def track(collector: CollectorServer, events: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    body = {
        "source": {"id": "source-id"},
        "session": {"id": extra.pop("session", "teach-1")},
        "events": events,
        "options": {"debugger": True},
        **extra,
    }
    answer = httpx.post(f"{collector.url}/track", json=body, timeout=10)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result
