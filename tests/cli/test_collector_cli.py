"""``workbench collector`` through the real command: URL, sources, request lines, clean stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import run_workbench
from workbench.cli import collector as collector_cli
from workbench.collector import CollectorConfig, CollectorServer
from workbench.store.collector.store import CollectorStore

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = {"source": {"id": "source-id"}, "events": [{"type": "page-view"}]}


@pytest.fixture
def run_collector(tmp_path: Path) -> Iterator:  # type: ignore[type-arg]
    processes: list[subprocess.Popen[str]] = []

    def start(*args: str) -> tuple[subprocess.Popen[str], str, str]:
        """Start the command; return it, its URL and its banner (read up to "Press Ctrl+C")."""
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        process = subprocess.Popen(
            [sys.executable, "-m", "workbench", "collector", "--port", "0", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
        assert process.stdout is not None
        banner = ""
        url = None
        while line := process.stdout.readline():
            banner += line
            if "listening on" in line:
                url = line.rsplit(" ", 1)[-1].strip()
            if line.startswith("Press Ctrl+C"):
                assert url is not None
                return process, url, banner
        raise AssertionError("the collector did not start: " + process.stderr.read())

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.communicate()


def _stop(process: subprocess.Popen[str], sig: int) -> tuple[str, str]:
    process.send_signal(sig)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    return out, err


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serves_logs_and_stops_cleanly(run_collector, tmp_path: Path, sig: int) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    process, url, banner = run_collector("--data-dir", str(data), "--format", "current")
    with httpx.Client(base_url=url) as http:
        assert http.post("/track", json=PAYLOAD).json()["session"]["id"]
        assert http.post("/track", json={"source": {"id": "nope"}}).status_code == 401
    out, err = _stop(process, sig)
    assert "source-id" in banner
    assert "webhook-source-id" in banner
    assert "POST /track 200" in out
    assert "events=page-view" in out
    assert "POST /track 401" in out
    assert "reason=Invalid event source" in out
    assert "stopped; 4 events" in err
    store = CollectorStore(data)
    try:
        assert store.count_events() == 4
    finally:
        store.close()


def test_memory_mode_writes_nothing(run_collector, workbench_home: Path) -> None:  # type: ignore[no-untyped-def]
    process, url, banner = run_collector(
        "--memory", "--quiet", "--accept-any-source", "--no-debugger"
    )
    with httpx.Client(base_url=url) as http:
        body = http.post(
            "/track", json={**PAYLOAD, "source": {"id": "any"}, "options": {"debugger": True}}
        ).json()
        assert "debugging" not in body
    out, _err = _stop(process, signal.SIGTERM)
    assert "POST /track" not in out
    assert "memory only" in banner
    assert not (workbench_home / "collector").exists()


def test_default_data_dir_is_under_the_workbench_home(run_collector, workbench_home: Path) -> None:  # type: ignore[no-untyped-def]
    process, url, _ = run_collector()
    with httpx.Client(base_url=url) as http:
        http.post("/track", json=PAYLOAD)
    _stop(process, signal.SIGTERM)
    assert any((workbench_home / "collector").iterdir())


def test_port_in_use_exits_with_a_message(taken_port: int) -> None:
    result = run_workbench("collector", "--memory", "--port", str(taken_port))
    assert result.returncode == 1
    assert "already in use" in result.stderr


def test_non_loopback_host_warns(capsys: pytest.CaptureFixture[str]) -> None:
    server = CollectorServer(CollectorConfig(port=0))
    server.start()
    try:
        collector_cli._print_banner(server, CollectorConfig(host="0.0.0.0", token="t" * 12))
        out = capsys.readouterr()
        assert "reachable from the network" in out.err
        assert "token: tttttttttttt" in out.out
        collector_cli._print_banner(server, CollectorConfig())
        out = capsys.readouterr()
        assert "reachable" not in out.err
        assert "token" not in out.out
    finally:
        server.stop()


def test_production_mode_puts_every_request_in_production(run_collector, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    process, url, banner = run_collector("--data-dir", str(data), "--quiet", "--production")
    assert "production mode" in banner
    with httpx.Client(base_url=url) as http:
        tracked = http.post("/track", json=PAYLOAD, headers={"x-context": "staging"})
        assert tracked.status_code == 200
        stats = http.get("/_workbench/stats", params={"context": "production"}).json()
        assert stats["events"] == 1
        assert http.get("/_workbench/stats", params={"context": "staging"}).json()["events"] == 0
    _stop(process, signal.SIGTERM)
    assert (data / "production").is_dir()
