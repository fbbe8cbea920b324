"""Collectors for the tests, with an httpx client.

By default ``make_server`` starts a real collector on 127.0.0.1 (port 0) and
``client`` talks to it over a socket. A module marked ``in_process``
(``pytestmark = pytest.mark.in_process``) gets collectors that are built but
never started, and a ``client`` that drives the same app over httpx's ASGI
transport (:class:`~tests.collector.inprocess.InProcessClient`): the route
semantics without uvicorn's start and stop. What needs the socket (the server
itself, the fast path's parity under uvicorn, crashes, stalled bodies, live
streams, browsers, the CLI) stays unmarked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.collector.inprocess import InProcessClient
from workbench.collector import CollectorConfig, CollectorServer

ServerFactory = Callable[..., CollectorServer]
Client = httpx.Client | InProcessClient
"""What ``client`` and :func:`connect` give: a socket client or an in-process one."""


def _in_process(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("in_process") is not None


@pytest.fixture
def make_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[ServerFactory]:
    """Collectors with the given config fields (started unless in process); stopped after."""
    made: list[CollectorServer] = []
    start = not _in_process(request)

    def factory(**fields: Any) -> CollectorServer:
        fields.setdefault("port", 0)
        fields.setdefault("data_dir", tmp_path / "collector")
        server = CollectorServer(CollectorConfig(**fields))
        made.append(server)
        if start:
            server.start()
        return server

    yield factory
    for server in made:
        server.stop()


@pytest.fixture
def server(make_server: ServerFactory) -> CollectorServer:
    return make_server()


def connect(server: CollectorServer) -> Client:
    """A client for *server*: over its socket if it runs, else in process (close it after)."""
    if server.running:
        return httpx.Client(base_url=server.url, timeout=10)
    return InProcessClient(server.app)


@pytest.fixture
def client(server: CollectorServer) -> Iterator[Client]:
    with connect(server) as http:
        yield http
