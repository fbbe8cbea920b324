"""What the answer views show when sends and the History dock meet (the whole app, real parts)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from workbench.app import build
from workbench.settings.paths import app_paths


@pytest.fixture
def parts(qtbot, tmp_path: Path) -> Iterator[Any]:
    built = build(app_paths(tmp_path), collector_port=0, collector_in_memory=True)
    qtbot.addWidget(built.window)
    built.window.show()
    qtbot.waitExposed(built.window)
    yield built
    built.close()


def _send(qtbot, window: Any) -> dict[str, Any]:
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
    assert window.response_panel.exchange()["id"] == old["id"]

    new = _send(qtbot, window)
    _settled(qtbot, parts, 3)
    assert window.response_panel.exchange()["id"] == new["id"] != old["id"]
    assert window.response_panel.title_label.text() == "Response · HTTP 200"
    # The selection stayed on the entry the user picked (now one row lower) ...
    selected = panel.selected_summaries()
    assert [s.id for s in selected] == [old["id"]]
    # ... and clicking it shows it again: the user asked for it.
    row = panel.table.selectionModel().selectedRows()[0].row()
    rect = panel.table.visualRect(panel.model.index(row, 3))
    with qtbot.waitSignal(window.exchange_shown, timeout=5000) as again:
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert again.args[0]["id"] == old["id"]
