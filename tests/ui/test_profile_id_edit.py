"""The profile id box of the teaching dialogs: filled from an answer, typed ids kept."""

from __future__ import annotations

from workbench.ui.widgets.profile_id_edit import ProfileIdEdit


def test_an_answer_without_profile_keeps_the_typed_id(qtbot) -> None:
    box = ProfileIdEdit("someProfile")
    qtbot.addWidget(box)
    assert box.objectName() == "someProfile"
    assert box.profile_id() == ""
    qtbot.keyClicks(box, "  typed-id ")
    box.set_profile_id(None)
    box.set_profile_id("")
    assert box.profile_id() == "typed-id"
    box.set_profile_id("from-the-answer")
    assert box.profile_id() == "from-the-answer"
