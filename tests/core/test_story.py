"""The story of an answer: per event, in order, from every server generation, honest about gaps."""

from __future__ import annotations

from typing import Any

import pytest

from workbench.core.exchange import Exchange
from workbench.core.response_view import normalize_response
from workbench.core.story import build_story, story_of_exchange
from workbench.resources import read_json_resource

PURCHASE = {"type": "purchase-order", "properties": {"product": "Nike shoes", "quantity": 1}}


def _documented(**debugging: Any) -> dict[str, Any]:
    return {"profile": {"id": "p-1"}, "source": {}, "debugging": debugging}


def _ours() -> dict[str, Any]:
    """The shape our collector answers with the debugger on (trimmed to what the story reads)."""
    return _documented(
        session={"saved": 1, "ids": ["s"], "errors": []},
        profile={"saved": 1, "ids": ["p-1"], "errors": []},
        events={
            "saved": 3,
            "ids": ["e1", "e2", "e3"],
            "types": ["purchase-order", "profile-created"],
            "validation": [
                {
                    "id": "e1",
                    "type": "purchase-order",
                    "index": 0,
                    "valid": True,
                    "validated": True,
                    "errors": [],
                },
                {
                    "id": "e2",
                    "type": "purchase-order",
                    "index": 1,
                    "valid": False,
                    "validated": True,
                    "errors": [{"message": "properties.quantity: required field is missing"}],
                },
                {
                    "id": "e3",
                    "type": "profile-created",
                    "index": 2,
                    "valid": True,
                    "validated": False,
                    "errors": [],
                },
            ],
        },
        execution={
            "events": [
                {
                    "id": "e1",
                    "rules": [
                        {
                            "id": "buy",
                            "name": "Purchases count",
                            "matched": True,
                            "changes": [
                                {
                                    "path": "profile@stats.counters.purchases",
                                    "before": 1,
                                    "after": 2,
                                },
                                {"path": "profile@traits.cart", "before": ["x"]},
                            ],
                            "skipped": [
                                {
                                    "operation": "delete profile@traits.y",
                                    "reason": "nothing to delete",
                                }
                            ],
                        },
                        {
                            "id": "far",
                            "name": "Far away",
                            "matched": False,
                            "reason": "condition is false",
                            "failed": [
                                {"part": "a", "because": "a is 1"},
                                {"part": "b", "because": "b is 2"},
                            ],
                        },
                        {
                            "id": "bulk",
                            "name": "Bulk buyer",
                            "matched": False,
                            "reason": "condition is false: event@properties.quantity >= 3",
                            "failed": [
                                {
                                    "part": "event@properties.quantity >= 3",
                                    "because": "event@properties.quantity is 1, "
                                    "and the condition needs it to be at least 3",
                                }
                            ],
                        },
                    ],
                },
                {
                    "id": "e2",
                    "rules": [],
                    "skipped": "the event is invalid, so mapping rules were not run",
                },
            ]
        },
        segmentation={
            "ids": ["visitor", "customer"],
            "errors": [],
            "entered": ["customer"],
            "left": ["cart-abandoner"],
        },
        logs=[],
    )


def test_our_collector_tells_the_whole_story_in_order() -> None:
    story = build_story(_ours(), status=200)
    assert story.not_reported == ()
    first, second = story.own_events
    assert (first.valid, second.valid) == (True, False)
    assert [e.type for e in story.events][-1] == "profile-created"
    assert story.events[-1].system
    assert second.validation_text == "invalid: properties.quantity: required field is missing"
    assert second.skipped.startswith("the event is invalid")
    (rule,) = first.rules
    assert [c.text for c in rule.changes] == [
        "profile@stats.counters.purchases: 1 → 2",
        'profile@traits.cart: ["x"] → (removed)',
    ]
    assert rule.notes == ("delete profile@traits.y: nothing to delete",)
    # Nearest miss first: one failed part beats two.
    assert [m.id for m in first.misses] == ["bulk", "far"]
    assert "is 1, and the condition needs it to be at least 3" in first.misses[0].reason
    assert story.entered == ("customer",)
    assert story.left == ("cart-abandoner",)
    assert story.segments == ("visitor", "customer")
    lines = story.lines()
    order = [
        next(i for i, line in enumerate(lines) if marker in line)
        for marker in (
            "1. purchase-order: valid",
            "✓ rule Purchases count",
            "→ 2",
            "✗ nearly: Bulk",
            "2. purchase-order: invalid",
            "Entered: customer",
            "Left: cart-abandoner",
            "Now in:",
        )
    ]
    assert order == sorted(order)


