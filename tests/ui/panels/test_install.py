"""The panels inside the real window built by workbench.app (collector on port 0, in memory)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from workbench import app as workbench_app
from workbench.store.collections import SavedRequest
from workbench.ui.panels.collector_control import CollectorState
from workbench.ui.panels.install import InstalledPanels

from .conftest import TRACK_BODY
from .history_data import make_exchange


@pytest.fixture
def parts(qtbot) -> Iterator[object]:
    built = workbench_app.build(collector_port=0, collector_in_memory=True)
    qtbot.addWidget(built.window)
    yield built
    built.close()


def panels_of(parts) -> InstalledPanels:
    panels = parts.window.panels
    assert isinstance(panels, InstalledPanels)
    return panels


def test_docks_and_targets_action_are_installed(parts) -> None:
    window = parts.window
    assert {"dock-history", "dock-collections", "dock-collector"} <= set(window.docks)
    panels = panels_of(parts)
    assert panels.controller.state == CollectorState.RUNNING
    assert panels.controller.server is parts.collector
    assert panels.collector.url_edit.text() == parts.collector.url
    assert panels.targets_action.text() == "&Targets…"


def test_live_table_in_the_window_shows_a_request(qtbot, parts) -> None:
    panels = panels_of(parts)
    with qtbot.waitSignal(panels.controller.bridge.records_received, timeout=10_000):
        httpx.post(parts.collector.url + "/track", json=TRACK_BODY, timeout=10)
    assert panels.collector.traffic.model.rowCount() == 1


def test_history_entry_reopens_in_the_composer(qtbot, parts) -> None:
    entry = parts.history.append(make_exchange(7, event_type="purchase-order"))
    history = panels_of(parts).history
    assert history is not None
    with qtbot.waitSignal(history.model.rowsInserted, timeout=5000):
        parts.window.exchange_recorded.emit(entry.exchange)
    history.table.selectRow(0)
    with qtbot.waitSignal(parts.window.exchange_shown, timeout=5000):
        pass  # selecting shows the entry in the answer views without sending
    with qtbot.waitSignal(history.open_requested, timeout=5000):
        history.open_action.trigger()
    document = parts.window.composer.document()
    assert document["events"][0]["type"] == "purchase-order"
    assert document["session"] == {"id": "session-7"}


def test_collections_open_and_save_current(qtbot, parts, monkeypatch) -> None:
    from workbench.ui.panels.dialogs import PanelDialogs

    panel = panels_of(parts).collections
    assert panel is not None
    parts.collections.save(SavedRequest(name="mine", payload={"source": {"id": "x"}, "events": []}))
    panel.model.reload()
    panel.select(panel.model.find("request", "mine", ""))
    panel.open_selected()
    assert parts.window.composer.document() == {"source": {"id": "x"}, "events": []}
    monkeypatch.setattr(PanelDialogs, "ask_text", classmethod(lambda cls, *a, **k: "copy"))
    saved = panel.save_current_as()
    assert saved is not None
    assert saved.payload == {"source": {"id": "x"}, "events": []}
    assert saved.route == "/track"


def test_restart_tells_the_window_and_close_stops_the_new_server(qtbot, parts) -> None:
    panels = panels_of(parts)
    old = parts.collector
    with qtbot.waitSignal(panels.controller.server_started, timeout=15_000):
        panels.controller.restart()
    new = panels.controller.server
    assert new is not old
    assert not old.running
    assert parts.window.collector is new
    assert parts.collector is new
    parts.window.close()
    assert not new.running
