"""The compare window: two documents side by side, their semantic diff, change to change."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from tests.support.har_files import PROFILE_ID, shop_har, track_answer, write_har
from workbench.ui.compare.compare_window import CompareSources, CompareWindow, Side
from workbench.ui.compare.diff_view import DiffView
from workbench.ui.privacy import MASK, privacy_mask
from workbench.ui.tasks import TaskRunner


@pytest.fixture
def runner(qtbot: Any) -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    tasks.wait_for_done(10_000)
    privacy_mask().set_hidden(False)


def _customer_and_local() -> tuple[dict[str, Any], dict[str, Any]]:
    customer = track_answer("purchase")
    customer["events"] = [
        {"id": "ev-1", "type": "purchase", "properties": {"price": 10}},
        {"id": "ev-2", "type": "page-view", "properties": {"price": 0}},
    ]
    customer["profile"]["traits"] = {"email": "ann@example.com"}
    local = copy.deepcopy(customer)
    local["events"].reverse()  # paired by id: the order changes nothing
    local["events"][1]["properties"]["price"] = 12  # ev-1
    local["debugging"]["segmentation"]["ids"] = ["vip"]
    local["profile"]["traits"]["email"] = "bob@example.com"
    local["profile"]["id"] = "another-profile"  # volatile: hidden by default
    return customer, local


def _diff_view(qtbot: Any, runner: TaskRunner, a: Any, b: Any) -> DiffView:
    view = DiffView(runner)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.diff_finished, timeout=10_000):
        view.set_documents("customer.json", a, "local.json", b)
    return view


def _rows(view: DiffView) -> list[tuple[str, ...]]:
    model = view.model
    return [
        tuple(str(model.data(model.index(r, c))) for c in range(4)) for r in range(model.rowCount())
    ]


def test_changes_by_path_with_a_summary_line(qtbot: Any, runner: TaskRunner) -> None:
    customer, local = _customer_and_local()
    view = _diff_view(qtbot, runner, customer, local)
    assert view.summary_label.text() == "3 differences: 2 changed, 1 added (1 volatile hidden)"
    assert _rows(view) == [
        ("~", "profile.traits.email", '"ann@example.com"', '"bob@example.com"'),
        ("~", "events[id=ev-1].properties.price", "10", "12"),
        ("+", "debugging.segmentation.ids[0]", "—", '"vip"'),
    ]
    assert view.label_a.text() == "A: customer.json"
    assert view.label_b.text() == "B: local.json"


def test_the_volatile_toggle_shows_ids_and_times(qtbot: Any, runner: TaskRunner) -> None:
    customer, local = _customer_and_local()
    view = _diff_view(qtbot, runner, customer, local)
    with qtbot.waitSignal(view.diff_finished, timeout=10_000):
        view.volatile_box.setChecked(True)
    assert "profile.id" in [row[1] for row in _rows(view)]
    assert view.summary_label.text() == "4 differences: 3 changed, 1 added"
    with qtbot.waitSignal(view.diff_finished, timeout=10_000):
        view.volatile_box.setChecked(False)
    assert "profile.id" not in [row[1] for row in _rows(view)]


def test_ignore_paths_drop_changes(qtbot: Any, runner: TaskRunner) -> None:
    customer, local = _customer_and_local()
    view = _diff_view(qtbot, runner, customer, local)
    view.ignore_edit.setText("debugging.segmentation, profile.traits")
    with qtbot.waitSignal(view.diff_finished, timeout=10_000):
        view.refresh()
    assert [row[1] for row in _rows(view)] == ["events[id=ev-1].properties.price"]
    view.ignore_edit.setText("events[")
    view.refresh()
    qtbot.waitUntil(lambda: view.summary_label.text().startswith("Cannot compare"), timeout=10_000)


def test_next_and_previous_walk_the_changes_and_select_them_in_both_trees(
    qtbot: Any, runner: TaskRunner
) -> None:
    customer, local = _customer_and_local()
    view = _diff_view(qtbot, runner, customer, local)
    assert view.current_row() == 0
    paths = [view.model.change(r).path for r in range(3)]  # type: ignore[union-attr]
    seen = [paths[0]]
    for _ in range(3):
        view.next_change()
        seen.append(paths[view.current_row()])
    assert seen == [*paths, paths[0]]  # wraps around
    view.previous_change()
    assert view.current_row() == 2

    # The price change of ev-1: index 0 in A, index 1 in B (the list was reordered).
    row = paths.index("events[id=ev-1].properties.price")
    view.select_change(row)
    a_path = view.tree_a.model.path_of(view.tree_a.current_source_index())
    b_path = view.tree_b.model.path_of(view.tree_b.current_source_index())
    assert a_path == ("events", 0, "properties", "price")
    assert b_path == ("events", 1, "properties", "price")
    # An added value exists on B only: A's tree has nothing selected.
    view.select_change(paths.index("debugging.segmentation.ids[0]"))
    assert not view.tree_a.tree.selectionModel().hasSelection()
    assert view.tree_b.model.path_of(view.tree_b.current_source_index()) == (
        "debugging",
        "segmentation",
        "ids",
        0,
    )


def test_f8_and_shift_f8_are_the_keys(qtbot: Any, runner: TaskRunner) -> None:
    customer, local = _customer_and_local()
    view = _diff_view(qtbot, runner, customer, local)
    keys = {a.shortcut().toString(): a for a in view.actions()}
    assert keys["F8"].shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut
    keys["F8"].trigger()
    assert view.current_row() == 1
    keys["Shift+F8"].trigger()
    assert view.current_row() == 0
    assert view.next_button.toolTip() == "Next ▶ (F8)"


def test_equal_documents_say_equal(qtbot: Any, runner: TaskRunner) -> None:
    view = _diff_view(qtbot, runner, track_answer(), track_answer())
    assert view.summary_label.text() == "equal"
    assert view.model.rowCount() == 0
    assert not view.next_button.isEnabled()


def test_copy_report_is_the_command_lines_text(qtbot: Any, runner: TaskRunner) -> None:
    customer, local = _customer_and_local()
    view = _diff_view(qtbot, runner, customer, local)
    view.copy_report()
    text = QGuiApplication.clipboard().text()
    assert text.splitlines()[:2] == ["--- customer.json", "+++ local.json"]
    assert '~ profile.traits.email: "ann@example.com" → "bob@example.com"' in text
    assert text.splitlines()[-1] == view.summary_label.text()


# --- the compare window: choosing the two sides -------------------------------------------


def _window(qtbot: Any, runner: TaskRunner, sources: CompareSources) -> CompareWindow:
    window = CompareWindow(sources, runner)
    qtbot.addWidget(window)
    return window


def _compare(qtbot: Any, window: CompareWindow, a: Side, b: Side) -> None:
    window.set_sides(a, b)
    with qtbot.waitSignal(window.view.diff_finished, timeout=10_000):
        window.compare()


def test_files_and_har_entries(qtbot: Any, runner: TaskRunner, tmp_path: Path) -> None:
    har = write_har(tmp_path / "shop.har", shop_har())
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps(track_answer()), encoding="utf-8")
    window = _window(qtbot, runner, CompareSources())
    _compare(qtbot, window, Side("file", f"{har}#4"), Side("file", f"{har}#6"))
    assert window.view.label_a.text() == "A: shop.har#4"
    assert window.view.result is not None
    assert not window.view.result.equal
    assert window.status.text() == ""
    _compare(qtbot, window, Side("file", str(answer)), Side("file", str(answer)))
    assert window.view.summary_label.text() == "equal"


@pytest.mark.parametrize(
    ("side", "message"),
    [
        (Side("file", "/nowhere/x.json"), "No such file"),
        (Side("file", ""), "enter an id or a file first"),
        (Side("selected"), "select 1 entries in the History panel first"),
        (Side("shown"), "the window shows no answer yet"),
        (Side("profile", "p-1"), "the embedded collector is not running"),
        (Side("target-profile", "p-1"), "choose a target"),
    ],
)
def test_a_side_that_cannot_be_read_says_why(
    qtbot: Any, runner: TaskRunner, side: Side, message: str
) -> None:
    window = _window(qtbot, runner, CompareSources())
    window.set_sides(side, Side("shown"))
    window.compare()
    qtbot.waitUntil(lambda: window.compare_button.isEnabled(), timeout=10_000)
    assert window.status.text().startswith("Cannot compare: ")
    assert message in window.status.text()


def test_history_entries_and_the_shown_answer(
    qtbot: Any, runner: TaskRunner, tmp_path: Path
) -> None:
    from workbench.core.har_import import read_har
    from workbench.store.history import HistoryStore

    har = read_har(write_har(tmp_path / "shop.har", shop_har()).read_bytes(), "shop.har")
    store = HistoryStore(tmp_path / "history")
    try:
        ids = [store.append(call.exchange).id for call in har.calls]
        shown = har.calls[0].exchange
        sources = CompareSources(
            shown=lambda: shown, selected_history=lambda: [ids[0], ids[1]], history=store
        )
        window = _window(qtbot, runner, sources)
        _compare(qtbot, window, Side("selected", position=0), Side("selected", position=1))
        assert window.view.label_a.text() == f"A: history {ids[0][:8]}"
        assert window.view.label_b.text() == f"B: history {ids[1][:8]}"
        _compare(qtbot, window, Side("shown"), Side("history", ids[0][:10]))
        assert window.view.summary_label.text() == "equal"
    finally:
        store.close()


def test_profiles_of_the_embedded_collector(qtbot: Any, runner: TaskRunner) -> None:
    class Store:
        def get_profile(self, profile_id: str) -> Any:
            if profile_id == PROFILE_ID:
                return {"id": PROFILE_ID, "traits": {"tier": "gold"}}
            return {"id": profile_id, "traits": {"tier": "silver"}} if profile_id == "p2" else None

        def get_session(self, session_id: str) -> Any:
            return None

    window = _window(qtbot, runner, CompareSources(collector_store=Store))
    _compare(qtbot, window, Side("profile", PROFILE_ID), Side("profile", "p2"))
    assert [row[1] for row in _rows(window.view)] == ["traits.tier"]
    window.set_sides(Side("session", "s-404"), Side("profile", "p2"))
    window.compare()
    qtbot.waitUntil(lambda: window.compare_button.isEnabled(), timeout=10_000)
    assert window.status.text() == "Cannot compare: the embedded collector has no session s-404"


def test_hidden_personal_data_is_masked_in_the_table_tooltips_and_report(
    qtbot: Any, runner: TaskRunner
) -> None:
    customer, local = _customer_and_local()
    view = _diff_view(qtbot, runner, customer, local)
    mask = privacy_mask()
    mask.set_hidden(True)
    rows = _rows(view)
    email_row = next(r for r in rows if r[1] == "profile.traits.email")
    assert email_row[2] == json.dumps(MASK, ensure_ascii=False)
    assert email_row[3] == email_row[2]
    tip = view.model.data(view.model.index(rows.index(email_row), 2), Qt.ItemDataRole.ToolTipRole)
    assert "ann@" not in tip
    view.copy_report()
    assert "ann@example.com" not in QGuiApplication.clipboard().text()
    assert "bob@example.com" not in view.report()
    mask.set_hidden(False)
    assert "ann@example.com" in view.report()


def test_the_window_fits_the_screen(qtbot: Any, runner: TaskRunner) -> None:
    window = _window(qtbot, runner, CompareSources())
    screen = window.screen().availableGeometry()
    assert window.width() <= screen.width()
    assert window.height() <= screen.height()


def test_profiles_of_a_target(qtbot: Any, runner: TaskRunner) -> None:
    import httpx

    from tests.support.har_files import track_payload
    from workbench.collector.config import CollectorConfig
    from workbench.collector.server import CollectorServer
    from workbench.settings import TargetSettings
    from workbench.ui.compare.install import _read_entity

    server = CollectorServer(CollectorConfig(port=0, accept_any_source=True))
    server.start()
    try:
        answer = httpx.post(f"{server.url}/track", json=track_payload(), timeout=10).json()
        profile_id = answer["profile"]["id"]
        target = TargetSettings(name="customer-prod", base_url=server.url)
        sources = CompareSources(targets=lambda: [target], read_entity=_read_entity)
        window = _window(qtbot, runner, sources)
        window.refresh_targets()
        side = Side("target-profile", profile_id, target="customer-prod")
        _compare(qtbot, window, side, side)
        assert window.view.label_a.text() == f"A: profile {profile_id} @ customer-prod"
        assert window.view.summary_label.text() == "equal"
        window.set_sides(Side("target-session", "nope", target="customer-prod"), side)
        window.compare()
        qtbot.waitUntil(lambda: window.compare_button.isEnabled(), timeout=10_000)
        assert window.status.text() == "Cannot compare: customer-prod has no session nope"
    finally:
        server.stop()
