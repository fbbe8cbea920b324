from __future__ import annotations

import random
import re
from datetime import UTC, datetime

import pytest

from workbench.core.variables import VariableContext, VariableError, expand, find_variables

FIXED = datetime(2026, 11, 26, 5, 0, 1, 234000, tzinfo=UTC)


def _ctx(**kwargs: object) -> VariableContext:
    return VariableContext(clock=lambda: FIXED, rng=random.Random(1), **kwargs)  # type: ignore[arg-type]


def test_builtins() -> None:
    doc = {
        "id": "{{uuid}}",
        "at": "{{now}}",
        "ts": "{{timestamp}}",
        "label": "t={{timestamp}}",
        "n": "{{ random.int(5, 5) }}",
        "text": "n{{random.int(1,1)}}",
    }
    out = expand(doc, _ctx())
    assert re.fullmatch(r"[0-9a-f-]{36}", out["id"])
    assert out["at"] == "2026-11-26T05:00:01.234Z"
    millis = int(FIXED.timestamp() * 1000)
    assert out["ts"] == millis
    assert out["label"] == f"t={millis}"
    assert out["n"] == 5
    assert out["text"] == "n1"


def test_each_uuid_is_fresh() -> None:
    out = expand(["{{uuid}}", "{{uuid}}"], _ctx())
    assert out[0] != out[1]


def test_identity_and_user_variables() -> None:
    ctx = _ctx(profile_id="p1", session_id="s1", user={"env": "staging", "uuid": "fixed"})
    out = expand(
        {"p": "{{profile.id}}", "s": "{{session.id}}", "e": "x-{{env}}", "u": "{{uuid}}"}, ctx
    )
    assert out == {"p": "p1", "s": "s1", "e": "x-staging", "u": "fixed"}


def test_unknown_profile_id_is_null_as_a_whole_value_and_an_error_inside_text() -> None:
    assert expand({"profile": {"id": "{{profile.id}}"}}, _ctx()) == {"profile": {"id": None}}
    with pytest.raises(VariableError) as info:
        expand({"k": "id={{profile.id}}"}, _ctx())
    assert info.value.location == "k"
    assert "no profile id is remembered" in str(info.value)


def test_unknown_variable_names_it_and_where() -> None:
    with pytest.raises(VariableError) as info:
        expand(
            {"events": [{"type": "ok"}, {"properties": {"x": "{{nope}}"}}]},
            _ctx(),
            location="payload",
        )
    error = info.value
    assert error.name == "nope"
    assert error.location == "payload.events[1].properties.x"
    assert str(error).startswith("{{nope}} at payload.events[1].properties.x: unknown variable")


def test_keys_are_expanded_and_errors_say_key() -> None:
    assert expand({"{{env}}": 1}, _ctx(user={"env": "a"})) == {"a": 1}
    with pytest.raises(VariableError, match=r"at k\{\{x\}\} \(key\)"):
        expand({"k{{x}}": 1}, _ctx())


def test_bad_random_forms() -> None:
    with pytest.raises(VariableError, match="lower bound 5 is above the upper 1"):
        expand("{{random.int(5,1)}}", _ctx())
    with pytest.raises(VariableError, match=r"random.int\(a,b\) with two whole numbers"):
        expand("{{random.int(a)}}", _ctx())


def test_values_without_placeholders_are_returned_as_is() -> None:
    doc = {"a": [1, {"b": "c"}]}
    assert expand(doc, _ctx()) is doc
    assert expand(None) is None


def test_find_variables() -> None:
    assert find_variables({"a": "{{x}} {{y}}", "b": ["{{z}}"]}) == [
        ("x", "a"),
        ("y", "a"),
        ("z", "b[0]"),
    ]
