"""Running journeys against a real embedded collector on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.client.servers import FakeServer, Reply, Request, json_reply
from tests.journeys.conftest import RunText
from workbench.client import CancelToken, embedded_target, target_from_url
from workbench.collector import CollectorServer
from workbench.core.journey.model import parse_journey
from workbench.journeys import JourneyRunner, StepResult, fresh_collector
from workbench.resources import resource_path

ISSUE_EXAMPLE = f"""
name: first purchase
variables: {{shop: demo}}
steps:
  - name: first visit
    send: {{file: {resource_path("templates", "02-minimal.json")}}}
    expect:
      status: 200
      debug@profile.new: true
    capture: {{first_profile: response@profile.id}}
  - name: returning visit
    send:
      source: {{id: source-id}}
      session: {{id: "{{{{uuid}}}}"}}
      events: [{{type: purchase-order, properties: {{product: Nike shoes}}}}]
    expect:
      response@profile.id: "{{{{first_profile}}}}"
      debug@events.saved: {{ge: 1}}
      profile@stats.visits: {{ge: 1}}
"""


def messages(step: StepResult) -> list[str]:
    return step.messages()


def test_the_documented_example_passes(run_text: RunText) -> None:
    result = run_text(ISSUE_EXAMPLE)
    assert [s.messages() for s in result.steps] == [[], []]
    assert result.passed
    assert result.counts == {"passed": 2, "failed": 0, "skipped": 0}
    first, second = result.steps
    profile_id = first.captured["first_profile"]
    assert second.exchange is not None
    assert second.exchange.view is not None
    assert second.exchange.view.profile_id == profile_id
    # the remembered profile id was filled into the payload, as the JS tracker does
    assert second.exchange.request.body["profile"] == {"id": profile_id}


def test_identity_threads_through_steps(run_text: RunText) -> None:
    page_view = "{source: {id: source-id}, events: [{type: page-view}]}"
    result = run_text(
        f"""
steps:
  - send: {page_view}
    capture: {{p: debug@profile.id, s: debug@session.id}}
  - send: {page_view}
    expect: {{debug@profile.id: "{{{{p}}}}", debug@session.id: "{{{{s}}}}"}}
  - send: {page_view}
    new_visit: true
    expect:
      debug@profile.id: "{{{{p}}}}"
      debug@session.id: {{ne: "{{{{s}}}}"}}
      debug@session.new: true
  - send: {page_view}
    forget_profile: true
    expect: {{debug@profile.id: {{ne: "{{{{p}}}}"}}, debug@profile.new: true}}
"""
    )
    assert [s.messages() for s in result.steps] == [[], [], [], []]


def test_failures_carry_expected_and_actual(run_text: RunText) -> None:
    result = run_text(
        """
steps:
  - name: wrong
    send: {source: {id: source-id}, events: [{type: page-view}]}
    expect:
      status: 201
      debug@events.saved: {ge: 10}
      response@profile.id: {matches: "^nope$"}
      debug@profile.new: true
"""
    )
    (step,) = result.steps
    assert not result.passed
    assert step.status_word == "failed"
    assert [(f.path, f.expected) for f in step.failures] == [
        ("status", "201"),
        ("debug@events.saved", "≥ 10"),
        ("response@profile.id", "a string matching /^nope$/"),
    ]
    assert step.failures[0].actual == "200"


def test_a_rejected_request_fails_unless_the_status_is_expected(run_text: RunText) -> None:
    result = run_text(
        """
steps:
  - name: unknown source
    send: {source: {id: no-such-source}, events: [{type: page-view}]}
  - name: expected rejection
    send: {source: {id: no-such-source}, events: [{type: page-view}]}
    expect: {status: {ge: 400}, response@detail: {exists: true}}
