"""Faults on the client side: the window stays responsive, says what happened, and loses
nothing acknowledged.

- a 50 MB paste into Raw JSON: refused with a message, the payload unchanged;
- 10,000 events in the forms: all shown, edited and sent, all stored by the collector;
- a binary file, a very large file and a too deeply nested file opened as a response:
  a message naming the file and the reason, the window keeps working;
- a server that trickles its answer a byte at a time: the target's timeout ends the
  whole exchange (httpx's per-read timeouts alone never would), Cancel ends it at once,
  and the event loop keeps running meanwhile;
- a full disk (a real tmpfs filled to ENOSPC) under the history: the answer is shown,
  a notice says it was not saved, and saving resumes once there is room.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QMimeData, QTimer
from PySide6.QtGui import QGuiApplication

from tests.small_disk import SmallDisk, small_disk
from tests.ui.slow_server import TrickleServer
from tests.ui.windows import open_window
from workbench.collector import CollectorConfig, CollectorServer
from workbench.core.exchange import Exchange
from workbench.settings import TargetSettings
from workbench.store.history import HistoryStore
from workbench.ui.composer.raw_editor import PASTE_LIMIT
from workbench.ui.main_window import MainWindow

__all__ = ["small_disk"]


@pytest.fixture
def collector(tmp_path: Path) -> Iterator[CollectorServer]:
    server = CollectorServer(
        CollectorConfig(port=0, data_dir=tmp_path / "collector", accept_any_source=True)
    )
    server.start()
    yield server
    server.stop()


WindowFactory = Callable[[Path], MainWindow]


@pytest.fixture
def make_window(qtbot, collector: CollectorServer, tmp_path: Path) -> Iterator[WindowFactory]:
    opened: list[tuple[MainWindow, HistoryStore]] = []

    def factory(history_folder: Path) -> MainWindow:
        history = HistoryStore(history_folder)
        win = open_window(qtbot, collector=collector, history=history, folder=tmp_path)
        opened.append((win, history))
        return win

    yield factory
    for win, history in opened:
        win.close()
        history.close()


@pytest.fixture
def window(make_window: WindowFactory, tmp_path: Path) -> MainWindow:
    return make_window(tmp_path / "history")


def send_and_wait(qtbot, win: MainWindow, timeout: int = 20_000) -> Exchange:
    with qtbot.waitSignal(win.exchange_shown, timeout=timeout) as blocker:
        assert win.send() is not None
    return blocker.args[0]


def _payload(**properties: object) -> dict:
    return {
        "source": {"id": "faults"},
        "session": {"id": "faults-session"},
        "events": [{"type": "page-view", "properties": properties}],
    }


# -- a 50 MB paste -----------------------------------------------------------------------


def test_a_50_mb_paste_is_refused_and_the_payload_kept(qtbot, window: MainWindow) -> None:
    raw = window.composer.raw
    raw.set_text(json.dumps(_payload(kept=True)))
    before_text, before_doc = raw.text(), window.composer.document()
    huge = json.dumps(_payload(blob="x" * (50 * 1024 * 1024)))
    QGuiApplication.clipboard().setText(huge)
    raw.text_edit.selectAll()
    raw.text_edit.paste()
    assert raw.text() == before_text
    assert window.composer.document() == before_doc
    message = raw.status_label.text()
    assert message.startswith("Not pasted: the clipboard holds 50.0 MB of text")
    assert "The payload is unchanged" in message
    dropped = QMimeData()
    dropped.setText(huge)
    raw.text_edit.insertFromMimeData(dropped)  # what a drop does
    assert raw.text() == before_text
    # Below the limit a paste goes in and is parsed as usual.
    QGuiApplication.clipboard().clear()
    fits = json.dumps(_payload(blob="y" * (PASTE_LIMIT // 2)))
    QGuiApplication.clipboard().setText(fits)
    raw.text_edit.selectAll()
    raw.text_edit.paste()
    raw.parse_now()
    assert raw.status_label.text() == "Valid JSON"
    assert window.composer.document()["events"][0]["properties"]["blob"].startswith("yyy")


# -- 10,000 events -----------------------------------------------------------------------


def test_ten_thousand_events_are_shown_edited_and_all_stored(
    qtbot, window: MainWindow, collector: CollectorServer
) -> None:
    events = [{"type": "page-view", "properties": {"n": i}} for i in range(10_000)]
    payload = {"source": {"id": "faults"}, "session": {"id": "many"}, "events": events}
    window.composer.raw.set_text(json.dumps(payload))
    editor = window.composer.form.events_editor
    assert editor.list.count() == 10_000
    assert editor.events() == events
    window.composer.form.profile_edit.setText("many-events-profile")
    window.composer.form.profile_edit.textEdited.emit("many-events-profile")
    assert len(json.loads(window.composer.raw.text())["events"]) == 10_000
    exchange = send_and_wait(qtbot, window, timeout=60_000)
    assert exchange.status == 200, exchange.error
    stats = httpx.get(f"{collector.url}/_workbench/stats", timeout=10).json()
    assert stats["events_by_type"]["page-view"] == 10_000  # besides the server's own events


# -- files opened as a response ----------------------------------------------------------


def _open_and_read_error(qtbot, window: MainWindow, path: Path) -> str:
    window.open_file(str(path))
    qtbot.waitUntil(lambda: window.composer.error_frame.isVisibleTo(window), timeout=10_000)
    return window.composer.error_message.text()


def test_a_binary_file_opened_says_it_is_not_json(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "capture.pcap"
    path.write_bytes(bytes(range(256)) * 64)
    message = _open_and_read_error(qtbot, window, path)
    assert message.startswith("Could not open capture.pcap: capture.pcap is not")
    assert "JSON" in message or "UTF-8" in message


def test_a_very_large_file_is_refused_before_it_is_read(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "dump.json"
    with path.open("wb") as handle:
        handle.truncate(150_000_000)  # sparse: no disk used, but 150 MB long
    message = _open_and_read_error(qtbot, window, path)
    assert "dump.json is 150 MB; Workbench opens response files of up to 100 MB" in message


def test_a_too_deeply_nested_file_says_so(qtbot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    message = _open_and_read_error(qtbot, window, path)
    assert "deep.json nests its JSON too deeply" in message


def test_a_large_valid_file_opens(qtbot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "big-debug.json"
    events = [{"id": str(i), "type": "t", "properties": {"x": "y" * 100}} for i in range(40_000)]
    path.write_text(json.dumps({"profile": {"id": "p-big"}, "debugging": {"events": events}}))
    assert path.stat().st_size > 5_000_000
    with qtbot.waitSignal(window.exchange_shown, timeout=20_000):
        window.open_file(str(path))
    assert window.response_panel.title_label.text() == "Opened big-debug.json"


# -- a server that trickles ----------------------------------------------------------------


def _ticking() -> tuple[QTimer, list[int]]:
    """A 20 ms timer on the GUI thread: its count proves the event loop kept running."""
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    return timer, ticks


def test_a_trickling_answer_times_out_as_a_whole(qtbot, window: MainWindow) -> None:
    with TrickleServer(interval=0.05) as slow:  # ~150 bytes: 7.5 s to arrive in full
        window.set_targets([TargetSettings(name="trickle", base_url=slow.url, timeout=1.0)])
        window.composer.request_bar.select_target("trickle")
        timer, ticks = _ticking()
        exchange = send_and_wait(qtbot, window, timeout=15_000)
        timer.stop()
        sent = slow.bytes_sent
    assert exchange.error is not None
    assert exchange.error.kind == "timeout", exchange.error
    assert "timed out after 1 s" in exchange.error.message
    assert 0 < sent < 100  # it had started answering: per-read timeouts never fired
    assert len(ticks) >= 10  # the window kept running its event loop meanwhile
    assert window.composer.error_frame.isVisibleTo(window)


def test_cancel_ends_a_trickling_answer(qtbot, window: MainWindow) -> None:
    with TrickleServer(interval=0.05) as slow:
        window.set_targets([TargetSettings(name="trickle", base_url=slow.url, timeout=60.0)])
        window.composer.request_bar.select_target("trickle")
        with qtbot.waitSignal(window.exchange_shown, timeout=15_000) as blocker:
            window.send()
            qtbot.waitUntil(lambda: slow.bytes_sent >= 5, timeout=10_000)
            window.cancel()
    assert blocker.args[0].error.kind == "cancelled"
    assert not window.composer.request_bar.cancel_button.isEnabled()


# -- a full disk under the history ---------------------------------------------------------


def test_a_full_disk_shows_a_notice_and_history_resumes(
    qtbot, make_window: WindowFactory, small_disk: SmallDisk
) -> None:
    folder = small_disk.path / "history"
    window = make_window(folder)
    window.composer.raw.set_text(json.dumps(_payload(pad="z" * 3000)))
    first = send_and_wait(qtbot, window)
    assert first.status == 200
    assert not window.history_notice.isVisibleTo(window)
    small_disk.fill()
    for _ in range(3):  # the journal's last page fills too
        shown = send_and_wait(qtbot, window)
        assert shown.status == 200  # the answer is still shown
        if window.history_notice.isVisibleTo(window):
            break
    assert window.history_notice.isVisibleTo(window)
    assert window.history_notice.text() == "Not saved in history"
    assert "No space left on device" in window.history_notice.toolTip()
    assert "No space left on device" in window.statusBar().currentMessage()
    small_disk.free()
    last = send_and_wait(qtbot, window)
    assert not window.history_notice.isVisibleTo(window)
    assert window.statusBar().currentMessage() == "History is being saved again."
    window.close()
    reopened = HistoryStore(folder, read_only=True)
    try:
        assert reopened.notices == []
        assert reopened.get(first.id) is not None
        assert reopened.get(last.id) is not None
    finally:
        reopened.close()
    assert os.path.isdir(folder)
