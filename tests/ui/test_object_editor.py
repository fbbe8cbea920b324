"""The key/value object editor: typed values, nesting, conversion, invalid rows kept."""

from __future__ import annotations

import json

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


# Values whose trip through the rows changes them: keys become text, NaN and values JSON
# has no type for are read back from their text, a tuple is an empty array.
ODD = {
    **NESTED,
    1: "int key",
    "nan": float("nan"),
    "inf": float("inf"),
    "big": 10**30,
    "tuple": (1, 2),
    "set": {3},
    "bytes": b"x",
    "nested": {2: [None, {"x": float("nan")}]},
}


def _same(a: object, b: object) -> bool:
    def text(value: object) -> str:
        return json.dumps(value, sort_keys=True, default=repr)

    return text(a) == text(b)


def test_an_editor_built_when_shown_gives_back_what_a_built_one_does(qtbot) -> None:
    built = make(qtbot)
    lazy = ObjectEditor(build_when_shown=True)
    qtbot.addWidget(lazy)
    built.set_value(ODD)
    lazy.set_value(ODD)
    assert lazy.built is False
    assert _same(lazy.value(), built.value())
    lazy.show()
    qtbot.waitExposed(lazy)
    assert lazy.built is True
    assert _same(lazy.value(), built.value())


def test_an_editor_built_when_shown_keeps_a_copy_of_the_value_it_was_given(qtbot) -> None:
    lazy = ObjectEditor(build_when_shown=True)
    qtbot.addWidget(lazy)
    given = {"page": {"url": "/home"}}
    lazy.set_value(given)
    given["page"]["url"] = "/changed"
    assert lazy.value() == {"page": {"url": "/home"}}
    assert lazy.tree.topLevelItemCount() == 1  # asking for the tree builds it
    assert lazy.value() == {"page": {"url": "/home"}}


def test_a_hidden_tab_shows_its_rows_and_buttons_when_it_is_chosen(qtbot) -> None:
    from PySide6.QtWidgets import QLabel, QTabWidget

    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tabs.addTab(QLabel("first"), "First")
    lazy = ObjectEditor(tabs, title="context", build_when_shown=True)
    tabs.addTab(lazy, "Context")
    lazy.set_value({"a": 1, "b": {"c": True}})
    changes: list[bool] = []
    lazy.changed.connect(lambda: changes.append(True))
    tabs.show()
    qtbot.waitExposed(tabs)
    assert lazy.built is False
    tabs.setCurrentWidget(lazy)
    assert lazy.built is True
    assert lazy.tree.isVisible()
    assert lazy.add_button.isVisible()
    assert lazy.tree.topLevelItemCount() == 2
    assert lazy.value() == {"a": 1, "b": {"c": True}}
    assert changes == []  # set_value never says the user changed something


def test_marking_paths_on_an_editor_not_built_yet_marks_its_rows(qtbot) -> None:
    lazy = ObjectEditor(build_when_shown=True)
    qtbot.addWidget(lazy)
    lazy.set_value({"a": 1, "b": 2})
    lazy.mark_paths([])
    assert lazy.built is False  # nothing to mark: nothing made
    lazy.mark_paths([("b",)])
    assert lazy.built is True
    marked = lazy.item_for_path(("b",))
    assert marked is not None
    assert marked.background(0).color().red() == 255
    unmarked = lazy.item_for_path(("a",))
    assert unmarked is not None
    assert unmarked.background(0).style().name == "NoBrush"
