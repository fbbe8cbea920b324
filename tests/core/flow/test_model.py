"""Event schemas, mapping rules, segments and the config: checked at save time, round-trip."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import load_data
from workbench.core.flow import (
    DefinitionError,
    EventSchema,
    FlowConfig,
    MappingRule,
    Segment,
    demo_config,
    demo_pack,
    predefined_rules,
)

SCHEMA = load_data("purchase-order-schema.json")
RULE = {
    "id": "plan",
    "name": "Plan from sign-up",
    "event_type": "sign-up",
    "condition": "event@properties.plan exists",
    "operations": [{"op": "set", "target": "profile@traits.plan", "from": "event@properties.plan"}],
    "enabled": True,
}
SEGMENT = {
    "id": "engaged",
    "name": "Engaged",
    "condition": "profile@stats.views >= 3",
    "enabled": True,
}


def error_of(kind: Any, data: Any) -> DefinitionError:
    with pytest.raises(DefinitionError) as info:
        kind.from_dict(data)
    return info.value


def test_schema_validates_properties_and_context() -> None:
    schema = EventSchema.from_dict(
        {**SCHEMA, "context": {"type": "object", "properties": {"page": {"type": "object"}}}}
    )
    assert schema.validate({"properties": {"product": "x", "quantity": 1}}) == []
    issues = schema.validate({"properties": {"product": 5}, "context": {"page": "home"}})
    locations = [(i.location, i.keyword) for i in issues]
    assert locations == [
        ("properties.product", "type"),
        ("properties.quantity", "required"),
        ("context.page", "type"),
    ]
    assert issues[0].message == "properties.product: expected a string, got a number"
    assert schema.validate({}) != []  # missing properties are validated as {}


def test_schema_errors() -> None:
    bad = error_of(EventSchema, {**SCHEMA, "properties": {"type": "strnig"}})
    assert bad.field == "properties"
    assert "not a valid draft 2020-12 JSON Schema" in bad.message
    assert "type" in bad.message
    assert error_of(EventSchema, {"event_type": "x"}).field == "properties"
    assert error_of(EventSchema, {**SCHEMA, "event_type": " "}).field == "event_type"
    assert error_of(EventSchema, {**SCHEMA, "properties": []}).field == "properties"
    assert error_of(EventSchema, {**SCHEMA, "enabled": "yes"}).field == "enabled"
    assert error_of(EventSchema, {**SCHEMA, "json_schema": {}}).field == "json_schema"
    assert error_of(EventSchema, [1]).message.startswith("an event schema must be a JSON object")


def test_rule_errors_are_located() -> None:
    bad_op = {
        **RULE,
        "operations": [
            RULE["operations"][0],
            {"op": "increment", "target": "profile@x", "value": "a"},
        ],
    }
    error = error_of(MappingRule, bad_op)
    assert error.field == "operations[1].value"
    assert str(error) == "operations[1].value: increment needs a number, got a string"
    error = error_of(MappingRule, {**RULE, "condition": "event@properties.plan = 'x'"})
    assert error.field == "condition"
    assert "write '=='" in error.message
    assert "^" in error.message
    assert error_of(MappingRule, {**RULE, "operations": []}).field == "operations"
    assert error_of(MappingRule, {**RULE, "id": "has space"}).field == "id"
    assert error_of(MappingRule, {k: v for k, v in RULE.items() if k != "event_type"}).field == (
        "event_type"
    )


def test_segment_errors() -> None:
    error = error_of(Segment, {**SEGMENT, "condition": "event@type == 'x'"})
    assert error.field == "condition"
    assert "only profile@ paths" in error.message
    assert error_of(Segment, {"id": "x"}).message == "required field is missing"
    assert error_of(Segment, {**SEGMENT, "condition": 3}).field == "condition"


def test_round_trips() -> None:
    assert MappingRule.from_dict(RULE).to_dict() == RULE
    assert Segment.from_dict(SEGMENT).to_dict() == SEGMENT
    assert EventSchema.from_dict(SCHEMA).to_dict() == {**SCHEMA, "enabled": True}
    config = FlowConfig.from_dict({"schemas": [SCHEMA], "rules": [RULE], "segments": [SEGMENT]})
    assert FlowConfig.from_dict(config.to_dict()) == config


def test_config_rejects_duplicates_and_locates_errors() -> None:
    with pytest.raises(DefinitionError, match=r"segments\[1\]\.id: duplicate id 'engaged'"):
        FlowConfig.from_dict({"segments": [SEGMENT, SEGMENT]})
    with pytest.raises(DefinitionError, match=r"rules\[0\]\.operations\[0\]\.target"):
        FlowConfig.from_dict({"rules": [{**RULE, "operations": [{"op": "delete", "target": "x"}]}]})


def test_schema_for_respects_enabled() -> None:
    config = FlowConfig.from_dict({"schemas": [{**SCHEMA, "enabled": False}]})
    assert config.schema_for("purchase-order") is None


def test_predefined_and_demo_pack() -> None:
    rules = predefined_rules()
    assert {r.event_type for r in rules} == {
        "page-view",
        "identification",
        "sign-up",
        "purchase-order",
    }
    assert all(r.predefined for r in rules)
    config = demo_config()
    assert len(config.rules) == 12
    assert len(config.segments) == 11
    assert FlowConfig.from_dict(config.to_dict()) == config
    assert demo_pack()["schemas"] is not demo_pack()["schemas"]


def test_rules_that_disagree_on_a_field_type_are_rejected() -> None:
    sets_text = {
        "id": "label",
        "event_type": "sign-up",
        "operations": [{"op": "set", "target": "profile@traits.score", "value": "high"}],
    }
    counts = {
        "id": "count",
        "event_type": "page-view",
        "operations": [{"op": "increment", "target": "profile@traits.score"}],
    }
    with pytest.raises(DefinitionError) as info:
        FlowConfig.from_dict({"rules": [sets_text, counts]})
    assert info.value.field == "rules[1].operations[0].target"
    assert info.value.message == (
        "increment needs a number but rules[0].operations[0] (rule 'label') sets "
        "profile@traits.score to a string"
    )
    numbers = {
        **sets_text,
        "operations": [{"op": "set", "target": "profile@traits.score", "value": 0}],
    }
    assert len(FlowConfig.from_dict({"rules": [numbers, counts]}).rules) == 2
