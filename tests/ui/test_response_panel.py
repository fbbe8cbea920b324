"""The response panel: exchanges, opened files, raw text cut, drops."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from tests.conftest import load_example
from workbench.core.exchange import Exchange
from workbench.ui.response_panel import (
    RAW_TEXT_LIMIT,
    ResponsePanel,
    exchange_from_document,
    load_json_file,
)


@pytest.fixture
def panel(qtbot) -> ResponsePanel:
    widget = ResponsePanel()
    qtbot.addWidget(widget)
    return widget


def test_bare_response_becomes_an_exchange() -> None:
    exchange = exchange_from_document(load_example("response-debugger.json"))
    assert exchange.view is not None
    assert exchange.view.format == "documented"
    assert exchange.view.profile_id == "0d2d9dc5-0d60-471e-956f-8766dcb8aba2"
    assert exchange.verdict == "opened"
    kept = {"id": "kept", "request": {}, "response": {"status": 201}, "view": None}
    read = exchange_from_document(kept)
    assert read.id == "kept"
    assert read.status == 201


def test_load_json_file_errors_name_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[1,\n2,,]", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.json is not JSON: line 2"):
        load_json_file(bad)
    with pytest.raises(ValueError, match="cannot read"):
        load_json_file(tmp_path / "missing.json")
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'"\xff"')
    with pytest.raises(ValueError, match=r"latin\.json"):
        load_json_file(latin)


def test_open_document_fills_every_tab(panel: ResponsePanel) -> None:
    panel.open_document(load_example("response-debugger.json"), title="Opened x.json")
    assert panel.title_label.text() == "Opened x.json"
    assert panel.debugger.trees["profile"].model.document()["id"].startswith("0d2d")
    assert panel.body_tree.model.rowCount() == 1
    assert panel.request_raw.toPlainText() == "(not sent from here)"
    panel.tabs.setCurrentWidget(panel.body_tabs)
    panel.body_tabs.setCurrentWidget(panel.body_raw)
    assert json.loads(panel.body_raw.toPlainText()) == load_example("response-debugger.json")


def test_exchange_tabs(panel: ResponsePanel) -> None:
    exchange = {
        "request": {
            "method": "POST",
            "url": "http://x/track",
            "headers": {"Content-Type": "application/json"},
            "body": {"a": 1},
        },
        "response": {
            "status": 200,
            "headers": {"x-context": "staging"},
            "body_text": '{"ok": true}',
            "json": {"ok": True},
            "size": 12,
        },
        "view": None,
    }
    panel.show_exchange(Exchange.from_dict(exchange))
    assert panel.title_label.text() == "Response · HTTP 200"
    assert panel.headers_table.item(0, 1).text() == "staging"
    assert panel.request_raw.toPlainText().startswith("POST http://x/track\nContent-Type")
    panel.body_tabs.setCurrentWidget(panel.body_raw)
    assert panel.body_raw.toPlainText() == '{"ok": true}'
    panel.clear()
    assert panel.exchange() is None


def test_huge_raw_text_is_cut(panel: ResponsePanel) -> None:
    text = "x" * (RAW_TEXT_LIMIT + 10)
    panel.show_exchange(
        Exchange.from_dict({"response": {"body_text": text, "json": None}, "view": None})
    )
    panel.body_tabs.setCurrentWidget(panel.body_raw)
    assert "… cut: the body has" in panel.body_raw.toPlainText()


def _drop(panel: ResponsePanel, mime: QMimeData) -> None:
    event = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    panel.dropEvent(event)


def test_drop_file_and_text(qtbot, panel: ResponsePanel, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text("{}", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    with qtbot.waitSignal(panel.file_dropped) as blocker:
        _drop(panel, mime)
    assert blocker.args == [str(path)]
    text = QMimeData()
    text.setText(json.dumps(load_example("response-plain.json")))
    _drop(panel, text)
    assert panel.title_label.text() == "Response (dropped text)"
    assert panel.debugger.id_of("profile") == "0d2d9dc5-0d60-471e-956f-8766dcb8aba2"
