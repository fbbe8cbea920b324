"""The whole window at laptop sizes: docks that collapse, tables that own their scrolling,
Follow that follows, and first-start proportions (real app parts, real collector)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from workbench.app import build
from workbench.settings.paths import app_paths
from workbench.ui.panels.log_table import ROW_HEIGHT

TRACK = {
    "source": {"id": "source-id"},
    "events": [{"type": "page-view", "properties": {"url": "/"}}],
    "options": {"debugger": True},
}


@pytest.fixture
def parts(qtbot, tmp_path: Path) -> Iterator[Any]:
    built = build(app_paths(tmp_path), collector_port=0, collector_in_memory=True)
    qtbot.addWidget(built.window)
    yield built
    built.close()


def _show_at(qtbot, window: Any, width: int, height: int) -> None:
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    window.first_start_layout()
    qtbot.waitUntil(lambda: not window.dock_layout.first_start_pending)


def _inside_window(window: Any, widget: QWidget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.rect().contains(top_left) and window.rect().contains(
        top_left + QPoint(widget.width() - 1, widget.height() - 1)
    )


def _visible_rows(table: Any) -> int:
    return table.viewport().height() // ROW_HEIGHT


def test_at_1280x720_the_collector_starts_collapsed_and_expands_to_a_real_table(
    qtbot, parts: Any
) -> None:
    window = parts.window
    _show_at(qtbot, window, 1280, 720)
    dock = window.docks["dock-collector"]
    bar = window.dock_titles["dock-collector"]
    assert bar.collapsed
    assert not window.panels.collector.isVisible()
    qtbot.waitUntil(lambda: dock.height() <= bar.height() + 8)
    assert "Running on http://127.0.0.1:" in bar.summary_label.text()
    qtbot.waitUntil(lambda: window.centralWidget().height() >= 560)  # composer and answer
    qtbot.mouseClick(bar.collapse_button, Qt.MouseButton.LeftButton)
    traffic = window.panels.collector.traffic
    qtbot.waitUntil(lambda: not bar.collapsed and traffic.table.isVisible())
    qtbot.waitUntil(lambda: _visible_rows(traffic.table) >= 4)
    assert _inside_window(window, traffic.table)
    # Side docks keep a modest share of the width.
    assert window.docks["dock-history"].width() <= 420


def test_at_1440x900_the_traffic_table_shows_rows_follows_and_scrolls_itself(
    qtbot, parts: Any
) -> None:
    window = parts.window
    _show_at(qtbot, window, 1440, 900)
    bar = window.dock_titles["dock-collector"]
    traffic = window.panels.collector.traffic
    assert not bar.collapsed
    qtbot.waitUntil(lambda: _visible_rows(traffic.table) >= 6)
    table = traffic.table
    widget: QWidget | None = table
    while widget is not None:  # no scroll area takes the wheel from the table
        assert not isinstance(widget, QScrollArea), widget.objectName()
        widget = widget.parentWidget()
    url = parts.collector.url
    with httpx.Client(timeout=10) as client:
        for _ in range(40):
            client.post(f"{url}/track", json=TRACK)
    qtbot.waitUntil(lambda: traffic.model.rowCount() == 40, timeout=10_000)
    last = traffic.proxy.index(39, 0)

    def newest_in_view() -> bool:
        rect = table.visualRect(last)
        return rect.isValid() and table.viewport().rect().contains(rect)

    qtbot.waitUntil(newest_in_view)  # Follow keeps the newest row in view
    assert _inside_window(window, table.viewport())
    assert "40 requests" in bar.summary_label.text()
    scroll = table.verticalScrollBar()
    before = scroll.value()
    assert before > 0
    position = QPointF(table.viewport().rect().center())
    wheel = QWheelEvent(
        position,
        QPointF(table.viewport().mapToGlobal(position.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(table.viewport(), wheel)
    assert scroll.value() < before  # the wheel scrolled the table itself


def test_local_data_detail_tree_is_in_view_and_collapse_is_remembered(
    qtbot, parts: Any, tmp_path: Path
) -> None:
    window = parts.window
    _show_at(qtbot, window, 1440, 900)
    panel = window.panels.collector
    panel.tabs.setCurrentWidget(panel.local_data)
    qtbot.waitUntil(panel.local_data.document_view.isVisible)
    assert _inside_window(window, panel.local_data.document_view)
    assert panel.local_data.document_view.height() >= 120
    window.dock_titles["dock-collector"].set_collapsed(True)
    window.close()
    from workbench.ui.window_state import saved_collapsed_docks

    assert saved_collapsed_docks(tmp_path / "window-state.json") == ["dock-collector"]


@pytest.mark.parametrize(("width", "height"), [(1240, 660), (1360, 840)])
def test_first_start_gives_the_answer_room_for_its_tabs(
    qtbot, parts: Any, width: int, height: int
) -> None:
    """The default sizes on 1280x720 and 1440x900 screens: the answer is not squeezed."""
    window = parts.window
    _show_at(qtbot, window, width, height)
    answer, composer = window.response_panel, window.composer
    qtbot.waitUntil(lambda: answer.width() >= 0.45 * window.splitter.width(), timeout=5000)
    assert composer.width() >= composer.minimumSizeHint().width()
    tabs = answer.tabs
    assert tabs.tabBar().sizeHint().width() <= tabs.width()  # every tab title, no arrows
    events = composer.form.events_editor
    qtbot.waitUntil(lambda: events.splitter.sizes()[0] <= 0.32 * sum(events.splitter.sizes()))
    # A drag of the handle is the user's choice: a resize no longer re-shares.
    window.splitter.moveSplitter(composer.width() + 120, 1)
    chosen = window.splitter.sizes()
    window.resize(width - 40, height)
    qtbot.waitUntil(lambda: window.splitter.width() < sum(chosen))
    sizes = window.splitter.sizes()  # the splitter keeps the user's proportions
    assert abs(sizes[0] / sum(sizes) - chosen[0] / sum(chosen)) < 0.02


def test_docks_tab_together_float_and_close_from_their_title_bars(qtbot, parts: Any) -> None:
    """What the README says of the docks: tabbed together, floated, closed (View brings back)."""
    from PySide6.QtWidgets import QMainWindow

    window = parts.window
    _show_at(qtbot, window, 1240, 660)
    history, collections = window.docks["dock-history"], window.docks["dock-collections"]
    assert collections in window.tabifiedDockWidgets(history)  # tabbed at first start
    assert window.dockOptions() & QMainWindow.DockOption.AllowTabbedDocks
    collector = window.docks["dock-collector"]
    window.tabifyDockWidget(history, collector)  # any dock joins another's tabs
    assert collector in window.tabifiedDockWidgets(history)
    bar = window.dock_titles["dock-history"]
    qtbot.mouseClick(bar.float_button, Qt.MouseButton.LeftButton)
    assert history.isFloating()
    qtbot.mouseClick(bar.float_button, Qt.MouseButton.LeftButton)
    assert not history.isFloating()
    qtbot.mouseClick(bar.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not history.isVisible())
    toggle = history.toggleViewAction()
    assert toggle in window.view_menu.actions()
    assert not toggle.isChecked()
    toggle.trigger()
    qtbot.waitUntil(history.isVisible)
