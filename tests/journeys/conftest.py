"""A fresh in-memory collector per test and a helper that runs journey text against it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from workbench.client import embedded_target
from workbench.collector import CollectorServer
from workbench.core.journey.model import parse_journey
from workbench.journeys import JourneyResult, JourneyRunner, fresh_collector

RunText = Callable[..., JourneyResult]


@pytest.fixture
def collector() -> Iterator[CollectorServer]:
    with fresh_collector() as server:
        yield server


@pytest.fixture
def run_text(collector: CollectorServer, tmp_path: Path) -> RunText:
    """``run_text(yaml, **runner_options)``: parse the journey (relative to tmp_path), run it."""

    def run(text: str, *, bail: bool = False, **options: Any) -> JourneyResult:
        journey = parse_journey(text, base_dir=tmp_path, source=str(tmp_path / "j.yaml"))
        options.setdefault("documents", collector.store)
        runner = JourneyRunner(embedded_target(collector.url), **options)
        return runner.run(journey, bail=bail)

    return run
