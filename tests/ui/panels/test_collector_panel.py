"""The collector panel against a real embedded collector: live traffic, pause, sources, data."""

from __future__ import annotations

import httpx
import pytest

from workbench.collector import CollectorConfig
from workbench.ui.panels.collector_control import CollectorController, CollectorState
from workbench.ui.panels.collector_panel import CollectorPanel
from workbench.ui.panels.sources_editor import ENABLED_COLUMN
from workbench.ui.prompts import Prompts

from .conftest import TRACK_BODY, send_and_wait


def test_panel_shows_running_state_and_url(panel: CollectorPanel, controller) -> None:
    assert panel.state_label.text() == "● Running"
    assert panel.url_edit.text() == controller.url.rstrip("/")
    assert panel.copy_url() == controller.url
    assert panel.start_stop_button.text() == "Stop"


def test_request_sent_with_httpx_appears_in_live_table(qtbot, panel, controller, http) -> None:
    response, _batch = send_and_wait(
        qtbot, controller, lambda: http.post(controller.url + "/track", json=TRACK_BODY)
    )
    assert response.status_code == 200
    model = panel.traffic.model
    qtbot.waitUntil(lambda: model.rowCount() >= 1)
    record = model.record(model.rowCount() - 1)
    assert record.path == "/track"
    assert record.status == 200
    assert record.event_types[0] == "page-view"
    assert record.source_id == "source-id"
    row = model.rowCount() - 1
    assert model.index(row, 2).data() == "/track"
    assert model.index(row, 3).data() == "staging"
    assert model.index(row, 4).data() == "source-id"
    assert model.index(row, 6).data() == "200"


def test_live_table_shows_each_requests_context(qtbot, panel, controller, http) -> None:
    response, _batch = send_and_wait(
        qtbot,
        controller,
        lambda: http.post(
            controller.url + "/track", json=TRACK_BODY, headers={"x-context": "production"}
        ),
    )
    assert response.status_code == 200
    model = panel.traffic.model
    qtbot.waitUntil(lambda: model.rowCount() >= 1)
    row = model.rowCount() - 1
    assert model.record(row).context == "production"
    assert model.index(row, 3).data() == "production"
    panel.traffic.filter_edit.setText("production")
    assert panel.traffic.proxy.rowCount() == 1


def test_pause_holds_rows_back_and_resume_shows_them(qtbot, panel, controller, http) -> None:
    traffic = panel.traffic
    traffic.set_paused(True)
    before = traffic.model.rowCount()
    for _ in range(3):
        send_and_wait(
            qtbot, controller, lambda: http.post(controller.url + "/track", json=TRACK_BODY)
        )
    assert traffic.model.rowCount() == before
    assert traffic.model.held_count == 3
    assert traffic.held_label.text() == "3 waiting"
    assert traffic.pause_button.text() == "Resume"
    traffic.set_paused(False)
    assert traffic.model.rowCount() == before + 3
    assert traffic.model.held_count == 0
    assert traffic.held_label.text() == ""


def test_rejected_request_shows_its_reason_and_filter_finds_it(
    qtbot, panel, controller, http
) -> None:
    body = dict(TRACK_BODY, source={"id": "nobody-knows-me"})
    response, _ = send_and_wait(
        qtbot, controller, lambda: http.post(controller.url + "/track", json=body)
    )
    assert response.status_code == 401
    send_and_wait(qtbot, controller, lambda: http.post(controller.url + "/track", json=TRACK_BODY))
    traffic = panel.traffic
    rejected = [
        traffic.model.record(r)
        for r in range(traffic.model.rowCount())
        if traffic.model.record(r).status == 401
    ]
    assert rejected
    assert "Invalid event source" in (rejected[0].reason or "")
    traffic.problems_check.setChecked(True)
    assert traffic.proxy.rowCount() == 1
    assert "Invalid event source" in traffic.proxy.index(0, 8).data()
    traffic.problems_check.setChecked(False)
    traffic.filter_edit.setText("nobody-knows")
    assert traffic.proxy.rowCount() == 1
    traffic.filter_edit.setText("")
    assert traffic.proxy.rowCount() == 2
    traffic.clear()
    assert traffic.model.rowCount() == 0


