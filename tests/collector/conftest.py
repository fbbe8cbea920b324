"""A real collector on 127.0.0.1 (port 0) per test, with an httpx client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from workbench.collector import CollectorConfig, CollectorServer

ServerFactory = Callable[..., CollectorServer]


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[ServerFactory]:
    """Start collectors with the given config fields; all are stopped after the test."""
    started: list[CollectorServer] = []

    def factory(**fields: Any) -> CollectorServer:
        fields.setdefault("port", 0)
        fields.setdefault("data_dir", tmp_path / "collector")
        server = CollectorServer(CollectorConfig(**fields))
        server.start()
        started.append(server)
        return server

    yield factory
    for server in started:
        server.stop()


@pytest.fixture
def server(make_server: ServerFactory) -> CollectorServer:
    return make_server()


@pytest.fixture
def client(server: CollectorServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as http:
        yield http
