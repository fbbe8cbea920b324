"""``workbench run``: exit codes, one line per step, the summary, JUnit, targets and flows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from junitparser import JUnitXml

from tests.conftest import run_workbench
from workbench.__main__ import main
from workbench.journeys import fresh_collector
from workbench.settings import Settings, SettingsFile, TargetSettings, app_paths

PASSING = """\
name: passing
steps:
  - name: first visit
    send: {source: {id: source-id}, events: [{type: page-view}]}
    expect: {status: 200, debug@profile.new: true}
    capture: {p: response@profile.id}
  - name: returning visit
    send: {source: {id: source-id}, events: [{type: page-view}]}
    expect: {response@profile.id: "{{p}}"}
"""

FAILING = """\
name: failing
steps:
  - name: too many
    send: {source: {id: source-id}, events: [{type: page-view}]}
    expect: {debug@events.saved: {ge: 10}}
  - name: after
    send: {source: {id: source-id}, events: [{type: page-view}]}
"""


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_passing_journey_exits_0_with_a_line_per_step(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(["run", write(tmp_path, "ok.yaml", PASSING)])
    out = capsys.readouterr().out
    assert code == 0, out
    lines = out.splitlines()
    assert "fresh embedded collector http://127.0.0.1:" in lines[0]
    assert lines[1].startswith("  PASS  1. first visit  (")
    assert lines[2].startswith("  PASS  2. returning visit  (")
    assert lines[3].startswith("passed: passing: 2 passed, 0 failed")
    assert lines[4].startswith("PASSED: 1 journey, 2 steps: 2 passed, 0 failed, 0 skipped in ")


def test_failed_expectation_exits_1_naming_path_expected_actual(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    junit = tmp_path / "out" / "junit.xml"
    files = [write(tmp_path, "ok.yaml", PASSING), write(tmp_path, "bad.yaml", FAILING)]
    code = main(["run", *files, "--junit", str(junit), "--bail"])
    out = capsys.readouterr().out
    assert code == 1
    assert "  FAIL  1. too many" in out
    assert "        debug@events.saved: expected ≥ 10" in out
    assert "actual   1" in out  # one event; the documented format (0.7.3) adds no system events
    assert "  SKIP  2. after" in out
    assert "FAILED: 2 journeys, 4 steps: 2 passed, 1 failed, 1 skipped" in out
    report = JUnitXml.fromfile(str(junit))
    assert [s.name for s in report] == ["passing", "failing"]
    assert report.tests == 4
    assert report.failures == 1
    assert report.skipped == 1


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("steps: [{send: {}, expect: {debg@x: 1}}]\n", "steps[0].expect.debg@x (line 1)"),
        ("steps: [{send: {}, wait: 0}]\n", "steps[0].wait (line 1): 0 is less than the minimum"),
        ("name: [\n", "not valid YAML"),
    ],
)
def test_invalid_journey_exits_2_with_field_path(tmp_path: Path, capsys, text, fragment) -> None:  # type: ignore[no-untyped-def]
    ok = write(tmp_path, "ok.yaml", PASSING)
    code = main(["run", ok, write(tmp_path, "bad.yaml", text)])
    captured = capsys.readouterr()
    assert code == 2
    assert "bad.yaml is not a valid journey:" in captured.err
    assert fragment in captured.err
    assert captured.out == ""  # nothing ran: every file is checked first


def test_usage_errors_exit_2(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    ok = write(tmp_path, "ok.yaml", PASSING)
    assert main(["run", str(tmp_path / "missing.yaml")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["run", ok, "--var", "novalue"]) == 2
    assert "NAME=VALUE" in capsys.readouterr().err
    assert main(["run", ok, "--target", "nowhere"]) == 2
    assert "no target named 'nowhere'" in capsys.readouterr().err
    assert main(["run", ok, "--flow", str(tmp_path / "none.json")]) == 2
    assert "cannot read the flow file" in capsys.readouterr().err
    (tmp_path / "bad-flow.json").write_text('{"rules": 5}')
    assert main(["run", ok, "--flow", str(tmp_path / "bad-flow.json")]) == 2
    assert "not a valid event flow" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["run", ok, "--demo", "--flow", "x.json"])
    assert info.value.code == 2


def test_to_and_saved_targets_and_vars(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    text = """\
target: embedded
steps:
  - send: {source: {id: source-id}, events: [{type: "{{kind}}"}]}
    expect: {debug@events.types: {contains: "{{kind}}"}}
