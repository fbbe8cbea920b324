"""One real collector per format on 127.0.0.1, shared by the compatibility suite.

Tracardi's tests talk to a running server through a small HTTP helper and
create their own event sources with fresh ids; :class:`TracardiApi` is that
helper in our words, so the replays read like the cases they follow.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.collectors import collectors_per_format
from workbench.collector import CollectorServer


class TracardiApi:
    """HTTP calls to one collector, shaped like the calls of Tracardi's test helper."""

    def __init__(self, server: CollectorServer) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.url, timeout=10)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(path, **kwargs)

    def post(self, path: str, data: Any = None) -> httpx.Response:
        return self.http.post(path, json=data)

    def delete(self, path: str) -> httpx.Response:
        return self.http.delete(path)

    def track(self, payload: dict[str, Any]) -> httpx.Response:
        return self.post("/track", payload)

    def create_event_source(self, source_id: str, kind: str = "rest") -> httpx.Response:
        """Register a source the way Tracardi's tests do (bridge, type as a string, timestamp)."""
        return self.post(
            "/event-source",
            {
                "id": source_id,
                "bridge": {"id": "1", "name": "Api"},
                "type": kind,
                "name": source_id,
                "timestamp": "2022-01-07T16:18:09.278Z",
                "enabled": True,
                "config": {},
            },
        )

    def new_source(self) -> str:
        source_id = str(uuid.uuid4())
        assert self.create_event_source(source_id).status_code == 200
        return source_id

    def close(self) -> None:
        self.http.close()


@pytest.fixture(scope="session")
def collectors() -> Iterator[dict[str, CollectorServer]]:
    with collectors_per_format(("documented", "counters", "current")) as servers:
        yield servers


def _api(collectors: dict[str, CollectorServer], fmt: str) -> Iterator[TracardiApi]:
    api = TracardiApi(collectors[fmt])
    try:
        yield api
    finally:
        api.close()


@pytest.fixture
def api_073(collectors: dict[str, CollectorServer]) -> Iterator[TracardiApi]:
    """The collector answering as Tracardi 0.7.3 (the documented format)."""
    yield from _api(collectors, "documented")


@pytest.fixture
def api_081(collectors: dict[str, CollectorServer]) -> Iterator[TracardiApi]:
    """The collector answering as Tracardi 0.8.1 (the counters format)."""
    yield from _api(collectors, "counters")


@pytest.fixture
def api_082(collectors: dict[str, CollectorServer]) -> Iterator[TracardiApi]:
    """The collector answering as Tracardi 0.8.2 (the current format)."""
    yield from _api(collectors, "current")


@pytest.fixture(params=["0.7.3", "0.8.1", "0.8.2"])
def api(request: pytest.FixtureRequest, collectors: dict[str, CollectorServer]) -> Iterator[Any]:
    """``(tag, api)`` for each release, for cases whose rule did not change."""
    fmt = {"0.7.3": "documented", "0.8.1": "counters", "0.8.2": "current"}[request.param]
    for api in _api(collectors, fmt):
        yield request.param, api


@pytest.fixture(params=["0.7.3", "0.8.1"])
def api_old(
    request: pytest.FixtureRequest, collectors: dict[str, CollectorServer]
) -> Iterator[Any]:
    """``(tag, api)`` for the two releases that answer with saved counters."""
    fmt = {"0.7.3": "documented", "0.8.1": "counters"}[request.param]
    for api in _api(collectors, fmt):
        yield request.param, api
