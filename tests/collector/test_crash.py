"""Kill the collector with SIGKILL while clients track; nothing answered 200 may be missing.

Each round starts ``workbench collector`` (a real process, the default durable
answers) on the same data folder, lets several clients track events carrying
unique markers, kills the process at an arbitrary moment with SIGKILL, then
opens the folder and checks that every marker answered 200 is stored (for the
staging data set, and for the production one, which each run opens on its first
request). A last
round stops with SIGTERM instead (answers given during a graceful stop are
durable too; requests after it began get 503), and the folder is finally
given a half-written journal line, which the next start drops with a notice.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT
from workbench.store.collector.codec import dumps
from workbench.store.collector.journal import put_line
from workbench.store.collector.store import CollectorStore

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is a POSIX signal")

CLIENTS = 4
ROUNDS = 6


class Tracked:
    """What the clients were told: markers answered 200, and every other outcome seen."""

    def __init__(self) -> None:
        self.answered: set[str] = set()
        self.statuses: dict[int, int] = {}
        self._cond = threading.Condition()

    def add(self, marker: str, status: int) -> None:
        with self._cond:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status == 200:
                self.answered.add(marker)
                self._cond.notify_all()

    def wait_for(self, count: int) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: len(self.answered) >= count, 30)


def _start(folder: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "workbench",
            "collector",
            "--port",
            "0",
            "--data-dir",
            str(folder),
            "--quiet",
            *extra,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:  # the banner comes once the server accepts connections
        if "listening on " in line:
            return process, line.split("listening on ", 1)[1].strip()
    process.wait(10)
    raise AssertionError(f"the collector did not start: {process.stderr.read()}")  # type: ignore[union-attr]


@contextmanager
def _clients(
    url: str, round_no: int, tracked: Tracked, headers: dict[str, str] | None = None
) -> Iterator[threading.Event]:
    stop = threading.Event()

    def client(number: int) -> None:
        session = f"crash-session-{round_no}-{number}"
        with httpx.Client(base_url=url, timeout=10, headers=headers) as http:
            n = 0
            while not stop.is_set():
                marker = f"r{round_no}-c{number}-n{n}"
                n += 1
                payload: dict[str, Any] = {
                    "source": {"id": "source-id"},
                    "session": {"id": session},
                    "events": [{"type": "crash-test", "properties": {"marker": marker}}],
                }
                try:
                    answer = http.post("/track", json=payload)
                except httpx.HTTPError:
                    return  # the collector is gone
                tracked.add(marker, answer.status_code)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        yield stop
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)


def _stored_markers(folder: Path) -> tuple[set[str], list[str]]:
    store = CollectorStore(folder)
    try:
        events = store.list_events(type="crash-test", limit=1_000_000)
        notices = [notice.message for notice in store.notices]
    finally:
        store.close()
    return {e["properties"]["marker"] for e in events}, notices


@pytest.mark.slow
@pytest.mark.parametrize(
    ("headers", "data_set"),
    [
        ({}, ""),  # staging: the collector folder itself
        # Each run's first production request opens that data set; the others follow it.
        ({"x-context": "production"}, "production"),
    ],
    ids=["staging", "production"],
)
def test_no_event_answered_200_is_lost_when_the_collector_is_killed(
    tmp_path: Path, headers: dict[str, str], data_set: str
) -> None:
    folder = tmp_path / "collector"
    tracked = Tracked()
    rng = random.Random(16)
    for round_no in range(ROUNDS):
        process, url = _start(folder)
        try:
            with _clients(url, round_no, tracked, headers):
                # Kill at an arbitrary point: after a random number of answers.
                assert tracked.wait_for(len(tracked.answered) + rng.randint(20, 200))
                process.send_signal(signal.SIGKILL)
                process.wait(10)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(10)
            process.stdout.close()  # type: ignore[union-attr]
            process.stderr.close()  # type: ignore[union-attr]
        stored, notices = _stored_markers(folder / data_set)
        missing = tracked.answered - stored
        assert not missing, f"round {round_no}: {len(missing)} answered events lost"
        # A kill mid-write may cut the last journal line: dropped with a notice, never a crash.
        assert all("cut off" in text for text in notices), notices
        if data_set:
            assert not _stored_markers(folder)[0]  # nothing of it in the staging data set
    assert set(tracked.statuses) == {200}
    assert len(tracked.answered) >= ROUNDS * 20
    # The figure for the record (shown with ``pytest -s``).
    answered, which = len(tracked.answered), data_set or "staging"
    print(f"\ncollector killed {ROUNDS} times ({which}): {answered} answered 200, lost: 0")


@pytest.mark.slow
def test_a_graceful_stop_answers_durably_then_refuses(tmp_path: Path) -> None:
    folder = tmp_path / "collector"
    tracked = Tracked()
    process, url = _start(folder)
    try:
        with _clients(url, 0, tracked):
            assert tracked.wait_for(100)
            process.send_signal(signal.SIGTERM)
            assert process.wait(30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        process.stdout.close()  # type: ignore[union-attr]
        process.stderr.close()  # type: ignore[union-attr]
    stored, notices = _stored_markers(folder)
    assert not tracked.answered - stored
    assert not notices
    assert set(tracked.statuses) <= {200, 503}  # 503: arrived after the stop began


@pytest.mark.slow
def test_a_half_written_journal_line_is_dropped_with_a_notice(tmp_path: Path) -> None:
    folder = tmp_path / "collector"
    CollectorStore(folder).close()  # a snapshot and its (empty) journal
    journal = next(folder.glob("journal-*.jsonl"))
    kept = {"id": "kept", "type": "crash-test", "properties": {"marker": "kept"}}
    with journal.open("ab") as handle:  # one whole change, then one cut off by a kill
        handle.write(put_line("events", [dumps(kept)]) + b"\n")
        handle.write(b'{"op":"put","table":"events","docs":[{"id":"torn","type":"cra')
    process, url = _start(folder)
    try:
        with httpx.Client(base_url=url, timeout=10) as http:
            assert http.get("/event/kept").status_code == 200
            assert http.get("/event/torn").status_code == 404
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)
    assert process.returncode == 0
    assert "notice:" in errors
    assert "cut off" in errors
