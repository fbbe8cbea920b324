from __future__ import annotations

import json
from pathlib import Path

from workbench.store.atomic import atomic_write_json, move_aside


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
    assert notice.moved_to is not None and notice.moved_to.read_text() == "{not json"
    assert str(notice.moved_to) in notice.message and "invalid JSON" in notice.message
