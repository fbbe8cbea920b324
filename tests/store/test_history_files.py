"""The history's files: masking on disk, export/import, corrupt files, migration from v0."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.store.history_helpers import SECRETS, make_exchange, make_exchange_dict
from workbench.core.exchange import Exchange
from workbench.store.history import (
    HistoryImportError,
    HistoryQuery,
    HistoryStore,
    HistoryVersionError,
)


def all_file_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_secrets_never_reach_the_files_or_exports(tmp_path: Path) -> None:
    folder = tmp_path / "history"
    with HistoryStore(folder, segment_size=3) as store:
        for n in range(7):  # sealed segments and journal entries
            entry = store.append(make_exchange(n, with_secrets=True))
        request = entry.exchange.request
        assert request is not None
        assert request.headers["Authorization"] == "********"
        assert request.headers["Cookie"] == "********"
        assert request.headers["X-Api-Key"] == "********"
        assert "api_key=********" in request.url
        assert request.body["context"]["password"] == "********"
        store.star(entry.id)
        store.export_jsonl(tmp_path / "export.jsonl")
        store.export_har(tmp_path / "export.har")
    everything = all_file_bytes(tmp_path)
    assert b"********" in everything
    for secret in SECRETS:
        assert secret.encode() not in everything, secret


def test_export_import_round_trip(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "a", segment_size=4) as source:
        ids = [source.append(make_exchange(n, product=f"p{n}")).id for n in range(9)]
        source.star(ids[2])
        assert source.export_jsonl(tmp_path / "all.jsonl") == 9
        assert source.export_jsonl(tmp_path / "two.jsonl", ids=[ids[0], ids[5]]) == 2
        originals = [source.get(i) for i in ids]
    lines = (tmp_path / "all.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ids  # oldest first
    with HistoryStore(tmp_path / "b", segment_size=4) as target:
        assert target.import_jsonl(tmp_path / "all.jsonl") == 9
        assert target.import_jsonl(tmp_path / "all.jsonl") == 0  # already there
        assert [s.id for s in target.page(None, 0, 20)] == ids[::-1]
        for original in originals:
            assert original is not None
            copy = target.get(original.id)
            assert copy is not None
            assert copy.exchange == original.exchange
            assert copy.summary == original.summary
        assert target.count(HistoryQuery(starred_only=True)) == 1


def test_import_accepts_bare_exchanges(tmp_path: Path) -> None:
    bare = tmp_path / "bare.jsonl"
    bare.write_text(
        json.dumps(make_exchange_dict(1)) + "\n\n" + json.dumps(make_exchange_dict(2)) + "\n"
    )
    with HistoryStore(tmp_path / "h") as store:
        assert store.import_jsonl(bare) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"request": {}}\n{"broken": \n', "line 2: not valid JSON"),
        ("[1, 2]\n", "line 1: expected a JSON object"),
        ('{"hello": "world"}\n', "line 1: not a history entry"),
        ('{"exchange": 5}\n', "line 1: 'exchange' must be an object"),
    ],
)
def test_bad_import_files_are_refused_whole(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content)
    with HistoryStore(tmp_path / "h") as store:
        with pytest.raises(HistoryImportError, match=message):
            store.import_jsonl(bad)
        assert store.count() == 0
        with pytest.raises(HistoryImportError, match="cannot read"):
            store.import_jsonl(tmp_path / "missing.jsonl")
        (tmp_path / "binary.jsonl").write_bytes(b"\xff\xfe\x00")
        with pytest.raises(HistoryImportError, match="not UTF-8"):
            store.import_jsonl(tmp_path / "binary.jsonl")


def segment_files(folder: Path, suffix: str) -> list[Path]:
    return sorted((folder / "segments").glob(f"*.{suffix}"))


def test_corrupt_segment_is_moved_aside_with_a_notice(tmp_path: Path) -> None:
    with HistoryStore(tmp_path, segment_size=3) as store:
        ids = [store.append(make_exchange(n)).id for n in range(7)]
    first = segment_files(tmp_path, "json")[0]
    first.write_text("{ this is not json")
    for index in segment_files(tmp_path, "idx"):
        index.unlink()  # forces a rebuild from the TinyDB files
    with HistoryStore(tmp_path, segment_size=3) as store:
        assert len(store.notices) == 1
        notice = store.notices[0]
        assert notice.moved_to is not None
        assert notice.moved_to.exists()
        assert "moved aside" in notice.message
        assert store.count() == 4  # the other segment and the journal
        assert store.get(ids[0]) is None
        assert store.get(ids[6]) is not None
        store.append(make_exchange(8))
    assert list((tmp_path / "segments").glob("*.corrupt-*"))


def test_corrupt_index_is_rebuilt_from_the_segment(tmp_path: Path) -> None:
    with HistoryStore(tmp_path, segment_size=3) as store:
        ids = [store.append(make_exchange(n, product=f"thing{n}")).id for n in range(6)]
    segment_files(tmp_path, "idx")[0].write_text("garbage\n[1,2]\n")
    segment_files(tmp_path, "txt")[1].unlink()
    with HistoryStore(tmp_path, segment_size=3) as store:
        assert [s.id for s in store.page(None, 0, 10)] == ids[::-1]
        assert store.count(HistoryQuery(text="thing4")) == 1
        assert store.notices == []


def test_unreadable_journal_lines_are_kept_aside(tmp_path: Path) -> None:
    with HistoryStore(tmp_path, segment_size=10) as store:
        ids = [store.append(make_exchange(n)).id for n in range(3)]
    journal = tmp_path / "journal.jsonl"
    lines = journal.read_bytes().split(b"\n")
    journal.write_bytes(lines[0] + b"\n{broken\n" + lines[1] + b"\n" + lines[2] + b"\n")
    with HistoryStore(tmp_path, segment_size=10) as store:
        assert [s.id for s in store.page()] == ids[::-1]
        assert len(store.notices) == 1
        assert store.notices[0].moved_to is not None
        assert b"{broken" in store.notices[0].moved_to.read_bytes()


def test_a_torn_last_journal_line_is_dropped_quietly(tmp_path: Path) -> None:
    with HistoryStore(tmp_path, segment_size=10) as store:
        ids = [store.append(make_exchange(n)).id for n in range(2)]
    with (tmp_path / "journal.jsonl").open("ab") as handle:
        handle.write(b'{"v":1,"entry":{"id":"half-writ')
    with HistoryStore(tmp_path, segment_size=10) as store:
        assert [s.id for s in store.page()] == ids[::-1]
        assert store.notices == []
        store.append(make_exchange(3))
    with HistoryStore(tmp_path, segment_size=10) as store:
        assert store.count() == 3


def test_corrupt_manifest_is_moved_aside_and_entries_kept(tmp_path: Path) -> None:
    with HistoryStore(tmp_path, segment_size=2) as store:
        store.append(make_exchange(1))
        store.append(make_exchange(2))
        store.append(make_exchange(3))
    (tmp_path / "manifest.json").write_text("not json")
    with HistoryStore(tmp_path, segment_size=2) as store:
        assert store.count() == 3
        assert len(store.notices) == 1
        assert "manifest.json" in store.notices[0].message
    assert json.loads((tmp_path / "manifest.json").read_text())["version"] == 1


def test_a_newer_version_is_refused_clearly(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text('{"format": "workbench-history", "version": 99}')
    with pytest.raises(HistoryVersionError, match="newer Workbench"):
        HistoryStore(tmp_path)


def test_migration_from_a_hand_written_v0_file(tmp_path: Path) -> None:
    """v0: one plain TinyDB file, documents are exchange dicts (secrets unmasked!)."""
    first = make_exchange_dict(1, with_secrets=True, started_at="2025-01-01T00:00:00Z")
    second = make_exchange_dict(2, event_type="old-type", started_at="2025-01-02T00:00:00Z")
    v0 = {
        "_default": {
            "1": {**first, "starred": True},
            "2": second,
            "3": {"request": {"method": "GET", "url": "http://old/track"}},
        }
    }
    (tmp_path / "history.json").write_text(json.dumps(v0))
    with HistoryStore(tmp_path, segment_size=2) as store:
        assert store.count() == 3
        assert len(store.notices) == 1
        assert "Migrated 3 entries" in store.notices[0].message
        summaries = store.page()
        assert [s.event_types[0] if s.event_types else None for s in summaries] == [
            None,
            "old-type",
            "purchase-order",
        ]
        assert summaries[2].starred
        assert summaries[2].created_at.startswith("2025-01-01")
        entry = store.get(first["id"])
        assert entry is not None
        assert entry.exchange.request is not None
        assert entry.exchange.request.headers["Authorization"] == "********"
    assert not (tmp_path / "history.json").exists()
    kept = list(tmp_path.glob("history.json.v0-migrated-*"))
    assert len(kept) == 1  # the old file is kept, never deleted
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest == {"format": "workbench-history", "version": 1}
    segments_and_journal = b"".join(
        p.read_bytes() for p in [*(tmp_path / "segments").glob("*"), tmp_path / "journal.jsonl"]
    )
    for secret in SECRETS:
        assert secret.encode() not in segments_and_journal
    with HistoryStore(tmp_path, segment_size=2) as store:
        assert store.count() == 3
        assert store.notices == []


def test_an_unreadable_v0_file_is_moved_aside(tmp_path: Path) -> None:
    (tmp_path / "history.json").write_text("[1, 2")
    with HistoryStore(tmp_path) as store:
        assert store.count() == 0
        assert len(store.notices) == 1
        assert store.notices[0].moved_to is not None
        assert store.notices[0].moved_to.exists()


def test_segments_are_tinydb_databases(tmp_path: Path) -> None:
    from tinydb import Query, TinyDB

    with HistoryStore(tmp_path, segment_size=2) as store:
        ids = [store.append(make_exchange(n)).id for n in range(2)]
    (segment,) = segment_files(tmp_path, "json")
    db = TinyDB(segment, access_mode="r")
    try:
        assert db.table("meta").all()[0]["version"] == 1
        found = db.table("entries").get(Query().id == ids[1])
        assert isinstance(found, dict)
        assert found["exchange"]["request"]["route"] == "/track"
    finally:
        db.close()


def test_folder_migrations_run_step_by_step(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The path for later layouts: each step k -> k+1 runs once and bumps the manifest."""
    from workbench.store.history import migrate as history_migrate

    ran: list[int] = []
    monkeypatch.setattr(history_migrate, "CURRENT_VERSION", 3)
    monkeypatch.setitem(history_migrate.MIGRATIONS, 1, lambda folder: ran.append(1))
    monkeypatch.setitem(history_migrate.MIGRATIONS, 2, lambda folder: ran.append(2))
    history_migrate.write_manifest(tmp_path, 1)
    assert history_migrate.migrate_folder(tmp_path, 1) == 3
    assert ran == [1, 2]
    assert json.loads((tmp_path / "manifest.json").read_text())["version"] == 3


