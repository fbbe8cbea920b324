"""The README's Journeys section, tried: its example runs, its syntax means what it says."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from workbench.__main__ import main
from workbench.core.journey.model import JourneyError, parse_journey
from workbench.core.journey.recording import journey_from_exchanges

ROOT = Path(__file__).resolve().parents[2]


def _section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Journeys\n")
    return text[start : text.index("\n## ", start + 1)]


def test_the_readme_example_runs_green(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    example = re.search(r"```yaml\n(.*?)```", _section(), re.S)
    assert example is not None
    (tmp_path / "journeys").mkdir()
    shutil.copytree(ROOT / "resources" / "templates", tmp_path / "templates")
    path = tmp_path / "journeys" / "first-purchase.yaml"
    path.write_text(example.group(1), encoding="utf-8")
    assert main(["run", str(path)]) == 0, capsys.readouterr().out


def test_the_readme_commands_are_real(capsys) -> None:  # type: ignore[no-untyped-def]
    section = _section()
    assert "workbench run resources/journeys/*.yaml --junit junit.xml" in section
    for flag in (
        "--target",
        "--to",
        "--junit",
        "--var",
        "--bail",
        "--demo",
        "--flow",
        "--update-snapshots",
        "--quiet",
    ):
        assert flag in section
        with pytest.raises(SystemExit) as done:
            main(["run", "--help"])
        assert done.value.code == 0
        assert flag in capsys.readouterr().out
    for flag in ("--last", "--out", "--name", "--starred", "--target", "--force"):
        with pytest.raises(SystemExit):
            main(["journey", "from-history", "--help"])
        assert flag in capsys.readouterr().out


RUN = """\
steps:
  - send: {source: {id: source-id}, events: [{type: page-view}]}
    capture: {p: response@profile.id}
  - send: {source: {id: source-id}, events: [{type: page-view}]}
    expect:
%s
"""


@pytest.mark.parametrize(
    ("expect", "passes"),
    [
        ('      response#/profile/id: "{{p}}"', True),  # a JSON Pointer after '#'
        ("      response@profile.id: {type: string, matches: '^[0-9a-f-]+$'}", True),
        ("      debug@profile.new: 0", False),  # JSON equality: false is not 0
        ("      debug@profile.new: false", True),
        ("      debug@events.types: {contains: page-view}", True),
        ("      headers@CONTENT-TYPE: {contains: json}", True),  # names match any case
        ("      response@nothing: {absent: true}", True),
        ("      time_ms: {gt: 0}", True),
        ("      debug@events.ids: {len: {ge: 1}}", True),
    ],
)
def test_paths_and_operators(tmp_path: Path, capsys, expect: str, passes: bool) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "j.yaml"
    path.write_text(RUN % expect, encoding="utf-8")
    assert main(["run", str(path)]) == (0 if passes else 1), capsys.readouterr().out


def test_the_error_example_is_what_the_reader_gets() -> None:
    text = "name: x\nsteps:\n  - send: {}\n    expect:\n      status: 200\n      debg@x: 1\n"
    with pytest.raises(JourneyError) as error:
        parse_journey(text)
    message = str(error.value)
    assert "steps[0].expect.debg@x (line 6): unknown root 'debg'" in message
    assert "did you mean 'debug'?" in message
    assert "steps[0].expect.debg@x (line 6): unknown root 'debg'" in _section()


def _exchange(session: str, profile: str, *, new: bool) -> dict[str, Any]:
    return {
        "request": {
            "route": "/track",
            "body": {
                "source": {"id": "source-id"},
                "session": {"id": session},
                "profile": {"id": profile},
                "events": [{"type": "page-view"}],
            },
        },
        "response": {"status": 200},
        "view": {
            "format": "documented",
            "profile_id": profile,
            "session_id": session,
            "profile": {"id": profile, "new": new},
            "events": {"saved": 1},
        },
    }


def test_recording_marks_a_new_visit_where_the_session_changed() -> None:
    document = journey_from_exchanges(
        [
            _exchange("s1", "p1", new=True),
            _exchange("s1", "p1", new=False),
            _exchange("s2", "p1", new=False),
        ]
    )
    steps = document["steps"]
    assert [bool(s.get("new_visit")) for s in steps] == [False, False, True]
    assert steps[0]["capture"] == {"profile_id": "debug@profile.id"}
    assert steps[2]["expect"]["debug@profile.id"] == "{{profile_id}}"
    assert all("session" not in s["send"] and "profile" not in s["send"] for s in steps)
