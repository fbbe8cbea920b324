"""Story view, "Why (not)?" and the profile timeline, fed by a real collector."""

from __future__ import annotations

import json

from workbench.client.flow_api import FlowApi
from workbench.collector import CollectorServer
from workbench.collector.records import RequestRecord
from workbench.core.story import build_story
from workbench.ui.tasks import TaskRunner
from workbench.ui.teaching.story_view import StoryView
from workbench.ui.teaching.timeline_view import TimelineDialog
from workbench.ui.teaching.why_not import WhyNotDialog, verdict_rows

from .conftest import track

BUY = {
    "type": "purchase-order",
    "properties": {"product": "Nike shoes", "quantity": 1, "value": 600},
}


def test_story_view_tells_each_event_in_order(qtbot, collector: CollectorServer) -> None:
    view = StoryView()
    qtbot.addWidget(view)
    profile = track(collector, [{"type": "add-to-cart", "properties": {"product": "Nike shoes"}}])
    body = track(
        collector,
        [BUY, {"type": "purchase-order", "properties": {"product": 12}}],
        profile=profile["profile"],
    )
    with qtbot.waitSignal(view.story_shown):
        view.show_story(build_story(body, status=200))
    lines = view.lines()
    text = "\n".join(lines)
    assert lines[0] == "✓ 1. purchase-order — valid"
    assert "  Rule ran: Purchase order adds to purchases and lifetime value" in lines
    assert '    profile@traits.cart: ["Nike shoes"] → (removed)' in lines
    assert "  Nearly ran: Orders of 3 or more mark a bulk buyer" in lines
    assert "✗ 2. purchase-order — invalid" in lines
    assert "  Invalid: properties.product: expected a string, got a number" in lines
    assert text.index("Entered: customer") > text.index("2. purchase-order")
    assert "  Left: cart-abandoner" in lines
    assert view.headline.text().startswith("HTTP 200")
    assert not any(line.startswith("Not reported") for line in lines)


def test_story_view_says_what_an_old_server_does_not_report(qtbot) -> None:
    view = StoryView()
    qtbot.addWidget(view)
    view.show_story(
        build_story({"task": "t", "profile": {"id": "p"}}, status=200, request={"events": [BUY]})
    )
    lines = view.lines()
    assert lines[0].startswith("• 1. purchase-order")
    assert "Not reported by this answer" in lines
    assert "  which rules ran and what they changed" in lines


def test_following_the_collector_shows_traffic_the_window_did_not_send(
    qtbot, collector: CollectorServer
) -> None:
    view = StoryView()
    qtbot.addWidget(view)
    body = {
        "source": {"id": "source-id"},
        "events": [{"type": "page-view"}],
        "options": {"debugger": True},
    }
    answer = track(collector, body["events"])
    record = RequestRecord(
        "r1",
        "t",
        "POST",
        "/track",
        "",
        200,
        1.0,
        request_body=json.dumps(body),
        response_body=json.dumps(answer),
    )
    other = RequestRecord("r2", "t", "GET", "/demo/", "", 200, 1.0)
    view.show_records([record, other])
    assert view.story is None  # not following: only what the window shows
    view.follow_box.setChecked(True)
    view.show_records([record, other])
    assert view.story is not None
    assert view.story.entered == ("visitor",)


def test_why_not_names_the_failed_part_and_its_value(
    qtbot, collector: CollectorServer, runner: TaskRunner
) -> None:
    profile_id = track(collector, [{"type": "page-view"}])["profile"]["id"]
    dialog = WhyNotDialog(lambda: FlowApi(collector.url), runner)
    qtbot.addWidget(dialog)
    dialog.set_profile_id(profile_id)
    dialog.set_event_types(["purchase-order"])
    dialog.event_type.setCurrentText("purchase-order")
    dialog.properties_edit.setText('{"quantity": 2}')
    with qtbot.waitSignal(dialog.explained, timeout=10_000):
        dialog.explain()
    lines = dialog.lines()
    assert "is in 1 of 11 segments" in dialog.summary.text()
    engaged = lines.index(
        "✗ Not in Engaged — none of its 3 alternatives holds; one would be enough"
    )
    assert (
        lines[engaged + 1]
        == "  because profile@stats.views is 1, and the condition needs it to be at least 3"
    )
    assert lines[engaged + 2].startswith(
        "  because profile@stats.counters.add-to-cart does not exist"
    )
    assert any(line.startswith("✓ In Visitor") for line in lines)
    assert "✗ Rule Orders of 3 or more mark a bulk buyer would not run" in lines
    assert any("event@properties.quantity is 2" in line for line in lines)


def test_why_not_for_an_unknown_profile_and_bad_properties(
    qtbot, collector: CollectorServer, runner: TaskRunner
) -> None:
    dialog = WhyNotDialog(lambda: FlowApi(collector.url), runner)
    qtbot.addWidget(dialog)
    dialog.explain()
    assert "Give a profile id" in dialog.summary.text()
    dialog.set_profile_id("nobody")
    dialog.set_event_types(["page-view"])
    dialog.event_type.setCurrentText("page-view")
    dialog.properties_edit.setText("{nope")
    dialog.explain()
    assert "not JSON" in dialog.summary.text()
    dialog.properties_edit.setText("")
    dialog.explain()
    qtbot.waitUntil(lambda: "No answer" in dialog.summary.text(), timeout=10_000)
    assert "not found" in dialog.summary.text()


def test_verdict_rows_of_disabled_segments() -> None:
    rows = verdict_rows(
        {"segments": [{"id": "x", "enabled": False}], "rules": [{"id": "r", "matches": True}]}
    )
    assert rows == [
        ("– x: disabled (never evaluated for profiles)", False, []),
        ("✓ Rule r would run", True, []),
    ]


def test_timeline_dialog_shows_each_request(
    qtbot, collector: CollectorServer, runner: TaskRunner
) -> None:
    profile = track(collector, [{"type": "page-view"}])["profile"]
    track(
        collector,
        [{"type": "add-to-cart", "properties": {"product": "Nike shoes"}}],
        profile=profile,
    )
    dialog = TimelineDialog(lambda: collector.store, runner)
    qtbot.addWidget(dialog)
    dialog.set_profile_id(profile["id"])
    with qtbot.waitSignal(dialog.timeline_shown, timeout=10_000):
        dialog.load()
    assert dialog.tree.topLevelItemCount() == 2
    second = dialog.tree.topLevelItem(1)
    assert "entered engaged, cart-abandoner" in second.text(1)
    children = [
        (second.child(i).text(0), second.child(i).text(1)) for i in range(second.childCount())
    ]
    assert ("change", 'profile@traits.cart: (none) → ["Nike shoes"]') in children
    assert ("in afterwards", "visitor, engaged, cart-abandoner") in children
    dialog.set_profile_id("nobody")
    with qtbot.waitSignal(dialog.timeline_shown, timeout=10_000):
        dialog.load()
    assert "no events" in dialog.summary.text()
    empty = TimelineDialog(lambda: None, runner)
    qtbot.addWidget(empty)
    empty.load()
    assert "not running" in empty.summary.text()
