"""The key/value object editor: typed values, nesting, conversion, invalid rows kept."""

from __future__ import annotations

from workbench.ui.widgets.object_editor import TYPE, VALUE, ObjectEditor, parse_scalar

NESTED = {
    "name": "Ann",
    "age": 42,
    "ratio": 0.5,
    "vip": True,
    "nothing": None,
    "address": {"city": "Wrocław", "zip": "50-001"},
    "tags": ["a", 1, {"deep": [False]}],
    "empty": {},
}


def make(qtbot) -> ObjectEditor:
    editor = ObjectEditor()
    qtbot.addWidget(editor)
    return editor


def test_value_round_trips_through_the_tree(qtbot) -> None:
    editor = make(qtbot)
    editor.set_value(NESTED)
    assert editor.value() == NESTED
    assert editor.is_valid()


def test_parse_scalar() -> None:
    assert parse_scalar("number", " 12 ") == (12, True)
    assert parse_scalar("number", "1.5") == (1.5, True)
    assert parse_scalar("number", "abc")[1] is False
    assert parse_scalar("number", "nan")[1] is False
    assert parse_scalar("boolean", "TRUE") == (True, True)
    assert parse_scalar("boolean", "yes")[1] is False
    assert parse_scalar("null", "whatever") == (None, True)


def test_changing_type_converts_value(qtbot) -> None:
    editor = make(qtbot)
    editor.set_value({"count": "12"})
    item = editor.item_for_path(("count",))
    assert item is not None
    with qtbot.waitSignal(editor.changed):
        item.setText(TYPE, "number")
    assert editor.value() == {"count": 12}
    item.setText(TYPE, "array")
    assert editor.value() == {"count": []}
    item.setText(TYPE, "boolean")
    assert editor.value() == {"count": False}


def test_invalid_number_is_marked_and_kept(qtbot) -> None:
    editor = make(qtbot)
    editor.set_value({"n": 1})
    item = editor.item_for_path(("n",))
    assert item is not None
    item.setText(VALUE, "12abc")
    assert not editor.is_valid()
    assert item.text(VALUE) == "12abc"
    assert item.background(0).color().red() == 255


def test_add_child_remove_and_array_renumbering(qtbot) -> None:
    editor = make(qtbot)
    editor.set_value({"list": ["x", "y", "z"], "obj": {}})
    editor.tree.setCurrentItem(editor.item_for_path(("obj",)))
    with qtbot.waitSignal(editor.changed):
        editor.add_child()
    assert editor.value()["obj"] == {"key": ""}
    editor.tree.setCurrentItem(editor.item_for_path(("obj",)))
    editor.add_child()
    assert editor.value()["obj"] == {"key": "", "key2": ""}
    editor.tree.setCurrentItem(editor.item_for_path(("list", 0)))
    editor.remove_selected()
    assert editor.value()["list"] == ["y", "z"]
    assert editor.item_for_path(("list", 1)) is not None
    editor.tree.setCurrentItem(editor.item_for_path(("list",)))
    editor.add_child()
    assert editor.value()["list"] == ["y", "z", ""]


def test_rename_key_and_duplicate_marked(qtbot) -> None:
    editor = make(qtbot)
    editor.set_value({"a": 1, "b": 2})
    item = editor.item_for_path(("b",))
    assert item is not None
    item.setText(0, "c")
    assert editor.value() == {"a": 1, "c": 2}
    item.setText(0, "a")
    assert not editor.is_valid()


def test_mark_paths_and_focus(qtbot) -> None:
    editor = make(qtbot)
    editor.set_value({"a": {"b": 1}})
    editor.mark_paths([("a", "b")])
    inner = editor.item_for_path(("a", "b"))
    assert inner is not None
    assert inner.background(0).color().red() == 255
    editor.mark_paths([])
    assert inner.background(0).style().name == "NoBrush"
    editor.focus_path(("a", "b", "missing"))
    assert editor.tree.currentItem() is inner
