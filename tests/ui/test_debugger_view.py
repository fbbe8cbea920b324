"""The debugger view: verdict, counts in titles, highlighted problems, ids."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from workbench.ui.widgets.debugger_view import (
    DebuggerView,
    section_count,
    section_note,
    shown_section,
)

VIEW = {
    "format": "documented",
    "profile_id": "0d2d9dc5-0d60-471e-956f-8766dcb8aba2",
    "session_id": "s-1",
    "verdict": "new profile 0d2d… · session new · 2 events saved · 0 errors",
    "sections": {
        "session": {"saved": 1, "errors": [], "ids": ["s-1"], "types": []},
        "events": {"saved": 2, "errors": [], "ids": ["e1", "e2"], "types": []},
        "profile": {"saved": 1, "errors": [], "ids": ["0d2d9dc5"], "types": []},
        "execution": {},
        "segmentation": {"errors": ["bad rule"], "ids": []},
        "logs": [],
        "errors": [],
        "warnings": ["slow"],
    },
    "missing": {"execution": "the server did not run any workflow"},
}


def test_section_counts() -> None:
    assert section_count({"ids": ["a", "b"]}) == 2
    assert section_count({"saved": 3}) == 3
    assert section_count([1]) == 1
    assert section_count({}) is None
    assert section_count({"events": [], "rules_matched": 3}) == 3


def test_shows_verdict_ids_and_counts(qtbot) -> None:
    view = DebuggerView()
    qtbot.addWidget(view)
    view.set_view(VIEW)
    assert view.verdict_label.text().startswith("new profile 0d2d")
    assert view.id_labels["profile"].text() == VIEW["profile_id"]
    titles = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    assert titles[:3] == ["Session (1)", "Events (2)", "Profile (1)"]
    assert "Warnings (1)" in titles
    seg = titles.index("Segmentation (0)")
    assert view.tabs.tabBar().tabTextColor(seg).red() == 200
    assert not view.section_notes["execution"].isHidden()
    assert "did not run any workflow" in view.section_notes["execution"].text()
    assert view.section_notes["session"].isHidden()
    assert view.trees["events"].model.document()["ids"] == ["e1", "e2"]


def test_placeholders_are_explained_not_shown_as_null(qtbot) -> None:
    view = DebuggerView()
    qtbot.addWidget(view)
    sections = {
        **VIEW["sections"],
        "events": {"saved": 2, "ids": ["e1", "e2"], "types": [], "errors": [], "items": None},
        "session": {"id": "s-1", "saved": 1, "new": True, "data": None, "errors": []},
    }
    view.set_view({**VIEW, "sections": sections, "notes": ["an old server"]})
    events = view.trees["events"].model.document()
    assert "items" not in events
    assert events["ids"] == ["e1", "e2"]
    note = view.section_notes["events"].text()
    assert "did not report the events' details" in note
    assert "open one" in note
    assert "the stored session" in view.section_notes["session"].text()
    assert "data" not in view.trees["session"].model.document()
    assert view.missing_label.text() == "an old server"  # general notes stay on top
    view.set_can_open(True)
    with qtbot.waitSignal(view.open_requested) as blocker:
        view._on_tree_value_activated("events", ("ids", 0))  # paths are unchanged
    assert blocker.args == ["event", "e1"]


def test_shown_section_and_note() -> None:
    assert shown_section({"a": 1, "b": None}) == {"a": 1}
    assert shown_section([None]) == [None]
    assert section_note("logs", [], {}) == ""
    assert section_note("execution", None, {}) == "Not in this answer."
    assert section_note("execution", None, {"execution": "old server"}) == (
        "Not in this answer: old server."
    )


def test_copy_and_open_ids(qtbot) -> None:
    view = DebuggerView()
    qtbot.addWidget(view)
    view.set_view(VIEW)
    assert view.copy_id("session") == "s-1"
    assert QGuiApplication.clipboard().text() == "s-1"
    assert not view.open_buttons["profile"].isEnabled()
    view.set_can_open(True)
    with qtbot.waitSignal(view.open_requested) as blocker:
        view.open_buttons["profile"].click()
    assert blocker.args == ["profile", VIEW["profile_id"]]
    with qtbot.waitSignal(view.open_requested) as blocker:
        view._on_tree_value_activated("events", ("ids", 1))
    assert blocker.args == ["event", "e2"]


def test_clear(qtbot) -> None:
    view = DebuggerView()
    qtbot.addWidget(view)
    view.set_view(VIEW)
    view.clear()
    assert view.id_labels["profile"].text() == "—"
