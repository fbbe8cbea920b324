"""The History menu in the real window built by workbench.app: compare, reproduce, bundles."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel

from tests.ui.panels.history_data import make_exchange
from workbench import app as workbench_app
from workbench.core.exchange import Exchange
from workbench.ui.compare.compare_window import CompareWindow
from workbench.ui.compare.install import SupportTools


@pytest.fixture
def parts(qtbot: Any) -> Iterator[Any]:
    built = workbench_app.build(collector_port=0, collector_in_memory=True)
    qtbot.addWidget(built.window)
    yield built
    built.close()


def _tools(parts: Any) -> SupportTools:
    tools = parts.window.panels.support
    assert isinstance(tools, SupportTools)
    return tools


def _fill_history(qtbot: Any, parts: Any, *exchanges: Exchange | dict[str, Any]) -> list[str]:
    history = parts.window.panels.history
    ids = []
    for exchange in exchanges:
        entry = parts.history.append(
            exchange if isinstance(exchange, Exchange) else Exchange.from_dict(exchange)
        )
        ids.append(entry.id)
        with qtbot.waitSignal(history.model.rowsInserted, timeout=5000):
            parts.window.exchange_recorded.emit(entry.exchange)
    return ids


def _select(qtbot: Any, parts: Any, count: int) -> None:
    """Select the *count* newest rows once the panel's model shows them (it loads async)."""
    history = parts.window.panels.history

    def selected() -> bool:
        if history.model.rowCount() < count:
            return False
        if len(history.selected_summaries()) != count:
            history.table.clearSelection()
            for row in range(count):
                history.table.selectionModel().select(
                    history.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
        return len(history.selected_summaries()) == count

    qtbot.waitUntil(selected, timeout=5000)


def _reproduce(qtbot: Any, tools: SupportTools) -> CompareWindow:
    """Reproduce locally and wait until the compare window shows its result."""
    tools.reproduce()
    qtbot.waitUntil(
        lambda: tools.compare_window is not None and tools.compare_window.view.result is not None,
        timeout=15_000,
    )
    compare = tools.compare_window
    assert compare is not None
    return compare


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
    _select(qtbot, parts, 2)
    tools = _tools(parts)
    compare = tools.open_compare()
    with qtbot.waitSignal(compare.view.diff_finished, timeout=10_000):
        pass
    assert compare.isVisible()
    assert compare.view.result is not None
    assert not compare.view.result.equal
    assert any("purchase" in str(c.new) + str(c.old) for c in compare.view.result.changes)


# --- reproduce locally -----------------------------------------------------------------------


def _customer_exchange() -> dict[str, Any]:
    """A customer's second visit, made by a collector of its own; the exchange carries the
    profile and session documents (as a debugger view does)."""
    import httpx

    from tests.support.har_files import SESSION_ID, track_payload
    from workbench.collector.config import CollectorConfig
    from workbench.collector.server import CollectorServer
    from workbench.core.response_view import normalize_response

    server = CollectorServer(CollectorConfig(port=0, accept_any_source=True))
    server.start()
    try:
        url = server.url
        body = track_payload()
        profile_id = httpx.post(f"{url}/track", json=body, timeout=10).json()["profile"]["id"]
        body["profile"] = {"id": profile_id}
        profile = httpx.get(f"{url}/profile/{profile_id}", timeout=10).json()
        session = httpx.get(f"{url}/session/{SESSION_ID}", timeout=10).json()
        answer = httpx.post(f"{url}/track", json=body, timeout=10).json()
    finally:
        server.stop()
    return {
        "target": {"name": "customer-prod", "base_url": "https://track.example.com"},
        "request": {"method": "POST", "url": f"{url}/track", "route": "/track", "body": body},
        "response": {"status": 200, "json": answer},
        "summary": {"profile_id": profile_id, "session_id": SESSION_ID},
        "view": normalize_response(answer, status=200, request=body)
        .with_details(profile=profile, session=session)
        .to_dict(),
    }


def test_reproduce_locally_loads_the_profile_and_diffs_the_answers(qtbot: Any, parts: Any) -> None:
    exchange = _customer_exchange()
    _fill_history(qtbot, parts, exchange)
    _select(qtbot, parts, 1)
    tools = _tools(parts)
    compare = _reproduce(qtbot, tools)
    assert compare.view.summary_label.text().startswith("equal")
    profile_id = exchange["summary"]["profile_id"]
    status = compare.status.text()
    assert status.startswith("Replayed history ")
    assert f"Loaded profile {profile_id} from the exchange." in status
    # The embedded collector now holds the customer's profile (it was loaded, then visited).
    stored = parts.collector.store.get_profile(profile_id)
    assert stored is not None
    assert stored["id"] == profile_id
    assert compare.view.label_a.text().startswith("A: customer (history ")


def test_reproduce_follows_the_exchanges_x_context_into_the_production_data_set(
    qtbot: Any, parts: Any
) -> None:
    exchange = _customer_exchange()
    exchange["request"]["headers"] = {"X-Context": "production"}
    _fill_history(qtbot, parts, exchange)
    _select(qtbot, parts, 1)
    tools = _tools(parts)
    compare = _reproduce(qtbot, tools)
    assert "(production data set)" in compare.status.text()
    profile_id = exchange["summary"]["profile_id"]
    production = parts.collector.contexts.get("production")
    assert production.get_profile(profile_id) is not None
    # Staging was left alone: the profile was loaded and visited in production only.
    assert parts.collector.store.get_profile(profile_id) is None


def test_reproduce_without_the_profile_shows_what_differs_and_why(qtbot: Any, parts: Any) -> None:
    exchange = _customer_exchange()
    del exchange["view"]
    parts.window.open_exchange(Exchange.from_dict(exchange), title="Opened ticket.json")
    tools = _tools(parts)
    compare = _reproduce(qtbot, tools)
    changes = compare.view.result.changes  # type: ignore[union-attr]
    # The customer's known profile was not rewritten (saved 0); here it is new (saved 1).
    assert any(c.path == "debugging.profile.saved" and c.new == 1 for c in changes)
    assert "is not known here: the local collector starts a new one" in compare.status.text()


def test_reproduce_with_nothing_chosen_says_so(parts: Any) -> None:
    tools = _tools(parts)
    tools.reproduce()
    assert "select one history entry or open an exchange first" in (
        parts.window.statusBar().currentMessage()
    )


# --- hide personal data ----------------------------------------------------------------------


def test_the_switch_hides_personal_data_in_the_whole_window(qtbot: Any, parts: Any) -> None:
    from workbench.ui.privacy import MASK, privacy_mask

    switch = _tools(parts).privacy
    assert switch.action in parts.window.view_menu.actions()
    assert ("Hide personal data", "Ctrl+Shift+H") in parts.window.shortcut_table()
    answer = {"profile": {"traits": {"email": "ann@example.com"}}}
    exchange = replace(
        make_exchange(3, event_type="identify"), json=answer, body_text=json.dumps(answer)
    )
    parts.window.open_exchange(exchange, title="History")
    try:
        switch.action.trigger()
        assert privacy_mask().hidden
        assert switch.label.isVisibleTo(parts.window)
        body = parts.window.response_panel
        body.tabs.setCurrentWidget(body.body_tabs)
        body.body_tabs.setCurrentWidget(body.body_raw)
        assert "ann@example.com" not in body.body_raw.toPlainText()
        assert MASK in body.body_raw.toPlainText()
        switch.action.trigger()
        assert not privacy_mask().hidden
        assert not switch.label.isVisibleTo(parts.window)
        assert "ann@example.com" in body.body_raw.toPlainText()
    finally:
        privacy_mask().set_hidden(False)


def test_the_users_policy_file_is_the_masks_policy(qtbot: Any, workbench_home: Path) -> None:
    from workbench.ui.privacy import MASK, privacy_mask

    (workbench_home / "redaction-policy.json").write_text(
        json.dumps({"personal_paths": {"loyalty": ["**.loyalty_card"]}}), encoding="utf-8"
    )
    built = workbench_app.build(collector_port=0, collector_in_memory=True)
    qtbot.addWidget(built.window)
    mask = privacy_mask()
    try:
        mask.set_hidden(True)
        assert mask.document({"loyalty_card": "LC-1", "email": "x"}) == {
            "loyalty_card": MASK,
            "email": "x",
        }
    finally:
        mask.set_hidden(False)
        from workbench.core.redaction import RedactionPolicy

        mask.set_policy(RedactionPolicy())
        built.close()


# --- HAR files: File → Open and drops --------------------------------------------------------


def test_opening_a_har_imports_its_calls_into_history_and_shows_the_first(
    qtbot: Any, parts: Any, tmp_path: Path
) -> None:
    from tests.support.har_files import shop_har, write_har

    har = write_har(tmp_path / "shop.har", shop_har())
    window = parts.window
    window.opener.open_file(str(har))
    qtbot.waitUntil(lambda: len(list(parts.history.summaries())) == 3, timeout=10_000)
    qtbot.waitUntil(
        lambda: window.response_panel.title_label.text() == "Imported shop.har#4", timeout=10_000
    )
    assert window.statusBar().currentMessage().startswith("Imported 3 Tracardi calls from shop.har")
    entries = [parts.history.get(s.id) for s in parts.history.summaries()]
    assert all(
        e is not None and e.exchange.extra["imported"]["file"] == "shop.har" for e in entries
    )
    # A drop takes the same way; the same file again adds nothing.
    window.response_panel.file_dropped.emit(str(har))
    qtbot.waitUntil(
        lambda: "3 already in the history" in window.statusBar().currentMessage(), timeout=10_000
    )
    assert len(list(parts.history.summaries())) == 3


def test_a_truncated_har_imports_nothing_and_says_what_is_wrong(
    qtbot: Any, parts: Any, tmp_path: Path
) -> None:
    from tests.support.har_files import shop_har, write_har

    full = write_har(tmp_path / "full.har", shop_har()).read_bytes()
    cut = tmp_path / "cut.har"
    cut.write_bytes(full[: len(full) // 2])
    window = parts.window
    window.opener.open_file(str(cut))
    qtbot.waitUntil(lambda: window.composer.error_frame.isVisibleTo(window), timeout=10_000)
    assert window.composer.error_message.text().startswith("Could not import cut.har: ")
    assert window.composer.error_hint.text() == "Nothing was imported."
    assert list(parts.history.summaries()) == []


def test_reproduce_reads_the_profile_from_the_customers_target(qtbot: Any, parts: Any) -> None:
    from workbench.collector.config import CollectorConfig
    from workbench.collector.server import CollectorServer
    from workbench.settings import TargetSettings

    exchange = _customer_exchange()
    view = exchange.pop("view")
    remote = CollectorServer(CollectorConfig(port=0, accept_any_source=True))
    remote.start()
    try:
        remote.store.commit(profile=view["profile"]["data"], session=view["session"]["data"])
        tools = _tools(parts)
        tools.targets = [TargetSettings(name="customer-prod", base_url=remote.url)]
        parts.window.open_exchange(Exchange.from_dict(exchange), title="Opened ticket.json")
        compare = _reproduce(qtbot, tools)
    finally:
        remote.stop()
    profile_id = exchange["summary"]["profile_id"]
    assert f"Loaded profile {profile_id} from the remote." in compare.status.text()
    assert compare.view.summary_label.text().startswith("equal")