def test_selecting_a_row_shows_request_response_and_debugger(
    qtbot, panel, controller, http
) -> None:
    send_and_wait(qtbot, controller, lambda: http.post(controller.url + "/track", json=TRACK_BODY))
    traffic = panel.traffic
    traffic.select_row(traffic.proxy.rowCount() - 1)
    details = traffic.details
    assert details.record is traffic.model.record(traffic.model.rowCount() - 1)
    assert details.request_view.document()["body"]["source"] == {"id": "source-id"}
    assert details.response_view.document()["status"] == 200
    profile_id = details.record.profile_id
    assert profile_id
    assert details.debugger_view.id_of("profile") == profile_id
    assert "POST /track → 200" in details.summary.text()


def test_disabled_source_gets_401_at_once(qtbot, panel, controller, http) -> None:
    model = panel.sources.model
    row = model.row_of("source-id")
    assert row >= 0
    from PySide6.QtCore import Qt

    assert model.setData(
        model.index(row, ENABLED_COLUMN), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole
    )
    assert controller.server.store.get_source("source-id").enabled is False
    response, batch = send_and_wait(
        qtbot, controller, lambda: http.post(controller.url + "/track", json=TRACK_BODY)
    )
    assert response.status_code == 401
    assert batch[-1].reason == "Event source disabled."
    model.setData(
        model.index(row, ENABLED_COLUMN), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
    )
    response, _ = send_and_wait(
        qtbot, controller, lambda: http.post(controller.url + "/track", json=TRACK_BODY)
    )
    assert response.status_code == 200


def test_add_edit_and_delete_a_source(qtbot, panel, controller, http, monkeypatch) -> None:
    from workbench.collector import EventSource
    from workbench.ui.panels.source_dialog import SourceDialog

    editor = panel.sources
    new = EventSource(id="shop-hook", name="Shop", type=["webhook"])
    monkeypatch.setattr(SourceDialog, "edit", classmethod(lambda cls, *a, **k: new))
    editor.add_source()
    assert controller.server.store.get_source("shop-hook") == new
    assert editor.selected_source() == new
    urls = [edit.text() for edit in editor.url_edits]
    assert urls == [
        f"{controller.url}/collect/EVENT-TYPE/shop-hook",
        f"{controller.url}/collect/EVENT-TYPE/shop-hook/SESSION-ID",
    ]
    response, _ = send_and_wait(
        qtbot,
        controller,
        lambda: http.post(controller.url + "/collect/order/shop-hook", json={"total": 3}),
    )
    assert response.status_code == 200
    monkeypatch.setattr(Prompts, "confirm", classmethod(lambda cls, *a: True))
    editor.delete_selected()
    assert controller.server.store.get_source("shop-hook") is None
    response, _ = send_and_wait(
        qtbot,
        controller,
        lambda: http.post(controller.url + "/collect/order/shop-hook", json={"total": 3}),
    )
    assert response.status_code == 401


def test_source_dialog_refuses_bad_input_naming_the_field(qtbot) -> None:
    from workbench.ui.panels.source_dialog import SourceDialog

    dialog = SourceDialog(None, None, {"taken"})
    qtbot.addWidget(dialog)
    dialog.id_edit.setText("taken")
    with pytest.raises(ValueError, match="id: a source with id 'taken' exists"):
        dialog.build()
    dialog.id_edit.setText("fresh")
    dialog.rest_check.setChecked(False)
    dialog.accept()
    assert dialog.error_label.text().startswith("type:")
    dialog.webhook_check.setChecked(True)
    dialog.accept()
    assert dialog.result_source is not None
    assert dialog.result_source.type == ["webhook"]


def test_source_check_switch_is_used_at_once(qtbot, panel, controller, http) -> None:
    body = dict(TRACK_BODY, source={"id": "anything-goes"})
    panel.source_check.setChecked(False)
    response, _ = send_and_wait(
        qtbot, controller, lambda: http.post(controller.url + "/track", json=body)
    )
    assert response.status_code == 200
    panel.source_check.setChecked(True)
    response, _ = send_and_wait(
        qtbot, controller, lambda: http.post(controller.url + "/track", json=body)
    )
    assert response.status_code == 401


