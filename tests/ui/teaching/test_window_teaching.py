"""The teaching tools in the real window (built by the composition root, collector on port 0).

Ends with what a trainer does in front of a class: load the demo, step through
the story, change a segment's condition in the editor, resend, and ask why the
profile now is not in the segment.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.app import AppParts, build
from workbench.core.exchange import Exchange
from workbench.settings.paths import app_paths
from workbench.ui.teaching.install import Teaching


@pytest.fixture
def parts(qtbot, tmp_path: Path) -> Iterator[AppParts]:
    built = build(app_paths(tmp_path / "home"), collector_port=0, collector_in_memory=True)
    window = built.window
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    try:
        yield built
    finally:
        built.close()


def _teaching(parts: AppParts) -> Teaching:
    teaching: Teaching = parts.window.panels.teaching
    return teaching


def _load_demo(qtbot, parts: AppParts) -> None:
    with qtbot.waitSignal(parts.window.demo_flow_loaded, timeout=10_000):
        parts.window.load_demo_flow()


def _step(qtbot, parts: AppParts) -> Exchange:
    presenter = _teaching(parts).presenter
    with qtbot.waitSignal(parts.window.exchange_shown, timeout=15_000) as blocker:
        assert presenter.next_step() is not None
    exchange: Exchange = blocker.args[0]
    return exchange


def test_menus_and_the_story_tab(parts: AppParts) -> None:
    window = parts.window
    texts = [a.text() for a in window.collector_menu.actions()]
    for wanted in (
        "&Event flow…",
        "&Why (not)?…",
        "Profile &timeline…",
        "Open demo &shop",
        "Open &live view",
    ):
        assert wanted in texts
    assert "&Presenter mode" in [a.text() for a in window.view_menu.actions()]
    assert window.response_panel.tabs.tabText(1) == "Story"
    keys = dict(window.shortcut_table())
    assert any("Presenter" in name for name in keys) or any("Presenter" in k for k in keys.values())


def test_open_demo_shop_and_live_view_open_the_collectors_pages(
    parts: AppParts, monkeypatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(
        Teaching, "open_url", classmethod(lambda cls, url: opened.append(url) or True)
    )
    teaching = _teaching(parts)
    teaching.open_demo_shop()
    teaching.open_live_view()
    url = parts.collector.url
    assert opened == [f"{url}/demo/", f"{url}/_workbench/live"]
    assert teaching.story_view.following  # the shop's clicks will show in the Story tab


def test_presenter_mode_keeps_its_layout_apart(qtbot, parts: AppParts) -> None:
    window = parts.window
    teaching = _teaching(parts)
    presenter = teaching.presenter
    central = window.centralWidget()
    visible = {name: dock.isVisible() for name, dock in window.docks.items()}
    areas = {name: window.dockWidgetArea(dock) for name, dock in window.docks.items()}
    sizes = window.splitter.sizes()
    with qtbot.waitSignal(presenter.active_changed):
        teaching.actions.presenter.trigger()
    assert presenter.active
    assert window.centralWidget() is presenter.panel
    assert not any(dock.isVisible() for dock in window.docks.values())
    panel = presenter.panel
    assert panel.font().pointSizeF() > window.font().pointSizeF() * 1.4
    size = panel.font().pointSizeF()
    presenter.zoom(0.4)
    assert panel.font().pointSizeF() > size
    panel.splitter.setSizes([100, 900, 300])
    with qtbot.waitSignal(presenter.active_changed):
        teaching.actions.presenter.trigger()
    assert window.centralWidget() is central
    assert {name: dock.isVisible() for name, dock in window.docks.items()} == visible
    assert {name: window.dockWidgetArea(dock) for name, dock in window.docks.items()} == areas
    assert window.splitter.sizes() == sizes
    state_file = window.state_file.with_name("presenter-state.json")
    assert state_file.exists()
    # Back in presenter mode: its own zoom and splitter come back.
    teaching.actions.presenter.trigger()
    assert presenter.scale == pytest.approx(2.0)
    assert presenter.panel.splitter.sizes()[0] < 200
    window.close()  # closing while presenting keeps the normal layout as the saved one
    assert not presenter.active


def test_presenter_steps_through_the_demo_story(qtbot, parts: AppParts) -> None:
    _load_demo(qtbot, parts)
    teaching = _teaching(parts)
    presenter = teaching.presenter
    presenter.set_active(True)
    panel = presenter.panel
    assert panel.steps.count() == 6
    first = _step(qtbot, parts)
    assert first.status == 200
    story = panel.story.story
    assert story is not None
    assert set(story.entered) == {"visitor", "mobile"}
    qtbot.waitUntil(lambda: panel.profile.topLevelItemCount() > 0, timeout=10_000)
    assert "visitor" in panel.profile_title.text()
    rows = panel.profile_lines()
    assert "traits.device = iPhone X" in rows
    assert not any(row.startswith(("id ", "metadata", "aux")) for row in rows)  # noise hidden
    for _ in range(4):
        _step(qtbot, parts)
    assert set(panel.story.story.entered) == {"customer", "high-value", "shoe-lover"}
    last = _step(qtbot, parts)
    assert panel.story.story.own_events[0].valid is False
    assert presenter.next_step() is None  # the story is over
    assert not panel.next_button.isEnabled()
    assert first.view is not None
    assert last.request is not None
    assert last.request.body["profile"]["id"] == first.view.profile_id
    presenter.restart()
    again = _step(qtbot, parts)
    assert again.view is not None
    assert again.view.profile_id != first.view.profile_id  # a new visitor


def test_a_story_file_can_be_presented(qtbot, parts: AppParts, tmp_path: Path) -> None:
    teaching = _teaching(parts)
    bad = tmp_path / "bad.json"
    bad.write_text('{"steps": []}')
    assert not teaching.open_story_file(str(bad))
    good = tmp_path / "story.json"
    good.write_text(
        '{"title": "Mine", "steps": [{"title": "One", "events": [{"type": "page-view"}]}]}'
    )
    assert teaching.open_story_file(str(good))
    assert teaching.presenter.active
    assert teaching.presenter.panel.title.text() == "Mine"
    exchange = _step(qtbot, parts)
    assert exchange.status == 200


def test_trainer_changes_a_segment_and_shows_why_not(qtbot, parts: AppParts) -> None:
    window = parts.window
    _load_demo(qtbot, parts)
    teaching = _teaching(parts)
    presenter = teaching.presenter
    for _ in range(2):  # three page views: engaged
        _step(qtbot, parts)
    assert "engaged" in teaching.story_view.story.entered
    editor = teaching.open_flow_editor()
    qtbot.waitUntil(lambda: bool(editor.flow["segments"]) and not editor.busy, timeout=10_000)
    page = editor.pages["segments"]
    row = next(i for i in range(page.list.count()) if page.list.item(i).data(0x0100) == "engaged")
    page.list.setCurrentRow(row)
    page.form.condition.editor.setPlainText("profile@stats.views >= 10")
    with qtbot.waitSignal(editor.flow_changed, timeout=10_000):
        editor.apply("segments")
    # Resend the last step: the profile is re-segmented with the new condition.
    presenter.index -= 1
    exchange = _step(qtbot, parts)
    assert "engaged" in teaching.story_view.story.left
    assert exchange.view is not None
    assert exchange.view.segmentation is not None
    assert "engaged" not in exchange.view.segmentation["ids"]
    why = teaching.open_why_not()
    qtbot.waitUntil(lambda: why.answer is not None, timeout=10_000)
    lines = why.lines()
    assert any(
        line.startswith("✗ Not in Engaged — profile@stats.views is ")
        and line.endswith("and the condition needs it to be at least 10")
        for line in lines
    ), lines
    timeline = teaching.open_timeline()
    qtbot.waitUntil(lambda: len(timeline.steps) == 3, timeout=10_000)
    assert timeline.steps[-1].left == ("engaged",)
    window.close()


def test_teaching_tools_carry_the_collectors_token(qtbot, parts: AppParts, monkeypatch) -> None:
    """A collector with a token (always so beyond loopback): the editor, Why (not)? and
    the live view still work, because they present it; the shop needs none."""
    from workbench.client.flow_api import FlowApi, FlowApiError
    from workbench.collector import CollectorConfig, CollectorServer

    token = "window-token-5678"
    guarded = CollectorServer(CollectorConfig(port=0, data_dir=None, token=token))
    guarded.start()
    window = parts.window
    own = window.collector
    try:
        with pytest.raises(FlowApiError) as refused:
            FlowApi(guarded.url).get_flow()
        assert refused.value.status == 401
        assert "token" in str(refused.value)
        window.collector = guarded
        teaching = _teaching(parts)
        api = teaching.api()
        assert api is not None
        api.load_pack("demo")
        editor = teaching.open_flow_editor()
        qtbot.waitUntil(lambda: bool(editor.flow["segments"]) and not editor.busy, timeout=10_000)
        assert editor.pages["segments"].list.count() == 11
        import httpx

        sent = httpx.post(  # /track needs no token
            f"{guarded.url}/track",
            json={
                "source": {"id": "source-id"},
                "session": {"id": "t-1"},
                "events": [{"type": "page-view"}],
                "options": {"debugger": True},
            },
            timeout=10,
        )
        assert sent.status_code == 200, sent.text
        why = teaching.open_why_not()
        why.set_profile_id(sent.json()["profile"]["id"])
        why.explain()
        qtbot.waitUntil(lambda: why.answer is not None, timeout=10_000)
        assert any("Visitor" in line for line in why.lines()), why.lines()
        opened: list[str] = []
        monkeypatch.setattr(
            Teaching, "open_url", classmethod(lambda cls, url: opened.append(url) or True)
        )
        teaching.open_demo_shop()
        teaching.open_live_view()
        assert opened == [f"{guarded.url}/demo/", f"{guarded.url}/_workbench/live?token={token}"]
        live = httpx.get(opened[1], timeout=10)
        assert live.status_code == 200
        assert "EventSource" in live.text
        assert httpx.get(opened[0], timeout=10).status_code == 200
        assert httpx.get(f"{guarded.url}/_workbench/live", timeout=10).status_code == 401
    finally:
        window.collector = own
        guarded.stop()


def test_a_journey_file_is_presented_step_by_step(qtbot, parts: AppParts) -> None:
    """The shipped demo journey: variables filled in, captures carried to later steps,
    the new visit keeps the profile, and every answer is checked line by line."""
    from workbench.resources import resource_path

    _load_demo(qtbot, parts)
    teaching = _teaching(parts)
    assert teaching.open_story_file(str(resource_path("demo", "shop-visit.journey.yaml")))
    presenter = teaching.presenter
    panel = presenter.panel
    assert presenter.active
    assert panel.title.text() == "A shopper comes back"
    assert panel.steps.count() == 4
    first = _step(qtbot, parts).to_dict()
    qtbot.waitUntil(lambda: 0 in presenter.verdicts, timeout=10_000)
    assert presenter.verdicts[0].passed, presenter.verdicts[0].lines
    assert presenter.captured["visitor"] == first["view"]["profile_id"]
    assert panel.steps.item(0).text().endswith("✓")
    assert panel.checks.isVisible()
    assert "✓ debug@segmentation.ids" in panel.checks.text()
    second = _step(qtbot, parts).to_dict()
    add = second["request"]["body"]["events"][0]
    assert add["properties"]["product"] == "Nike shoes"  # the journey's variable
    third = _step(qtbot, parts).to_dict()
    assert third["view"]["profile_id"] == first["view"]["profile_id"]
    assert third["view"]["session_id"] != first["view"]["session_id"]  # new_visit
    _step(qtbot, parts).to_dict()
    qtbot.waitUntil(lambda: 3 in presenter.verdicts, timeout=10_000)
    assert all(presenter.verdicts[i].passed for i in range(4)), presenter.verdicts
    assert "customer" in panel.story.story.entered
    assert presenter.next_step() is None


def test_a_journey_step_that_fails_shows_why(qtbot, parts: AppParts, tmp_path: Path) -> None:
    teaching = _teaching(parts)
    journey = tmp_path / "j.yaml"
    journey.write_text(
        "name: Checks\n"
        "steps:\n"
        "  - name: Expects too much\n"
        "    send: {source: {id: source-id}, events: [{type: page-view}]}\n"
        "    expect: {status: 201}\n"
        "  - name: Uses an unknown value\n"
        "    send: {source: {id: source-id}, profile: {id: '{{nobody}}'}, events: []}\n"
    )
    assert teaching.open_story_file(str(journey))
    presenter = teaching.presenter
    _step(qtbot, parts)
    qtbot.waitUntil(lambda: 0 in presenter.verdicts, timeout=10_000)
    assert presenter.verdicts[0].lines == ("✗ status: expected 201, got 200",)
    assert presenter.panel.steps.item(0).text().endswith("✗")
    assert presenter.next_step() is None  # not sent: {{nobody}} is unknown
    assert "nobody" in presenter.panel.checks.text()
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nsteps:\n  - send: {source: {id: s}}\n    expect: {nowhere@x: 1}\n")
    assert not teaching.open_story_file(str(broken))
    assert "nowhere" in parts.window.statusBar().currentMessage()


def test_a_journeys_routes_are_kept(qtbot, parts: AppParts, tmp_path: Path) -> None:
    journey = tmp_path / "routes.yaml"
    journey.write_text(
        "name: Routes\n"
        "variables: {hook: webhook-source-id}\n"
        "steps:\n"
        "  - name: No profile\n"
        "    route: profile-less\n"
        "    send: {source: {id: source-id}, events: [{type: page-view}]}\n"
        "    expect: {status: 200}\n"
        "  - name: A webhook\n"
        "    route: collect/page-view/{{hook}}\n"
        "    send: {title: Home}\n"
        "    expect: {status: 200}\n"
    )
    teaching = _teaching(parts)
    assert teaching.open_story_file(str(journey))
    presenter = teaching.presenter
    first = _step(qtbot, parts).to_dict()
    assert first["request"]["url"].endswith("/track?profile_less=true")
    second = _step(qtbot, parts).to_dict()
    assert second["request"]["url"].endswith("/collect/page-view/webhook-source-id")
    qtbot.waitUntil(lambda: len(presenter.verdicts) == 2, timeout=10_000)
    assert all(v.passed for v in presenter.verdicts.values()), presenter.verdicts
