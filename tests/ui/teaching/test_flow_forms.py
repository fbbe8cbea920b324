"""The flow editor's base form is abstract: a form must say how it loads and builds."""

from __future__ import annotations

from typing import Any

import pytest

from workbench.ui.teaching.flow_forms import DefinitionForm, SegmentForm


def test_a_form_without_load_and_build_is_refused(qtbot) -> None:
    with pytest.raises(TypeError, match="_load, build"):
        DefinitionForm()

    class HalfForm(DefinitionForm):
        def _load(self, item: dict[str, Any]) -> None:
            pass

    with pytest.raises(TypeError, match="build"):
        HalfForm()


def test_a_complete_form_builds_what_it_loaded(qtbot) -> None:
    form = SegmentForm()
    qtbot.addWidget(form)
    form.load({"id": "big", "condition": "profile@stats.views >= 3", "enabled": False})
    assert form.build() == {"id": "big", "condition": "profile@stats.views >= 3", "enabled": False}
    assert form.original_id == "big"
