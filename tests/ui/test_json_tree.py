"""The lazy JSON model: correct Qt model, children on demand, batches, paths."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex

from tests.conftest import load_example
from workbench.ui.models.json_tree import (
    BATCH,
    RAW_VALUE_ROLE,
    JsonTreeModel,
    dot_path,
    find_paths,
    json_pointer,
    preview,
)

DOC = {
    "profile": {"id": "p1", "traits": {"email": "a@b.c", "tags": ["x", "y"]}},
    "a/b": {"~k": 1},
    "list": [1, 2.5, True, None, "s", {"deep": [[]]}],
    "empty": {},
}


def test_model_passes_qtmodeltester(qtmodeltester) -> None:
    model = JsonTreeModel(DOC)
    qtmodeltester.check(model, force_py=True)


def test_model_with_debug_response_passes_qtmodeltester(qtmodeltester) -> None:
    qtmodeltester.check(JsonTreeModel(load_example("response-debugger.json")), force_py=True)


def test_scalar_document_has_no_rows() -> None:
    model = JsonTreeModel("just text")
    assert not model.hasChildren()
    assert model.rowCount() == 0


def test_children_are_built_on_demand() -> None:
    model = JsonTreeModel(DOC)
    assert model.rowCount() == 0
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 4
    profile = model.index(0, 0)
    assert model.data(profile) == "profile"
    assert model.hasChildren(profile)
    assert model.rowCount(profile) == 0
    model.fetchMore(profile)
    assert model.rowCount(profile) == 2
    assert model.data(model.index(1, 1)) == "{1 key}"
    assert model.data(model.index(2, 2)) == "array"


def test_wide_arrays_arrive_in_batches() -> None:
    model = JsonTreeModel(list(range(BATCH * 2 + 7)))
    model.fetchMore(QModelIndex())
    assert model.rowCount() == BATCH
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == BATCH * 2 + 7
    assert not model.canFetchMore(QModelIndex())
    assert model.data(model.index(BATCH + 3, 0)) == f"[{BATCH + 3}]"


def test_paths_in_dot_notation_and_json_pointer() -> None:
    model = JsonTreeModel(DOC)
    email = model.index_for_path(("profile", "traits", "email"))
    assert email.isValid()
    assert model.data(email.siblingAtColumn(1)) == "a@b.c"
    assert model.dot_path_of(email) == "profile@traits.email"
    assert model.json_pointer_of(email) == "/profile/traits/email"
    odd = model.index_for_path(("a/b", "~k"))
    assert model.json_pointer_of(odd) == "/a~1b/~0k"
    assert model.data(odd, RAW_VALUE_ROLE) == 1
    assert not model.index_for_path(("profile", "nope")).isValid()
    assert not model.index_for_path(("list", 99)).isValid()
    assert dot_path(("traits", "email"), "profile") == "profile@traits.email"
    assert dot_path(("events", 0, "type")) == "events.0.type"
    assert json_pointer(()) == ""


def test_deep_index_in_wide_array_is_fetched() -> None:
    model = JsonTreeModel({"rows": list(range(3 * BATCH))})
    index = model.index_for_path(("rows", 2 * BATCH + 1))
    assert index.isValid()
    assert model.value_of(index) == 2 * BATCH + 1


def test_preview_is_one_plain_line() -> None:
    assert preview("<b>x</b>\nnext") == "<b>x</b>\\nnext"
    assert preview(None) == "null"
    assert preview(False) == "false"
    assert preview("x" * 2000).endswith("(2,000 chars)")


def test_find_paths_matches_keys_and_values() -> None:
    assert find_paths(DOC, "EMAIL") == [("profile", "traits", "email")]
    assert ("list", 4) in find_paths(DOC, "s")
    assert find_paths(DOC, "") == []
    assert len(find_paths(list(range(100)), "1", limit=5)) == 5
