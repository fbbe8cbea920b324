"""Profiles committed owned are encoded by the journal's writer, once per batch, newest only."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any

import pytest

from workbench.store.collector import journal as collector_journal
from workbench.store.collector.codec import dumps
from workbench.store.collector.journal import CollectorJournal, DeferredPut, put_line
from workbench.store.collector.store import CollectorStore

pytestmark = pytest.mark.in_process


def _journal_records(folder: Path) -> list[dict[str, Any]]:
    lines = b"".join(p.read_bytes() for p in sorted(folder.glob("journal-*.jsonl")))
    return [json.loads(line) for line in lines.splitlines() if line.strip()]


def _deferred(doc: dict[str, Any], encoded: list[str] | None = None) -> DeferredPut:
    def encode() -> bytes:
        if encoded is not None:
            encoded.append(doc["id"])
        return dumps(doc)

    return DeferredPut("profiles", doc["id"], encode)


def _opened(folder: Path) -> CollectorJournal:
    journal = CollectorJournal(folder)
    journal.load()
    return journal


def test_puts_of_one_document_queued_together_write_only_the_newest(tmp_path: Path) -> None:
    journal = _opened(tmp_path)
    encoded: list[str] = []
    # Queued before the writer runs, so they are one batch (what a burst of requests
    # for one visitor is while the writer is busy with the previous fsync).
    tickets = [journal.append_lines([_deferred({"id": "p", "n": n}, encoded)]) for n in range(5)]
    other = journal.append_lines([_deferred({"id": "q", "n": 0}, encoded)])
    journal.start()
    try:
        assert journal.flush()
    finally:
        journal.close()
    records = _journal_records(tmp_path)
    assert [r["docs"] for r in records if r.get("table") == "profiles"] == [
        [{"id": "p", "n": 4}],
        [{"id": "q", "n": 0}],
    ]
    assert encoded == ["p", "q"]  # the superseded ones were never encoded
    assert tickets == [1, 2, 3, 4, 5]
    assert other == 6


def test_a_superseded_put_completes_its_ticket_with_the_newer(tmp_path: Path) -> None:
    journal = _opened(tmp_path)
    first = journal.append_lines([_deferred({"id": "p", "n": 1})])
    journal.append_lines([_deferred({"id": "p", "n": 2})])
    done = threading.Event()
    errors: list[str | None] = []

    def written(error: str | None) -> None:
        errors.append(error)
        done.set()

    journal.start()
    try:
        if journal.when_written(first, written):
            assert done.wait(10)
            assert errors == [None]
        else:  # written already: then without an error
            assert journal.ticket_error(first) is None
    finally:
        journal.close()


def test_a_delete_between_two_puts_leaves_the_newer(tmp_path: Path) -> None:
    journal = _opened(tmp_path)
    journal.append_lines([_deferred({"id": "p", "n": 1})])
    journal.append(dumps({"op": "delete", "table": "profiles", "id": "p"}))
    journal.append_lines([_deferred({"id": "p", "n": 2})])
    journal.append_lines([_deferred({"id": "gone", "n": 1})])
    journal.append(dumps({"op": "delete", "table": "profiles", "id": "gone"}))
    journal.start()
    journal.close()
    state = _opened(tmp_path).load()
    assert state.tables["profiles"] == [{"id": "p", "n": 2}]


def test_the_writer_keeps_writing_when_a_document_cannot_be_encoded(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    journal = _opened(tmp_path)
    journal.append_lines(
        [
            DeferredPut("profiles", "bad", lambda: dumps({"id": "bad", "set": {1, 2}})),
            put_line("events", [dumps({"id": "e1", "type": "t"})]),
        ]
    )
    with caplog.at_level(logging.ERROR):
        journal.start()
        assert journal.flush()
        journal.close()
    assert journal.error is None
    assert "could not be encoded" in caplog.text
    state = _opened(tmp_path).load()
    assert [e["id"] for e in state.tables["events"]] == ["e1"]
    assert state.tables["profiles"] == []


def test_an_owned_profile_is_served_as_given_before_and_after_it_is_written(
    tmp_path: Path,
) -> None:
    store = CollectorStore(tmp_path)
    try:
        owned = {"id": "p", "traits": {"a": 1}}
        store.commit(profile=owned, owned=True, wake=False)  # the writer has not taken it
        assert store.peek(None, "p")[1] is owned
        read = store.get_profile("p")
        assert read == owned
        assert read is not owned  # reads get fresh copies
        read["traits"]["a"] = 2
        assert store.list_profiles() == [{"id": "p", "traits": {"a": 1}}]
        assert store.flush()
        assert store.peek(None, "p")[1] is owned  # encoded, and still not decoded again
        assert store.get_profile("p") == {"id": "p", "traits": {"a": 1}}
    finally:
        store.close()
    again = CollectorStore(tmp_path)
    try:
        assert again.get_profile("p") == {"id": "p", "traits": {"a": 1}}
    finally:
        again.close()


def test_a_burst_of_owned_commits_keeps_the_newest_across_a_restart(tmp_path: Path) -> None:
    store = CollectorStore(tmp_path)
    try:
        for n in range(50):
            store.commit(
                profile={"id": "p", "n": n}, events=[{"id": f"e{n}", "type": "t"}], owned=True
            )
            if n % 7 == 0:
                store.flush()  # some batches end here, others gather several commits
        store.delete_profile("p")
        store.commit(profile={"id": "p", "n": 50}, owned=True)
    finally:
        store.close()
    again = CollectorStore(tmp_path)
    try:
        assert again.get_profile("p") == {"id": "p", "n": 50}
        assert again.count_events() == 50
    finally:
        again.close()


def test_a_compaction_while_a_profile_waits_for_the_writer_keeps_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(collector_journal, "_COMPACT_MIN_BYTES", 2000)
    store = CollectorStore(tmp_path)
    try:
        for n in range(40):
            store.commit(
                profile={"id": "p", "n": n, "pad": "x" * 100},
                events=[{"id": f"e{n}", "type": "t"}],
                owned=True,
                wake=False,
            )
            if n % 5 == 4:
                store.kick_writer()
        assert store.flush()
        assert store._journal is not None
        assert store._journal.generation >= 1  # compacted at least once
        assert store.get_profile("p") == {"id": "p", "n": 39, "pad": "x" * 100}
    finally:
        store.close()
    again = CollectorStore(tmp_path)
    try:
        assert again.get_profile("p") == {"id": "p", "n": 39, "pad": "x" * 100}
        assert again.count_events() == 40
    finally:
        again.close()


def test_a_memory_store_keeps_owned_profiles_encoded(tmp_path: Path) -> None:
    store = CollectorStore(None)
    owned = {"id": "p", "n": 1}
    store.commit(profile=owned, owned=True)
    assert isinstance(store._profiles["p"], bytes)  # no writer would ever encode it
    assert store.peek(None, "p")[1] is owned
    store.close()
