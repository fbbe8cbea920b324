"""The window against a real embedded collector: what it says and how it fits a laptop."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.ui.windows import open_window
from workbench.collector import CollectorConfig, CollectorServer
from workbench.store.history import HistoryStore
from workbench.ui.composer.composer import DEFAULT_PAYLOAD
from workbench.ui.main_window import MainWindow
from workbench.ui.widgets.code_edit import CodeEdit


@pytest.fixture
def collector() -> Iterator[CollectorServer]:
    server = CollectorServer(CollectorConfig(port=0))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def window(qtbot, collector, tmp_path: Path) -> Iterator[MainWindow]:
    history = HistoryStore(tmp_path / "history")
    win = open_window(qtbot, collector=collector, history=history, folder=tmp_path)
    yield win
    win.close()
    history.close()


def test_the_invalid_json_banner_goes_once_the_json_is_fixed(qtbot, window: MainWindow) -> None:
    composer = window.composer
    composer.raw.set_text('{"source": ')
    assert window.send() is None
    assert composer.error_frame.isVisibleTo(window)
    assert "line 1" in composer.error_message.text()
    composer.raw.set_text(json.dumps({"source": {"id": "source-id"}, "events": []}))
    assert not composer.error_frame.isVisibleTo(window)
    # An answer's error (not about the JSON) stays until dismissed or replaced.
    composer.show_error("HTTP 500", "the server failed")
    composer.raw.set_text(json.dumps({"source": {"id": "x"}, "events": []}))
    assert composer.error_frame.isVisibleTo(window)


def test_raw_editors_number_their_lines_and_raw_body_has_find(qtbot, window: MainWindow) -> None:
    editor = window.composer.raw.text_edit
    assert isinstance(editor, CodeEdit)
    window.composer.tabs.setCurrentWidget(window.composer.raw)
    editor.setPlainText("\n".join(["{"] + ['  "k": 1,'] * 150 + ['  "z": 2', "}"]))
    assert editor.viewportMargins().left() >= editor.fontMetrics().horizontalAdvance("999")
    window.composer.set_document(DEFAULT_PAYLOAD)
    with qtbot.waitSignal(window.exchange_shown, timeout=15_000):
        window.send()
    panel = window.response_panel
    panel.tabs.setCurrentWidget(panel.body_tabs)
    panel.body_tabs.setCurrentWidget(panel.body_raw)
    window.focus_search()  # Ctrl+F on the raw body: its find bar
    bar = panel.body_raw.find_bar
    assert bar is not None
    assert bar.edit.hasFocus()
    qtbot.keyClicks(bar.edit, "profile")
    assert bar.match_count >= 1
    assert bar.count_label.text() == f"1 of {bar.match_count}"
    assert "profile" in panel.body_raw.textCursor().selectedText().lower()
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert bar.current == (1 if bar.match_count > 1 else 0)
    bar.search("no-such-text-anywhere")
    assert bar.count_label.text() == "no match"


def test_add_key_starts_editing_and_events_list_is_narrow(qtbot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QAbstractItemView, QApplication

    events = window.composer.form.events_editor
    editor = events.properties_editor
    window.resize(1280, 720)
    window.first_start_layout()
    qtbot.waitUntil(lambda: not window.dock_layout.first_start_pending)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.tree.state() == QAbstractItemView.State.EditingState)
    focus = QApplication.focusWidget()
    assert focus is not None
    assert focus is not editor.add_button
    qtbot.keyClicks(focus, "sku")
    qtbot.keyClick(focus, Qt.Key.Key_Return)
    # What was typed named the new row (the delegate commits on the next event loop turn).
    qtbot.waitUntil(lambda: "sku" in events.events()[0]["properties"])
    list_width, detail_width = events.splitter.sizes()
    assert list_width <= 0.35 * (list_width + detail_width)
