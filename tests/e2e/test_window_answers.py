"""What the answer views show when sends and the History dock meet (the whole app, real parts)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from workbench.app import build
from workbench.core.exchange import Exchange
from workbench.settings.paths import app_paths


@pytest.fixture
def parts(qtbot, tmp_path: Path) -> Iterator[Any]:
    built = build(app_paths(tmp_path), collector_port=0, collector_in_memory=True)
    qtbot.addWidget(built.window)
    built.window.show()
    qtbot.waitExposed(built.window)
    yield built
    built.close()


def _send(qtbot, window: Any) -> Exchange:
    with qtbot.waitSignal(window.exchange_shown, timeout=15_000) as blocker:
        assert window.send() is not None
    return blocker.args[0]


def _settled(qtbot, parts: Any, rows: int) -> None:
    """History listed *rows* entries and no background load (an entry, a page) is in flight."""
    panel = parts.window.panels.history
    qtbot.waitUntil(
        lambda: panel.model.rowCount() == rows and parts.window.runner.pending == 0,
        timeout=10_000,
    )


def test_a_new_answer_wins_over_a_selected_history_entry(qtbot, parts: Any) -> None:
    window = parts.window
    panel = window.panels.history
    _send(qtbot, window)
    _send(qtbot, window)
    _settled(qtbot, parts, 2)
    with qtbot.waitSignal(window.exchange_shown, timeout=5000) as picked:
        panel.table.selectRow(1)
    old = picked.args[0]
    assert window.response_panel.exchange().id == old.id

    new = _send(qtbot, window)
    _settled(qtbot, parts, 3)
    assert window.response_panel.exchange().id == new.id != old.id
    assert window.response_panel.title_label.text() == "Response · HTTP 200"
    # The selection stayed on the entry the user picked (now one row lower) ...
    selected = panel.selected_summaries()
    assert [s.id for s in selected] == [old.id]
    # ... and clicking it shows it again: the user asked for it.
    row = panel.table.selectionModel().selectedRows()[0].row()
    rect = panel.table.visualRect(panel.model.index(row, 3))
    with qtbot.waitSignal(window.exchange_shown, timeout=5000) as again:
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert again.args[0].id == old.id


def test_a_template_asks_before_replacing_unsaved_edits(qtbot, parts: Any, monkeypatch) -> None:
    from workbench.ui.composer.tools import example_templates
    from workbench.ui.prompts import Prompts

    window = parts.window
    asked: list[str] = []
    answer = {"yes": False}
    monkeypatch.setattr(
        Prompts,
        "confirm",
        classmethod(lambda cls, p, title, text: asked.append(text) or answer["yes"]),
    )
    template = example_templates()[0]
    assert window.tools.use_template(template)  # nothing unsaved yet: no question
    assert asked == []
    assert window.composer.document() == template.payload
    window.composer.form.events_editor.add_event()  # unsaved work
    edited = window.composer.document()
    assert not window.tools.use_template(template)
    assert len(asked) == 1
    assert "neither sent nor saved" in asked[0]
    assert window.composer.document() == edited  # kept
    answer["yes"] = True
    assert window.tools.use_template(template)
    assert window.composer.document() == template.payload
    _send(qtbot, window)  # sent: history holds it, so nothing is lost by replacing it
    assert not window.composer.is_modified()


def test_save_to_collection_is_listed_at_once_and_opens_as_a_new_visit(
    qtbot, parts: Any, monkeypatch
) -> None:
    from workbench.ui.prompts import Prompts

    window = parts.window
    panel = window.panels.collections
    monkeypatch.setattr(Prompts, "get_line", classmethod(lambda cls, *a, **k: "demo/visit one"))
    window.composer.form.session_edit.setText("old-session")
    saved = window.tools.save_to_collection()
    assert saved is not None
    assert saved.payload["session"]["id"] == "old-session"
    assert panel.model.find("request", "visit one", "demo").isValid()  # no refresh needed
    assert panel.new_visit_check.isChecked()
    window.composer.form.session_edit.setText("something else")
    panel.request_opened.emit(saved)
    opened = window.composer.document()["session"]["id"]
    assert opened not in ("old-session", "something else")
    assert len(opened) == 36
    panel.new_visit_check.setChecked(False)
    panel.request_opened.emit(saved)
    assert window.composer.document()["session"]["id"] == "old-session"  # replayed as saved


def test_wording_in_the_window(qtbot, parts: Any, tmp_path: Path) -> None:
    window = parts.window
    # Qt appends the display name to a title that does not end with it: said once.
    QGuiApplication.setApplicationDisplayName("Workbench")
    try:
        title = window.windowTitle()
        shown = title if title.endswith("Workbench") else f"{title} — Workbench"
        assert shown.count("Workbench") == 1
    finally:
        QGuiApplication.setApplicationDisplayName("")
    # Templates: the built-in ones at the top of the menu, not Templates → Templates.
    menu = window.tools.templates_menu
    menu.aboutToShow.emit()
    titles = [a.text() for a in menu.actions()]
    assert "Templates" not in titles
    assert "Examples" in titles
    assert any(a.menu() is None and a.text() for a in menu.actions())
    # Local data counts read as words.
    _send(qtbot, window)
    local = window.panels.collector.local_data
    local.refresh()
    assert local.stats_label.text().startswith("1 profile · 1 session · ")


def test_open_is_offered_only_for_the_embedded_collectors_own_answers(qtbot, parts: Any) -> None:
    window = parts.window
    debugger = window.response_panel.debugger
    _send(qtbot, window)
    assert debugger.open_buttons["profile"].isEnabled()
    foreign = json.dumps({"profile": {"id": "someone-elses"}, "debugging": {}})
    QGuiApplication.clipboard().setText(foreign)
    assert window.paste_response()
    assert debugger.id_labels["profile"].text() == "someone-elses"
    assert not debugger.open_buttons["profile"].isEnabled()


def test_a_refused_embedded_send_hints_in_the_windows_words(qtbot, parts: Any) -> None:
    window = parts.window
    controller = window.panels.controller
    with qtbot.waitSignal(controller.state_changed, timeout=10_000):
        controller.stop()
    qtbot.waitUntil(lambda: window.collector is None, timeout=10_000)
    exchange = _send(qtbot, window)
    assert exchange.error.kind == "connection_refused"
    hint = window.composer.error_hint.text()
    assert "Collector dock" in hint
    assert "workbench collector" not in hint


def test_the_port_box_shows_the_port_the_collector_runs_on(
    qtbot, tmp_path: Path, taken_port: int
) -> None:
    (tmp_path / "settings.json").write_text(
        json.dumps({"version": 1, "collector": {"port": taken_port}}), encoding="utf-8"
    )
    built = build(app_paths(tmp_path), collector_in_memory=True)
    try:
        qtbot.addWidget(built.window)
        actual = built.collector.port
        assert actual != taken_port
        assert built.window.panels.collector.port_spin.value() == actual
    finally:
        built.close()
