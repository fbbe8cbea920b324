"""Every panel model passes pytest-qt's qtmodeltester (Qt's QAbstractItemModelTester)."""

from __future__ import annotations

from pathlib import Path

from workbench.collector.records import RequestRecord
from workbench.store.collector.store import CollectorStore
from workbench.store.history import HistoryStore
from workbench.ui.models.history import HistoryModel
from workbench.ui.models.rows import RowsModel
from workbench.ui.models.traffic import TrafficFilterModel, TrafficModel
from workbench.ui.panels.local_data import EVENT_COLUMNS, timeline
from workbench.ui.panels.sources_editor import SourcesModel
from workbench.ui.tasks import TaskRunner

from .history_data import make_exchange


def record(number: int, status: int = 200, reason: str | None = None) -> RequestRecord:
    return RequestRecord(
        id=str(number),
        time=f"2024-05-01T12:00:{number % 60:02d}.000000+00:00",
        method="POST",
        path="/track",
        query="",
        status=status,
        latency_ms=1.5,
        source_id="source-id",
        event_types=["page-view"],
        reason=reason,
    )


def test_traffic_models(qtmodeltester) -> None:
    model = TrafficModel(max_rows=5)
    proxy = TrafficFilterModel()
    proxy.setSourceModel(model)
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)
    model.add_records([record(i) for i in range(3)])
    model.add_records([record(9, 401, "Event source disabled.")])
    model.add_records([record(i) for i in range(10, 14)])  # overflow drops the oldest
    assert model.rowCount() == 5
    assert model.record(0).id == "9"
    proxy.set_problems_only(True)
    assert proxy.rowCount() == 1
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)


def test_sources_model(qtmodeltester) -> None:
    store = CollectorStore(None)
    model = SourcesModel()
    model.set_store(store)
    assert model.rowCount() == 2
    qtmodeltester.check(model)


def test_rows_model(qtmodeltester) -> None:
    model = RowsModel(EVENT_COLUMNS)
    events = [
        {"id": "b", "type": "x", "metadata": {"time": {"insert": "2024-05-01T12:01:05+00:00"}}},
        {"id": "a", "type": "y", "metadata": {"time": {"insert": "2024-05-01T12:00:00+00:00"}}},
    ]
    model.set_rows(timeline(events))
    assert [model.index(r, 1).data() for r in range(2)] == ["+0s", "+1m 05s"]
    assert model.index(0, 0).data() == "2024-05-01 12:00:00"
    qtmodeltester.check(model)


def test_history_model(qtbot, qtmodeltester, tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "history") as store:
        store.append_many([make_exchange(i) for i in range(450)])
        runner = TaskRunner()
        model = HistoryModel(store, runner, page_size=100)
        from workbench.store.history.entries import HistoryQuery

        with qtbot.waitSignal(model.query_loaded, timeout=5000):
            model.set_query(HistoryQuery())
        assert model.rowCount() == 450
        assert model.is_loaded(0)
        assert not model.is_loaded(449)
        assert model.index(449, 1).data() == "…"  # placeholder while the page loads
        qtbot.waitUntil(lambda: model.is_loaded(449), timeout=5000)
        assert model.summary(449).profile_id == "profile-0"
        qtmodeltester.check(model)
        runner.wait_for_done()