def test_interrupted_rewrites_resolve_to_one_complete_generation(tmp_path: Path) -> None:
    with HistoryStore(tmp_path, segment_size=2) as store:
        ids = [store.append(make_exchange(n)).id for n in range(2)]
    (json_file,) = segment_files(tmp_path, "json")
    stem = json_file.name.removesuffix(".g0001.json")
    segments = tmp_path / "segments"
    # A crash before the new generation's .json was written: its sidecars are orphans.
    (segments / f"{stem}.g0002.idx").write_text("orphan\n")
    (segments / f"{stem}.g0002.txt").write_text("orphan\n")
    (segments / f".{stem}.g0002.json.abc123.tmp").write_text("{half")
    (tmp_path / "segments.cleared-20260101T000000000000Z").mkdir()
    with HistoryStore(tmp_path, segment_size=2) as store:
        assert [s.id for s in store.page()] == ids[::-1]
        assert store.notices == []
        store.star(ids[0])  # writes generation 2 for real, then removes generation 1
    assert sorted(p.name for p in segments.iterdir()) == [
        f"{stem}.g0002.idx",
        f"{stem}.g0002.json",
        f"{stem}.g0002.txt",
    ]
    assert not list(tmp_path.glob("segments.cleared-*"))
    # A crash after generation 3 was complete but before generation 2 was removed.
    for suffix in ("idx", "txt", "json"):
        old = segments / f"{stem}.g0002.{suffix}"
        (segments / f"{stem}.g0003.{suffix}").write_bytes(old.read_bytes())
    with HistoryStore(tmp_path, segment_size=2) as store:
        assert store.count() == 2
        assert store.page()[1].starred
    assert sorted(p.name.split(".")[1] for p in segments.iterdir()) == ["g0003"] * 3


