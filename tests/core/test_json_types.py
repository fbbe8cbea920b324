from __future__ import annotations

import json
from typing import Any

import pytest

from workbench.core.json_types import JSON_TYPES, TYPE_PHRASES, json_type, json_type_name


@pytest.mark.parametrize(
    ("text", "name", "phrase"),
    [
        ("null", "null", "null"),
        ("true", "boolean", "a boolean"),
        ("false", "boolean", "a boolean"),
        ("0", "number", "a number"),
        ("1.5", "number", "a number"),
        ("123456789012345678901234567890", "number", "a number"),
        ('""', "string", "a string"),
        ("[]", "array", "a list"),
        ("{}", "object", "an object"),
    ],
)
def test_every_json_value_has_its_schema_name_and_phrase(text: str, name: str, phrase: str) -> None:
    value = json.loads(text)
    assert json_type(value) == name
    assert json_type_name(value) == phrase


def test_every_name_has_a_phrase() -> None:
    assert set(TYPE_PHRASES) == set(JSON_TYPES)


@pytest.mark.parametrize("value", [b"x", (1,), {1, 2}])
def test_non_json_values_are_named_by_their_class(value: Any) -> None:
    assert json_type(value) == type(value).__name__
    assert json_type_name(value) == type(value).__name__


def test_the_ui_and_the_validation_messages_use_the_core_names() -> None:
    from workbench.core import validation
    from workbench.ui.models import json_tree

    assert json_tree.json_type is json_type
    assert validation.json_type_name is json_type_name
