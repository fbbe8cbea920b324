"""The debugger on a real answer of the embedded collector with the demo flow: every
section one click away, the verdict's links, searches that say where else they match,
records told as message lines, and words for an empty Execution."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from workbench.collector import CollectorConfig, CollectorServer
from workbench.collector.flow_routes import flow_store_of
from workbench.core.exchange import Exchange
from workbench.core.response_view import normalize_response
from workbench.ui.models.json_tree import JsonTreeModel
from workbench.ui.response_panel import ResponsePanel
from workbench.ui.widgets.debugger_view import SECTIONS, DebuggerView, verdict_links

PAYLOAD = {
    "source": {"id": "source-id"},
    "events": [
        {"type": "purchase-order", "properties": {"coupon": "SPRING"}},
        {"type": "page-view", "properties": {"url": "/home"}},
    ],
    "options": {"debugger": True},
}


@pytest.fixture(scope="module")
def server() -> Iterator[CollectorServer]:
    collector = CollectorServer(CollectorConfig(port=0, data_dir=None))
    collector.start()
    try:
        yield collector
    finally:
        collector.stop()


def _answer(server: CollectorServer, payload: dict[str, Any] = PAYLOAD) -> dict[str, Any]:
    response = httpx.post(f"{server.url}/track", json=payload, timeout=10)
    return {
        "request": {"method": "POST", "url": f"{server.url}/track", "body": payload},
        "response": {"status": response.status_code, "headers": {}, "json": response.json()},
        "view": normalize_response(response.json(), status=response.status_code).to_dict(),
    }


@pytest.fixture(scope="module")
def with_flow(server: CollectorServer) -> dict[str, Any]:
    flow_store_of(server.app).load_pack("demo")
    try:
        return _answer(server)
    finally:
        flow_store_of(server.app).load_pack("empty")


@pytest.fixture
def narrow(qtbot) -> DebuggerView:
    view = DebuggerView()
    qtbot.addWidget(view)
    view.resize(380, 600)  # the answer's half of a 1280-wide window, minus a dock
    view.show()
    qtbot.waitExposed(view)
    return view


def test_every_section_is_one_click_away_in_a_narrow_panel(qtbot, narrow, with_flow) -> None:
    narrow.set_view(with_flow["view"])
    qtbot.waitUntil(lambda: narrow.section_buttons["warnings"].isVisible())
    bar = narrow.section_bar.geometry()
    for name in SECTIONS:
        button = narrow.section_buttons[name]
        assert button.isVisible(), name
        assert bar.contains(button.geometry().translated(bar.topLeft()).center()), name
        assert button.geometry().right() <= narrow.width(), name
    assert not narrow.tabs.tabBar().isVisible()  # no tab bar hiding sections behind arrows
    assert narrow.section_buttons["warnings"].text() == "Warnings (2)"
    assert "color: #c87800" in narrow.section_buttons["warnings"].styleSheet()
    qtbot.mouseClick(narrow.section_buttons["logs"], Qt.MouseButton.LeftButton)
    assert narrow.tabs.currentIndex() == SECTIONS.index("logs")
    assert narrow.section_buttons["logs"].isChecked()


def test_the_verdict_links_to_the_sections_it_names(qtbot, narrow, with_flow) -> None:
    narrow.set_view(with_flow["view"])
    verdict = narrow.verdict_label.text()
    assert verdict.endswith("· 2 warnings")
    assert "entered visitor" in verdict
    links = verdict_links(verdict)
    assert '<a href="section:warnings">2 warnings</a>' in links
    assert '<a href="section:segmentation">entered visitor</a>' in links
    narrow.verdict_label.linkActivated.emit("section:warnings")
    assert narrow.tabs.currentIndex() == SECTIONS.index("warnings")
    assert (
        verdict_links("profile <b>x</b>")
        == '<a href="section:profile">profile &lt;b&gt;x&lt;/b&gt;</a>'
    )


def test_records_show_their_message_line_first(qtbot, narrow, with_flow) -> None:
    narrow.set_view(with_flow["view"])
    tree = narrow.show_section("warnings")
    first = tree.proxy.index(0, JsonTreeModel.VALUE)
    assert first.data().startswith("warning · event 'purchase-order' (events[0]) is invalid")
    assert not tree.tree.isExpanded(tree.proxy.index(0, 0))  # details on expand
    record = tree.proxy.index(0, 0)
    tree.tree.expand(record)
    qtbot.waitUntil(lambda: tree.proxy.rowCount(record) == 11)
    keys = {tree.proxy.index(r, 0, record).data() for r in range(11)}
    assert {"message", "module", "class_name"} <= keys
    execution = narrow.show_section("execution")
    qtbot.waitUntil(lambda: len(_visible_values(execution)) > 6)  # rows fetched on show
    lines = _visible_values(execution)
    assert any(v.startswith("page-view · valid · 1 of 3 rules matched") for v in lines)
    assert any(v.startswith("purchase-order · invalid — ") for v in lines)


def _visible_values(view: Any) -> list[str]:
    out: list[str] = []
    proxy = view.proxy

    def walk(parent: Any) -> None:
        for row in range(proxy.rowCount(parent)):
            index = proxy.index(row, 0, parent)
            out.append(proxy.index(row, 1, parent).data())
            if view.tree.isExpanded(index):
                walk(index)

    from PySide6.QtCore import QModelIndex

    walk(QModelIndex())
    return out


def test_a_search_says_where_else_it_matches_and_follows(qtbot, with_flow) -> None:
    panel = ResponsePanel()
    qtbot.addWidget(panel)
    panel.show_exchange(Exchange.from_dict(with_flow))
    session = panel.debugger.show_section("session")
    session.search_for("purchase-order")
    assert session.match_label.text() == "0 matches"
    places = {title: count for _key, title, count in session.elsewhere_matches()}
    assert places["Request as sent"] == 1
    assert places["Warnings"] == 2
    assert places["Logs"] >= 2
    assert places["Execution"] == 1
    assert session.elsewhere_label.isVisibleTo(panel)
    assert "Warnings (2)" in session.elsewhere_label.text()
    # Following a link opens that place with the same search.
    session.elsewhere_activated.emit("request", "purchase-order")
    assert panel.tabs.currentWidget() is panel.request_tabs
    assert panel.request_tree.search.text() == "purchase-order"
    assert panel.request_tree.match_label.text() == "1 match"
    body_places = {title for _k, title, _n in panel.request_tree.elsewhere_matches()}
    assert "Debugger › Warnings" in body_places
    session.elsewhere_activated.emit("section:warnings", "purchase-order")
    assert panel.tabs.currentWidget() is panel.debugger
    assert panel.debugger.current_tree().search.text() == "purchase-order"
    assert panel.debugger.current_tree().match_label.text() == "2 matches"


def test_a_search_is_visibly_reapplied_to_a_new_answer(qtbot, server, with_flow) -> None:
    view = DebuggerView()
    qtbot.addWidget(view)
    view.set_view(with_flow["view"])
    execution = view.show_section("execution")
    execution.search_for("Pricing")
    before = execution.match_label.text()
    assert before.endswith("matches")
    assert not before.startswith("0 ")
    view.set_view(_answer(server)["view"])  # no flow now: a fresh, empty Execution
    assert execution.search.text() == "Pricing"
    assert execution.match_label.text() == "0 matches in the new answer"
    assert execution.proxy.rowCount() == 0


def test_an_empty_execution_says_why_and_offers_the_demo_flow(qtbot, server) -> None:
    view = DebuggerView()
    qtbot.addWidget(view)
    view.set_can_open(True)  # the embedded collector answered
    view.set_view(_answer(server)["view"])
    note = view.section_notes["execution"]
    assert not note.isHidden()
    assert "Nothing ran for this request" in note.text()
    assert not view.demo_flow_button.isHidden()
    with qtbot.waitSignal(view.demo_flow_requested):
        view.demo_flow_button.click()
    view.show_flow_notice("Demo flow loaded: 2 event schemas")
    assert view.flow_notice_label.isVisibleTo(view)
    view.set_view(_answer(server)["view"])
    assert view.flow_notice_label.isHidden()  # kept until the next answer, not for 8 s


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain words",
        "<b>bold</b> & 'quoted' \"twice\"",
        "&amp; already escaped &lt;",
        "segment <script>alert('x')</script> · id 'a\"b'",
        "Größe — ✓ · 😀 <>&",
    ],
)
def test_escape_html_is_htmls_escape(text: str) -> None:
    import html

    from workbench.ui.widgets.debugger_sections import escape_html

    assert escape_html(text) == html.escape(text)


def test_the_verdict_label_shows_markup_in_an_answer_as_text(qtbot: Any) -> None:
    from workbench.ui.widgets.debugger_sections import VerdictLabel

    label = VerdictLabel("<i>profile</i> & <b>session</b>")
    qtbot.addWidget(label)
    assert label.text() == "<i>profile</i> & <b>session</b>"
    # QLabel.text() is the rich text the label renders: the markup arrives escaped.
    shown = QLabel.text(label)
    assert shown == "&lt;i&gt;profile&lt;/i&gt; &amp; &lt;b&gt;session&lt;/b&gt;"
