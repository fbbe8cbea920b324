"""Hide personal data: one switch, one policy; trees, tables, tooltips, copies and exports."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from workbench.core.exchange import Exchange
from workbench.core.redaction import RedactionPolicy
from workbench.ui.privacy import MASK, PrivacyMask, privacy_mask
from workbench.ui.response_panel import ResponsePanel
from workbench.ui.widgets.json_view import JsonView

EMAIL = "annabel.quixote@example.com"
PHONE = "+44 7700 900123"
IP = "81.2.69.160"
DOC = {
    "profile": {
        "id": "0d2d9dc5-0d60-471e-956f-8766dcb8aba2",
        "traits": {"email": EMAIL, "phone": PHONE, "tier": "gold"},
        "data": {"pii": {"firstname": "Annabel", "lastname": "Quixote"}},
    },
    "context": {"ip": IP, "note": f"write to {EMAIL} from {IP}", "local": "127.0.0.1"},
    "debugging": {"logs": [{"message": f"greeted {EMAIL}", "type": "info"}]},
    "rule": "profile@traits.email exists",
}


@pytest.fixture
def mask(qtbot: Any) -> Iterator[PrivacyMask]:
    found = privacy_mask()
    found.set_policy(RedactionPolicy())
    yield found
    found.set_hidden(False)
    found.set_policy(RedactionPolicy())


def test_the_mask_hides_policy_paths_and_detected_values(mask: PrivacyMask) -> None:
    assert mask.document(DOC) == DOC  # nothing hidden until switched on
    mask.set_hidden(True)
    shown = mask.document(DOC)
    assert shown["profile"]["traits"] == {"email": MASK, "phone": MASK, "tier": "gold"}
    assert shown["profile"]["data"]["pii"] == {"firstname": MASK, "lastname": MASK}
    assert shown["profile"]["id"] == DOC["profile"]["id"]
    assert shown["context"] == {
        "ip": MASK,
        "note": f"write to {MASK} from {MASK}",
        "local": "127.0.0.1",
    }
    assert shown["debugging"]["logs"][0]["message"] == f"greeted {MASK}"
    assert shown["rule"] == "profile@traits.email exists"  # a Tracardi path, not an e-mail
    assert mask.text("from 127.0.0.1 and 999.1.1.1") == "from 127.0.0.1 and 999.1.1.1"
    assert EMAIL not in json.dumps(shown)
    assert IP not in json.dumps(shown)


def test_a_configured_policy_decides_what_is_personal(mask: PrivacyMask) -> None:
    mask.set_policy(RedactionPolicy({"loyalty": ("**.loyalty_card",)}, detect_values=False))
    mask.set_hidden(True)
    shown = mask.document({"loyalty_card": "LC-123", "email": EMAIL, "n": f"to {EMAIL}"})
    assert shown == {"loyalty_card": MASK, "email": EMAIL, "n": f"to {EMAIL}"}


def _row_texts(view: JsonView, role: int = Qt.ItemDataRole.DisplayRole) -> list[str]:
    view.expand_all()
    out: list[str] = []
    model = view.model

    def walk(parent: Any) -> None:
        for row in range(model.rowCount(parent)):
            index = model.index(row, 1, parent)
            out.append(str(model.data(index, role)))
            walk(model.index(row, 0, parent))

    from PySide6.QtCore import QModelIndex

    walk(QModelIndex())
    return out


def test_trees_tooltips_and_copies_show_the_mask_until_revealed(
    qtbot: Any, mask: PrivacyMask
) -> None:
    view = JsonView()
    qtbot.addWidget(view)
    view.set_document(DOC)
    assert EMAIL in _row_texts(view)
    mask.set_hidden(True)
    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
        texts = _row_texts(view, role)
        assert MASK in texts
        assert not any(EMAIL in t or PHONE in t or IP in t or "Quixote" in t for t in texts)
    assert view.select_path(("profile", "traits", "email"))
    assert view.copy_value() == MASK
    assert QGuiApplication.clipboard().text() == MASK
    assert view.select_path(("profile",))
    copied = json.loads(view.copy_value())
    assert copied["traits"]["email"] == MASK
    assert copied["traits"]["tier"] == "gold"
    mask.set_hidden(False)
    assert EMAIL in _row_texts(view)
    assert view.select_path(("profile", "traits", "email"))
    assert view.copy_value() == EMAIL


def test_the_response_panels_headers_and_raw_texts(qtbot: Any, mask: PrivacyMask) -> None:
    panel = ResponsePanel()
    qtbot.addWidget(panel)
    panel.show_exchange(
        Exchange.from_dict(
            {
                "request": {"method": "POST", "url": "http://x/track", "body": DOC, "headers": {}},
                "response": {
                    "status": 200,
                    "headers": {"X-Forwarded-For": IP, "content-type": "application/json"},
                    "json": DOC,
                    "body_text": json.dumps(DOC),
                },
            }
        )
    )
    panel.tabs.setCurrentWidget(panel.body_tabs)
    panel.body_tabs.setCurrentWidget(panel.body_raw)
    assert EMAIL in panel.body_raw.toPlainText()
    mask.set_hidden(True)
    raw = panel.body_raw.toPlainText()
    assert EMAIL not in raw
    assert PHONE not in raw
    assert MASK in raw
    headers = {
        panel.headers_table.item(r, 0).text(): panel.headers_table.item(r, 1).text()
        for r in range(panel.headers_table.rowCount())
    }
    assert headers == {"X-Forwarded-For": MASK, "content-type": "application/json"}
    mask.set_hidden(False)
    assert EMAIL in panel.body_raw.toPlainText()


def test_history_exports_are_masked_while_hidden(
    qtbot: Any, mask: PrivacyMask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.store.history import HistoryStore
    from workbench.ui.panels.dialogs import PanelDialogs
    from workbench.ui.panels.history_panel import HistoryPanel

    store = HistoryStore(tmp_path / "history")
    try:
        store.append(
            Exchange.from_dict(
                {
                    "request": {
                        "method": "POST",
                        "url": "http://x/track",
                        "route": f"/track?uid={EMAIL}",
                        "body": DOC,
                    },
                    "response": {"status": 200, "json": DOC},
                }
            )
        )
        panel = HistoryPanel(store)
        qtbot.addWidget(panel)
        qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=5000)
        panel.table.selectRow(0)
        qtbot.waitUntil(lambda: len(panel.selected_summaries()) == 1, timeout=5000)
        route = panel.model.index(0, 3)
        assert EMAIL in panel.model.data(route)
        mask.set_hidden(True)
        assert EMAIL not in panel.model.data(route)
        assert MASK in panel.model.data(route)
        for name, hidden in (("hidden.jsonl", True), ("shown.jsonl", False), ("hidden.har", True)):
            mask.set_hidden(hidden)
            out = tmp_path / name
            monkeypatch.setattr(PanelDialogs, "save_path", lambda *_a, _o=out: str(_o))
            (
                panel.export_har_action if name.endswith(".har") else panel.export_jsonl_action
            ).trigger()
            qtbot.waitUntil(out.exists, timeout=5000)
            text = out.read_text(encoding="utf-8")
            assert (EMAIL in text) is (not hidden), name
            assert (PHONE in text) is (not hidden), name
        panel.close()
    finally:
        store.close()
