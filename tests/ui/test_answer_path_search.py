"""One path vocabulary in the answer: Copy path gives it, Ctrl+F takes it back to the row."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit

from workbench.core.exchange import Exchange
from workbench.ui.response_panel import ResponsePanel
from workbench.ui.widgets.json_view import JsonView
from workbench.ui.window_navigation import focus_search

PROFILE = {
    "id": "p-1",
    "traits": {"email": "ann@example.com", "plan": "pro"},
    "stats": {"visits": 3},
}
BODY = {
    "profile": {"id": "p-1"},
    "debugging": {"events": {"saved": 1, "ids": ["e-1"]}, "odd key": {"a/b": "x"}},
}


def exchange(*, plan: str = "pro") -> dict[str, Any]:
    profile = {**PROFILE, "traits": {**PROFILE["traits"], "plan": plan}}
    return {
        "id": "x-1",
        "request": {"method": "POST", "url": "http://127.0.0.1/track", "body": {"a": 1}},
        "response": {
            "status": 200,
            "headers": {"content-type": "application/json", "x-process-time": "0.01"},
            "json": BODY,
        },
        "timings": {"total_ms": 12.5},
        "view": {
            "format": "current",
            "status": 200,
            "profile_id": "p-1",
            "session_id": "s-1",
            "verdict": "profile p-1 · session s-1 · 1 event saved · 0 errors",
            "session": {"id": "s-1", "saved": 1, "new": True, "data": None},
            "profile": {"id": "p-1", "saved": 1, "new": False, "data": profile},
            "events": {"saved": 1, "ids": ["e-1"], "types": ["buy"], "errors": []},
            "execution": {"e-1": {"coupon": {"code": "SAVE10"}}},
            "segmentation": {"ids": [], "errors": []},
            "logs": [{"message": "hello", "type": "info"}],
            "errors": [],
            "warnings": [],
            "missing": {},
            "notes": [],
        },
    }


@pytest.fixture
def panel(qtbot) -> ResponsePanel:
    widget = ResponsePanel()
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.show_exchange(Exchange.from_dict(exchange()))
    return widget


def _copy(view: JsonView, keys: tuple[Any, ...]) -> tuple[str, str]:
    assert view.select_path(keys)
    dot = view.copy_dot_path()
    assert QGuiApplication.clipboard().text() == dot
    return dot, view.copy_json_pointer()


def test_copy_path_from_the_debugger_names_the_answer_path(panel: ResponsePanel) -> None:
    trees = panel.debugger.trees
    assert _copy(trees["profile"], ("data", "traits", "email")) == (
        "profile@traits.email",
        "profile#/traits/email",
    )
    assert _copy(trees["profile"], ("new",)) == ("debug@profile.new", "debug#/profile/new")
    assert _copy(trees["events"], ("saved",))[0] == "debug@events.saved"
    assert _copy(trees["execution"], ("e-1", "coupon", "code"))[0] == (
        "debug@execution.e-1.coupon.code"
    )
    assert _copy(trees["logs"], (0, "message"))[0] == "debug@logs.0.message"


def test_copy_path_from_the_body_names_the_answer_as_received(panel: ResponsePanel) -> None:
    body = panel.body_tree
    assert _copy(body, ("debugging", "events", "ids", 0)) == (
        "response@debugging.events.ids.0",
        "/debugging/events/ids/0",
    )
    # Keys dot notation cannot spell are written as a pointer, never a wrong dot path.
    assert _copy(body, ("debugging", "odd key", "a/b")) == (
        "response#/debugging/odd key/a~1b",
        "/debugging/odd key/a~1b",
    )


def test_the_menu_says_which_path_it_copies(panel: ResponsePanel) -> None:
    tree = panel.debugger.trees["profile"]
    tree.select_path(("data", "traits", "email"))
    index = tree.current_source_index()
    assert tree.dot_path_of(index) == "profile@traits.email"


def _paste(qtbot, panel: ResponsePanel, text: str) -> QLineEdit:
    """Ctrl+F, then paste *text* into the search box that took the focus."""
    focus_search(panel)
    box = QGuiApplication.focusObject()
    assert isinstance(box, QLineEdit)
    QGuiApplication.clipboard().setText(text)
    box.paste()
    return box


def _row(view: JsonView) -> tuple[Any, ...]:
    return view.model.path_of(view.current_source_index())


def _selected_row(view: JsonView) -> tuple[Any, ...] | None:
    rows = view.tree.selectionModel().selectedRows()
    return view.model.path_of(view.proxy.mapToSource(rows[0])) if rows else None


@pytest.mark.parametrize(
    ("text", "section", "keys"),
    [
        ("profile@traits.email", "profile", ("data", "traits", "email")),
        ("profile#/stats/visits", "profile", ("data", "stats", "visits")),
        ("debug@events.saved", "events", ("saved",)),
        ("debug@execution.e-1.coupon.code", "execution", ("e-1", "coupon", "code")),
        ("debug@logs.0.message", "logs", (0, "message")),
    ],
)
def test_a_pasted_debugger_path_selects_its_row_from_any_tab(
    qtbot, panel: ResponsePanel, text: str, section: str, keys: tuple[Any, ...]
) -> None:
    panel.tabs.setCurrentWidget(panel.body_tabs)  # typed in the Body's search
    origin = panel.body_tree
    _paste(qtbot, panel, text)
    tree = panel.debugger.trees[section]
    qtbot.waitUntil(lambda: panel.tabs.currentWidget() is panel.debugger, timeout=3000)
    assert panel.debugger.current_tree() is tree
    assert _row(tree) == keys
    assert _selected_row(tree) == keys
    assert tree.search.text() == text
    assert tree.match_label.text() == "the row at this path"
    qtbot.waitUntil(tree.search_has_focus, timeout=3000)  # typing goes on where the path went
    assert origin.search.text() == ""  # nothing stale left behind
    # Only the row (and the way down to it) is shown.
    assert tree.proxy.rowCount() == 1


def test_a_pasted_body_path_or_pointer_selects_its_row(qtbot, panel: ResponsePanel) -> None:
    panel.debugger.show_section("events")
    _paste(qtbot, panel, "/debugging/events/ids/0")
    qtbot.waitUntil(lambda: panel.tabs.currentWidget() is panel.body_tabs, timeout=3000)
    assert _selected_row(panel.body_tree) == ("debugging", "events", "ids", 0)
    _paste(qtbot, panel, "response@profile.id")
    qtbot.waitUntil(lambda: _row(panel.body_tree) == ("profile", "id"), timeout=3000)


def test_headers_status_and_time_paths(qtbot, panel: ResponsePanel) -> None:
    # A modifier still down from the last key (Ctrl+Shift+V pasted...) changes nothing.
    qtbot.keyPress(panel, Qt.Key.Key_Shift, Qt.KeyboardModifier.ShiftModifier)
    box = _paste(qtbot, panel, "headers@Content-Type")  # names match in any case
    qtbot.waitUntil(lambda: panel.tabs.currentWidget() is panel.headers_table, timeout=3000)
    qtbot.keyRelease(panel, Qt.Key.Key_Shift)
    panel.headers_table.setFocus()  # taking the focus keeps the row
    rows = panel.headers_table.selectionModel().selectedRows()
    assert [r.row() for r in rows] == [panel.headers_table.currentRow()]
    assert panel.headers_table.item(rows[0].row(), 0).text() == "content-type"
    view = panel.debugger.current_tree()
    panel.tabs.setCurrentWidget(panel.debugger)
    box = _paste(qtbot, panel, "debug@status")
    qtbot.waitUntil(lambda: view.match_label.text() == "debug@status = 200", timeout=3000)
    box.clear()
    view.search_for("time_ms")  # a bare root is a word to search for ...
    assert "match" in view.match_label.text()
    view.search_for("debug@verdict")  # ... a path to a value no tree shows says the value
    assert view.match_label.text().startswith("debug@verdict = profile p-1")


def test_a_path_with_nothing_there_says_so_and_searches_the_words(
    qtbot, panel: ResponsePanel
) -> None:
    tree = panel.debugger.show_section("profile")
    tree.search_for("profile@traits.phone")
    assert tree.match_label.text() == ("nothing at profile@traits.phone in this answer · 0 matches")
    tree.search_for("session@context")
    assert "the answer holds no stored session" in tree.match_label.text()
    tree.search_for("ann@example.com")  # an address is words, not a path
    assert tree.match_label.text() == "1 match"


def test_a_path_search_stays_on_its_row_over_a_new_answer(qtbot, panel: ResponsePanel) -> None:
    tree = panel.debugger.show_section("profile")
    tree.search_for("profile@traits.plan")
    assert _row(tree) == ("data", "traits", "plan")
    panel.debugger.show_section("events")  # the user looks elsewhere; a new answer comes
    panel.show_exchange(Exchange.from_dict(exchange(plan="team")))
    assert panel.debugger.current_tree() is panel.debugger.trees["events"]  # no jump
    assert _row(tree) == ("data", "traits", "plan")
    assert tree.model.value_of(tree.current_source_index()) == "team"


def test_a_pasted_path_selects_its_row_in_a_stored_profile(qtbot) -> None:
    from workbench.ui.entity_dialog import EntityDialog

    dialog = EntityDialog("profile", "p-1", PROFILE)
    qtbot.addWidget(dialog)
    view = dialog.view
    assert _copy(view, ("traits", "email")) == ("profile@traits.email", "profile#/traits/email")
    view.search_for("profile@stats.visits")
    assert _selected_row(view) == ("stats", "visits")
    view.search_for("session@id")
    assert view.match_label.text().startswith("this profile holds only profile@… paths")


def test_the_collectors_record_speaks_the_same_paths(qtbot) -> None:
    import json

    from workbench.collector.records import RequestRecord
    from workbench.ui.panels.record_details import RecordDetails

    details = RecordDetails()
    qtbot.addWidget(details)
    body = {
        "profile": {"id": "p-1"},
        "debugging": {"events": {"saved": 1, "ids": ["e-1"], "errors": []}},
    }
    record = RequestRecord(
        "r1",
        "t",
        "POST",
        "/track",
        "",
        200,
        1.0,
        response_headers={"content-type": "application/json"},
        response_body=json.dumps(body),
    )
    details.show_record(record)
    answer = details.response_view
    assert _copy(answer, ("body", "profile", "id")) == ("response@profile.id", "/profile/id")
    assert _copy(answer, ("headers", "content-type"))[0] == "headers@content-type"
    assert _copy(answer, ("status",))[0] == "status"
    answer.search_for("/debugging/events/ids/0")
    assert _selected_row(answer) == ("body", "debugging", "events", "ids", 0)
    answer.search_for("headers@Content-Type")
    assert _selected_row(answer) == ("headers", "content-type")
    answer.search_for("debug@events.saved")
    assert answer.match_label.text().startswith("nothing at debug@events.saved in this answer")
    events = details.debugger_view.trees["events"]  # its Debugger: debug@ paths
    assert _copy(events, ("saved",))[0] == "debug@events.saved"
    events.search_for("debug@events.ids.0")
    assert _selected_row(events) == ("ids", 0)
