"""The History menu in the real window built by workbench.app: compare, reproduce, bundles."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.ui.panels.history_data import make_exchange
from workbench import app as workbench_app
from workbench.ui.compare.install import SupportTools


@pytest.fixture
def parts(qtbot: Any) -> Iterator[Any]:
    built = workbench_app.build(collector_port=0, collector_in_memory=True)
    qtbot.addWidget(built.window)
    yield built
    built.close()


def _tools(parts: Any) -> SupportTools:
    tools = parts.window.support_tools
    assert isinstance(tools, SupportTools)
    return tools


def _fill_history(qtbot: Any, parts: Any, *exchanges: dict[str, Any]) -> list[str]:
    history = parts.window.panels.history
    ids = []
    for exchange in exchanges:
        entry = parts.history.append(exchange)
        ids.append(entry.id)
        with qtbot.waitSignal(history.model.rowsInserted, timeout=5000):
            parts.window.exchange_recorded.emit(entry.exchange)
    return ids


def test_the_history_menu_sits_before_tools_and_help(parts: Any) -> None:
    titles = [a.text() for a in parts.window.menuBar().actions()]
    assert titles.index("H&istory") < titles.index("&Tools") < titles.index("&Help")
    tools = _tools(parts)
    assert tools.compare_action.shortcut().toString() == "Ctrl+Shift+D"
    assert tools.compare_action in parts.window.panels.history.extra_actions
    assert ("Compare", "Ctrl+Shift+D") in [
        (name, keys) for name, keys in parts.window.shortcut_table()
    ]


def test_compare_two_selected_history_entries(qtbot: Any, parts: Any) -> None:
    _fill_history(
        qtbot,
        parts,
        make_exchange(1, event_type="page-view"),
        make_exchange(2, event_type="purchase"),
    )
    history = parts.window.panels.history
    history.table.selectAll()
    tools = _tools(parts)
    compare = tools.open_compare()
    with qtbot.waitSignal(compare.view.diff_finished, timeout=10_000):
        pass
    assert compare.isVisible()
    assert compare.view.result is not None and not compare.view.result.equal
    assert any("purchase" in str(c.new) + str(c.old) for c in compare.view.result.changes)