"""
    )
    first, second = result.steps
    assert first.problems
    assert first.problems[0].startswith("request failed: ")
    assert second.passed, second.messages()


def test_a_network_failure_is_a_failed_step(tmp_path: Path) -> None:
    with fresh_collector() as server:
        url = server.url
    journey = parse_journey("steps: [{send: {events: []}, expect: {status: 200}}]")
    result = JourneyRunner(target_from_url(url)).run(journey)
    (step,) = result.steps
    assert not step.passed
    assert step.problems[0].startswith("request failed:")
    assert step.failures == ()  # nothing to compare without an answer


def test_captures_that_find_nothing_fail(run_text: RunText) -> None:
    result = run_text(
        "steps: [{send: {source: {id: source-id}, events: []}, capture: {x: response@nope}}]"
    )
    assert result.steps[0].problems == ("capture x: response@nope has no value",)


def test_bail_skips_the_rest(run_text: RunText) -> None:
    text = """
steps:
  - {send: {source: {id: source-id}, events: []}, expect: {status: 500}}
  - {send: {source: {id: source-id}, events: []}}
  - {send: {source: {id: source-id}, events: []}}
"""
    assert [s.status_word for s in run_text(text).steps] == ["failed", "passed", "passed"]
    assert [s.status_word for s in run_text(text, bail=True).steps] == [
        "failed",
        "skipped",
        "skipped",
    ]


def test_cancel_stops_between_steps(collector: CollectorServer) -> None:
    journey = parse_journey("steps: [" + ", ".join(["{send: {source: {id: source-id}}}"] * 5) + "]")
    token = CancelToken()
    seen: list[int] = []

    def on_step(step: StepResult) -> None:
        seen.append(step.index)
        if step.index == 1:
            token.cancel()

    result = JourneyRunner(embedded_target(collector.url)).run(
        journey, cancel=token, on_step=on_step
    )
    assert seen == [0, 1, 2, 3, 4]
    assert result.cancelled
    assert not result.passed
    assert [s.status_word for s in result.steps] == [
        "passed",
        "passed",
        "skipped",
        "skipped",
        "skipped",
    ]


def test_stored_documents_after_the_step(run_text: RunText) -> None:
    result = run_text(
        """
steps:
  - send:
      source: {id: source-id}
      context: {page: {url: "https://shop.example/"}}
      events: [{type: page-view}, {type: page-view}]
    expect:
      profile@id: {type: string}
      profile@stats.visits: 1
      session@id: {exists: true}
      session@profile.id: {exists: true}
"""
    )
    assert result.passed, result.steps[0].messages()


def test_wait_until_events_are_stored(run_text: RunText) -> None:
    result = run_text(
        """
steps:
  - send: {source: {id: source-id}, events: [{type: page-view}, {type: page-view}]}
    wait: {count: 2, type: page-view, timeout: 5}
  - send: {source: {id: source-id}, events: [{type: page-view}]}
    wait: {count: 9, type: page-view, timeout: 0.2}
"""
    )
    assert result.steps[0].passed
    assert result.steps[1].problems == (
        "wait: timed out after 0.2 s: 3 of 9 `page-view` events stored",
    )


def test_wait_needs_a_workbench_collector() -> None:
    def handler(request: Request, _server: FakeServer) -> Reply:
        if request.path.startswith("/track"):
            return json_reply({"profile": {"id": "p"}})
        return json_reply({"detail": "Not Found"}, 404)

    with FakeServer(handler) as server:
        journey = parse_journey("steps: [{send: {source: {id: s}}, wait: 1}]")
        result = JourneyRunner(target_from_url(server.url)).run(journey)
    assert result.steps[0].problems == (
        "wait needs a Workbench collector (GET /_workbench/wait answered 404)",
    )


def test_collect_and_profile_less_routes(run_text: RunText) -> None:
    result = run_text(
        """
variables: {kind: payment}
steps:
  - name: profile-less
    route: profile-less
    send: {source: {id: source-id}, events: [{type: page-view}]}
    expect: {status: 200, debug@profile_less: true, response@profile: {absent: true}}
  - name: webhook
    route: "collect/{{kind}}/webhook-source-id"
    send: {amount: 12}
    expect: {status: 200}
    wait: {count: 1, type: payment, timeout: 5}
"""
    )
    assert result.passed, [s.messages() for s in result.steps]
    assert result.steps[1].exchange.request.url.endswith("/collect/payment/webhook-source-id")  # type: ignore[union-attr]


def test_variables_journey_then_caller_then_captures(run_text: RunText) -> None:
    text = """
