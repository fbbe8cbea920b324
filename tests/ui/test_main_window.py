"""The window end to end against a real embedded collector on 127.0.0.1 (port 0)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.conftest import load_example
from tests.ui.slow_server import HeldServer
from tests.ui.windows import open_window
from workbench.collector import CollectorConfig, CollectorServer
from workbench.core.exchange import Exchange
from workbench.settings import TargetSettings
from workbench.store.history import HistoryStore
from workbench.ui.entity_dialog import EntityDialog
from workbench.ui.main_window import MainWindow
from workbench.ui.prompts import Prompts


@pytest.fixture
def collector() -> Iterator[CollectorServer]:
    server = CollectorServer(CollectorConfig(port=0))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def history(tmp_path: Path) -> Iterator[HistoryStore]:
    store = HistoryStore(tmp_path / "history")
    yield store
    store.close()


@pytest.fixture
def window(qtbot, collector, history, tmp_path: Path) -> Iterator[MainWindow]:
    win = open_window(qtbot, collector=collector, history=history, folder=tmp_path)
    yield win
    win.close()


def send_and_wait(qtbot, win: MainWindow) -> Exchange:
    with qtbot.waitSignal(win.exchange_shown, timeout=15_000) as blocker:
        assert win.send() is not None
    return blocker.args[0]


def test_title_and_collector_status(window: MainWindow, collector: CollectorServer) -> None:
    assert "Workbench" in window.windowTitle()
    assert collector.url in window.collector_label.text()
    assert window.composer.current_target().base_url == collector.url


def test_send_shows_new_profile_and_counts_then_reuses_profile(
    qtbot, window: MainWindow, history: HistoryStore
) -> None:
    first = send_and_wait(qtbot, window)
    view = first.view
    profile_id = view.profile_id
    assert first.status == 200
    assert profile_id
    debugger = window.response_panel.debugger
    assert debugger.id_labels["profile"].text() == profile_id
    assert debugger.verdict_label.text().startswith("new profile " + profile_id[:4])
    assert f"{view.events['saved']} event" in debugger.verdict_label.text()
    titles = [debugger.tabs.tabText(i) for i in range(debugger.tabs.count())]
    assert titles[0] == "Session (1)"
    assert titles[2] == "Profile (1)"
    assert titles[1] == f"Events ({view.events['saved']})"
    assert window.status_code_label.text() == "Status 200"
    assert window.size_label.text().startswith("Size ")
    assert window.composer.form.profile_edit.text() == profile_id

    second = send_and_wait(qtbot, window)
    assert second.request.body["profile"]["id"] == profile_id
    assert second.view.profile_id == profile_id
    qtbot.waitUntil(lambda: history.count() == 2, timeout=5000)
    completion = window.composer.form.events_editor.type_edit.completer().model().stringList()
    assert set(view.events["types"]) <= set(completion)  # types seen in answers are offered


def test_invalid_payload_needs_confirmation(qtbot, window: MainWindow, monkeypatch) -> None:
    asked: list[int] = []
    monkeypatch.setattr(
        Prompts,
        "ask_send_invalid",
        classmethod(lambda cls, parent, issues: asked.append(len(issues)) or False),
    )
    window.composer.raw.set_text('{"events": [{"type": "x"}]}')
    assert window.send() is None
    assert asked == [1]
    assert not window.controller.busy


def test_sending_invalid_payload_after_confirming_shows_server_error(
    qtbot, window: MainWindow, monkeypatch
) -> None:
    monkeypatch.setattr(Prompts, "ask_send_invalid", classmethod(lambda cls, p, i: True))
    window.composer.raw.set_text('{"source": {"id": 5}, "events": [{"type": "x"}]}')
    exchange = send_and_wait(qtbot, window)
    assert exchange.status == 422
    assert window.composer.error_frame.isVisibleTo(window)
    assert window.composer.error_message.text()


def test_bad_raw_json_is_not_sent(qtbot, window: MainWindow) -> None:
    window.composer.raw.set_text('{"source": ')
    assert window.send() is None
    assert "line 1" in window.composer.error_message.text()


def test_cancel(qtbot, window: MainWindow) -> None:
    with HeldServer() as held:
        window.set_targets([TargetSettings(name="held", base_url=held.url)])
        window.composer.request_bar.select_target("held")
        with qtbot.waitSignal(window.exchange_shown, timeout=15_000) as blocker:
            window.send()
            assert window.composer.request_bar.cancel_button.isEnabled()
            qtbot.waitUntil(held.requests_seen.is_set, timeout=5000)
            qtbot.waitUntil(lambda: window.composer.progress_label.text().startswith("Sending…"))
            window.cancel()
        assert blocker.args[0].error.kind == "cancelled"
        assert not window.composer.request_bar.cancel_button.isEnabled()
        assert window.composer.error_frame.isVisibleTo(window)


def test_stale_result_is_recorded_but_not_shown(
    qtbot, window: MainWindow, collector: CollectorServer, history: HistoryStore
) -> None:
    recorded: list[Exchange] = []
    window.exchange_recorded.connect(recorded.append)
    with HeldServer(body={"profile": {"id": "stale-profile"}}) as held:
        window.set_targets([TargetSettings(name="held", base_url=held.url)])
        window.composer.request_bar.select_target("held")
        window.send()
        qtbot.waitUntil(held.requests_seen.is_set, timeout=5000)
        window.composer.request_bar.select_target("Embedded collector")
        fresh = send_and_wait(qtbot, window)
        held.release()
        qtbot.waitUntil(lambda: len(recorded) == 2, timeout=15_000)
    stale = next(e for e in recorded if e.target.name == "held")
    assert stale.json == {"profile": {"id": "stale-profile"}}
    shown = window.response_panel.exchange()
    assert shown is not None
    assert shown.id == fresh.id
    assert window.composer.form.profile_edit.text() != "stale-profile"
    qtbot.waitUntil(lambda: history.count() == 2, timeout=5000)
    assert history.get(stale.id) is not None


def test_connection_error_shows_message_and_hint(qtbot, window: MainWindow, free_port) -> None:
    window.set_targets([TargetSettings(name="nobody", base_url=f"http://127.0.0.1:{free_port}")])
    window.composer.request_bar.select_target("nobody")
    exchange = send_and_wait(qtbot, window)
    assert exchange.error is not None
    assert exchange.error.kind
    assert window.composer.error_message.text() == exchange.error.message
    assert window.composer.error_hint.text() == exchange.error.hint
    assert window.status_code_label.text().startswith("Status –")


def test_open_debug_json_file(qtbot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "customer.json"
    path.write_text(json.dumps(load_example("response-debugger.json")), encoding="utf-8")
    with qtbot.waitSignal(window.exchange_shown, timeout=5000):
        window.open_file(str(path))
    debugger = window.response_panel.debugger
    assert debugger.id_labels["profile"].text() == "0d2d9dc5-0d60-471e-956f-8766dcb8aba2"
    assert window.response_panel.title_label.text() == "Opened customer.json"


def test_open_broken_file_reports_line(qtbot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"a": 1,\n', encoding="utf-8")
    window.open_file(str(path))
    qtbot.waitUntil(lambda: window.composer.error_frame.isVisibleTo(window), timeout=5000)
    assert "broken.json is not JSON: line 2" in window.composer.error_message.text()


def test_paste_response_from_clipboard(qtbot, window: MainWindow) -> None:
    from PySide6.QtGui import QGuiApplication

    QGuiApplication.clipboard().setText(json.dumps(load_example("response-plain.json")))
    assert window.paste_response()
    assert window.response_panel.debugger.id_labels["profile"].text().startswith("0d2d9dc5")
    QGuiApplication.clipboard().setText("not json")
    assert not window.paste_response()


def test_open_entity_of_embedded_collector(qtbot, window: MainWindow) -> None:
    exchange = send_and_wait(qtbot, window)
    debugger = window.response_panel.debugger
    assert debugger.open_buttons["profile"].isEnabled()
    debugger.open_buttons["profile"].click()

    qtbot.waitUntil(lambda: len(window.findChildren(EntityDialog)) == 1, timeout=5000)
    dialog = window.findChildren(EntityDialog)[0]
    assert exchange.view.profile_id in dialog.windowTitle()
    assert dialog.view.model.document() is not None
    assert dialog.view.model.dot_root == "profile"
    dialog.close()


def test_shortcuts_are_listed_and_work(qtbot, window: MainWindow) -> None:
    table = dict(window.shortcut_table())
    for name in ("Send", "New visit (new session id)", "Focus search", "Next tab", "Previous tab"):
        assert table[name], name
    assert "Ctrl+Return" in table["Send"]
    dialog = window.show_shortcuts()
    from PySide6.QtWidgets import QTableWidget

    listed = dialog.findChild(QTableWidget)
    assert listed.rowCount() == len(window.shortcut_actions)
    dialog.close()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.composer.form.source_combo.setFocus()
    before = window.composer.form.session_edit.text()
    qtbot.keyClick(
        window,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.composer.form.session_edit.text() not in ("", before)
    # Next/previous tab act on the tab widget that holds the focus: Form -> Raw JSON here.
    window.cycle_tab(1)
    assert window.composer.tabs.currentIndex() == 1
    window.cycle_tab(-1)
    assert window.composer.tabs.currentIndex() == 0
    tabs = window.response_panel.tabs
    tabs.tabBar().setFocus()
    qtbot.waitUntil(tabs.tabBar().hasFocus)
    qtbot.keyClick(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentIndex() == 1
    window.cycle_tab(-1)
    assert tabs.currentIndex() == 0
    window.focus_search()
    qtbot.waitUntil(lambda: window.response_panel.debugger.trees["session"].search.hasFocus())
    with qtbot.waitSignal(window.exchange_shown, timeout=15_000):
        qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_geometry_and_splitters_are_restored(qtbot, collector, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = MainWindow(collector=collector, state_file=state)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(780, 640)  # the offscreen screen is 800 wide
    first.splitter.setSizes([520, 250])
    sizes = first.splitter.sizes()
    first.close()
    assert state.exists()
    second = MainWindow(collector=collector, state_file=state)
    qtbot.addWidget(second)
    assert (second.size().width(), second.size().height()) == (780, 640)
    second.show()
    qtbot.waitExposed(second)
    assert second.splitter.sizes() == sizes
    second.close()


def test_add_dock_for_panels(qtbot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QLabel

    dock = window.add_dock(QLabel("panel"), Qt.DockWidgetArea.LeftDockWidgetArea, "History")
    assert dock.objectName() == "dock-history"
    assert dock.toggleViewAction() in window.view_menu.actions()
    window.load_request({"source": {"id": "x"}, "events": []}, "/track?profile_less=true")
    assert window.composer.build_spec().profile_less
    window.open_exchange(
        Exchange.from_dict(
            {"request": None, "response": {"status": 201, "json": {"a": 1}}, "view": None}
        )
    )
    assert window.status_code_label.text() == "Status 201"


def test_each_target_keeps_its_own_identity(qtbot, window: MainWindow) -> None:
    profile_id = send_and_wait(qtbot, window).view.profile_id
    session_id = window.composer.form.session_edit.text()
    window.set_targets([TargetSettings(name="other", base_url="http://127.0.0.1:9")])
    window.composer.request_bar.select_target("other")
    assert window.composer.form.profile_edit.text() == ""
    assert window.composer.form.session_edit.text() not in ("", session_id)
    window.composer.request_bar.select_target("Embedded collector")
    assert window.composer.form.profile_edit.text() == profile_id
    assert window.composer.form.session_edit.text() == session_id


def test_answer_does_not_overwrite_raw_json_being_typed(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.exchange_shown, timeout=15_000):
        window.send()
        window.composer.raw.text_edit.setPlainText('{"source": {"id": "half typed"')
        assert window.composer.raw_edit_in_progress()
    qtbot.waitUntil(lambda: window.composer.syntax_problem() is not None, timeout=3000)
    assert window.composer.raw.text() == '{"source": {"id": "half typed"'
