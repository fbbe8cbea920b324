"""Journey files: YAML or JSON in, a checked model out, or every problem with its place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.answer_paths import AnswerPath
from workbench.core.journey.model import (
    JourneyError,
    Route,
    Snapshot,
    Wait,
    journey_schema,
    load_journey,
    parse_journey,
    parse_route,
)
from workbench.core.journey.source import SourceError, dump_text, load_text

ISSUE_EXAMPLE = """\
name: first purchase
target: embedded            # default; or a saved target's name, or a base URL
variables: {shop: demo}
steps:
  - name: first visit
    send: {file: ../templates/02-minimal.json}   # or an inline payload
    expect:
      status: 200
      debug@profile.new: true
    capture: {first_profile: response@profile.id}
  - name: returning visit
    send:
      source: {id: source-id}
      session: {id: "{{uuid}}"}
      events: [{type: purchase-order, properties: {product: Nike shoes}}]
    expect:
      response@profile.id: "{{first_profile}}"
      debug@events.saved: {ge: 1}
      profile@stats.visits: {ge: 1}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "templates").mkdir()
    payload = {"source": {"id": "source-id"}, "events": [{"type": "page-view"}]}
    saved = {"format": "workbench-saved-request", "version": 1, "payload": payload}
    (tmp_path / "templates" / "02-minimal.json").write_text(json.dumps(saved))
    (tmp_path / "journeys").mkdir()
    return tmp_path


def issues_of(text: str, base: Path | None = None) -> list[str]:
    with pytest.raises(JourneyError) as info:
        parse_journey(text, base_dir=base)
    return [str(i) for i in info.value.issues]


def test_the_documented_example_parses(folder: Path) -> None:
    path = folder / "journeys" / "first.yaml"
    path.write_text(ISSUE_EXAMPLE)
    journey = load_journey(path)
    assert journey.name == "first purchase"
    assert journey.target == "embedded"
    assert journey.variables == {"shop": "demo"}
    first, second = journey.steps
    assert first.send_file == "../templates/02-minimal.json"
    assert first.payload == {"source": {"id": "source-id"}, "events": [{"type": "page-view"}]}
    assert first.capture == {"first_profile": AnswerPath("response", ("profile", "id"))}
    assert [e.path.text for e in first.expect] == ["status", "debug@profile.new"]
    assert first.expects_status
    assert not second.expects_status
    assert second.payload["session"] == {"id": "{{uuid}}"}
    assert second.uses_root("profile")
    assert not second.uses_root("session")
    assert second.route == Route("track")
    assert second.debugger


def test_json_is_accepted(folder: Path) -> None:
    document = {"name": "j", "steps": [{"send": {"events": []}, "expect": {"status": 200}}]}
    path = folder / "j.json"
    path.write_text(json.dumps(document))
    journey = load_journey(path)
    assert journey.steps[0].name == "step 1"
    assert journey.document == document


def test_every_field(tmp_path: Path) -> None:
    journey = parse_journey(
        """
steps:
  - name: webhook
    send: {amount: 5}
    route: collect/payment/source-id/s-1
    new_visit: true
    debugger: false
    headers: {X-Test: "1"}
    wait: {count: 2, type: payment, timeout: 1.5}
    expect_snapshot: {file: snaps/webhook.json, ignore: [debug@logs]}
  - send: {}
    route: profile-less
    forget_profile: true
    wait: 3
    expect_snapshot: snaps/two.json
""",
        source=str(tmp_path / "every.yaml"),
    )
    one, two = journey.steps
    assert journey.name == "every"
    assert one.route == Route("collect", "payment", "source-id", "s-1")
    assert one.route.text == "collect/payment/source-id/s-1"
    assert one.new_visit
    assert not one.debugger
    assert one.headers == {"X-Test": "1"}
    assert one.wait == Wait(2, "payment", 1.5)
    assert one.snapshot == Snapshot("snaps/webhook.json", ("debug@logs",))
    assert two.route == Route("profile-less")
    assert two.forget_profile
    assert two.wait == Wait(3)
    assert two.snapshot == Snapshot("snaps/two.json")


