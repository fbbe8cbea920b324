"""The composition root: the real parts built in a temporary home, a send recorded in history."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from workbench.app import build, start
from workbench.settings.paths import app_paths


def test_build_send_and_close(qtbot, tmp_path: Path) -> None:
    threads_before = threading.active_count()
    parts = build(app_paths(tmp_path), collector_port=0, collector_in_memory=True)
    try:
        window = parts.window
        qtbot.addWidget(window)
        window.show()
        assert "Workbench" in window.windowTitle()
        assert parts.collector is not None
        assert parts.collector.running
        assert parts.collector.url in window.collector_label.text()
        with qtbot.waitSignal(window.exchange_shown, timeout=15_000) as blocker:
            window.send()
        exchange = blocker.args[0]
        assert exchange.status == 200
        assert parts.history is not None
        qtbot.waitUntil(lambda: parts.history.count() == 1, timeout=5000)
    finally:
        parts.close()
    assert (tmp_path / "window-state.json").exists()
    assert not parts.collector.running
    qtbot.waitUntil(lambda: threading.active_count() <= threads_before, timeout=10_000)


def test_taken_port_moves_to_the_next_and_says_so(qtbot, tmp_path: Path, taken_port: int) -> None:
    (tmp_path / "settings.json").write_text(
        json.dumps({"version": 1, "collector": {"port": taken_port}}), encoding="utf-8"
    )
    parts = build(app_paths(tmp_path), collector_in_memory=True)
    try:
        qtbot.addWidget(parts.window)
        assert parts.collector is not None
        assert parts.collector.port != taken_port
        status = parts.window.collector_label.text()
        assert parts.collector.url in status
        assert str(taken_port) in status
    finally:
        parts.close()


def test_start_shows_window_then_attaches_services(qtbot, tmp_path: Path) -> None:
    parts = start(app_paths(tmp_path), collector_port=0, collector_in_memory=True)
    try:
        window = parts.window
        qtbot.addWidget(window)
        assert window.isVisible()
        if not window.ready:
            assert window.send() is None  # not ready yet: said in the status bar, nothing sent
            with qtbot.waitSignal(window.services_attached, timeout=30_000):
                pass
        assert parts.collector is not None
        assert parts.collector.url in window.collector_label.text()
        assert window.composer.current_target().base_url == parts.collector.url
        with qtbot.waitSignal(window.exchange_shown, timeout=15_000) as blocker:
            window.send()
        assert blocker.args[0].status == 200
    finally:
        parts.close()
    assert not parts.collector.running


def test_closing_before_services_load_leaks_nothing(qtbot, tmp_path: Path) -> None:
    threads_before = threading.active_count()
    parts = start(app_paths(tmp_path), collector_port=0, collector_in_memory=True)
    qtbot.addWidget(parts.window)
    parts.close()
    QCoreApplication.processEvents()  # the queued start-up timer fires: it must start nothing
    assert parts.services is None
    assert not parts.loaded
    assert threading.active_count() <= threads_before


def test_collector_menu_loads_the_demo_flow(qtbot, tmp_path: Path, monkeypatch) -> None:
    """Collector → Load demo flow: the next debugger answer has execution and segmentation."""
    from workbench.ui.prompts import Prompts

    parts = build(app_paths(tmp_path), collector_port=0, collector_in_memory=True)
    try:
        window = parts.window
        qtbot.addWidget(window)
        assert window.load_demo_action.isEnabled()
        with qtbot.waitSignal(window.demo_flow_loaded, timeout=10_000):
            window.load_demo_action.trigger()
        assert "Demo flow loaded" in window.statusBar().currentMessage()
        window.load_request(
            {
                "source": {"id": "source-id"},
                "events": [
                    {
                        "type": "purchase-order",
                        "properties": {"product": "Nike shoes", "quantity": 1},
                    }
                ],
                "options": {"debugger": True, "profile": True},
            },
            "/track",
        )
        with qtbot.waitSignal(window.exchange_shown, timeout=15_000) as blocker:
            window.send()
        view = blocker.args[0].view
        assert view.execution["rules_matched"]
        assert "customer" in view.segmentation["ids"]
        debugger = window.response_panel.debugger
        assert debugger.trees["segmentation"].model.document()["ids"] == view.segmentation["ids"]

        # A flow that holds something is replaced only after a yes.
        asked: list[str] = []
        monkeypatch.setattr(
            Prompts, "confirm", classmethod(lambda cls, p, title, text: asked.append(text) or False)
        )
        window.load_demo_flow()
        assert asked
        assert "segments" in asked[0]
    finally:
        parts.close()


def test_history_recording_switch_is_kept_and_obeyed(qtbot, tmp_path: Path) -> None:
    from workbench.settings import SettingsFile

    parts = build(app_paths(tmp_path), collector_port=0, collector_in_memory=True)
    try:
        window = parts.window
        qtbot.addWidget(window)
        record = window.record_history_action
        assert record.isChecked()
        record.setChecked(False)
        assert SettingsFile(tmp_path / "settings.json").load().history_enabled is False
        with qtbot.waitSignal(window.exchange_shown, timeout=15_000):
            window.send()
        assert parts.history is not None
        assert parts.history.count() == 0
        record.setChecked(True)
        with qtbot.waitSignal(window.exchange_shown, timeout=15_000):
            window.send()
        qtbot.waitUntil(lambda: parts.history.count() == 1, timeout=5000)
    finally:
        parts.close()
