"""The compiled "certainly valid" check never accepts what jsonschema rejects."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from workbench.core.flow.fastcheck import compile_check

SCHEMA = {
    "type": "object",
    "required": ["product", "quantity"],
    "properties": {
        "product": {"type": "string", "minLength": 1, "pattern": "^[A-Z]"},
        "quantity": {"type": "integer", "minimum": 1, "exclusiveMaximum": 100},
        "tags": {"type": "array", "items": {"enum": ["a", "b", 1]}, "maxItems": 2},
        "kind": {"const": "x"},
    },
    "additionalProperties": {"type": ["string", "null"]},
}


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"product": "Nike", "quantity": 1}, True),
        ({"product": "Nike", "quantity": 1.0}, True),
        ({"product": "Nike", "quantity": True}, False),
        ({"product": "nike", "quantity": 1}, False),
        ({"product": "Nike"}, False),
        ({"product": "Nike", "quantity": 100}, False),
        ({"product": "Nike", "quantity": 2, "tags": ["a", 1]}, True),
        ({"product": "Nike", "quantity": 2, "tags": [True]}, False),
        ({"product": "Nike", "quantity": 2, "note": None, "kind": "x"}, True),
        ({"product": "Nike", "quantity": 2, "note": 3}, False),
        ([], False),
    ],
)
def test_known_answers(document: Any, expected: bool) -> None:
    check = compile_check(SCHEMA)
    assert check is not None
    assert check(document) is expected
    assert Draft202012Validator(SCHEMA).is_valid(document) is expected


@pytest.mark.parametrize(
    "schema",
    [
        {"allOf": [{"type": "string"}]},
        {"type": "object", "patternProperties": {}},
        False,
        {"enum": [{"a": 1}]},
        {"$ref": "https://example.com/other.schema.json"},
        {"$ref": "other.schema.json#/$defs/x"},
        {"$ref": "#/$defs/missing", "$defs": {}},
        {"$ref": "#named", "$defs": {"x": {"$anchor": "named"}}},
        {"$dynamicRef": "#meta"},
        {"properties": {"x": {"$id": "https://example.com/x", "$ref": "#/$defs/y"}}},
    ],
)
def test_unknown_vocabulary_is_left_to_jsonschema(schema: Any) -> None:
    assert compile_check(schema) is None


REF_SCHEMA = {
    "$defs": {
        "name": {"type": "string", "pattern": "\\S"},
        "node": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"$ref": "#/$defs/name"},
                "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
            },
        },
        "a/b~c": {"type": "integer"},
    },
    "definitions": {"flag": {"type": "boolean"}},
    "type": "object",
    "properties": {
        "tree": {"$ref": "#/$defs/node"},
        "flag": {"$ref": "#/definitions/flag"},
        "escaped": {"$ref": "#/$defs/a~1b~0c"},
        "encoded": {"$ref": "#/%24defs/name"},
        "short": {"$ref": "#/$defs/name", "maxLength": 2},
        "again": {"$ref": "#"},
    },
}


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({}, True),
        ({"tree": {"name": "root", "children": [{"name": "leaf", "children": []}]}}, True),
        ({"tree": {"name": "root", "children": [{"name": " "}]}}, False),
        ({"tree": {"name": "root", "children": [{"children": []}]}}, False),
        ({"tree": {"name": "root", "children": [{"name": "x", "children": [{"name": 1}]}]}}, False),
        ({"flag": True}, True),
        ({"flag": 1}, False),
        ({"escaped": 3}, True),
        ({"escaped": "3"}, False),
        ({"encoded": "x"}, True),
        ({"encoded": ""}, False),
        ({"short": "ab"}, True),
        ({"short": "abc"}, False),
        ({"short": " "}, False),
        ({"again": {"again": {"flag": False}}}, True),
        ({"again": {"again": {"flag": "no"}}}, False),
        ({"again": []}, False),
    ],
)
def test_local_refs_are_followed(document: Any, expected: bool) -> None:
    check = compile_check(REF_SCHEMA)
    assert check is not None
    assert check(document) is expected
    assert Draft202012Validator(REF_SCHEMA).is_valid(document) is expected


def test_a_reference_without_end_is_not_trusted() -> None:
    check = compile_check({"$defs": {"loop": {"$ref": "#/$defs/loop"}}, "$ref": "#/$defs/loop"})
    assert check is not None
    assert check({}) is False


_leaf_schemas = st.one_of(
    st.builds(
        lambda t: {"type": t},
        st.sampled_from(["string", "integer", "number", "boolean", "null", "object", "array"]),
    ),
    st.builds(lambda n: {"minLength": n}, st.integers(0, 3)),
    st.builds(lambda n: {"maximum": n}, st.integers(-2, 2)),
    st.builds(lambda n: {"exclusiveMinimum": n}, st.floats(-2, 2)),
    st.builds(
        lambda v: {"enum": v},
        st.lists(st.one_of(st.integers(-1, 1), st.booleans(), st.text(max_size=1)), max_size=3),
    ),
    st.just({"pattern": "^a"}),
)
_schemas = st.recursive(
    _leaf_schemas,
    lambda inner: st.one_of(
        st.builds(
            lambda p: {"type": "object", "properties": p},
            st.dictionaries(st.sampled_from("abc"), inner, max_size=3),
        ),
        st.builds(lambda r: {"required": r}, st.lists(st.sampled_from("abc"), max_size=2)),
        st.builds(lambda i: {"items": i}, inner),
        st.builds(lambda a: {"additionalProperties": a}, st.one_of(st.just(False), inner)),
    ),
    max_leaves=6,
)
_refs = st.sampled_from([{"$ref": "#/$defs/a"}, {"$ref": "#/definitions/b"}, {"$ref": "#"}])
_ref_schemas = st.recursive(
    st.one_of(_leaf_schemas, _refs),
    lambda inner: st.one_of(
        st.builds(
            lambda p: {"type": "object", "properties": p},
            st.dictionaries(st.sampled_from("abc"), inner, max_size=3),
        ),
        st.builds(lambda i: {"type": "array", "items": i}, inner),
        st.builds(lambda r, extra: {**r, **extra}, _refs, _leaf_schemas),
        st.builds(
            lambda t, r, p: {"type": t, "required": r, "properties": p},
            st.sampled_from(["object", ["object", "null"], ["null", "object"]]),
            st.lists(st.sampled_from("abc"), max_size=2),
            st.dictionaries(st.sampled_from("abc"), inner, max_size=3),
        ),
        st.builds(lambda p: {"type": "string", "pattern": p}, st.sampled_from(["\\S", "^a", "b$"])),
    ),
    max_leaves=6,
)
_documents = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-3, 3),
        st.floats(-3, 3),
        st.text(alphabet="ab", max_size=3),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from("abcd"), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=400, deadline=None)
@given(_schemas, _documents)
def test_never_accepts_what_jsonschema_rejects(schema: dict, document: Any) -> None:
    check = compile_check(schema)
    if check is not None and check(document):
        assert Draft202012Validator(schema).is_valid(document)


@settings(max_examples=400, deadline=None)
@given(_ref_schemas, _ref_schemas, _ref_schemas, _documents)
def test_with_refs_never_accepts_what_jsonschema_rejects(
    root: dict[str, Any], a: dict[str, Any], b: dict[str, Any], document: Any
) -> None:
    schema = {**root, "$defs": {"a": a}, "definitions": {"b": b}}
    check = compile_check(schema)
    if check is not None and check(document):
        assert Draft202012Validator(schema).is_valid(document)