def test_problems_name_field_and_line() -> None:
    problems = issues_of(
        """name: broken
steps:
  - name: one
    send: {events: []}
    expect:
      debg@profile.new: true
      debug@events.saved: {gee: 1}
      debug@x: {len: {contains: 1}}
    capture: {id: "response@profile..id"}
    route: collect/only-type
    wait: {count: 0}
    colour: blue
  - send: [1, 2]
"""
    )
    assert problems == [
        "steps[0].expect.debg@profile.new (line 6): unknown root 'debg': expected one of "
        "status, time_ms, headers, response, debug, profile, session; did you mean 'debug'? "
        "(at character 1 of 'debg@profile.new')",
        "steps[0].expect.debug@events.saved.gee (line 7): unknown operator 'gee' "
        "(did you mean 'ge'?); to expect an object with this key, write {eq: {...}}",
        "steps[0].expect.debug@x.len.contains (line 8): unknown operator 'contains': "
        "expected one of eq, ne, gt, ge, lt, le",
        "steps[0].capture.id (line 9): expected a field name after '.', found '.' "
        "(at character 18 of 'response@profile..id')",
        "steps[0].route (line 10): unknown route 'collect/only-type': expected track, "
        "profile-less or collect/TYPE/SOURCE[/SESSION]",
        "steps[0].wait.count (line 11): 0 is less than the minimum of 1",
        "steps[0].colour (line 12): unknown field 'colour' (known: name, send, route, new_visit, "
        "forget_profile, debugger, headers, capture, expect, wait, expect_snapshot)",
        "steps[1].send (line 13): expected an object, got a list",
    ]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "this file is empty"),
        ("- a\n- b\n", "this file is a list"),
        ("name: x\n", "steps (line 1): required field is missing"),
        ("steps: []\n", "steps (line 1): [] should be non-empty"),
        ("steps:\n  - name: x\n", "steps[0].send (line 2): required field is missing"),
        ("steps: [{send: {}}]\ntarget: ''\n", "target"),
        ("steps: [{send: {}}]\nfoo: 1\n", "unknown field 'foo' (known: name, description"),
        ("steps: [{send: {file: nope.json}}]\n", "steps[0].send.file (line 1): cannot read"),
        ("steps: [{send: {file: a.json, x: 1}}]\n", "{file: PATH} alone"),
        ("steps: [{send: {}, new_visit: true, forget_profile: true}]\n", "drop new_visit"),
        ("steps: [{send: {}}]\nsteps: []\n", "the key 'steps' is given twice (first on line 1)"),
        ("steps: [\n", "(root) (line 2): not valid YAML"),
        ('{"steps": [}', "not valid JSON"),
        ("steps: [{send: {}, expect: {status: {matches: '('}}}]\n", "not a regular expression"),
        (
            "steps: [{send: {}, expect_snapshot: {file: s.json, ignore: [profile@x]}}]\n",
            "steps[0].expect_snapshot.ignore[0] (line 1): profile@ is not part of a snapshot",
        ),
        (
            "steps: [{send: {}, expect_snapshot: {file: s.json, ignore: ['debug.[']}}]\n",
            "is not a path or pattern",
        ),
    ],
)
def test_invalid_journeys(text: str, fragment: str, tmp_path: Path) -> None:
    problems = issues_of(text, tmp_path)
    assert any(fragment in p for p in problems), problems


def test_payload_files_must_be_objects(tmp_path: Path) -> None:
    (tmp_path / "list.json").write_text("[1]")
    (tmp_path / "bad.json").write_text("{nope")
    (tmp_path / "p.yaml").write_text("source: {id: s}\nevents: [{type: page-view}]\n")
    problems = issues_of(
        "steps: [{send: {file: list.json}}, {send: {file: bad.json}}, {send: {file: p.yaml}}]",
        tmp_path,
    )
    assert len(problems) == 2
    assert "must hold a JSON object" in problems[0]
    assert "is not a JSON or YAML payload" in problems[1]
    ok = parse_journey("steps: [{send: {file: p.yaml}}]", base_dir=tmp_path)
    assert ok.steps[0].payload == {"source": {"id": "s"}, "events": [{"type": "page-view"}]}


def test_yaml_keeps_payload_values_as_written() -> None:
    journey = parse_journey(
        "steps:\n  - send:\n      properties: {answer: no, on: yes, day: 2024-05-01, n: 1.5}\n"
    )
    assert journey.steps[0].payload["properties"] == {
        "answer": "no",
        "on": "yes",
        "day": "2024-05-01",
        "n": 1.5,
    }


def test_alias_bombs_and_deep_nesting_are_refused() -> None:
    lines = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for i in range(1, 9):
        ref = f"*{chr(96 + i)}"
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [{', '.join([ref] * 10)}]")
    with pytest.raises(SourceError, match="expands to more than"):
        load_text("\n".join(lines))
    with pytest.raises(SourceError):
        load_text("[" * 5000)


def test_routes() -> None:
    assert parse_route("track") == Route("track")
    assert parse_route("collect/a/b").session_id is None
    for bad in ("collect", "collect/a", "collect/a/b/c/d", "collect//b", "post"):
        with pytest.raises(ValueError, match="unknown route"):
            parse_route(bad)


def test_schema_is_valid_and_shipped() -> None:
    schema = journey_schema()
    assert schema["$schema"].endswith("2020-12/schema")
    assert set(schema["$defs"]["step"]["properties"]) >= {
        "name",
        "send",
        "route",
        "new_visit",
        "forget_profile",
        "capture",
        "expect",
        "wait",
        "expect_snapshot",
    }


_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=12)
_JSON = st.recursive(
    _SCALARS | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(_JSON)
def test_dump_then_load_gives_the_same_value(value: object) -> None:
    assert load_text(dump_text(value)).document == value


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80))
def test_any_text_is_a_journey_or_a_journey_error(text: str) -> None:
    try:
        parse_journey(text)
    except JourneyError as exc:
        assert exc.issues
        assert all(i.message for i in exc.issues)
