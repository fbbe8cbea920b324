"""Durable answers: a 200 from /track means the events are written and fsync'ed.

The journal's fsync is replaced by a gate the test opens and closes (a slow or
full disk on demand), so each promise is checked against what is on disk.
"""

from __future__ import annotations

import errno
import gc
import os
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.collector.conftest import ServerFactory
from tests.collector.helpers import minimal
from workbench.collector import CollectorConfig, CollectorServer
from workbench.collector.durability import QUICK_SWITCH_SECONDS, SERVING_GC_THRESHOLD
from workbench.store.collector import journal as collector_journal
from workbench.store.collector.store import CollectorStore


class FsyncGate:
    """Stands in for the journal's fsync: counts calls, can hold them or make them fail.

    Only the journal of the data set the test tracks to (files directly in *folder*)
    goes through the gate. The production data set's journal (a subfolder) and any
    collector another test left running fsync for real and are not counted.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = str(folder)
        self.calls = 0
        self.waiting = 0
        self.fail_with: int | None = None
        self._open = threading.Event()
        self._open.set()
        self._cond = threading.Condition()

    def __call__(self, fd: int) -> None:
        if os.path.dirname(os.readlink(f"/proc/self/fd/{fd}")) != self.folder:
            os.fsync(fd)
            return
        with self._cond:
            self.waiting += 1
            self._cond.notify_all()
        self._open.wait(30)
        with self._cond:
            self.waiting -= 1
            self.calls += 1
        if self.fail_with is not None:
            raise OSError(self.fail_with, "No space left on device")

    def hold(self) -> None:
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def wait_for_waiting(self, count: int = 1) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.waiting >= count, 10)


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FsyncGate]:
    fake = FsyncGate(tmp_path / "collector")
    monkeypatch.setattr(collector_journal, "_fsync", fake)
    yield fake
    fake.release()


def _journal_text(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(folder.glob("journal-*.jsonl")))


def _marked(marker: str) -> dict[str, Any]:
    return minimal(events=[{"type": "page-view", "properties": {"marker": marker}}])


def test_a_durable_answer_comes_after_its_events_are_on_disk(
    make_server: ServerFactory, tmp_path: Path
) -> None:
    server = make_server()
    folder = tmp_path / "collector"
    with httpx.Client(base_url=server.url, timeout=10) as http:
        for n in range(20):
            marker = f"durable-{n}"
            assert http.post("/track", json=_marked(marker)).status_code == 200
            # No flush: what the answer promised must already be in the journal file.
            assert marker.encode() in _journal_text(folder)


def test_the_answer_waits_for_fsync_without_blocking_other_requests(
    make_server: ServerFactory, gate: FsyncGate
) -> None:
    server = make_server()
    gate.hold()
    with (
        httpx.Client(base_url=server.url, timeout=10) as http,
        ThreadPoolExecutor(max_workers=1) as pool,
    ):
        pending = pool.submit(http.post, "/track", json=_marked("held"))
        assert gate.wait_for_waiting()
        assert not pending.done()
        # The event loop is free: other requests are answered while the write waits.
        with httpx.Client(base_url=server.url, timeout=5) as other:
            assert other.get("/healthcheck").status_code == 200
            assert other.get("/_workbench/stats").json()["events"] >= 1
        assert not pending.done()
        gate.release()
        assert pending.result(timeout=10).status_code == 200


class CommitCounter:
    """Counts the store's changes (its observer is called after each one)."""

    def __init__(self, store: CollectorStore) -> None:
        self.count = 0
        self._cond = threading.Condition()
        store.add_observer(self._changed)

    def _changed(self) -> None:
        with self._cond:
            self.count += 1
            self._cond.notify_all()

    def wait_for(self, count: int) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.count >= count, 10)


def test_concurrent_requests_share_one_flush(make_server: ServerFactory, gate: FsyncGate) -> None:
    server = make_server()
    with httpx.Client(base_url=server.url, timeout=10) as warm:
        assert warm.post("/track", json=_marked("warm")).status_code == 200
    # Nothing of the warm-up may still be waiting for the writer's group-commit timer:
    # such a leftover batch would take the held fsync in place of the first request.
    assert server.store.flush()
    commits = CommitCounter(server.store)
    gate.hold()
    before = gate.calls
    clients = 12

    def send(n: int) -> int:
        with httpx.Client(base_url=server.url, timeout=20) as http:
            return http.post("/track", json=_marked(f"group-{n}")).status_code

    with ThreadPoolExecutor(max_workers=clients) as pool:
        first = pool.submit(send, 0)
        assert gate.wait_for_waiting()  # the first request's flush is under way
        rest = [pool.submit(send, n) for n in range(1, clients)]
        assert commits.wait_for(clients)  # all tracked in memory, all waiting for disk
        assert not first.done()
        assert not any(f.done() for f in rest)
        gate.release()
        assert first.result(timeout=20) == 200
        assert [f.result(timeout=20) for f in rest] == [200] * (clients - 1)
    # One flush for the first request, one shared by the eleven that gathered meanwhile.
    assert gate.calls - before == 2