def test_tracardi_073_answer_says_what_it_does_not_report() -> None:
    body = read_json_resource("examples", "response-debugger.json")
    story = build_story(body, status=200, request={"events": [PURCHASE]})
    assert story.format == "documented"
    assert [e.type for e in story.events] == ["purchase-order"]
    assert story.events[0].validation_text == "validity not reported"
    assert "whether each event was valid (and why not)" in story.not_reported
    assert "which rules ran and what they changed" in story.not_reported
    assert "which segments were entered or left" in story.not_reported
    assert story.segments == ()  # it does say which segments the profile is in: none


def test_a_workflow_trace_is_pointed_to_not_misread() -> None:
    story = build_story(
        _documented(
            events={"saved": 1}, execution={"flow-1": {"nodes": []}}, segmentation={"ids": []}
        ),
        status=200,
    )
    assert any("workflow trace" in item for item in story.not_reported)


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ({"task": "t", "profile": {"id": "p"}}, "0.7.4–0.8.1 servers"),
        (
            {"task": "t", "profile": {"id": "p"}, "events": ["e"], "errors": [], "warnings": []},
            "0.8.2+",
        ),
        ({"profile": {"id": "p"}, "source": {}}, "options.debugger"),
    ],
)
def test_generations_without_details_say_so_and_why(body: dict[str, Any], why: str) -> None:
    story = build_story(body, status=200, request={"events": [PURCHASE]})
    assert [e.type for e in story.events] == ["purchase-order"]
    assert "which rules ran and what they changed" in story.not_reported
    assert any(item.startswith("why:") and why in item for item in story.not_reported)


def test_a_current_answer_read_back_from_stored_events() -> None:
    body = {
        "task": "t",
        "profile": {"id": "p"},
        "session": {"id": "s"},
        "events": ["e1"],
        "errors": [],
        "warnings": [],
    }
    stored = [
        {
            "id": "e1",
            "type": "purchase-order",
            "aux": {
                "flow": {
                    "valid": True,
                    "errors": [],
                    "rules": _ours()["debugging"]["execution"]["events"][0]["rules"],
                }
            },
        }
    ]
    profile = {
        "id": "p",
        "segments": ["customer"],
        "aux": {
            "flow": {
                "last_request": {
                    "segmentation": {"ids": ["customer"], "entered": ["customer"], "left": []}
                }
            }
        },
    }
    view = normalize_response(body, status=200).with_details(events=stored, profile=profile)
    story = build_story(body, status=200, view=view)
    assert story.not_reported == ()
    assert story.events[0].rules[0].name == "Purchases count"
    assert story.entered == ("customer",)
    assert story.segments == ("customer",)
    assert "read back" in story.headline


def test_a_rejected_request_is_one_clear_line() -> None:
    body = {
        "detail": [
            {"loc": ["body", "events", 0, "type"], "msg": "Field required", "type": "missing"}
        ]
    }
    story = build_story(body, status=422)
    assert story.rejected == "body.events.0.type: Field required"
    assert "nothing was stored" in story.headline


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "text",
        7,
        {"weird": True},
        {"debugging": "no"},
        {"debugging": {"events": 3, "execution": {"events": "x"}, "segmentation": {"ids": "x"}}},
    ],
)
def test_odd_bodies_never_break_the_story(body: Any) -> None:
    story = build_story(body, status=200, request={"events": "nope"})
    assert story.lines()
    assert story.to_dict()["lines"] == story.lines()


def test_story_of_an_exchange() -> None:
    exchange = Exchange.from_dict(
        {
            "request": {"body": {"events": [PURCHASE]}},
            "response": {"status": 200, "json": _ours()},
            "view": None,
        }
    )
    assert story_of_exchange(exchange).entered == ("customer",)
    assert story_of_exchange(Exchange.from_dict({})).format in ("current", "unknown")
