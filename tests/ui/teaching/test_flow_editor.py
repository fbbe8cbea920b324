"""The flow editor against a real collector: live checks, applied at once, refused whole, undo."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from workbench.client.flow_api import FlowApi
from workbench.collector import CollectorServer
from workbench.ui.prompts import Prompts
from workbench.ui.tasks import TaskRunner
from workbench.ui.teaching.flow_editor import FlowEditor
from workbench.ui.teaching.flow_forms import RuleForm, SchemaForm, SegmentForm


@pytest.fixture
def editor(qtbot, collector: CollectorServer, runner: TaskRunner) -> FlowEditor:
    dialog = FlowEditor(lambda: FlowApi(collector.url), runner)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reload()
    qtbot.waitUntil(lambda: bool(dialog.flow["segments"]) and not dialog.busy, timeout=10_000)
    return dialog


def _server_flow(collector: CollectorServer) -> dict:
    flow = httpx.get(f"{collector.url}/_workbench/flow").json()
    flow.pop("notice", None)
    return flow


def _select(editor: FlowEditor, kind: str, ident: str) -> None:
    page = editor.pages[kind]
    for row in range(page.list.count()):
        if page.list.item(row).data(0x0100) == ident:
            page.list.setCurrentRow(row)
            return
    raise AssertionError(f"{ident} not listed")


def _apply(qtbot, editor: FlowEditor, kind: str) -> None:
    editor.apply(kind)
    qtbot.waitUntil(lambda: not editor.busy, timeout=10_000)


def test_lists_show_the_collectors_flow(editor: FlowEditor) -> None:
    assert editor.pages["segments"].list.count() == 11
    assert editor.pages["rules"].list.count() == 12
    assert editor.pages["schemas"].list.count() == 8
    assert "8 schemas, 12 rules, 11 segments" in editor.status.text()


def test_condition_mistake_is_marked_at_its_position_and_never_sent(
    qtbot, editor: FlowEditor, collector: CollectorServer
) -> None:
    before = _server_flow(collector)
    _select(editor, "segments", "engaged")
    form = editor.pages["segments"].form
    assert isinstance(form, SegmentForm)
    form.condition.editor.setPlainText("profile@stats.views >= 3 or profile@stats. >= 1")
    assert form.condition.error is not None
    assert form.condition.error.position == 42
    assert "✗" in form.condition.verdict.text()
    assert "character 43" in form.condition.verdict.text()
    (selection,) = form.condition.editor.extraSelections()
    assert selection.cursor.selectionStart() == 42
    editor.apply("segments")
    assert form.condition.editor.property("invalid") is True
    assert "Not applied" in editor.pages["segments"].message.text()
    assert _server_flow(collector) == before  # nothing was sent


def test_a_valid_change_is_live_at_once_and_undo_puts_it_back(
    qtbot, editor: FlowEditor, collector: CollectorServer
) -> None:
    before = _server_flow(collector)
    _select(editor, "segments", "engaged")
    form = editor.pages["segments"].form
    form.condition.editor.setPlainText("profile@stats.views >= 5")
    assert "reads fine" in form.condition.verdict.text()
    with qtbot.waitSignal(editor.flow_changed, timeout=10_000):
        editor.apply("segments")
    engaged = httpx.get(f"{collector.url}/_workbench/flow/segments/engaged").json()
    assert engaged["condition"] == "profile@stats.views >= 5"
    assert "is live" in editor.pages["segments"].message.text()
    assert editor.undo_button.isEnabled()
    with qtbot.waitSignal(editor.flow_changed, timeout=10_000):
        editor.undo()
    assert _server_flow(collector) == before
    assert not editor.undo_button.isEnabled()


def test_the_collectors_refusal_is_marked_at_its_field_and_nothing_changes(
    qtbot, editor: FlowEditor, collector: CollectorServer
) -> None:
    before = _server_flow(collector)
    editor.tabs.setCurrentIndex(1)
    _select(editor, "rules", "demo-add-to-cart")
    form = editor.pages["rules"].form
    assert isinstance(form, RuleForm)
    assert len(form.rows) == 2
    assert form.rows[0].op.currentText() == "append"
    form.rows[1].target.setText("profile@segments")  # the collector owns segments
    _apply(qtbot, editor, "rules")
    assert form.rows[1].target.property("invalid") is True
    assert "managed by the collector" in form.rows[1].target.toolTip()
    assert "nothing changed" in editor.pages["rules"].message.text()
    assert _server_flow(collector) == before
    assert not editor.undo_button.isEnabled()  # a refused change leaves nothing to undo


def test_operations_as_forms_build_the_rule(
    qtbot, editor: FlowEditor, collector: CollectorServer
) -> None:
    page = editor.pages["rules"]
    editor._new(page)
    form = page.form
    assert isinstance(form, RuleForm)
    form.id_edit.setText("plan")
    form.event_type.setCurrentText("sign-up")
    form.condition.editor.setPlainText("event@properties.plan exists")
    form.rows[0].target.setText("profile@traits.plan")
    form.rows[0].source.setText("event@properties.plan")
    row = form.add_operation({"op": "increment"})
    row.target.setText("profile@stats.counters.signups")
    row.source_kind.setCurrentIndex(1)
    row.source.setText("1")
    _apply(qtbot, editor, "rules")
    saved = httpx.get(f"{collector.url}/_workbench/flow/rules/plan").json()
    assert saved["operations"] == [
        {"op": "set", "target": "profile@traits.plan", "from": "event@properties.plan"},
        {"op": "increment", "target": "profile@stats.counters.signups", "value": 1},
    ]
    assert saved["condition"] == "event@properties.plan exists"
    row = form.rows[1]  # the form shows the rule as the collector stored it
    assert (row.op.currentText(), row.source.text()) == ("increment", "1")
    row.source.setText("not json")
    editor.apply("rules")
    assert row.source.property("invalid") is True


def test_renaming_replaces_in_place_in_one_change(
    qtbot, editor: FlowEditor, collector: CollectorServer
) -> None:
    _select(editor, "segments", "mobile")
    form = editor.pages["segments"].form
    form.id_edit.setText("on-a-phone")
    _apply(qtbot, editor, "segments")
    ids = [s["id"] for s in _server_flow(collector)["segments"]]
    assert "mobile" not in ids
    assert ids[9] == "on-a-phone"


def test_schema_form_checks_json_schema_and_an_example(qtbot, editor: FlowEditor) -> None:
    editor.tabs.setCurrentIndex(0)
    _select(editor, "schemas", "purchase-order")
    form = editor.pages["schemas"].form
    assert isinstance(form, SchemaForm)
    form.example_edit.setPlainText('{"product": 12}')
    issues = form.check_example()
    assert any("properties.product" in i for i in issues)
    assert any("quantity" in i for i in issues)
    assert "Invalid" in form.example_verdict.text()
    form.example_edit.setPlainText('{"product": "Nike shoes", "quantity": 2}')
    assert form.check_example() == []
    form.properties_edit.setPlainText('{"type": 5}')
    assert "not a valid draft 2020-12 JSON Schema" in form.schema_verdict.text()
    editor.apply("schemas")
    assert form.properties_edit.property("invalid") is True
    form.properties_edit.setPlainText('{"type": ')
    assert "not JSON" in form.schema_verdict.text()


def test_import_export_and_a_broken_file(
    qtbot, editor: FlowEditor, collector: CollectorServer, tmp_path: Path
) -> None:
    exported = tmp_path / "flow.json"
    editor.export_file(exported)
    saved = json.loads(exported.read_text(encoding="utf-8"))
    assert {k: saved[k] for k in ("schemas", "rules", "segments")} == {
        k: v for k, v in _server_flow(collector).items() if k != "version"
    } | {}
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"segments": [{"id": "x", "condition": "profile@ >"}]}))
    before = _server_flow(collector)
    editor.import_file(broken)
    qtbot.waitUntil(lambda: not editor.busy, timeout=10_000)
    assert "Not applied" in editor.status.text()
    assert "segments[0].condition" in editor.status.text()
    assert _server_flow(collector) == before
    small = tmp_path / "small.json"
    small.write_text(json.dumps({"segments": [{"id": "all", "condition": "profile@id exists"}]}))
    with qtbot.waitSignal(editor.flow_changed, timeout=10_000):
        editor.import_file(small)
    assert [s["id"] for s in _server_flow(collector)["segments"]] == ["all"]
    with qtbot.waitSignal(editor.flow_changed, timeout=10_000):
        editor.undo()
    assert _server_flow(collector) == before
    editor.import_file(tmp_path / "missing.json")
    assert "Not imported" in editor.status.text()


def test_load_pack_asks_first(
    qtbot, editor: FlowEditor, collector: CollectorServer, monkeypatch
) -> None:
    answers = [False, True]
    monkeypatch.setattr(Prompts, "confirm", classmethod(lambda cls, *a: answers.pop(0)))
    editor.load_pack("empty")
    assert not editor.busy
    assert len(_server_flow(collector)["segments"]) == 11
    with qtbot.waitSignal(editor.flow_changed, timeout=10_000):
        editor.load_pack("empty")
    assert _server_flow(collector)["segments"] == []
    assert editor.pages["segments"].list.count() == 0


def test_without_a_collector_it_says_so(qtbot, runner: TaskRunner) -> None:
    dialog = FlowEditor(lambda: None, runner)
    qtbot.addWidget(dialog)
    dialog.reload()
    assert "not running" in dialog.status.text()
