"""The composer: forms and raw JSON in sync both ways, validation that leads to the field."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from workbench.client import embedded_target
from workbench.settings import TargetSettings
from workbench.ui.composer.composer import Composer, PayloadNotReady
from workbench.ui.composer.request_bar import parse_route


@pytest.fixture
def composer(qtbot) -> Composer:
    widget = Composer()
    qtbot.addWidget(widget)
    widget.request_bar.set_targets(
        [TargetSettings(name="remote", base_url="http://example.test"), embedded_target()]
    )
    return widget


def raw_json(composer: Composer) -> object:
    return json.loads(composer.raw.text())


def show_active(qtbot, composer: Composer) -> None:
    composer.show()
    qtbot.waitExposed(composer)
    composer.activateWindow()
    qtbot.waitUntil(composer.isActiveWindow)


def test_embedded_target_is_first(composer: Composer) -> None:
    assert composer.current_target().kind == "embedded"
    assert [t.name for t in composer.request_bar.targets()][1] == "remote"
    assert composer.request_bar.url_label.full_text() == "http://127.0.0.1:8686/track"


def test_form_edits_show_in_raw_json(qtbot, composer: Composer) -> None:
    form = composer.form
    form.source_combo.setEditText("web-shop")
    qtbot.keyClicks(form.profile_edit, "p-1")
    form.option_boxes["saveEvents"].click()  # dashed (not sent) -> checked
    form.events_editor.add_event()
    form.events_editor.type_edit.setText("purchase-order")
    form.events_editor.type_edit.textEdited.emit("purchase-order")
    item = form.events_editor.properties_editor.add_row()
    item.setText(0, "sku")
    item.setText(2, "A-1")
    doc = raw_json(composer)
    assert doc["source"] == {"id": "web-shop"}
    assert doc["profile"] == {"id": "p-1"}
    assert doc["options"] == {"debugger": True, "saveEvents": True}
    assert doc["events"][1] == {"type": "purchase-order", "properties": {"sku": "A-1"}}
    assert composer.document() == doc


def test_raw_json_edits_fill_the_forms(qtbot, composer: Composer) -> None:
    payload = {
        "source": {"id": "s", "name": "kept"},
        "session": {"id": "sess"},
        "profile": {"id": "prof"},
        "context": {"page": {"url": "/x"}},
        "properties": {"n": 1},
        "events": [
            {"type": "a", "id": "keep-me", "tags": ["t"]},
            {"type": "b", "context": {"c": True}, "options": {"o": 1}},
        ],
        "options": {"saveSession": False},
        "request": {"anything": "kept"},
    }
    with qtbot.waitSignal(composer.document_changed, timeout=2000):
        composer.raw.text_edit.setPlainText(json.dumps(payload))
    form = composer.form
    assert form.source_combo.currentText() == "s"
    assert form.session_edit.text() == "sess"
    assert form.profile_edit.text() == "prof"
    assert form.option_boxes["saveSession"].checkState().name == "Unchecked"
    assert form.context_editor.value() == {"page": {"url": "/x"}}
    assert form.events_editor.list.count() == 2
    assert form.events_editor.tags_box.isChecked()
    assert form.payload() == payload
    assert not composer.form_banner.isVisibleTo(composer)


def test_invalid_raw_json_reports_position_and_keeps_forms(qtbot, composer: Composer) -> None:
    composer.form.source_combo.setEditText("kept-source")
    composer.raw.set_text('{\n  "source": {"id": "x"},\n  "events": [\n}')
    problem = composer.syntax_problem()
    assert problem is not None
    assert problem.line == 4
    assert problem.column == 1
    assert "line 4, column 1" in composer.raw.status_label.text()
    assert composer.form.source_combo.currentText() == "kept-source"
    with pytest.raises(PayloadNotReady, match="line 4"):
        composer.document()
    assert composer.issues_list.item(0).text().startswith("Raw JSON: Invalid JSON at line 4")


def test_payload_the_form_cannot_show_stays_raw(qtbot, composer: Composer) -> None:
    composer.raw.set_text('{"source": {"id": 42}, "events": []}')
    assert composer.form_banner.isVisibleTo(composer)
    assert "source.id is not a string" in composer.form_banner.text()
    assert composer.document() == {"source": {"id": 42}, "events": []}
    composer.form.events_editor.add_event()  # a form edit keeps the id it cannot show
    assert composer.document()["source"] == {"id": 42}


def test_validation_marks_and_issue_click_focuses_field(qtbot, composer: Composer) -> None:
    show_active(qtbot, composer)
    composer.raw.set_text('{"source": {"id": 7}, "events": [{"type": "ok"}, {"type": " "}]}')
    issues = composer.validate_now()
    assert {i.path for i in issues} == {("source", "id"), ("events", 1, "type")}
    form = composer.form
    assert "255, 205, 205" in form.source_combo.styleSheet()
    rows = {composer.issues_list.item(i).text(): i for i in range(composer.issues_list.count())}
    type_row = next(i for text, i in rows.items() if text.startswith("events[1].type"))
    composer.tabs.setCurrentIndex(1)
    composer.focus_issue(type_row)
    assert composer.tabs.currentIndex() == 0
    assert form.events_editor.current_row == 1
    qtbot.waitUntil(form.events_editor.type_edit.hasFocus)
    assert "255, 205, 205" in form.events_editor.type_edit.styleSheet()
    source_row = next(i for text, i in rows.items() if text.startswith("source.id"))
    composer.focus_issue(source_row)
    qtbot.waitUntil(lambda: form.source_combo.hasFocus() or form.source_combo.lineEdit().hasFocus())


def test_validation_is_debounced_after_edits(qtbot, composer: Composer) -> None:
    with qtbot.waitSignal(composer.validated, timeout=3000) as blocker:
        composer.form.source_combo.setEditText("")
    assert [i.path for i in blocker.args[0]] == [("source",)]  # an empty field is not sent
    assert composer.issues_label.text().startswith("⚠ 1 issue")


def test_events_list_operations(qtbot, composer: Composer) -> None:
    events = composer.form.events_editor
    events.set_events([{"type": "a", "id": "x1"}, {"type": "b"}])
    events.list.setCurrentRow(0)
    events.duplicate_event()
    assert [e["type"] for e in events.events()] == ["a", "a", "b"]
    assert "id" not in events.events()[1]
    assert events.current_row == 1
    events.move_event(1)  # the copy moves below "b"
    assert [(e["type"], e.get("id")) for e in events.events()] == [
        ("a", "x1"),
        ("b", None),
        ("a", None),
    ]
    events.list.setCurrentRow(1)
    events.move_event(-1)
    assert [e["type"] for e in events.events()] == ["b", "a", "a"]
    events.remove_event()
    assert [e["type"] for e in events.events()] == ["a", "a"]
    assert events.list.item(0).text() == "1. a"
    events.set_known_types(["custom-seen"])
    assert "custom-seen" in events.type_edit.completer().model().stringList()


def test_new_visit_and_forget_profile(qtbot, composer: Composer) -> None:
    form = composer.form
    form.set_profile_id("p-1")
    with qtbot.waitSignal(form.new_visit_requested) as blocker:
        form.new_visit()
    assert len(blocker.args[0]) == 36
    assert composer.document()["session"] == {"id": blocker.args[0]}
    with qtbot.waitSignal(form.forget_profile_requested):
        form.forget_profile()
    assert "profile" not in composer.document()


def test_collect_route_edits_a_properties_body(qtbot, composer: Composer) -> None:
    composer.request_bar.set_route("/collect/page-view/webhook-source-id/s-1")
    assert composer.is_collect
    assert composer.form_stack.currentIndex() == 1
    assert composer.route_label() == "/collect/page-view/webhook-source-id/s-1"
    composer.collect_editor.add_row().setText(2, "v")
    spec = composer.build_spec()
    assert spec.route == "collect"
    assert spec.payload == {"key": "v"}
    assert spec.collect_session_id == "s-1"
    composer.raw.set_text("[1]")
    assert composer.validate_now()[0].message.startswith("a /collect body must be")
    composer.request_bar.set_route("/track?profile_less=true")
    spec = composer.build_spec()
    assert spec.route == "track"
    assert spec.profile_less
    assert parse_route("/collect/a/b") == ("collect", ["a", "b", ""])


def test_error_panel_shows_message_and_hint(qtbot, composer: Composer) -> None:
    composer.show_error("Connection refused", "Is the server running?")
    assert composer.error_frame.isVisibleTo(composer)
    assert composer.error_hint.text() == "Is the server running?"
    composer.clear_error()
    assert not composer.error_frame.isVisibleTo(composer)


def _completion_popup(qtbot, composer: Composer, typed: str):
    edit = composer.form.events_editor.type_edit
    show_active(qtbot, composer)
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, typed)
    popup = edit.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    return edit, popup


def test_type_completion_taken_with_the_keyboard_reaches_the_payload(
    qtbot, composer: Composer
) -> None:
    edit, popup = _completion_popup(qtbot, composer, "purchase-o")
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert edit.text() == "purchase-order"
    assert raw_json(composer)["events"][0]["type"] == "purchase-order"
    assert composer.form.events_editor.list.item(0).text() == "1. purchase-order"
    assert composer.build_spec().payload["events"][0]["type"] == "purchase-order"


def test_type_completion_taken_with_the_mouse_reaches_the_payload(
    qtbot, composer: Composer
) -> None:
    edit, popup = _completion_popup(qtbot, composer, "sign")
    model = popup.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "sign-up")
    rect = popup.visualRect(model.index(row, 0))
    qtbot.mouseClick(popup.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert edit.text() == "sign-up"
    assert raw_json(composer)["events"][0]["type"] == "sign-up"


def test_every_way_a_field_changes_reaches_the_payload(qtbot, composer: Composer) -> None:
    """Text set by code (a completion, a drop, a script) counts as much as typed text."""
    form = composer.form
    form.session_edit.setText("s-pasted")
    assert raw_json(composer)["session"] == {"id": "s-pasted"}
    form.profile_edit.setText("p-pasted")
    assert raw_json(composer)["profile"] == {"id": "p-pasted"}
    events = form.events_editor
    events.type_edit.setText("identify")
    assert raw_json(composer)["events"][0]["type"] == "identify"
    events.tags_box.setChecked(True)
    events.tags_edit.setText("promo, mobile")
    assert raw_json(composer)["events"][0]["tags"] == ["promo", "mobile"]


def test_the_issues_list_folds_away_while_the_payload_is_valid(qtbot) -> None:
    composer = Composer()
    qtbot.addWidget(composer)
    composer.resize(600, 700)
    composer.show()
    qtbot.waitExposed(composer)
    composer.load_request({"source": {"id": "s"}, "events": [{"type": "page-view"}]})
    composer.validate_now()
    page = composer.issues_page
    assert composer.issues_list.isHidden()
    qtbot.waitUntil(lambda: page.height() <= composer.issues_label.sizeHint().height() + 2)
    composer.load_request({"events": [{"type": ""}]})  # no source: issues to read
    composer.validate_now()
    assert composer.issues_list.isVisible()
    qtbot.waitUntil(lambda: composer.issues_list.height() >= 40)
    assert composer.issues_list.count() >= 1


def test_the_raw_json_tab_shows_the_payload_when_first_opened(qtbot) -> None:
    composer = Composer()
    qtbot.addWidget(composer)
    composer.show()
    qtbot.waitExposed(composer)
    raw = composer.raw
    # A form edit before the tab was ever shown...
    composer.form.source_combo.setEditText("shop-web")
    assert json.loads(raw.text())["source"] == {"id": "shop-web"}
    # ...is what the tab shows when it is opened.
    composer.tabs.setCurrentWidget(raw)
    qtbot.waitUntil(raw.text_edit.isVisible)
    assert json.loads(raw.text_edit.toPlainText())["source"] == {"id": "shop-web"}
    assert raw.status_label.isVisible()
    assert raw.status_label.text() == "Valid JSON"
    assert raw.format_button.isVisible()
    assert not raw.go_button.isVisible()
    # Typing there reports a problem at once (line and column) and reaches the form
    # once it parses.
    raw.text_edit.setPlainText('{"source": ')
    raw.parse_now()
    assert "line 1, column 12" in raw.status_label.text()
    assert raw.go_button.isVisible()
    raw.text_edit.setPlainText('{"source": {"id": "typed"}, "events": []}')
    qtbot.waitUntil(lambda: composer.form.source_combo.currentText() == "typed")
    assert composer.syntax_problem() is None
    assert not raw.go_button.isVisible()
