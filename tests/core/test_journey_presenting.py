"""A journey as presenter mode tells it: scenes, payloads expanded at send, answers checked."""

from __future__ import annotations

import pytest

from workbench.core.journey.model import parse_journey
from workbench.core.journey.presenting import check_scene, journey_scenes, render_payload
from workbench.core.variables import VariableError

JOURNEY = """
name: Shoe shopper
description: A visitor looks at shoes, then buys.
variables: {product: Nike shoes}
steps:
  - name: Looks at shoes
    send:
      source: {id: source-id}
      events: [{type: page-view}, {type: product-view, properties: {name: "{{product}}"}}]
    expect:
      status: 200
      debug@segmentation.ids: {contains: visitor}
    capture: {visitor: debug@profile.id}
  - name: Buys them
    new_visit: true
    send:
      source: {id: source-id}
      profile: {id: "{{visitor}}"}
      events: [{type: purchase-order, properties: {product: "{{product}}"}}]
    expect:
      debug@profile.id: "{{visitor}}"
    wait: {count: 1}
"""


def _exchange(status: int, profile_id: str, segments: list[str]) -> dict:
    return {
        "response": {"status": status, "json": {"profile": {"id": profile_id}}},
        "view": {
            "profile_id": profile_id,
            "profile": {"id": profile_id, "new": False},
            "segmentation": {"ids": segments},
        },
    }


def test_scenes_say_what_each_step_sends_and_expects() -> None:
    scenes = journey_scenes(parse_journey(JOURNEY))
    assert [s.title for s in scenes] == ["Looks at shoes", "Buys them"]
    first, second = scenes
    assert first.explain.startswith("A visitor looks at shoes, then buys.\n")
    assert "Sends page-view, product-view." in first.explain
    assert "expects 2 thing(s)" in first.explain
    assert "keeps visitor" in first.explain
    assert "in a new visit" in second.explain
    assert "apply in `workbench run`" in second.explain
    assert first.route == "track"
    assert second.variables == {"product": "Nike shoes"}


def test_payload_is_expanded_with_the_journeys_and_the_captured_values() -> None:
    first, second = journey_scenes(parse_journey(JOURNEY))
    payload = render_payload(first, {"product": "Nike shoes"})
    assert payload["events"][1]["properties"] == {"name": "Nike shoes"}
    with pytest.raises(VariableError) as missing:
        render_payload(second, {"product": "Nike shoes"})  # the capture is not there yet
    assert "visitor" in str(missing.value)
    assert "steps[1].send" in str(missing.value)
    payload = render_payload(second, {"product": "Nike shoes", "visitor": "p-1"})
    assert payload["profile"] == {"id": "p-1"}


def test_answers_are_checked_line_by_line_and_captures_kept() -> None:
    first, second = journey_scenes(parse_journey(JOURNEY))
    verdict = check_scene(first, _exchange(200, "p-1", ["visitor"]), {})
    assert verdict.passed
    assert verdict.lines == (
        "✓ status: 200",
        '✓ debug@segmentation.ids: something containing "visitor"',
    )
    assert verdict.captured == {"visitor": "p-1"}
    failed = check_scene(first, _exchange(422, "p-2", []), {})
    assert not failed.passed
    assert failed.lines[0].startswith("✗ status: expected 200, got 422")
    assert check_scene(second, _exchange(200, "p-1", []), {"visitor": "p-1"}).passed
    other = check_scene(second, _exchange(200, "p-9", []), {"visitor": "p-1"})
    assert not other.passed
    assert "p-9" in other.lines[0]
    broken = check_scene(second, _exchange(200, "p-1", []), {})  # {{visitor}} unknown
    assert not broken.passed
    assert "visitor" in broken.lines[0]
