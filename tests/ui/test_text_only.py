"""Buttons and actions made with a text and no icon: what the usual constructors make."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMenu, QWidget

from workbench.ui.widgets.text_only import add_action, push_button, text_action


def test_push_button_has_its_text_and_parent(qtbot: Any) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    button = push_button("&Send", parent)
    assert button.text() == "&Send"
    assert button.parent() is parent
    assert button.icon().isNull()


def test_text_action_has_its_text_and_parent(qtbot: Any) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    action = text_action("&Open…", parent)
    assert action.text() == "&Open…"
    assert action.parent() is parent


def test_add_action_puts_an_action_in_the_menu_that_calls_its_slot(qtbot: Any) -> None:
    menu = QMenu()
    qtbot.addWidget(menu)
    calls: list[bool] = []
    action = add_action(menu, "Copy as curl", lambda: calls.append(True))
    plain = add_action(menu, "(nothing)")
    assert menu.actions() == [action, plain]
    assert action.text() == "Copy as curl"
    action.trigger()
    plain.trigger()
    assert calls == [True]
