"""The story and the profile timeline, read from what a real collector answers and stores."""

from __future__ import annotations

from typing import Any

import pytest

from tests.collector.conftest import Client, ServerFactory, connect
from workbench.core.response_view import normalize_response
from workbench.core.story import build_story
from workbench.core.timeline import build_timeline

pytestmark = pytest.mark.in_process


def _send(
    http: Client,
    events: list[dict[str, Any]],
    *,
    debugger: bool = True,
    profile: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "source": {"id": "source-id"},
        "session": {"id": "story-session"},
        "events": events,
        "options": {"debugger": debugger},
    }
    if profile:
        body["profile"] = {"id": profile}
    answer = http.post("/track", json=body)
    return {"request": body, "status": answer.status_code, "json": answer.json()}


def test_demo_story_from_the_documented_answer(make_server: ServerFactory) -> None:
    server = make_server()
    with connect(server) as http:
        assert http.post("/_workbench/flow/packs/demo").status_code == 200
        first = _send(http, [{"type": "page-view", "properties": {}}])
        story = build_story(first["json"], status=first["status"], request=first["request"])
        assert story.not_reported == ()
        assert story.entered == ("visitor",)
        (event,) = story.own_events
        assert event.valid
        assert event.rules[0].changes[0].text == "profile@stats.views: 0 → 1"
        assert any(m.id == "demo-device" for m in event.misses)
        buy = _send(
            http,
            [
                {
                    "type": "purchase-order",
                    "properties": {"product": "Nike shoes", "quantity": 1, "value": 600},
                }
            ],
            profile=story.profile_id,
        )
        story = build_story(buy["json"], status=buy["status"], request=buy["request"])
        assert set(story.entered) == {"customer", "high-value", "shoe-lover"}


def test_current_answer_read_back_from_the_store(make_server: ServerFactory) -> None:
    server = make_server(response_format="current")
    with connect(server) as http:
        http.post("/_workbench/flow/packs/demo")
        sent = _send(http, [{"type": "add-to-cart", "properties": {"product": "Nike shoes"}}])
        body = sent["json"]
        silent = build_story(body, status=200, request=sent["request"])
        assert "which rules ran and what they changed" in silent.not_reported
        events = [server.store.get_event(e) for e in body["events"]]
        profile = server.store.get_profile(body["profile"]["id"])
        view = normalize_response(body, status=200, request=sent["request"]).with_details(
            events=events, profile=profile
        )
        story = build_story(body, status=200, view=view)
        assert story.not_reported == ()
        assert "cart-abandoner" in story.entered
        assert story.own_events[0].rules[0].id == "demo-add-to-cart"


def test_timeline_of_a_profile_request_by_request(make_server: ServerFactory) -> None:
    server = make_server()
    with connect(server) as http:
        http.post("/_workbench/flow/packs/demo")
        profile = _send(http, [{"type": "page-view"}])["json"]["profile"]["id"]
        _send(
            http,
            [{"type": "add-to-cart", "properties": {"product": "Nike shoes"}}],
            profile=profile,
        )
        _send(http, [{"type": "page-view"}], profile=profile, debugger=False)
        _send(
            http,
            [
                {"type": "purchase-order", "properties": {"product": "Nike shoes", "quantity": 1}},
                {"type": "purchase-order", "properties": {"product": 3}},
            ],
            profile=profile,
        )
    steps = build_timeline(server.store.events_for_profile(profile))
    assert len(steps) == 4
    # The documented format is Tracardi 0.7.3's: no profile-created system event.
    assert steps[0].entered == ("visitor",)
    assert steps[0].event_types == ("page-view",)
    assert steps[1].entered == ("engaged", "cart-abandoner")
    assert [c.path for c in steps[1].changes] == [
        "profile@traits.cart",
        "profile@stats.counters.add-to-cart",
    ]
    assert not steps[2].recorded
    assert "without the debugger" in steps[2].summary()
    assert steps[2].rules == ("predefined-page-view",)
    assert steps[3].left == ("cart-abandoner",)
    assert steps[3].invalid == ("purchase-order",)
    assert "customer" in (steps[3].segments or ())
