"""The one confirmation of the user interface, driven through a real message box."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from workbench.ui.prompts import Prompts

Buttons = QMessageBox.StandardButton


def _answer_with(press: Callable[[QMessageBox], None], seen: list[QMessageBox]) -> QTimer:
    """Once the confirmation is open, note it and *press* one of its buttons."""
    timer = QTimer()
    timer.setInterval(10)

    def look() -> None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
        shown = [b for b in boxes if b.isVisible()]
        if shown:
            timer.stop()
            seen.append(shown[0])
            press(shown[0])

    timer.timeout.connect(look)
    timer.start()
    return timer


def test_confirm_offers_yes_and_cancel_with_cancel_the_default(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[QMessageBox] = []
    timer = _answer_with(lambda box: box.button(Buttons.Yes).click(), seen)
    assert Prompts.confirm(parent, "Replace?", "Replace the flow?") is True
    timer.stop()
    box = seen[0]
    assert box.standardButtons() == Buttons.Yes | Buttons.Cancel
    assert box.defaultButton() is box.button(Buttons.Cancel)
    assert box.windowTitle() == "Replace?"
    assert box.text() == "Replace the flow?"


def test_confirm_is_false_for_cancel(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[QMessageBox] = []
    timer = _answer_with(lambda box: box.button(Buttons.Cancel).click(), seen)
    assert Prompts.confirm(parent, "Delete?", "Delete it?") is False
    timer.stop()
    assert len(seen) == 1


def test_confirm_is_false_when_the_box_is_closed_without_an_answer(qtbot) -> None:
    """Escape (or the window's close button) answers as Cancel does."""
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[QMessageBox] = []
    timer = _answer_with(lambda box: box.reject(), seen)
    assert Prompts.confirm(parent, "Delete?", "Delete it?") is False
    timer.stop()
    assert len(seen) == 1
