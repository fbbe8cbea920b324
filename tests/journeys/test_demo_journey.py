"""The shipped demo journey runs green with `workbench run`'s runner on the demo flow."""

from __future__ import annotations

import httpx

from workbench.client import embedded_target
from workbench.core.journey.model import load_journey
from workbench.journeys import JourneyRunner, fresh_collector
from workbench.resources import resource_path


def test_the_demo_journey_passes_on_the_demo_flow() -> None:
    journey = load_journey(resource_path("demo", "shop-visit.journey.yaml"))
    with fresh_collector() as collector:
        assert httpx.post(f"{collector.url}/_workbench/flow/packs/demo").status_code == 200
        runner = JourneyRunner(embedded_target(collector.url), documents=collector.store)
        result = runner.run(journey)
    assert [s.messages() for s in result.steps] == [[], [], [], []]
    assert result.passed