variables: {plan: free, who: journey}
steps:
  - send: {source: {id: source-id}, events: [{type: "{{plan}}-{{who}}"}]}
    expect: {debug@events.types: {contains: pro-journey}}
    capture: {plan: status}
  - send: {source: {id: source-id}, events: [{type: "n{{plan}}"}]}
    expect: {debug@events.types: {contains: n200}}
"""
    result = run_text(text, variables={"plan": "pro"})
    assert result.passed, [s.messages() for s in result.steps]
    unknown = run_text("steps: [{send: {source: {id: source-id}, events: [{type: '{{nope}}'}]}}]")
    assert "unknown variable" in unknown.steps[0].problems[0]


def test_snapshots_are_written_then_compared_semantically(
    run_text: RunText, tmp_path: Path
) -> None:
    text = """
steps:
  - send: {source: {id: source-id}, events: [{type: page-view}]}
    expect_snapshot: snaps/first.json
"""
    first = run_text(text)
    assert first.passed
    assert "snapshot written" in first.steps[0].notes[0]
    path = tmp_path / "snaps" / "first.json"
    stored = json.loads(path.read_text())
    assert stored["format"] == "workbench-journey-snapshot"
    assert stored["answer"]["status"] == 200
    # a new profile, session and event ids, new timestamps: still the same answer
    again = run_text(text)
    assert again.passed, again.steps[0].messages()
    assert again.steps[0].notes == (), again.steps[0].messages()
    # change what the recorded answer says: the step fails with path, recorded and actual
    stored["answer"]["debug"]["events"]["types"].append("purchase-order")
    stored["answer"]["status"] = 201
    path.write_text(json.dumps(stored))
    changed = run_text(text)
    (step,) = changed.steps
    assert not step.passed
    found = {(f.path, f.expected, f.actual) for f in step.failures}
    assert ("snapshot snaps/first.json: status", "201", "200") in found, found
    assert any("debug.events.types" in f.path and f.actual == "(absent)" for f in step.failures)
    assert "differences" in step.notes[0]
    # ignored paths (answer paths or diff patterns) are left out
    ignoring = text.replace(
        "expect_snapshot: snaps/first.json",
        "expect_snapshot: {file: snaps/first.json, ignore: [status, debug.events.**]}",
    )
    assert run_text(ignoring).passed
    assert run_text(ignoring.replace("debug.events.**", "debug@events")).passed
    # --update-snapshots rewrites it
    assert run_text(text, update_snapshots=True).steps[0].notes[0].startswith("snapshot written")
    assert run_text(text).passed


def test_a_broken_snapshot_file_is_a_problem(run_text: RunText, tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text('{"format": "something else"}')
    result = run_text("steps: [{send: {source: {id: source-id}}, expect_snapshot: s.json}]")
    assert "not a journey snapshot" in result.steps[0].problems[0]
    assert (tmp_path / "s.json").read_text() == '{"format": "something else"}'  # kept


def test_runner_results_are_reported_as_they_happen(collector: CollectorServer) -> None:
    journey = parse_journey("steps: [{send: {source: {id: source-id}}}, {send: {}}]")
    seen: list[str] = []
    JourneyRunner(embedded_target(collector.url)).run(
        journey, on_step=lambda s: seen.append(s.status_word)
    )
    assert seen == ["passed", "failed"]  # {} has no source: a 422


@pytest.mark.parametrize("fmt", ["documented", "current"])
def test_the_same_journey_reads_both_server_generations(fmt: str) -> None:
    journey = parse_journey(
        """
steps:
  - send: {source: {id: source-id}, events: [{type: page-view}]}
    capture: {p: debug@profile.id}
    expect: {debug@events.types: {contains: page-view}, debug@profile.id: {type: string}}
  - send: {source: {id: source-id}, events: [{type: page-view}]}
    expect: {debug@profile.id: "{{p}}", profile@stats.visits: 1}
"""
    )
    with fresh_collector(response_format=fmt) as server:
        result = JourneyRunner(embedded_target(server.url)).run(journey)  # admin reads
    assert result.passed, [s.messages() for s in result.steps]
