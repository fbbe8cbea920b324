"""Sealing prepared without the folder's lock: put in place only while it still holds.

A seal is prepared (entries parsed, files written aside) without the folder's
lock and committed under it. These tests make the folder change between the two
steps, as another process would, and check that a stale seal changes nothing,
that a fresh one keeps the entries appended meanwhile, and that only one
process prepares at a time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.store.history_helpers import make_exchange
from workbench.store.atomic import StoreNotice
from workbench.store.history import HistoryStore
from workbench.store.history.lock import HistoryLock
from workbench.store.history.seal import PreparedSeal, commit_seal, prepare_seal
from workbench.store.history.storage import HistoryStorage

SIZE = 4


def _ids(store: HistoryStore) -> list[str]:
    return [summary.id for summary in store.summaries()]


def _leftovers(folder: Path) -> list[Path]:
    return sorted((folder / "segments").glob(".seal.*.tmp"))


def _segment_files(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / "segments").glob("0*"))


@contextlib.contextmanager
def _storage(folder: Path) -> Iterator[HistoryStorage]:
    """A storage of its own (as another process has), opened under its own lock."""
    notices: list[StoreNotice] = []
    storage = HistoryStorage(
        folder, retention=None, segment_size=SIZE, read_only=False, notices=notices
    )
    with storage.lock.hold():
        storage.open()
        storage.end_operation()
    try:
        yield storage
    finally:
        storage.close()
        storage.lock.close()


def _catch_up(storage: HistoryStorage) -> None:
    with storage.lock.hold():
        storage.sync_with_disk()
        storage.end_operation()


def _commit(storage: HistoryStorage, prepared: PreparedSeal) -> bool:
    with storage.lock.hold():
        storage.sync_with_disk()
        try:
            return commit_seal(storage, prepared)
        finally:
            storage.end_operation()


def _fill_without_sealing(folder: Path, writer: HistoryStore, count: int) -> list[str]:
    """Append *count* entries while the test holds the sealing lock (nobody seals)."""
    holder = HistoryLock(folder)
    try:
        with holder.sealing() as ours:
            assert ours
            return [writer.append(make_exchange(n)).id for n in range(count)]
    finally:
        holder.close()


def _prepared(
    folder: Path, writer: HistoryStore, storage: HistoryStorage, count: int
) -> tuple[list[str], PreparedSeal]:
    """*writer* appends *count* entries (nobody seals); *storage* catches up and prepares a seal."""
    appended = _fill_without_sealing(folder, writer, count)
    _catch_up(storage)
    prepared = prepare_seal(storage)
    assert prepared is not None
    return appended, prepared


def test_an_append_that_fills_the_segment_seals_it_after_the_fact(tmp_path: Path) -> None:
    folder = tmp_path / "history"
    with HistoryStore(folder, segment_size=SIZE, retention=None) as store:
        ids = [store.append(make_exchange(n)).id for n in range(SIZE + 1)]
        assert _segment_files(folder) == [f"00000001.g0001.{s}" for s in ("idx", "json", "txt")]
        assert len((folder / "journal.jsonl").read_bytes().splitlines()) == 1
        assert _ids(store) == ids[::-1]
        assert not _leftovers(folder)
        assert not store.notices


def test_while_another_process_prepares_a_seal_appends_go_on_and_none_is_lost(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "history"
    with HistoryStore(folder, segment_size=SIZE, retention=None) as store:
        held = _fill_without_sealing(folder, store, SIZE + 2)  # full, and two more
        assert _segment_files(folder) == []  # the holder of the sealing lock seals, not us
        last = store.append(make_exchange(99)).id  # the lock is free: this append seals
        lines = (folder / "journal.jsonl").read_bytes().splitlines()
        assert len(lines) == 3  # the entries after the first SIZE stay in the journal
        assert _ids(store) == [last, *held[::-1]]
    with HistoryStore(folder, segment_size=SIZE, retention=None) as fresh:
        assert _ids(fresh) == [last, *held[::-1]]
        assert not fresh.notices


def test_a_seal_prepared_before_other_appends_keeps_them(tmp_path: Path) -> None:
    folder = tmp_path / "history"
    with HistoryStore(folder, segment_size=SIZE, retention=None) as other:
        with _storage(folder) as storage:
            first, prepared = _prepared(folder, other, storage, SIZE)
            later = _fill_without_sealing(folder, other, 2)  # appended while it was prepared
            assert _commit(storage, prepared)
        assert not _leftovers(folder)
        assert len((folder / "journal.jsonl").read_bytes().splitlines()) == 2
        assert _ids(other) == [*later[::-1], *first[::-1]]
    with HistoryStore(folder, segment_size=SIZE, retention=None) as fresh:
        assert _ids(fresh) == [*later[::-1], *first[::-1]]
        assert not fresh.notices


def test_a_seal_made_stale_by_a_star_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "history"
    with HistoryStore(folder, segment_size=SIZE, retention=None) as other:
        with _storage(folder) as storage:
            first, prepared = _prepared(folder, other, storage, SIZE)
            assert other.star(first[1])  # rewrites the journal: the prepared copy is stale
            assert not _commit(storage, prepared)
        assert not _leftovers(folder)
        assert _segment_files(folder) == []
        starred = other.get(first[1])
        assert starred is not None
        assert starred.starred
    with HistoryStore(folder, segment_size=SIZE, retention=None) as fresh:
        assert _ids(fresh) == first[::-1]  # sealed by this open, the star kept
        assert [s.id for s in fresh.summaries() if s.starred] == [first[1]]


def test_a_seal_whose_files_an_opening_store_removed_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "history"
    with HistoryStore(folder, segment_size=SIZE, retention=None) as other:
        with _storage(folder) as storage:
            first, prepared = _prepared(folder, other, storage, SIZE)
            assert len(_leftovers(folder)) == 3
            # A store opening now (one that does not seal at this size) removes temporaries.
            HistoryStore(folder, segment_size=100, retention=None).close()
            assert not _leftovers(folder)
            assert not _commit(storage, prepared)
        assert _segment_files(folder) == []  # nothing half put in place
        assert _ids(other) == first[::-1]
        last = other.append(make_exchange(9)).id  # and the next append seals
        assert len(_segment_files(folder)) == 3
        assert _ids(other) == [last, *first[::-1]]


def test_a_damaged_line_taken_unparsed_on_a_reload_is_repaired_when_read(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "history"
    with (
        HistoryStore(folder, segment_size=SIZE, retention=None) as writer,
        HistoryStore(folder, segment_size=SIZE, retention=None) as reader,
    ):
        good = [writer.append(make_exchange(n)).id for n in range(2)]
        assert _ids(reader) == good[::-1]
        assert writer.star(good[0])  # the journal is rewritten: the reader reloads next
        with (folder / "journal.jsonl").open("ab") as journal:  # a line with an id, not JSON
            journal.write(b'{"v":1,"entry":{"id":"damaged","exchange":{]}\n')
        assert reader.refresh() == "changed"  # reloaded, the lines kept as bytes
        assert _ids(reader) == good[::-1]  # read: the damaged line is found and set aside
        assert [n.message for n in reader.notices if "unreadable line" in n.message]
        assert list(folder.glob("journal.jsonl.corrupt-*"))
        assert _ids(writer) == good[::-1]
    with HistoryStore(folder, segment_size=SIZE, retention=None) as fresh:
        assert _ids(fresh) == good[::-1]
        assert [s.id for s in fresh.summaries() if s.starred] == [good[0]]


def test_a_seal_parses_only_the_entries_it_seals(tmp_path: Path) -> None:
    folder = tmp_path / "history"
    with HistoryStore(folder, segment_size=SIZE, retention=None) as other:
        with _storage(folder) as storage:
            appended = _fill_without_sealing(folder, other, SIZE + 3)
            _catch_up(storage)  # another process's lines: kept as bytes
            assert storage.open_segment.has_pending
            prepared = prepare_seal(storage)
            assert prepared is not None
            assert len(storage.open_segment.entries) == SIZE  # the three after them unparsed
            assert storage.open_segment.has_pending
            assert len(storage.open_segment) == SIZE + 3
            assert _commit(storage, prepared)
            assert storage.count() == SIZE + 3
            assert [row[0] for row in storage.open_rows] == appended[SIZE:]
        assert len((folder / "journal.jsonl").read_bytes().splitlines()) == 3
        assert _ids(other) == appended[::-1]
    with HistoryStore(folder, segment_size=SIZE, retention=None) as fresh:
        assert _ids(fresh) == appended[::-1]
        assert not fresh.notices


def test_a_store_that_saw_the_segment_full_before_another_sealed_it_prepares_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workbench.store.history.store as store_module

    prepared: list[int] = []
    real_prepare = store_module.prepare_seal

    def counting_prepare(storage: HistoryStorage) -> PreparedSeal | None:
        prepared.append(len(storage.open_segment))  # counted; the real one runs
        return real_prepare(storage)

    monkeypatch.setattr(store_module, "prepare_seal", counting_prepare)
    folder = tmp_path / "history"
    with (
        HistoryStore(folder, segment_size=SIZE, retention=None) as sealer,
        HistoryStore(folder, segment_size=SIZE, retention=None) as late,
    ):
        first = _fill_without_sealing(folder, sealer, SIZE - 1)
        first += _fill_without_sealing(folder, late, 1)  # full as `late` saw it last
        last = sealer.append(make_exchange(9)).id  # seals the first SIZE
        assert prepared == [SIZE + 1]
        assert len(_segment_files(folder)) == 3
        # `late` still counts a full open segment: it looks again before preparing.
        assert len(late._storage.open_segment) == SIZE
        late._seal_if_full()
        assert prepared == [SIZE + 1]
        assert len(late._storage.open_segment) == 1
        assert _ids(late) == [last, *first[::-1]]
        assert not _leftovers(folder)


def test_a_store_catching_up_with_a_seal_reads_only_the_new_segment(tmp_path: Path) -> None:
    folder = tmp_path / "history"
    with (
        HistoryStore(folder, segment_size=SIZE, retention=None) as sealer,
        HistoryStore(folder, segment_size=SIZE, retention=None) as other,
    ):
        first = [sealer.append(make_exchange(n)).id for n in range(SIZE + 1)]
        assert _ids(other) == first[::-1]
        known = list(other._storage.segments)
        assert len(known) == 1
        later = [sealer.append(make_exchange(n)).id for n in range(SIZE)]  # a second seal
        assert _ids(other) == [*later[::-1], *first[::-1]]
        assert len(other._storage.segments) == 2
        assert other._storage.segments[0] is known[0]  # kept as read, not read again
        assert other.get(first[0]) is not None


def test_a_segment_emptied_and_sealed_again_under_its_number_is_read_again(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "history"
    with (
        HistoryStore(folder, segment_size=SIZE, retention=None) as writer,
        HistoryStore(folder, segment_size=SIZE, retention=None) as other,
    ):
        gone = [writer.append(make_exchange(n)).id for n in range(SIZE)]
        assert _segment_files(folder)[0].startswith("00000001.g0001")
        assert _ids(other) == gone[::-1]
        for entry_id in gone:  # the segment empties and is removed
            assert writer.delete(entry_id)
        fresh = [writer.append(make_exchange(n)).id for n in range(SIZE)]  # sealed anew as 1
        assert _segment_files(folder)[0].startswith("00000001.g0001")
        assert _ids(other) == fresh[::-1]
        assert all(other.get(entry_id) is None for entry_id in gone)
