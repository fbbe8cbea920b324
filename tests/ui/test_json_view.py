"""The JSON view: search filters and expands, copy value and paths, plain text only."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from workbench.ui.models.json_tree import JsonTreeModel, find_paths
from workbench.ui.widgets.json_view import JsonFilterProxy, JsonView

DOC = {
    "profile": {"id": "p1", "traits": {"email": "a@b.c", "name": "<b>Ann</b>"}},
    "session": {"id": "s1"},
    "events": [{"type": "page-view"}, {"type": "purchase"}],
}


def make_view(qtbot) -> JsonView:
    view = JsonView()
    qtbot.addWidget(view)
    view.set_document(DOC)
    return view


def test_top_level_rows_show_at_once(qtbot) -> None:
    view = make_view(qtbot)
    assert view.proxy.rowCount() == 3


def test_search_filters_and_expands_to_match(qtbot) -> None:
    view = make_view(qtbot)
    view.search.setText("email")
    view.apply_search()
    assert view.proxy.rowCount() == 1  # only "profile" leads to a match
    profile = view.proxy.index(0, 0)
    assert view.tree.isExpanded(profile)
    traits = view.proxy.index(0, 0, profile)
    assert view.proxy.data(traits) == "traits"
    assert view.tree.isExpanded(traits)
    assert view.proxy.rowCount(traits) == 1
    assert view.match_label.text() == "1 match"
    assert view.model.path_of(view.current_source_index()) == ("profile", "traits", "email")
    view.search.clear()
    view.apply_search()
    assert view.proxy.rowCount() == 3


def test_search_on_values_inside_arrays(qtbot) -> None:
    view = make_view(qtbot)
    view.search.setText("purchase")
    qtbot.waitUntil(lambda: view.match_label.text() == "1 match", timeout=2000)
    assert view.model.path_of(view.current_source_index()) == ("events", 1, "type")


def test_copy_value_and_paths(qtbot) -> None:
    view = make_view(qtbot)
    assert view.select_path(("profile", "traits", "email"))
    assert view.copy_value() == "a@b.c"
    assert QGuiApplication.clipboard().text() == "a@b.c"
    assert view.copy_dot_path() == "profile@traits.email"
    assert QGuiApplication.clipboard().text() == "profile@traits.email"
    assert view.copy_json_pointer() == "/profile/traits/email"
    assert view.select_path(("session",))
    assert view.copy_value() == '{\n  "id": "s1"\n}'
    assert not view.select_path(("nope",))


def test_expand_and_collapse_all(qtbot) -> None:
    view = make_view(qtbot)
    view.expand_all()
    traits = view.proxy.mapFromSource(view.model.index_for_path(("profile", "traits")))
    assert view.tree.isExpanded(traits)
    view.collapse_all()
    assert not view.tree.isExpanded(traits)


def test_markup_is_shown_as_plain_text(qtbot) -> None:
    view = make_view(qtbot)
    index = view.model.index_for_path(("profile", "traits", "name"))
    assert view.model.data(index.siblingAtColumn(1)) == "<b>Ann</b>"


def test_filter_proxy_passes_qtmodeltester(qtmodeltester) -> None:
    model = JsonTreeModel(DOC)
    proxy = JsonFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_matches(find_paths(DOC, "a"))
    model.index_for_path(("profile", "traits", "name"))
    qtmodeltester.check(proxy, force_py=True)


def test_huge_array_expand_is_bounded(qtbot) -> None:
    view = JsonView()
    qtbot.addWidget(view)
    view.set_document({"logs": [{"n": i} for i in range(20_000)]})
    view.expand_to_depth(1)
    logs = view.proxy.index(0, 0)
    assert view.tree.isExpanded(logs)
    assert view.model.rowCount(view.model.index(0, 0)) < 20_000  # fetched in batches only


def test_the_key_column_leaves_the_values_room_until_the_user_sets_it(qtbot) -> None:
    view = JsonView()
    qtbot.addWidget(view)
    view.set_document({"a fairly long key name": "a value worth reading", "n": 1})
    view.resize(340, 300)
    view.show()
    qtbot.waitExposed(view)
    header = view.tree.header()
    width = view.tree.viewport().width()
    qtbot.waitUntil(lambda: header.sectionSize(0) <= 0.45 * width)
    assert header.sectionSize(1) >= 100  # the value column is readable
    header.resizeSection(0, 200)  # the user drags the key column ...
    view.resize(700, 300)
    qtbot.waitUntil(lambda: view.tree.viewport().width() > 600)
    assert header.sectionSize(0) == 200  # ... and it stays where they put it