def test_an_interrupted_v0_migration_runs_again_without_duplicates(tmp_path: Path) -> None:
    v0 = {"_default": {"1": make_exchange_dict(1), "2": {"request": {"method": "GET"}}}}
    (tmp_path / "history.json").write_text(json.dumps(v0))
    with HistoryStore(tmp_path) as store:
        assert store.count() == 2
    # As if the app died after carrying the entries over but before retiring the file.
    (next(tmp_path.glob("history.json.v0-migrated-*"))).rename(tmp_path / "history.json")
    (tmp_path / "manifest.json").unlink()
    with HistoryStore(tmp_path) as store:
        assert store.count() == 2


def test_numbers_orjson_reads_differently_come_back_from_the_journal_as_written(
    tmp_path: Path,
) -> None:
    huge = 123456789012345678901234567890  # beyond 64 bits: orjson would read a float
    exchange = make_exchange_dict(1)
    exchange["response"]["json"] = {"huge": huge, "negative": -huge, "max": 2**63 - 1}
    folder = tmp_path / "history"
    with HistoryStore(folder, retention=None) as store:
        entry_id = store.append(Exchange.from_dict(exchange)).id
    with HistoryStore(folder, retention=None) as fresh:  # the journal parsed again
        entry = fresh.get(entry_id)
        assert entry is not None
        assert entry.exchange.to_dict()["response"]["json"] == {
            "huge": huge,
            "negative": -huge,
            "max": 2**63 - 1,
        }
        assert isinstance(entry.exchange.to_dict()["response"]["json"]["huge"], int)


def test_journal_line_ids_are_read_from_the_bytes_of_each_whole_line() -> None:
    from workbench.store.history.segments import journal_line, line_id, line_ids

    plain = journal_line('{"id":"a-1","exchange":{}}')
    escaped = journal_line('{"id":"b\\\\u0031","exchange":{}}')  # read by parsing, not here
    other_shape = b'{"entry":{"id":"c"},"v":1}\n'
    raw = plain + escaped + b"\n" + other_shape + plain
    assert line_ids(raw) == ["a-1", None, None, None, "a-1"]
    assert line_ids(b"") == []
    assert [line_id(line) for line in raw.split(b"\n")[:-1]] == line_ids(raw)