def test_format_switch_changes_the_response_shape(qtbot, panel, controller, http) -> None:
    panel.format_combo.setCurrentIndex(panel.format_combo.findData("current"))
    response, _ = send_and_wait(
        qtbot, controller, lambda: http.post(controller.url + "/track", json=TRACK_BODY)
    )
    assert "session" in response.json()
    assert "debugging" not in response.json()
    panel.debugger_check.setChecked(False)
    assert controller.server.current_config.debugger is False


def test_local_data_opens_profile_from_debugger_id_and_resets(
    qtbot, panel, controller, http, monkeypatch
) -> None:
    _response, batch = send_and_wait(
        qtbot, controller, lambda: http.post(controller.url + "/track", json=TRACK_BODY)
    )
    profile_id = batch[-1].profile_id
    assert profile_id
    assert panel.open_local("profile", profile_id)
    local = panel.local_data
    assert panel.tabs.currentWidget() is local
    assert local.selected_profile_id() == profile_id
    types = [local.events.index(r, 2).data() for r in range(local.events.rowCount())]
    assert "page-view" in types
    assert local.sessions.rowCount() == 1
    assert local.document_view.document()["id"] == profile_id
    assert local.message_label.isHidden()  # nothing to say: no empty line above the tables
    assert not local.open_id("", "no-such-id")
    assert "no-such-id" in local.message_label.text()
    assert not local.message_label.isHidden()  # said; an empty message takes no line

    monkeypatch.setattr(Prompts, "confirm", classmethod(lambda cls, *a: False))
    local.reset_all()
    assert controller.server.store.get_profile(profile_id) is not None
    monkeypatch.setattr(Prompts, "confirm", classmethod(lambda cls, *a: True))
    with qtbot.waitSignal(local.data_reset):
        local.reset_all()
    assert controller.server.store.get_profile(profile_id) is None
    assert local.profiles.rowCount() == 0


def test_local_data_shows_one_data_set_and_finds_ids_in_the_other(
    qtbot, panel, controller, http, monkeypatch
) -> None:
    prod = {"x-context": "production"}
    _response, batch = send_and_wait(
        qtbot,
        controller,
        lambda: http.post(controller.url + "/track", json=TRACK_BODY, headers=prod),
    )
    profile_id = batch[-1].profile_id
    local = panel.local_data
    local.refresh()
    assert local.context == "staging"
    assert local.context_combo.isEnabled()
    assert local.profiles.row_of(profile_id) < 0  # not in staging
    # Opening an id kept only in production switches the explorer to production.
    assert panel.open_local("profile", profile_id)
    assert local.context == "production"
    assert local.selected_profile_id() == profile_id
    assert "1 profile" in local.stats_label.text()
    local.set_context("staging")
    assert local.profiles.row_of(profile_id) < 0
    # Resetting staging keeps production.
    monkeypatch.setattr(Prompts, "confirm", classmethod(lambda cls, *a: True))
    with qtbot.waitSignal(local.data_reset):
        local.reset_all()
    assert controller.server.production_store.get_profile(profile_id) is not None


def test_stop_and_start_again(qtbot, panel, controller) -> None:
    with qtbot.waitSignal(controller.server_stopped, timeout=15_000):
        panel.start_stop_button.click()
    assert panel.state_label.text() == "● Stopped"
    assert panel.url_edit.text() == ""
    assert not panel.sources.add_button.isEnabled()
    with qtbot.waitSignal(controller.server_started, timeout=15_000):
        panel.start_stop_button.click()
    assert panel.state_label.text() == "● Running"
    assert panel.sources.model.rowCount() >= 2


def test_port_in_use_is_an_error_with_the_reason(qtbot, taken_port: int) -> None:
    control = CollectorController(CollectorConfig(port=taken_port))
    widget = CollectorPanel(control)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(
        control.state_changed, timeout=15_000, check_params_cb=lambda s, r: s == "error"
    ):
        control.start()
    assert control.state == CollectorState.ERROR
    assert widget.state_label.text() == "● Error"
    assert "already in use" in widget.note_label.text()
    control.shutdown()


