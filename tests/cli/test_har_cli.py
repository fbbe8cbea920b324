"""``workbench har import``: real HAR files in, history entries out, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_workbench
from tests.support.har_files import firefox_har, shop_har, write_har
from workbench.settings import app_paths
from workbench.store.history import HistoryStore


def _history(home: Path) -> HistoryStore:
    return HistoryStore(app_paths(str(home)).history_dir, read_only=True)


def test_import_puts_the_calls_into_history_marked_as_imported(
    tmp_path: Path, workbench_home: Path
) -> None:
    har = write_har(tmp_path / "customer.har", shop_har())
    result = run_workbench("har", "import", str(har))
    assert result.returncode == 0, result.stderr
    assert "imported 3 Tracardi calls from customer.har; 5 other requests skipped" in result.stdout
    with _history(workbench_home) as store:
        summaries = list(store.summaries())
        assert [s.route for s in summaries] == [
            "/collect/newsletter-signup/3ee63fc6-490a-4fd8-bfb3-bf0c8c8d3387",
            "/tracardi/api/track",
            "/track",
        ]
        assert {s.target_name for s in summaries} == {"HAR: customer.har"}
        entry = store.get(summaries[-1].id)
        assert entry is not None
        assert entry.exchange.extra["imported"]["file"] == "customer.har"
        assert entry.exchange.extra["imported"]["page"] == "https://shop.example/cart"
        assert entry.exchange.view is not None
        assert entry.exchange.view.events is not None
        assert entry.exchange.view.events["types"] == ["page-view"]
        assert summaries[-1].created_at.startswith("2026-12-01T09:30:01")

    again = run_workbench("har", "import", str(har))
    assert "3 already in the history" in again.stdout
    with _history(workbench_home) as store:
        assert store.count() == 3


def test_secrets_in_a_har_are_masked_in_history(tmp_path: Path, workbench_home: Path) -> None:
    har = write_har(tmp_path / "ff.har", firefox_har())
    assert run_workbench("har", "import", str(har)).returncode == 0
    history_dir = app_paths(str(workbench_home)).history_dir
    stored = b"".join(p.read_bytes() for p in history_dir.rglob("*") if p.is_file())
    assert b"ff-secret-token" not in stored


def test_list_imports_nothing(tmp_path: Path, workbench_home: Path) -> None:
    har = write_har(tmp_path / "customer.har", shop_har())
    result = run_workbench("har", "import", "--list", str(har))
    assert result.returncode == 0
    assert result.stdout.count("\n") == 3
    assert "#4 " in result.stdout
    assert "page-view" in result.stdout
    assert "3 Tracardi calls of 8 requests (5 others skipped)" in result.stderr
    as_json = run_workbench("har", "import", "--list", "--json", str(har))
    lines = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [line["imported"]["entry"] for line in lines] == [4, 5, 6]
    with _history(workbench_home) as store:
        assert store.count() == 0


def test_truncated_or_foreign_files_import_nothing(tmp_path: Path, workbench_home: Path) -> None:
    whole = json.dumps(shop_har(), indent=2)
    cut = tmp_path / "cut.har"
    cut.write_text(whole[: len(whole) * 2 // 3])
    result = run_workbench("har", "import", str(cut))
    assert result.returncode == 2
    assert "cut.har: the file ends early" in result.stderr
    assert "nothing imported" in result.stderr

    bad = shop_har()
    bad["log"]["entries"][6]["request"]["url"] = 42
    write_har(tmp_path / "bad.har", bad)
    result = run_workbench("har", "import", str(tmp_path / "bad.har"))
    assert result.returncode == 2
    assert "log.entries[6].request.url: expected a string, got a number" in result.stderr

    other = {"log": {"version": "1.2", "entries": [shop_har()["log"]["entries"][0]]}}
    write_har(tmp_path / "other.har", other)
    result = run_workbench("har", "import", str(tmp_path / "other.har"))
    assert result.returncode == 1
    assert "0 Tracardi calls of 1 request" in result.stderr

    missing = run_workbench("har", "import", str(tmp_path / "nope.har"))
    assert missing.returncode == 2
    assert "nope.har" in missing.stderr
    with _history(workbench_home) as store:
        assert store.count() == 0