"""
    path = write(tmp_path, "vars.yaml", text)
    with fresh_collector() as server:
        assert main(["run", path, "--to", server.url, "--var", "kind=signup"]) == 0
        assert f"→ {server.url}" in capsys.readouterr().out
        settings_file = SettingsFile(app_paths().settings_file)
        settings_file.save(Settings(targets=[TargetSettings(name="staging", base_url=server.url)]))
        assert main(["run", path, "--target", "staging", "--var", "kind=x"]) == 0
        assert server.store.count_events(type="x") == 1
        by_url = write(tmp_path, "by-url.yaml", text.replace("embedded", server.url))
        assert main(["run", by_url, "--var", "kind=y"]) == 0
        assert server.store.count_events(type="y") == 1
        assert main(["run", path, "--to", server.url, "--demo"]) == 2
        assert "embedded collector only" in capsys.readouterr().err
    assert main(["run", path]) == 1  # {{kind}} is not defined anywhere
    assert "unknown variable" in capsys.readouterr().out


def test_demo_flow_is_loaded(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    text = """\
steps:
  - send: {source: {id: source-id}, events: [{type: page-view}]}
    expect: {debug@segmentation.entered: {contains: visitor}}
"""
    path = write(tmp_path, "demo.yaml", text)
    assert main(["run", path, "--demo"]) == 0, capsys.readouterr().out
    assert main(["run", path]) == 1  # no flow, no segments


def test_junit_that_cannot_be_written_fails_the_run(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "file").write_text("x")
    code = main(
        ["run", write(tmp_path, "ok.yaml", PASSING), "--junit", str(tmp_path / "file" / "j.xml")]
    )
    assert code == 1
    assert "cannot write" in capsys.readouterr().err


def test_the_real_command(tmp_path: Path) -> None:
    path = write(
        tmp_path, "ok.json", json.dumps({"steps": [{"send": {"source": {"id": "source-id"}}}]})
    )
    result = run_workbench("run", path, "--quiet")
    assert result.returncode == 0, result.stderr
    assert "  PASS  1." not in result.stdout
    assert "PASSED: 1 journey, 1 step: 1 passed" in result.stdout


FLOW_JOURNEY = """\
name: with its flow
flow: %s
steps:
  - send: {source: {id: source-id}, events: [{type: page-view}]}
    expect: {debug@segmentation.entered: {contains: visitor}}
"""


def test_a_journey_names_its_flow(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["run", write(tmp_path, "demo.yaml", FLOW_JOURNEY % "demo")]) == 0
    capsys.readouterr()
    # A flow file is read relative to the journey; --flow and --demo win over it.
    flows = tmp_path / "flows"
    flows.mkdir()
    empty = {"version": 1, "schemas": [], "rules": [], "segments": []}
    (flows / "none.json").write_text(json.dumps(empty), encoding="utf-8")
    none = write(tmp_path, "none.yaml", FLOW_JOURNEY % "flows/none.json")
    assert main(["run", none]) == 1
    assert "debug@segmentation.entered: expected" in capsys.readouterr().out
    assert main(["run", none, "--demo"]) == 0
    missing = write(tmp_path, "missing.yaml", FLOW_JOURNEY % "flows/missing.json")
    assert main(["run", missing]) == 2
    assert "cannot read the flow file" in capsys.readouterr().err
