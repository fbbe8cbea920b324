"""The cheap validity test never says "valid" where the payload schema says otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import example_names, load_data, load_example
from workbench.collector.fast_check import certainly_valid
from workbench.core.flow.fastcheck import compile_check
from workbench.core.validation import payload_schema, validate_payload

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False), st.text(max_size=3)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)
refs = st.one_of(
    json_values, st.fixed_dictionaries({"id": st.one_of(st.text(max_size=3), json_scalars)})
)
events = st.lists(
    st.one_of(
        json_values,
        st.fixed_dictionaries(
            {"type": st.one_of(st.sampled_from(["page-view", " ", ""]), json_scalars)},
            optional={
                "properties": json_values,
                "context": json_values,
                "options": json_values,
                "tags": json_values,
                "id": json_values,
                "time": st.one_of(
                    json_values, st.fixed_dictionaries({}, optional={"insert": json_values})
                ),
            },
        ),
    ),
    max_size=3,
)
payloads = st.fixed_dictionaries(
    {},
    optional={
        "source": refs,
        "session": refs,
        "profile": refs,
        "context": json_values,
        "properties": json_values,
        "request": json_values,
        "events": st.one_of(events, json_values),
        "options": st.one_of(
            json_values, st.dictionaries(st.sampled_from(["debugger", "saveEvents"]), json_scalars)
        ),
        "profile_less": json_scalars,
        "debug": json_scalars,
    },
)


@pytest.mark.slow
@given(payloads)
@settings(max_examples=300, deadline=None)
def test_fast_check_agrees_with_the_schema(payload: dict[str, Any]) -> None:
    if certainly_valid(payload):
        assert validate_payload(payload) == []


@pytest.mark.parametrize("name", [n for n in example_names() if n.startswith("track-")])
def test_documented_examples_take_the_fast_path(name: str) -> None:
    assert certainly_valid(load_example(name))


def test_the_js_tracker_body_takes_the_fast_path() -> None:
    assert certainly_valid(load_data("js-tracker-body.json"))


def test_the_fast_check_is_compiled_from_the_payload_schema() -> None:
    # No hand-written mirror: the shipped schema (with its $defs references) compiles.
    assert compile_check(payload_schema()) is not None
