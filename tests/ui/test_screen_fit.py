"""The window on a laptop's screen: started as ``workbench`` starts it, on a 1280×720
(and a 1440×900) screen, it fits, and what a person needs is on the screen.

Each size runs in a fresh interpreter whose offscreen platform has a screen of that
size (``QT_QPA_PLATFORM=offscreen:configfile=…``): this test process has one
QApplication, and its screen cannot be changed. The script waits on conditions
(the panels installed, the first-start layout applied), never on time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = textwrap.dedent(
    """
    import json, sys, time
    from PySide6.QtCore import QEventLoop, QPoint, QRect, QTimer
    from PySide6.QtWidgets import QApplication

    from workbench.app import start
    from workbench.settings.paths import app_paths
    from workbench.ui.theme import apply_system_palette

    app = QApplication([])
    app.setApplicationName("Workbench")
    apply_system_palette(app)  # Fusion, as the app runs
    parts = start(app_paths(sys.argv[1]), collector_port=0, collector_in_memory=True)
    window = parts.window

    def wait_until(condition, what):
        loop = QEventLoop()
        deadline = time.monotonic() + 30

        def check():
            if condition() or time.monotonic() > deadline:
                loop.quit()
            else:
                QTimer.singleShot(10, check)

        QTimer.singleShot(0, check)
        loop.exec()
        if not condition():
            raise SystemExit(f"timed out waiting for {what}")

    def settle():  # the queued layout work (sizes shared on resize) runs
        for _ in range(5):
            app.processEvents()

    def rect(widget):
        top_left = widget.mapToGlobal(QPoint(0, 0))
        return [top_left.x(), top_left.y(), widget.width(), widget.height()]

    def view():
        settle()
        frame = window.frameGeometry()
        hint = window.minimumSizeHint()
        composer = window.composer
        shown = {
            "status bar": window.statusBar(),
            "menu bar": window.menuBar(),
            "Send": composer.request_bar.send_button,
            "composer tabs": composer.tabs.tabBar(),
            "response tabs": window.response_panel.tabs.tabBar(),
        }
        for name, dock in window.docks.items():
            if dock.isVisible() and not dock.visibleRegion().isEmpty():  # not a tab behind
                shown[f"{name} title"] = window.dock_titles[name]
        return {
            "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
            "minimum": [hint.width(), hint.height()],
            "widgets": {
                name: {"rect": rect(w), "visible": w.isVisible()} for name, w in shown.items()
            },
        }

    wait_until(lambda: window.panels is not None, "the panels")
    wait_until(lambda: not window.dock_layout.first_start_pending, "the first-start layout")
    available = window.screen().availableGeometry()
    report = {
        "available": [available.x(), available.y(), available.width(), available.height()],
        "first start": view(),
    }
    bar = window.dock_titles["dock-collector"]
    report["collector collapsed"] = bar.collapsed
    report["collector summary"] = bar.summary_label.text()
    report["summary width"] = bar.summary_label.width()
    if bar.collapsed:
        bar.toggle()
    traffic = window.panels.collector.traffic.table
    wait_until(traffic.isVisible, "the traffic table")
    expanded = view()
    expanded["widgets"]["traffic table"] = {"rect": rect(traffic), "visible": True}
    report["collector expanded"] = expanded
    url_edit = window.panels.collector.url_edit
    report["url"] = [url_edit.fontMetrics().horizontalAdvance(url_edit.text()), url_edit.width()]
    parts.close()
    print(json.dumps(report))
    """
)


def _probe(tmp_path: Path, width: int, height: int) -> dict[str, Any]:
    config = tmp_path / "screen.json"
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {
                        "name": "laptop",
                        "x": 0,
                        "y": 0,
                        "width": width,
                        "height": height,
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "PYTHONPATH": str(ROOT),
    }
    home = tmp_path / "home"
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(home)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _inside(outer: list[int], inner: list[int]) -> bool:
    ox, oy, ow, oh = outer
    x, y, w, h = inner
    return w > 0 and h > 0 and x >= ox and y >= oy and x + w <= ox + ow and y + h <= oy + oh


#: What a window manager's title bar and borders take beyond the frame Qt reports
#: here (the offscreen platform draws none): the minimum must leave room for them.
WINDOW_DECORATION = 40


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1440, 900)])
def test_the_window_fits_the_screen_with_its_titles_status_and_send_in_view(
    tmp_path: Path, width: int, height: int
) -> None:
    report = _probe(tmp_path, width, height)
    available = report["available"]
    assert available[2:] == [width, height]
    for state in ("first start", "collector expanded"):
        view = report[state]
        assert _inside(available, view["frame"]), (state, view["frame"])
        min_width, min_height = view["minimum"]
        assert min_width <= width, (state, view)
        assert min_height + WINDOW_DECORATION <= height, (state, view)
        for name, widget in view["widgets"].items():
            assert widget["visible"], (state, name)
            assert _inside(view["frame"], widget["rect"]), (state, name, widget["rect"])
    # On the short screen the Collector starts as its title line, its state beside it.
    if height < 780:
        assert report["collector collapsed"]
    assert "Running on http://127.0.0.1:" in report["collector summary"]
    assert report["summary width"] >= 200
    # The collector's URL is read whole, not scrolled (its frame takes a few pixels).
    text_width, edit_width = report["url"]
    assert text_width + 8 <= edit_width
