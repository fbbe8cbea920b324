"""The server's lifecycle, listeners and live settings; concurrent load loses nothing."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from pathlib import Path

import httpx
import pytest

from workbench.collector import (
    CollectorConfig,
    CollectorServer,
    CollectorStartError,
    RequestRecord,
)

from .conftest import ServerFactory
from .helpers import minimal


def test_port_in_use_is_a_clear_start_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = CollectorServer(CollectorConfig(port=port))
        with pytest.raises(CollectorStartError, match="already in use"):
            server.start()
        assert server.store.get_source("source-id") is not None  # still readable
        server.stop()
        assert not server.running


def test_port_fallback_takes_the_next_free_port(make_server: ServerFactory) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        try:
            server = make_server(port=port, port_fallback=20, data_dir=None)
        except CollectorStartError:  # a neighbour was busy too: a busy machine, not a bug
            pytest.skip("no free port next to the probed one")
        assert server.port != port
        assert server.port_note == f"port {port} was taken; using {server.port}"


def test_stop_is_idempotent_and_flushes(tmp_path: Path) -> None:
    server = CollectorServer(CollectorConfig(port=0, data_dir=tmp_path))
    server.start()
    assert server.running
    assert server.url.startswith("http://127.0.0.1:")
    with httpx.Client(base_url=server.url) as http:
        assert http.post("/track", json=minimal()).status_code == 200
    server.stop()
    server.stop()
    assert not server.running
    with pytest.raises(CollectorStartError):
        server.start()
    assert any(tmp_path.iterdir())


def test_listeners_get_every_request_and_failures_are_swallowed(
    server: CollectorServer, client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[RequestRecord] = []
    both = threading.Event()

    def broken(record: RequestRecord) -> None:
        raise RuntimeError("listener bug")

    def collect(record: RequestRecord) -> None:
        seen.append(record)
        if len(seen) == 2:
            both.set()

    server.add_listener(broken)
    server.add_listener(collect)
    with caplog.at_level(logging.ERROR):
        client.post("/track", json=minimal(), headers={"Authorization": "Bearer secret"})
        client.post("/track", json={"source": {"id": "nope"}})
        # Listeners run just after the answer is sent: wait for the second record.
        assert both.wait(10)
    server.remove_listener(broken)
    assert [r.status for r in seen] == [200, 401]
    ok, rejected = seen
    assert ok.source_id == "source-id"
    assert ok.profile_id
    assert ok.event_types[0] == "page-view"
    assert ok.request_headers["authorization"] != "Bearer secret"  # masked
    assert '"page-view"' in ok.request_body
    assert '"profile"' in ok.response_body
    assert ok.response_headers["content-type"] == "application/json"
    assert rejected.reason is not None
    assert rejected.reason.startswith("Invalid event source")
    assert ok.to_dict()["method"] == "POST"
    assert "listener bug" in caplog.text


def test_reconfigure_is_effective_for_the_next_request(
    server: CollectorServer, client: httpx.Client
) -> None:
    assert "task" not in client.post("/track", json=minimal()).json()
    server.reconfigure(response_format="current", accept_any_source=True)
    body = client.post("/track", json=minimal(source={"id": "other"})).json()
    assert "task" in body
    with pytest.raises(ValueError, match="response_format"):
        server.reconfigure(response_format="xml")
    with pytest.raises(ValueError, match="cannot be changed"):
        server.reconfigure(port=1)


def test_config_rejects_bad_values() -> None:
    with pytest.raises(ValueError, match="max_body_bytes"):
        CollectorConfig(max_body_bytes=0)
    with pytest.raises(ValueError, match="port"):
        CollectorConfig(port=70000)


@pytest.mark.slow
def test_eight_concurrent_clients_lose_nothing(make_server: ServerFactory) -> None:
    server = make_server()
    clients, per_client = 8, 200
    statuses: list[int] = []

    async def one_client(index: int) -> None:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            for n in range(per_client):
                payload = minimal(
                    session={"id": f"client-{index}"},
                    events=[{"type": f"load-{index}", "properties": {"n": n}}],
                )
                response = await http.post("/track", json=payload)
                statuses.append(response.status_code)

    async def run_all() -> None:
        await asyncio.gather(*(one_client(i) for i in range(clients)))

    runner = threading.Thread(target=asyncio.run, args=(run_all(),))
    runner.start()
    runner.join(120)
    assert statuses == [200] * (clients * per_client)
    stats = server.store.stats()
    assert stats["events"] == clients * per_client  # documented format: no system events
    assert stats["sessions"] == clients
    assert stats["profiles"] == clients
    for index in range(clients):
        assert stats["events_by_type"][f"load-{index}"] == per_client
    server.stop()
    again = CollectorServer(CollectorConfig(port=0, data_dir=server.config.data_dir))
    try:
        assert again.store.stats()["events"] == stats["events"]
    finally:
        again.stop()
