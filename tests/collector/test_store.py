"""The collector's storage: restart, corrupt files, retention, compaction, reset."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

import pytest

from workbench.collector import EventSource
from workbench.store.collector import journal as collector_journal
from workbench.store.collector import snapshot as collector_snapshot
from workbench.store.collector.snapshot import SNAPSHOT_FILE
from workbench.store.collector.store import CollectorStore

from .conftest import ServerFactory, connect
from .helpers import minimal

pytestmark = pytest.mark.in_process


def _event(i: int, event_type: str = "t") -> dict:
    return {
        "id": f"e{i}",
        "type": event_type,
        "source": {"id": "source-id"},
        "profile": {"id": "p"},
        "session": {"id": "s"},
    }


def test_restart_keeps_data(make_server: ServerFactory, tmp_path: Path) -> None:
    server = make_server()
    with connect(server) as http:
        profile_id = http.post("/track", json=minimal(session={"id": "s1"})).json()["profile"]["id"]
        http.post("/event-source", json={"id": "mine", "name": "Mine"})
    server.stop()
    again = make_server()
    assert again.store.get_profile(profile_id) is not None
    assert again.store.get_session("s1") is not None
    assert again.store.count_events() == 1
    assert again.store.get_source("mine") is not None
    with connect(again) as http:
        body = http.post("/track", json=minimal(session={"id": "s1"})).json()
    assert body["profile"]["id"] == profile_id  # the session's profile is remembered
    assert (tmp_path / "collector" / SNAPSHOT_FILE).exists()


def test_corrupt_snapshot_is_moved_aside(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / SNAPSHOT_FILE).write_text("{not json")
    with caplog.at_level(logging.WARNING):
        store = CollectorStore(folder)
    try:
        assert store.notice is not None
        assert "moved aside" in store.notice.message
        assert store.notice.moved_to is not None
        assert store.notice.moved_to.exists()
        assert store.notice.moved_to.read_text() == "{not json"
        assert store.get_source("source-id") is not None  # fresh start with defaults
        assert "moved aside" in caplog.text
    finally:
        store.close()


def test_corrupt_file_on_server_start(make_server: ServerFactory, tmp_path: Path) -> None:
    folder = tmp_path / "collector"
    folder.mkdir()
    (folder / SNAPSHOT_FILE).write_text('["a list, not a database"]')
    server = make_server()
    assert server.store.notice is not None
    with connect(server) as http:
        assert http.post("/track", json=minimal()).status_code == 200
        assert "moved aside" in http.get("/_workbench/stats").json()["notice"]


def test_torn_last_journal_line_is_skipped(tmp_path: Path) -> None:
    store = CollectorStore(tmp_path)
    store.commit(events=[_event(1), _event(2)])
    store.flush()
    store._journal._handle.write(b'{"op":"put","table":"ev')  # a crash mid-write
    store._journal._handle.flush()
    store._journal._stopping = True  # simulate the crash: no compaction on close
    store._journal._journal_bytes = 0
    store.close()
    again = CollectorStore(tmp_path)
    try:
        assert again.count_events() == 2
        assert again.notice is not None
        assert "cut off" in again.notice.message
    finally:
        again.close()


def test_damaged_journal_line_moves_the_journal_aside(tmp_path: Path) -> None:
    store = CollectorStore(tmp_path)
    store.commit(events=[_event(1)])
    store.flush()
    journal = store._journal.journal_path(store._journal.generation)
    store._journal._journal_bytes = 0  # keep the journal (no compaction on close)
    store.close()
    lines = journal.read_bytes().splitlines()
    journal.write_bytes(b"\n".join([lines[0], b"garbage", *lines[1:]]) + b"\n")
    again = CollectorStore(tmp_path)
    try:
        assert again.count_events() == 1
        assert again.notice is not None
        assert again.notice.moved_to is not None
    finally:
        again.close()
    third = CollectorStore(tmp_path)  # what was readable was compacted into the snapshot
    try:
        assert third.count_events() == 1
        assert third.notice is None
    finally:
        third.close()


def test_retention_drops_the_oldest(tmp_path: Path) -> None:
    store = CollectorStore(tmp_path, retention=5)
    for i in range(8):
        store.commit(events=[_event(i, "even" if i % 2 == 0 else "odd")])
    assert store.count_events() == 5
    assert store.get_event("e0") is None
    assert store.get_event("e3") is not None
    assert [e["id"] for e in store.list_events(type="even")] == ["e6", "e4"]
    store.close()
    again = CollectorStore(tmp_path, retention=5)
    try:
        assert [e["id"] for e in again.list_events()] == ["e7", "e6", "e5", "e4", "e3"]
    finally:
        again.close()


def test_compaction_writes_a_tinydb_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(collector_journal, "_COMPACT_MIN_BYTES", 2000)
    store = CollectorStore(tmp_path)
    try:
        for i in range(60):
            store.commit(events=[_event(i)])
        store.flush()
        first_generation = store._journal.generation
        assert first_generation >= 1
        data = json.loads((tmp_path / SNAPSHOT_FILE).read_text())
        assert {"sources", "events", "meta"} <= set(data)
        assert data["meta"]["1"]["generation"] == first_generation
    finally:
        store.close()
    assert sorted(p.name for p in tmp_path.glob("journal-*")) == [
        f"journal-{store._journal.generation}.jsonl"
    ]
    again = CollectorStore(tmp_path)
    try:
        assert again.count_events() == 60
    finally:
        again.close()


@pytest.mark.parametrize(
    "count", [0, 1, collector_snapshot._CHUNK_DOCS, collector_snapshot._CHUNK_DOCS + 1]
)
def test_snapshot_pieces_make_one_tinydb_file(count: int) -> None:
    events = [json.dumps({"id": f"e{i}", "n": i}).encode() for i in range(count)]
    tables = {"sources": [b'{"id":"s"}'], "profiles": [], "sessions": [], "events": events}
    data = json.loads(collector_snapshot.snapshot_bytes(tables, 7))
    assert data["events"] == {str(i + 1): {"id": f"e{i}", "n": i} for i in range(count)}
    assert data["sources"] == {"1": {"id": "s"}}
    assert data["profiles"] == {}
    assert data["meta"] == {"1": {"generation": 7, "format": 1}}


def test_reset_is_persisted(tmp_path: Path) -> None:
    store = CollectorStore(tmp_path)
    store.commit(events=[_event(1)])
    store.put_source(EventSource(id="x", name="X"))
    store.reset()
    store.close()
    again = CollectorStore(tmp_path)
    try:
        assert again.count_events() == 0
        assert again.get_source("x") is None
        assert again.get_source("source-id") is not None
    finally:
        again.close()


def test_memory_store_writes_nothing(tmp_path: Path) -> None:
    store = CollectorStore(None)
    store.commit(events=[_event(1)])
    assert store.flush()
    assert store.stats()["persistent"] is False
    store.close()
    assert list(tmp_path.iterdir()) == []


def test_duplicate_event_id_replaces_the_event(tmp_path: Path) -> None:
    store = CollectorStore(None)
    store.commit(events=[_event(1, "a"), _event(2, "b")])
    store.commit(events=[_event(1, "c")])
    assert [e["type"] for e in store.list_events()] == ["c", "b"]
    assert store.count_events(type="a") == 0
    store.close()


def test_values_orjson_cannot_encode_still_round_trip(tmp_path: Path) -> None:
    huge = 123456789012345678901234567890
    store = CollectorStore(tmp_path)
    store.commit(events=[{**_event(1), "properties": {"n": huge}}])
    assert store.get_event("e1")["properties"]["n"] == huge
    store.close()
    again = CollectorStore(tmp_path)
    try:
        assert again.get_event("e1")["properties"]["n"] == huge
    finally:
        again.close()


def test_a_failing_disk_is_reported_and_memory_keeps_serving(tmp_path: Path) -> None:
    store = CollectorStore(tmp_path)
    try:
        store._journal._handle.close()  # every later write fails
        store.commit(events=[_event(1)])
        store.flush(timeout=10)
        assert store.write_error is not None
        assert "failed" in store.write_error
        assert store.stats()["write_error"] == store.write_error
        assert store.get_event("e1") is not None
    finally:
        store.close()


def _wait_until_done(store: CollectorStore, ticket: int) -> None:
    """Block until the writer has written *ticket*, or given up on it."""
    done = threading.Event()
    if store.when_durable(ticket, lambda error: done.set()):
        assert done.wait(10)


def test_every_failed_batch_keeps_its_reason_not_only_the_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failures = iter([OSError(28, "No space left on device"), OSError(5, "I/O error")])

    def fsync(fd: int) -> None:
        failure = next(failures, None)
        if failure is not None:
            raise failure

    store = CollectorStore(tmp_path)
    try:
        store.flush(timeout=10)  # the default sources, written before the disk fails
        monkeypatch.setattr(collector_journal, "_fsync", fsync)
        full = store.commit(events=[_event(1)])
        _wait_until_done(store, full)
        broken = store.commit(events=[_event(2)])
        _wait_until_done(store, broken)
        written = store.commit(events=[_event(3)])
        _wait_until_done(store, written)
        assert "No space left" in (store.ticket_error(full) or "")
        assert "I/O error" in (store.ticket_error(broken) or "")
        assert store.ticket_error(written) is None
        assert store.write_error is None  # the last write worked
    finally:
        store.close()


def test_peek_serves_the_stored_document_until_it_changes(tmp_path: Path) -> None:
    store = CollectorStore(tmp_path)
    store.commit(profile={"id": "p", "n": 1}, session={"id": "s", "profile": {"id": "p"}})
    _, first = store.peek(None, "p")
    _, again = store.peek(None, "p")
    assert first == {"id": "p", "n": 1}
    assert again is first  # decoded once, then served as it is
    store.commit(profile={"id": "p", "n": 2})
    assert store.peek(None, "p")[1] == {"id": "p", "n": 2}
    store.delete_profile("p")
    assert store.peek(None, "p") == (None, None)
    assert store.peek("s", None)[0] == {"id": "s", "profile": {"id": "p"}}
    store.reset()
    assert store.peek("s", None) == (None, None)
    store.close()


def test_only_owned_documents_are_kept_as_given(tmp_path: Path) -> None:
    store = CollectorStore(tmp_path)
    given = {"id": "p", "traits": {"a": 1}}
    store.commit(profile=given)
    copy = store.peek(None, "p")[1]
    assert copy == given
    assert copy is not given  # the caller may still change its dict: the store decodes
    given["traits"]["a"] = 2
    assert store.peek(None, "p")[1] == {"id": "p", "traits": {"a": 1}}
    owned = {"id": "p", "traits": {"a": 3}}
    store.commit(profile=owned, owned=True)
    assert store.peek(None, "p")[1] is owned
    assert store.get_profile("p") is not owned  # reads still get fresh copies
    store.close()


def test_the_decoded_documents_kept_are_bounded(tmp_path: Path) -> None:
    from workbench.store.collector.store import HOT_DOCUMENTS

    store = CollectorStore(None)
    for i in range(HOT_DOCUMENTS + 10):
        store.commit(profile={"id": f"p{i}"}, owned=True)
    assert store.peek(None, "p0")[1] == {"id": "p0"}  # dropped from the table, decoded again
    assert len(store._hot_profiles._docs) == HOT_DOCUMENTS


def test_tracking_never_changes_the_documents_peek_serves(make_server: ServerFactory) -> None:
    from workbench.collector.flow_routes import flow_store_of

    server = make_server()
    flow_store_of(server.app).load_pack("demo")  # rules and segments that change profiles
    store = server.store
    payloads = [
        minimal(session={"id": "s1"}),
        minimal(session={"id": "s1"}, properties={"a": 1}, context={"page": {"url": "x"}}),
        {
            "source": {"id": "source-id"},
            "session": {"id": "s1"},
            "events": [
                {"type": "purchase-order", "properties": {"product": "Nike shoes", "quantity": 2}},
                {"type": "add-to-cart", "properties": {"product": "Cap", "price": 10}},
            ],
            "options": {"debugger": True},
        },
        minimal(session={"id": "s2"}, options={"profile": True}),
    ]
    with connect(server) as http:
        for payload in payloads:
            answer = http.post("/track", json=payload)
            assert answer.status_code == 200, answer.text
            session_id = payload["session"]["id"]
            session, _ = store.peek(session_id, None)
            profile_id = session["profile"]["id"]
            # What peek serves (kept decoded) is what the stored bytes say.
            assert session == store.get_session(session_id)
            assert store.peek(None, profile_id)[1] == store.get_profile(profile_id)
