from __future__ import annotations

import json
from pathlib import Path

import pytest
from tinydb import TinyDB

from workbench.store.atomic import (
    AtomicJSONStorage,
    UnreadableJSONError,
    atomic_write_json,
    move_aside,
)


def test_atomic_write_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "data.json"
    atomic_write_json(target, {"a": 1})
    atomic_write_json(target, {"a": 2})
    assert json.loads(target.read_text()) == {"a": 2}
    assert [p.name for p in target.parent.iterdir()] == ["data.json"]


def test_move_aside_keeps_the_file(tmp_path: Path) -> None:
    target = tmp_path / "db.json"
    target.write_text("{not json")
    notice = move_aside(target, "invalid JSON")
    assert not target.exists()
    assert notice.moved_to is not None
    assert notice.moved_to.read_text() == "{not json"
    assert str(notice.moved_to) in notice.message
    assert "invalid JSON" in notice.message


def test_tinydb_storage_round_trips_and_leaves_only_the_file(tmp_path: Path) -> None:
    target = tmp_path / "db.json"
    with TinyDB(target, storage=AtomicJSONStorage) as db:
        db.table("things").insert({"name": "één"})
        db.table("things").insert({"name": "two"})
    with TinyDB(target, storage=AtomicJSONStorage) as db:
        assert [doc["name"] for doc in db.table("things").all()] == ["één", "two"]
    assert [p.name for p in tmp_path.iterdir()] == ["db.json"]


def test_tinydb_storage_writes_with_the_given_encoder(tmp_path: Path) -> None:
    target = tmp_path / "db.json"

    def indented(value: object) -> bytes:
        return json.dumps(value, indent=1).encode()

    with TinyDB(target, storage=AtomicJSONStorage, encode=indented) as db:
        db.insert({"a": 1})
    assert target.read_text() == indented({"_default": {"1": {"a": 1}}}).decode()


def test_tinydb_storage_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "db.json"
    with TinyDB(target, storage=AtomicJSONStorage) as db:
        db.insert({"a": 1})
    before = target.read_bytes()

    def broken(value: object) -> bytes:
        raise OSError("disk full")

    with (
        TinyDB(target, storage=AtomicJSONStorage, encode=broken) as db,
        pytest.raises(OSError, match="disk full"),
    ):
        db.insert({"a": 2})
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["db.json"]


def test_tinydb_storage_missing_or_empty_file_is_an_empty_database(tmp_path: Path) -> None:
    (tmp_path / "empty.json").write_bytes(b"  \n")
    for name in ("missing.json", "empty.json"):
        with TinyDB(tmp_path / name, storage=AtomicJSONStorage, read_only=True) as db:
            assert db.all() == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{not json", "is not valid JSON"),
        (b"\xff\xfe{}", "is not valid JSON"),
        (b"[1, 2]", "does not hold a TinyDB database"),
    ],
)
def test_tinydb_storage_names_the_unreadable_file(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    target = tmp_path / "db.json"
    target.write_bytes(content)
    storage = AtomicJSONStorage(target)
    with pytest.raises(UnreadableJSONError, match=reason) as caught:
        storage.read()
    assert str(target) in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert target.read_bytes() == content


def test_tinydb_storage_read_only_refuses_to_write(tmp_path: Path) -> None:
    target = tmp_path / "db.json"
    storage = AtomicJSONStorage(target, read_only=True)
    with pytest.raises(PermissionError, match="read-only"):
        storage.write({"_default": {}})
    assert not target.exists()
