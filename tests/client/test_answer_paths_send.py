"""Answer paths resolve against what a real send to both collector generations produced."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from workbench.client import RequestSpec, Sender, embedded_target
from workbench.collector import CollectorConfig, CollectorServer
from workbench.core.answer_paths import MISSING, AnswerRoots


@pytest.fixture(params=["documented", "current"])
def collector(request: pytest.FixtureRequest) -> Iterator[CollectorServer]:
    server = CollectorServer(CollectorConfig(port=0, data_dir=None, response_format=request.param))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_the_same_debug_paths_read_every_generation(collector: CollectorServer) -> None:
    target = embedded_target(collector.url)
    payload = {"source": {"id": "source-id"}, "events": [{"type": "page-view"}]}
    with Sender() as sender:
        result = sender.send(target, RequestSpec(payload=payload, debugger=True))
    assert result.ok, result.error
    roots = AnswerRoots.from_exchange_dict(result.to_dict())
    assert roots.resolve("status") == 200
    assert roots.resolve("time_ms") > 0
    assert roots.resolve("headers@Content-Type").startswith("application/json")
    assert roots.resolve("debug@profile.id") == result.view.profile_id  # type: ignore[union-attr]
    assert "page-view" in roots.resolve("debug@events.types")
    # the documented answer says the profile is new; a current server's answer does not
    documented = collector.config.response_format == "documented"
    assert roots.resolve("debug@profile.new") is (True if documented else None)
    assert roots.resolve("response@profile.id") == result.view.profile_id  # type: ignore[union-attr]
    assert roots.resolve("response@no.such.field") is MISSING
