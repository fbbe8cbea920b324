"""The history panel over a real HistoryStore in tmp_path."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication

from workbench.store.history import HistoryStore
from workbench.ui.panels.dialogs import PanelDialogs
from workbench.ui.panels.history_panel import HistoryPanel
from workbench.ui.prompts import Prompts

from .history_data import make_exchange


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    history = HistoryStore(tmp_path / "history")
    history.append_many(
        [
            make_exchange(1, event_type="page-view"),
            make_exchange(2, event_type="purchase-order", note="blue suede shoes"),
            make_exchange(3, event_type="page-view", status=401),
            make_exchange(4, event_type="sign-in", status=None, target="Staging"),
            make_exchange(5, event_type="page-view", profile_id="special-profile"),
        ]
    )
    yield history
    history.close()


@pytest.fixture
def opened() -> Iterator[list[HistoryPanel]]:
    """Panels made by a test, closed at teardown: closing waits for their page loads.

    (pytest-qt holds widgets weakly; a panel collected before it is closed would
    take its task runner down while a page load still runs.)
    """
    panels: list[HistoryPanel] = []
    yield panels
    for panel in panels:
        panel.close()


@pytest.fixture
def make_panel(qtbot, opened):
    def make(store: HistoryStore) -> HistoryPanel:
        panel = HistoryPanel(store)
        qtbot.addWidget(panel)
        opened.append(panel)
        # Every load the panel started has been delivered: nothing in flight can reset the
        # model under the test's first selection.
        qtbot.waitUntil(
            lambda: panel.model.rowCount() == store.count() and panel.runner.pending == 0,
            timeout=5000,
        )
        return panel

    return make


def requery(qtbot, panel: HistoryPanel) -> None:
    with qtbot.waitSignal(panel.model.query_loaded, timeout=5000):
        panel.apply_filters()


def column(panel: HistoryPanel, col: int) -> list[str]:
    model = panel.model
    return [model.index(r, col).data() for r in range(model.rowCount())]


def test_entries_are_listed_newest_first(qtbot, store, make_panel) -> None:
    panel = make_panel(store)
    assert column(panel, 4) == ["page-view", "sign-in", "page-view", "purchase-order", "page-view"]
    assert column(panel, 5) == ["200", "timeout", "401", "200", "200"]
    assert column(panel, 2)[1] == "Staging"
    assert column(panel, 3)[0] == "POST /track"
    assert column(panel, 6)[0] == "12 ms"
    assert column(panel, 7)[0] == "special-profile"
    assert panel.count_label.text() == "5 entries"


def test_filters_and_search(qtbot, store, make_panel) -> None:
    panel = make_panel(store)
    panel.event_type_edit.setText("page-view")
    requery(qtbot, panel)
    assert panel.model.rowCount() == 3
    with qtbot.waitSignal(panel.model.query_loaded, timeout=5000):
        panel.status_combo.setCurrentIndex(panel.status_combo.findData("4xx"))
    assert column(panel, 5) == ["401"]
    panel.event_type_edit.setText("")
    panel.status_combo.setCurrentIndex(panel.status_combo.findData("error"))
    requery(qtbot, panel)
    assert column(panel, 4) == ["sign-in"]
    panel.status_combo.setCurrentIndex(0)
    panel.search_edit.setText("suede")  # in a response body only
    requery(qtbot, panel)
    assert column(panel, 4) == ["purchase-order"]
    panel.search_edit.setText("")
    panel.profile_edit.setText("special-profile")
    requery(qtbot, panel)
    assert column(panel, 7) == ["special-profile"]
    panel.profile_edit.setText("")
    panel.set_target_names(["Staging"])
    with qtbot.waitSignal(panel.model.query_loaded, timeout=5000):
        panel.target_combo.setCurrentIndex(panel.target_combo.findData("Staging"))
    assert column(panel, 2) == ["Staging"]


def test_filter_typing_is_debounced_into_one_query(qtbot, store, make_panel) -> None:
    panel = make_panel(store)
    with qtbot.waitSignal(panel.model.query_loaded, timeout=5000):
        panel.search_edit.setText("s")
        panel.search_edit.setText("su")
        panel.search_edit.setText("suede")
    assert panel.model.rowCount() == 1


def test_star_toggles_and_starred_only_filters(qtbot, store, make_panel) -> None:
    panel = make_panel(store)
    first = panel.model.summary(0)
    panel.table.clicked.emit(panel.model.index(0, 0))
    assert panel.model.index(0, 0).data() == "★"
    assert store.get(first.id).starred
    with qtbot.waitSignal(panel.model.query_loaded, timeout=5000):
        panel.starred_check.setChecked(True)
    assert panel.model.rowCount() == 1
    assert panel.model.summary(0).id == first.id


def test_selecting_an_entry_emits_its_exchange_without_sending(qtbot, store, make_panel) -> None:
    panel = make_panel(store)
    with qtbot.waitSignal(panel.exchange_selected, timeout=5000) as blocker:
        panel.table.selectRow(3)
    exchange = blocker.args[0]
    assert exchange.event_types == ("purchase-order",)
    assert exchange.request.headers["authorization"] != "Bearer s3cr3t-token"  # masked


def test_a_reset_after_a_selection_keeps_it_and_shows_nothing_again(
    qtbot, store, make_panel
) -> None:
    panel = make_panel(store)
    with qtbot.waitSignal(panel.exchange_selected, timeout=5000) as blocker:
        panel.table.selectRow(3)
    chosen = blocker.args[0].id
    shown: list[object] = []
    panel.exchange_selected.connect(shown.append)
    with qtbot.waitSignal(panel.model.query_loaded, timeout=5000):
        panel.model.reload()  # as another process's change or a late first query would
    assert [s.id for s in panel.selected_summaries()] == [chosen]
    qtbot.waitUntil(lambda: panel.runner.pending == 0, timeout=5000)
    assert shown == []
    # Filtered away and back: the entry is no longer selected, and choosing it shows it.
    panel.starred_check.setChecked(True)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0 and panel.runner.pending == 0)
    panel.starred_check.setChecked(False)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 5 and panel.runner.pending == 0)
    assert panel.selected_summaries() == []
    with qtbot.waitSignal(panel.exchange_selected, timeout=5000) as again:
        panel.table.selectRow(3)
    assert again.args[0].id == chosen


def test_reopen_send_again_and_copy_as_curl(qtbot, store, make_panel) -> None:
    panel = make_panel(store)
    panel.table.selectRow(0)
    with qtbot.waitSignal(panel.open_requested, timeout=5000) as opened:
        panel.open_action.trigger()
    assert opened.args[0].request.body["session"] == {"id": "session-5"}
    with qtbot.waitSignal(panel.send_again_requested, timeout=5000) as again:
        panel.send_again_action.trigger()
    assert again.args[0].id == opened.args[0].id
    QGuiApplication.clipboard().setText("")
    panel.copy_curl_action.trigger()
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() != "", timeout=5000)
    text = QGuiApplication.clipboard().text()
    assert text.startswith("curl -X POST http://127.0.0.1:8686/track")
    assert "session-5" in text
    assert "s3cr3t" not in text


def exported(outcome) -> bool:
    return outcome.channel == "history-export"


def test_export_selected_as_jsonl_and_har(qtbot, store, make_panel, tmp_path, monkeypatch) -> None:
    panel = make_panel(store)
    panel.table.selectRow(0)
    panel.table.selectionModel().select(
        panel.model.index(1, 0),
        panel.table.selectionModel().SelectionFlag.Select
        | panel.table.selectionModel().SelectionFlag.Rows,
    )
    target = tmp_path / "out.jsonl"
    monkeypatch.setattr(PanelDialogs, "save_path", classmethod(lambda cls, *a: target))
    with qtbot.waitSignal(panel.runner.task_finished, timeout=5000, check_params_cb=exported):
        panel.export_jsonl_action.trigger()
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert "Exported 2" in panel.count_label.text()
    har = tmp_path / "out.har"
    monkeypatch.setattr(PanelDialogs, "save_path", classmethod(lambda cls, *a: har))
    with qtbot.waitSignal(panel.runner.task_finished, timeout=5000, check_params_cb=exported):
        panel.export_har_action.trigger()
    assert len(json.loads(har.read_text(encoding="utf-8"))["log"]["entries"]) == 2


def test_delete_asks_first(qtbot, store, make_panel, monkeypatch) -> None:
    panel = make_panel(store)
    panel.table.selectRow(0)
    doomed = panel.model.summary(0).id
    monkeypatch.setattr(Prompts, "confirm", classmethod(lambda cls, *a: False))
    panel.delete_action.trigger()
    assert store.get(doomed) is not None
    monkeypatch.setattr(Prompts, "confirm", classmethod(lambda cls, *a: True))
    with qtbot.waitSignal(panel.model.query_loaded, timeout=5000):
        panel.delete_action.trigger()
    assert store.get(doomed) is None
    assert panel.model.rowCount() == 4


def test_new_exchanges_appear_at_the_top(qtbot, store, make_panel) -> None:
    panel = make_panel(store)
    entry = store.append(make_exchange(6, event_type="fresh-event"))
    with qtbot.waitSignal(panel.model.rowsInserted, timeout=5000):
        panel.entries_appended()
    assert panel.model.rowCount() == 6
    assert panel.model.summary(0).id == entry.id
    assert panel.model.index(0, 4).data() == "fresh-event"


def test_entries_written_by_another_process_appear_within_a_second(
    qtbot, store, make_panel, tmp_path
) -> None:
    panel = make_panel(store)
    # Another store on the same folder is what `workbench send` in a terminal is: its
    # changes reach this one only through the files (the watcher and the counters).
    with HistoryStore(tmp_path / "history") as elsewhere:
        entry = elsewhere.append(make_exchange(7, event_type="from-the-terminal"))
        qtbot.waitUntil(lambda: panel.model.rowCount() == 6, timeout=1000)
        qtbot.waitUntil(lambda: panel.model.summary(0) is not None, timeout=1000)
        assert panel.model.summary(0).id == entry.id
        assert panel.model.index(0, 4).data() == "from-the-terminal"
        elsewhere.star(entry.id)  # starred elsewhere: the list is re-read
        qtbot.waitUntil(
            lambda: panel.model.summary(0) is not None and panel.model.summary(0).starred,
            timeout=1000,
        )
        elsewhere.delete(entry.id)
        qtbot.waitUntil(lambda: panel.model.rowCount() == 5, timeout=1000)


def test_store_notice_is_shown_once_with_the_path(qtbot, opened, tmp_path) -> None:
    folder = tmp_path / "history"
    HistoryStore(folder).close()
    with (folder / "journal.jsonl").open("a", encoding="utf-8") as journal:
        journal.write("this is not json\n")
    store = HistoryStore(folder)
    try:
        assert store.notices
        panel = HistoryPanel(store)
        qtbot.addWidget(panel)
        opened.append(panel)
        panel.show()
        assert panel.notice_bar.isVisible()
        text = panel.notice_label.text()
        assert str(folder / "journal.jsonl") in text
        assert "moved aside" in text
        panel.notice_close.click()
        assert not panel.notice_bar.isVisible()
        panel.show_store_notices()
        assert not panel.notice_bar.isVisible()  # once only
        qtbot.waitUntil(lambda: panel.model.rowCount() == store.count())
        panel.close()
    finally:
        store.close()
