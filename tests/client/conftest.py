from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.client.servers import FakeServer, Handler
from workbench.client import Sender


@pytest.fixture
def sender() -> Iterator[Sender]:
    with Sender() as s:
        yield s


@pytest.fixture
def serve() -> Iterator[object]:
    """``serve(handler, tls=None)`` starts a :class:`FakeServer`, closed at teardown."""
    started: list[FakeServer] = []

    def start(handler: Handler, **kwargs: object) -> FakeServer:
        server = FakeServer(handler, **kwargs)  # type: ignore[arg-type]
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()