def test_collector_store_notice_is_shown_once_with_the_path(qtbot, tmp_path) -> None:
    data = tmp_path / "collector"
    data.mkdir()
    (data / "collector.json").write_text("{ not json", encoding="utf-8")
    control = CollectorController(CollectorConfig(port=0, data_dir=data))
    widget = CollectorPanel(control)
    qtbot.addWidget(widget)
    try:
        with qtbot.waitSignal(control.server_started, timeout=15_000):
            control.start()
        text = widget.note_label.text()
        assert str(data / "collector.json") in text
        assert "moved aside" in text
        widget.format_combo.setCurrentIndex(1)  # any later note replaces it; it is not repeated
        control.state_changed.emit(control.state, "")
        assert "moved aside" not in widget.note_label.text()
    finally:
        control.shutdown()


def test_sources_tab_shows_sources_added_through_the_admin_api(qtbot, panel, controller, http):
    source = {"id": "from-api", "name": "From the API", "type": ["rest"]}
    assert http.post(controller.url + "/event-source", json=source).status_code == 200
    panel.tabs.setCurrentWidget(panel.sources)
    editor = panel.sources
    assert editor.model.row_of("from-api") >= 0
    editor.select_source("from-api")
    texts = [edit.text() for edit in editor.url_edits]
    assert texts == [
        f"{controller.url}/track",
        f"{controller.url}/track?profile_less=true",
        '"source": {"id": "from-api"}',
    ]


def test_switches_are_saved_for_the_next_start(qtbot) -> None:
    from workbench.settings import SettingsFile
    from workbench.settings.paths import app_paths

    settings_file = SettingsFile(app_paths().ensure().settings_file)
    control = CollectorController(CollectorConfig(port=0), settings_file=settings_file)
    widget = CollectorPanel(control)
    qtbot.addWidget(widget)
    try:
        with qtbot.waitSignal(control.server_started, timeout=15_000):
            control.start()
        widget.debugger_check.setChecked(False)
        widget.format_combo.setCurrentIndex(widget.format_combo.findData("current"))
        widget.source_check.setChecked(False)
        saved = settings_file.load().collector
        assert saved.debugger is False
        assert saved.response_format == "current"
        assert saved.accept_any_source is True
        assert control.server.current_config.response_format == "current"
    finally:
        control.shutdown()


def test_the_token_is_shown_masked_and_copied(qtbot) -> None:
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QLineEdit

    token = "class-room-token-42"
    control = CollectorController(CollectorConfig(port=0, token=token))
    with qtbot.waitSignal(control.server_started, timeout=15_000):
        control.start()
    try:
        widget = CollectorPanel(control)
        qtbot.addWidget(widget)
        widget.show()
        assert widget.token_edit.isVisibleTo(widget)
        assert widget.token_edit.text() == token
        assert widget.token_edit.echoMode() == QLineEdit.EchoMode.Password
        widget.show_token_button.click()
        assert widget.token_edit.echoMode() == QLineEdit.EchoMode.Normal
        QGuiApplication.clipboard().clear()
        widget.copy_token_button.click()
        assert QGuiApplication.clipboard().text() == token
        # The copied token is the one the collector requires.
        url = control.url
        assert httpx.get(f"{url}/_workbench/stats", timeout=10).status_code == 401
        authorised = {"Authorization": f"Bearer {QGuiApplication.clipboard().text()}"}
        assert (
            httpx.get(f"{url}/_workbench/stats", headers=authorised, timeout=10).status_code == 200
        )
        with qtbot.waitSignal(control.state_changed, timeout=15_000):
            control.stop()
        qtbot.waitUntil(lambda: not widget.token_edit.isVisibleTo(widget), timeout=15_000)
    finally:
        control.shutdown()


def test_a_loopback_collector_without_token_shows_no_token(panel: CollectorPanel) -> None:
    panel.show()
    assert panel.token() == ""
    assert not panel.token_edit.isVisibleTo(panel)
    assert not panel.copy_token_button.isVisibleTo(panel)
