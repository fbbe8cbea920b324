"""The real commands say things once and in order: validation paths, history's footer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, run_workbench
from tests.store.history_helpers import make_exchange
from workbench.settings import app_paths
from workbench.store.history import HistoryStore


def test_validate_says_each_path_once(tmp_path: Path) -> None:
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps({"events": [{"properties": {}}]}), encoding="utf-8")
    env = {**os.environ, "WORKBENCH_HOME": str(tmp_path / "home")}
    done = run_workbench("validate", str(payload), env=env)
    assert done.returncode != 0
    out = done.stdout + done.stderr
    assert "source: required field is missing [required]" in out
    assert "events[0].type: required field is missing [required]" in out
    assert "source: source:" not in out
    assert "type: events[0].type" not in out


def test_send_refuses_an_invalid_payload_saying_each_path_once(tmp_path: Path) -> None:
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps({"events": []}), encoding="utf-8")
    env = {**os.environ, "WORKBENCH_HOME": str(tmp_path / "home")}
    done = run_workbench("send", str(payload), "--to", "http://127.0.0.1:9", env=env)
    assert done.returncode != 0
    assert "  source: required field is missing [required]" in done.stderr
    assert "source: source:" not in done.stderr


def test_history_list_footer_comes_after_the_rows_on_its_own_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with HistoryStore(app_paths(home).history_dir) as store:
        store.append_many([make_exchange(n, event_type=f"type-{n}") for n in range(300)])
    done = subprocess.run(  # one stream, as a terminal or `2>&1 | tee log` shows it
        [sys.executable, "-m", "workbench", "history", "list", "--limit", "300"],
        cwd=ROOT,
        # Buffered as a pipe is by default (a PYTHONUNBUFFERED shell would hide the bug).
        env={
            **{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},
            "WORKBENCH_HOME": str(home),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-500:]
    lines = done.stdout.splitlines()
    assert lines[-1] == "(1-300 of 300 entries)"
    assert len(lines) == 301
    assert not any("entries)" in line for line in lines[:-1])
