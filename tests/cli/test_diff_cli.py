"""``workbench diff A B``: files, HAR entries, history entries and collector profiles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_workbench
from tests.support.har_files import shop_har, track_answer, write_har


def _write(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def test_equal_files_exit_0(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.json", track_answer())
    b = _write(tmp_path / "b.json", track_answer())
    result = run_workbench("diff", str(a), str(b))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["--- a.json", "+++ b.json", "equal"]


def test_differences_exit_1_with_paths_and_summary(tmp_path: Path) -> None:
    answer = track_answer()
    other = json.loads(json.dumps(answer))
    other["debugging"]["segmentation"]["ids"] = ["vip"]
    other["profile"]["id"] = "another-profile"
    other["debugging"]["logs"].append({"type": "error", "message": "rule failed"})
    a = _write(tmp_path / "customer.json", answer)
    b = _write(tmp_path / "local.json", other)
    result = run_workbench("diff", str(a), str(b))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[:2] == ["--- customer.json", "+++ local.json"]
    assert '+ debugging.segmentation.ids[0]: "vip"' in lines
    assert '+ debugging.logs[type=error]: {"message": "rule failed", "type": "error"}' in lines
    assert lines[-1] == "2 differences: 2 added (1 volatile hidden)"

    everything = run_workbench("diff", str(a), str(b), "--all")
    assert '~ profile.id: "0d2d9dc5-0d60-471e-956f-8766dcb8aba2" → "another-profile"' in (
        everything.stdout
    )
    assert everything.stdout.splitlines()[-1] == "3 differences: 1 changed, 2 added"

    ignored = run_workbench(
        "diff", str(a), str(b), "--ignore", "debugging.logs", "--format", "json"
    )
    assert ignored.returncode == 1
    report = json.loads(ignored.stdout)
    assert report["a"] == "customer.json"
    assert report["b"] == "local.json"
    assert report["equal"] is False
    assert report["ignored"] == ["debugging.logs"]
    assert report["changes"] == [
        {"path": "debugging.segmentation.ids[0]", "kind": "added", "new": "vip"}
    ]
    assert report["hidden_volatile"] == 1

    none_left = run_workbench(
        "diff", str(a), str(b), "--ignore", "debugging.logs", "--ignore", "**.ids"
    )
    assert none_left.returncode == 0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("{not json"), "not JSON at line 1, column 2"),
        (lambda p: p.write_bytes(b"\xff\xfe\x00"), "not UTF-8"),
        (lambda p: None, "No such file"),
    ],
)
def test_unreadable_input_exits_2(tmp_path: Path, make: Any, message: str) -> None:
    bad = tmp_path / "bad.json"
    make(bad)
    good = _write(tmp_path / "good.json", {})
    result = run_workbench("diff", str(good), str(bad))
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_a_bad_ignore_pattern_exits_2(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.json", {"a": 1})
    result = run_workbench("diff", str(a), str(a), "--ignore", "a[")
    assert result.returncode == 2
    assert "--ignore" in result.stderr
    assert "unclosed '['" in result.stderr


def test_har_entries_and_stdin(tmp_path: Path) -> None:
    har = write_har(tmp_path / "shop.har", shop_har())
    whole = run_workbench("diff", str(har), str(har))
    assert whole.returncode == 2
    assert "holds 3 Tracardi calls (#4, #5, #6); name one as shop.har#N" in whole.stderr
    result = run_workbench("diff", f"{har}#4", f"{har}#5")
    assert result.returncode == 1
    assert "~ request.events[type=page-view]" not in result.stdout
    assert "--- shop.har#4" in result.stdout
    assert "- request.events[type=page-view]" in result.stdout
    assert "+ request.events[type=purchase]" in result.stdout
    missing = run_workbench("diff", f"{har}#2", f"{har}#4")
    assert missing.returncode == 2
    assert "entry #2 is not a Tracardi call" in missing.stderr

    exchange = run_workbench("har", "import", "--list", "--json", str(har)).stdout.splitlines()[0]
    same = run_workbench("diff", "-", f"{har}#4", input=exchange)
    assert same.returncode == 0, same.stdout + same.stderr


def test_history_entries(tmp_path: Path) -> None:
    har = write_har(tmp_path / "shop.har", shop_har())
    assert run_workbench("har", "import", str(har)).returncode == 0
    listing = run_workbench("history", "list", "--json")
    ids = [json.loads(line)["id"] for line in listing.stdout.splitlines()]
    result = run_workbench("diff", f"history:{ids[2][:8]}", f"history:{ids[1]}")
    assert result.returncode == 1
    assert f"--- history:{ids[2][:8]}" in result.stdout
    same = run_workbench("diff", f"history:{ids[0]}", f"history:{ids[0]}")
    assert same.returncode == 0
    unknown = run_workbench("diff", "history:nope", f"history:{ids[0]}")
    assert unknown.returncode == 2
    assert "no history entry with that id" in unknown.stderr


def test_profiles_from_a_running_collector(tmp_path: Path) -> None:
    import httpx

    from tests.support.har_files import track_payload
    from workbench.collector.config import CollectorConfig
    from workbench.collector.server import CollectorServer

    server = CollectorServer(CollectorConfig(port=0, accept_any_source=True))
    server.start()
    try:
        url = server.url
        answer = httpx.post(f"{url}/track", json=track_payload(), timeout=10)
        profile_id = answer.json()["profile"]["id"]
        saved = _write(tmp_path / "profile.json", httpx.get(f"{url}/profile/{profile_id}").json())
        same = run_workbench("diff", f"profile:{profile_id}", str(saved), "--to", url)
        assert same.returncode == 0, same.stdout + same.stderr
        assert f"--- profile:{profile_id} @ " in same.stdout
        missing = run_workbench("diff", "profile:nobody", str(saved), "--to", url)
        assert missing.returncode == 2
        assert "has no such profile" in missing.stderr
    finally:
        server.stop()
    gone = run_workbench("diff", f"profile:{profile_id}", str(saved), "--to", url)
    assert gone.returncode == 2
    assert "cannot be reached" in gone.stderr
