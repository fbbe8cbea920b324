from __future__ import annotations

import pytest

from tests.conftest import example_names, load_data, load_example
from workbench.core.validation import Issue, format_path, validate_payload


@pytest.mark.parametrize("name", [n for n in example_names() if n.startswith("track-")])
def test_documented_examples_are_valid(name: str) -> None:
    assert validate_payload(load_example(name)) == []


def test_js_tracker_body_is_valid() -> None:
    assert validate_payload(load_data("js-tracker-body.json")) == []


def test_missing_source_names_the_field() -> None:
    issues = validate_payload({"events": [{"type": "page-view"}]})
    assert issues == [Issue(("source",), "source: required field is missing", "required")]


def test_blank_event_type_is_reported_at_its_path() -> None:
    issues = validate_payload({"source": {"id": "s"}, "events": [{"type": "ok"}, {"type": "  "}]})
    assert [(i.path, i.keyword) for i in issues] == [(("events", 1, "type"), "pattern")]
    assert issues[0].message == "events[1].type: must not be empty or blank"


def test_wrong_types_say_what_was_expected() -> None:
    issues = validate_payload({"source": {"id": 12}, "events": {}, "options": {"debugger": "true"}})
    by_path = {i.location: i.message for i in issues}
    assert by_path["source.id"] == "source.id: expected a string, got a number"
    assert by_path["events"] == "events: expected a list, got an object"
    assert by_path["options.debugger"].endswith(
        "expected a JSON boolean (true/false), got a string"
    )


def test_non_object_document() -> None:
    issues = validate_payload([1, 2])
    assert issues[0].path == ()
    assert issues[0].keyword == "type"


def test_format_path() -> None:
    assert format_path(()) == "(root)"
    assert format_path(("events", 0, "properties", "x")) == "events[0].properties.x"
