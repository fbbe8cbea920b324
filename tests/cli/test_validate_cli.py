from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_workbench
from workbench.__main__ import main
from workbench.resources import resource_path


def test_valid_example(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["validate", str(resource_path("examples", "track-full.json"))]) == 0
    assert capsys.readouterr().out.strip() == "valid"


def test_invalid_payload_lists_issues(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"events": [{"type": ""}]}))
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "source: required field is missing [required]" in out
    assert "events[0].type: must not be empty or blank [pattern]" in out


def test_broken_json_is_a_usage_error(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_text('{"source": ')
    assert main(["validate", str(bad)]) == 2
    assert "not valid JSON" in capsys.readouterr().err


def test_stdin_through_the_real_command() -> None:
    body = resource_path("examples", "track-minimal.json").read_text()
    result = run_workbench("validate", "-", "--format", "json", input=body)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"valid": True, "issues": []}
