"""``workbench history``: list, search, show, export, import, clear, through main()."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_workbench
from tests.store.history_helpers import make_exchange
from workbench.__main__ import main
from workbench.settings import app_paths
from workbench.store.history import HistoryStore

ROOT = Path(__file__).resolve().parents[2]


def record(home: Path | None = None, count: int = 3) -> list[str]:
    folder = (app_paths(home) if home else app_paths()).history_dir
    with HistoryStore(folder) as store:
        return [
            store.append(make_exchange(n, product=f"widget-{n}", event_type=f"type-{n}")).id
            for n in range(count)
        ]


def test_list_newest_first_with_limit(capsys: pytest.CaptureFixture[str]) -> None:
    ids = record(count=5)
    assert main(["history", "list", "--limit", "2"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith(ids[4])
    assert lines[1].endswith(ids[3])
    assert "200" in lines[0]
    assert "POST /track" in lines[0]
    assert "type-4" in lines[0]
    assert "(1-2 of 5 entries)" in captured.err


def test_list_as_json_and_with_filters(capsys: pytest.CaptureFixture[str]) -> None:
    ids = record(count=3)
    assert main(["history", "list", "--json", "--type", "type-1"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in rows] == [ids[1]]
    assert rows[0]["event_types"] == ["type-1", "page-view"]
    assert main(["history", "list", "--status", "4xx"]) == 0
    assert "(no matches)" in capsys.readouterr().err


def test_search(capsys: pytest.CaptureFixture[str]) -> None:
    ids = record(count=4)
    assert main(["history", "search", "WIDGET-2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    assert out[0].endswith(ids[2])


def test_show_by_prefix(capsys: pytest.CaptureFixture[str]) -> None:
    ids = record(count=2)
    assert main(["history", "show", ids[0][:13]]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["id"] == ids[0]
    assert shown["exchange"]["request"]["route"] == "/track"
    assert main(["history", "show", "nope"]) == 1
    assert "no entry with id 'nope'" in capsys.readouterr().err


def test_export_and_import_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = record(count=3)
    out = tmp_path / "out.jsonl"
    assert main(["history", "export", "--format", "jsonl", str(out)]) == 0
    assert "exported 3 entries" in capsys.readouterr().out
    har = tmp_path / "out.har"
    assert main(["history", "export", "--format", "har", str(har)]) == 0
    assert len(json.loads(har.read_text())["log"]["entries"]) == 3
    other = tmp_path / "other-home"
    assert main(["--basedir", str(other), "history", "import", str(out)]) == 0
    assert "imported 3 entries" in capsys.readouterr().out
    with HistoryStore(app_paths(other).history_dir) as store:
        assert [s.id for s in store.page()] == ids[::-1]


def test_bad_import_file_gets_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"request": {}}\nnot json\n')
    assert main(["history", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.jsonl, line 2: not valid JSON" in err
    assert main(["history", "import", str(tmp_path / "missing.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["history", "export", "--format", "har", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_clear_needs_confirmation(capsys: pytest.CaptureFixture[str]) -> None:
    record(count=2)
    assert main(["history", "clear"]) == 2
    assert "deletes all 2 entries" in capsys.readouterr().err
    assert main(["history", "clear", "--yes"]) == 0
    assert main(["history", "list"]) == 0
    assert "(no entries)" in capsys.readouterr().err


def test_every_command_works_while_another_process_writes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ids = record(count=2)
    with HistoryStore(app_paths().history_dir) as writer:
        writer.append(make_exchange(9))
        assert main(["history", "list"]) == 0
        assert ids[0] in capsys.readouterr().out
        exported = tmp_path / "export.jsonl"
        assert main(["history", "export", str(exported)]) == 0
        writer.clear()
        assert main(["history", "import", str(exported)]) == 0
        assert "imported 3 entries" in capsys.readouterr().out
        assert writer.count() == 3  # the window's store sees the import at once
        assert main(["history", "clear", "--yes"]) == 0
        assert writer.count() == 0  # and the clear
        kept = writer.append(make_exchange(10)).id
    with HistoryStore(app_paths().history_dir) as again:
        assert [summary.id for summary in again.summaries()] == [kept]


def test_without_an_action_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history"]) == 2
    assert "list" in capsys.readouterr().err


def test_the_real_command_honours_workbench_home(tmp_path: Path) -> None:
    home = tmp_path / "project"
    ids = record(home, count=1)
    result = run_workbench(
        "history",
        "list",
        env={"WORKBENCH_HOME": str(home), "PATH": "", "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert ids[0] in result.stdout