def test_relaxed_answers_at_once_and_says_so_in_its_config(
    make_server: ServerFactory, gate: FsyncGate
) -> None:
    server = make_server(durability="relaxed")
    gate.hold()
    with httpx.Client(base_url=server.url, timeout=10) as http:
        assert http.post("/track", json=_marked("relaxed")).status_code == 200
        server.reconfigure(durability="durable")
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(http.post, "/track", json=_marked("now-durable"))
            assert gate.wait_for_waiting()
            assert not pending.done()
            gate.release()
            assert pending.result(timeout=10).status_code == 200
    with pytest.raises(ValueError, match="durability must be 'durable' or 'relaxed'"):
        server.reconfigure(durability="sometimes")


def test_a_failed_write_is_not_acknowledged(
    make_server: ServerFactory, gate: FsyncGate, tmp_path: Path
) -> None:
    server = make_server()
    with httpx.Client(base_url=server.url, timeout=10) as http:
        assert http.post("/track", json=_marked("before")).status_code == 200
        size = len(_journal_text(tmp_path / "collector"))
        gate.fail_with = errno.ENOSPC
        answer = http.post("/track", json=_marked("disk-full"))
        assert answer.status_code == 503
        assert "could not write" in answer.json()["detail"]
        assert answer.headers["retry-after"] == "1"
        # The failed batch was cut off again: no half line for the next one to glue onto.
        assert len(_journal_text(tmp_path / "collector")) == size
        gate.fail_with = None
        assert http.post("/track", json=_marked("after")).status_code == 200
    server.stop()
    store = CollectorStore(tmp_path / "collector")
    try:
        markers = {e["properties"].get("marker") for e in store.list_events(limit=100)}
        assert {"before", "after"} <= markers
        assert store.notice is None  # no damaged line: the journal reads back clean
    finally:
        store.close()


def test_tracking_after_the_stop_began_gets_503(server: CollectorServer) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as http:
        assert http.post("/track", json=_marked("running")).status_code == 200
        server.app.state.stopping = True  # what stop() sets before it asks uvicorn to finish
        for answer in (
            http.post("/track", json=_marked("late")),
            http.post("/track?profile_less=true", json=_marked("late")),
            http.get("/collect/page-view/webhook-source-id"),
        ):
            assert answer.status_code == 503
            assert "stopping" in answer.json()["detail"]
        assert http.get("/healthcheck").status_code == 200
        server.app.state.stopping = False


def test_a_serving_collector_shortens_the_thread_switch_interval_until_the_last_stops(
    tmp_path: Path,
) -> None:
    before = sys.getswitchinterval()
    gc_before = gc.get_threshold()
    assert before > QUICK_SWITCH_SECONDS  # Python's default (5 ms), as the test run left it
    assert gc_before[0] < SERVING_GC_THRESHOLD  # Python's default (700)
    first = CollectorServer(CollectorConfig(port=0, data_dir=tmp_path / "one"))
    second = CollectorServer(CollectorConfig(port=0, data_dir=tmp_path / "two"))
    try:
        first.start()
        assert sys.getswitchinterval() == QUICK_SWITCH_SECONDS
        assert gc.get_threshold() == (SERVING_GC_THRESHOLD, *gc_before[1:])
        second.start()
        first.stop()
        first.stop()  # a second stop releases nothing more
        assert sys.getswitchinterval() == QUICK_SWITCH_SECONDS  # the other one still serves
        assert gc.get_threshold()[0] == SERVING_GC_THRESHOLD
    finally:
        first.stop()
        second.stop()
    assert sys.getswitchinterval() == before
    assert gc.get_threshold() == gc_before


def test_a_threshold_changed_while_serving_is_left_as_it_was_set(tmp_path: Path) -> None:
    gc_before = gc.get_threshold()
    server = CollectorServer(CollectorConfig(port=0, data_dir=tmp_path / "data"))
    try:
        server.start()
        gc.set_threshold(50_000, *gc_before[1:])  # e.g. the embedding application's own choice
        server.stop()
        assert gc.get_threshold()[0] == 50_000
    finally:
        server.stop()
        gc.set_threshold(*gc_before)
