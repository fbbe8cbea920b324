"""Definitions of the event flow: event schemas, mapping rules, segments, and the whole config.

Every definition is checked when it is built from JSON (``from_dict``): a
schema that is not valid draft 2020-12, a condition that does not parse, a
malformed path or an operation on the wrong type raises
:class:`~workbench.core.flow.operations.DefinitionError` naming the field, so
the API answers 4xx with that message and nothing half-valid is ever stored.
``to_dict`` gives back what ``from_dict`` accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from workbench.core.flow.condition_codegen import Predicates, compile_predicates
from workbench.core.flow.conditions import Condition, ConditionError, Evaluator
from workbench.core.flow.fastcheck import Check, compile_check
from workbench.core.flow.operations import DefinitionError, Operation, check_json_value
from workbench.core.flow.paths import describe_kind
from workbench.core.flow.quick_ops import QuickOperation, quick_operation
from workbench.core.json_types import json_type, type_phrase
from workbench.core.validation import Issue, format_path, validate_with

__all__ = ["ANY_EVENT_TYPE", "EventSchema", "FlowConfig", "MappingRule", "Segment"]

#: A rule whose event type is ``*`` runs for every valid event.
ANY_EVENT_TYPE = "*"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-.:]{0,127}")


def _require_object(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise DefinitionError("", f"{what} must be a JSON object, got {describe_kind(data)}")
    return data


def _reject_unknown(data: dict[str, Any], allowed: set[str], what: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        fields = ", ".join(sorted(allowed))
        raise DefinitionError(unknown[0], f"unknown field in {what}; allowed: {fields}")


def _text(data: dict[str, Any], key: str, *, required: bool, default: str = "") -> str:
    value = data.get(key, None if required else default)
    if value is None and required:
        raise DefinitionError(key, "required field is missing")
    if not isinstance(value, str):
        raise DefinitionError(key, f"expected a string, got {describe_kind(value)}")
    if required and not value.strip():
        raise DefinitionError(key, "must not be empty or blank")
    return value


def _identifier(data: dict[str, Any], key: str) -> str:
    value = _text(data, key, required=True)
    if not _ID.fullmatch(value):
        raise DefinitionError(
            key,
            f"{value!r} is not a usable id: 1-128 letters, digits, '_', '-', '.', ':' "
            "starting with a letter or digit",
        )
    return value


def _flag(data: dict[str, Any], key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise DefinitionError(
            key, f"expected a JSON boolean (true/false), got {describe_kind(value)}"
        )
    return value


def _condition(
    data: dict[str, Any], key: str, roots: tuple[str, ...], required: bool
) -> Condition | None:
    raw = data.get(key)
    if raw is None or (not required and isinstance(raw, str) and not raw.strip()):
        if required:
            raise DefinitionError(key, "required field is missing")
        return None
    if not isinstance(raw, str):
        raise DefinitionError(key, f"expected a condition string, got {describe_kind(raw)}")
    try:
        return Condition.parse(raw, roots=roots)
    except ConditionError as exc:
        raise DefinitionError(key, f"{exc}\n{exc.pointer()}") from None


# --- event schemas ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EventSchema:
    """JSON Schemas (draft 2020-12) for one event type's ``properties`` and ``context``."""

    event_type: str
    properties: dict[str, Any] | bool | None = None
    context: dict[str, Any] | bool | None = None
    enabled: bool = True
    description: str = ""

    @property
    def id(self) -> str:
        return self.event_type

    @classmethod
    def from_dict(cls, data: Any) -> EventSchema:
        data = _require_object(data, "an event schema")
        _reject_unknown(
            data,
            {"event_type", "properties", "context", "enabled", "description"},
            "an event schema",
        )
        event_type = _text(data, "event_type", required=True)
        if event_type != event_type.strip():
            raise DefinitionError("event_type", "must not start or end with spaces")
        schemas: dict[str, Any] = {}
        for key in ("properties", "context"):
            schema = data.get(key)
            if schema is None:
                schemas[key] = None
                continue
            if not isinstance(schema, dict | bool):
                raise DefinitionError(
                    key, f"expected a JSON Schema object, got {describe_kind(schema)}"
                )
            check_json_value(schema, key)
            try:
                Draft202012Validator.check_schema(schema)
            except SchemaError as exc:
                where = format_path(list(exc.path)) if exc.path else "(root)"
                raise DefinitionError(
                    key, f"not a valid draft 2020-12 JSON Schema at {where}: {exc.message}"
                ) from None
            schemas[key] = schema
        if schemas["properties"] is None and schemas["context"] is None:
            raise DefinitionError("properties", "give a schema for properties, context or both")
        return cls(
            event_type=event_type,
            properties=schemas["properties"],
            context=schemas["context"],
            enabled=_flag(data, "enabled", True),
            description=_text(data, "description", required=False),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"event_type": self.event_type, "enabled": self.enabled}
        if self.description:
            out["description"] = self.description
        if self.properties is not None:
            out["properties"] = self.properties
        if self.context is not None:
            out["context"] = self.context
        return out

    @cached_property
    def _validators(self) -> tuple[tuple[str, Draft202012Validator, Check | None], ...]:
        return tuple(
            (key, Draft202012Validator(schema), compile_check(schema))
            for key, schema in (("properties", self.properties), ("context", self.context))
            if schema is not None
        )

    def validate(self, event: dict[str, Any]) -> list[Issue]:
        """Issues for *event* (paths start at ``properties``/``context``); empty when valid."""
        issues: list[Issue] = []
        for key, validator, certainly_valid in self._validators:
            document = event.get(key)
            if document is None:
                document = {}
            if certainly_valid is not None and certainly_valid(document):
                continue  # the compiled check is sure; jsonschema judges everything else
            for issue in validate_with(validator, document):
                path = (key, *issue.path)
                message = issue.message
                inner = format_path(issue.path)
                if message.startswith(f"{inner}: "):
                    message = message[len(inner) + 2 :]
                issues.append(Issue(path, f"{format_path(path)}: {message}", issue.keyword))
        return issues


# --- mapping rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MappingRule:
    """Event type (+ optional condition) → operations on the profile, run in order."""

    id: str
    event_type: str
    operations: tuple[Operation, ...]
    name: str = ""
    condition: Condition | None = None
    enabled: bool = True
    description: str = ""
    predefined: bool = False

    @classmethod
    def from_dict(cls, data: Any) -> MappingRule:
        data = _require_object(data, "a mapping rule")
        _reject_unknown(
            data,
            {
                "id",
                "name",
                "event_type",
                "condition",
                "operations",
                "enabled",
                "description",
                "predefined",
            },
            "a mapping rule",
        )
        rule_id = _identifier(data, "id")
        event_type = _text(data, "event_type", required=True)
        raw_operations = data.get("operations")
        if not isinstance(raw_operations, list) or not raw_operations:
            raise DefinitionError("operations", "expected a non-empty list of operations")
        operations = []
        for index, raw in enumerate(raw_operations):
            try:
                operations.append(Operation.from_dict(raw))
            except DefinitionError as exc:
                raise exc.within(f"operations[{index}]") from None
        return cls(
            id=rule_id,
            event_type=event_type,
            operations=tuple(operations),
            name=_text(data, "name", required=False),
            condition=_condition(data, "condition", ("event", "session", "profile"), False),
            enabled=_flag(data, "enabled", True),
            description=_text(data, "description", required=False),
            predefined=_flag(data, "predefined", False),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name or self.id,
            "event_type": self.event_type,
        }
        if self.condition is not None:
            out["condition"] = self.condition.text
        out["operations"] = [op.to_dict() for op in self.operations]
        out["enabled"] = self.enabled
        if self.description:
            out["description"] = self.description
        if self.predefined:
            out["predefined"] = True
        return out

    def applies_to(self, event_type: str) -> bool:
        return self.event_type in (event_type, ANY_EVENT_TYPE)

    @cached_property
    def quick_condition(self) -> Predicates | None:
        """The condition compiled for the quiet path (see :mod:`condition_codegen`)."""
        return compile_predicates([self.condition.tree]) if self.condition is not None else None

    @cached_property
    def quick_operations(self) -> tuple[tuple[Operation, QuickOperation], ...]:
        """Each operation with its specialised quiet-path function (built once)."""
        return tuple((operation, quick_operation(operation)) for operation in self.operations)


# --- segments --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A named condition over the profile; the profile is in the segment while it holds."""

    id: str
    condition: Condition
    name: str = ""
    enabled: bool = True
    description: str = ""

    @classmethod
    def from_dict(cls, data: Any) -> Segment:
        data = _require_object(data, "a segment")
        _reject_unknown(data, {"id", "name", "condition", "enabled", "description"}, "a segment")
        segment_id = _identifier(data, "id")
        condition = _condition(data, "condition", ("profile",), True)
        assert condition is not None
        return cls(
            id=segment_id,
            condition=condition,
            name=_text(data, "name", required=False),
            enabled=_flag(data, "enabled", True),
            description=_text(data, "description", required=False),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name or self.id,
            "condition": self.condition.text,
            "enabled": self.enabled,
        }
        if self.description:
            out["description"] = self.description
        return out


# --- the whole config ------------------------------------------------------------------------

_NEEDS = {"increment": "number", "append": "array"}


def _literal_type(value: Any) -> str | None:
    return None if value is None else json_type(value)


def _check_rule_types(rules: tuple[MappingRule, ...]) -> None:
    """Reject rules that disagree on a field's type (one sets text, another increments it).

    Each rule checks alone when it is saved; this catches the mistakes that only
    show between rules, before they fail at run time on every request.
    """
    written: dict[tuple[str, ...], tuple[str, str]] = {}  # keys -> (type, where)
    needed: dict[tuple[str, ...], tuple[str, str, str]] = {}  # keys -> (type, op, where)
    for r_index, rule in enumerate(rules):
        for o_index, operation in enumerate(rule.operations):
            where = f"rules[{r_index}].operations[{o_index}]"
            keys = operation.target.keys
            if operation.kind in ("set", "set_if_empty") and operation.has_value:
                kind = _literal_type(operation.value)
                if kind is not None:
                    written.setdefault(keys, (kind, f"{where} (rule {rule.id!r})"))
            elif operation.kind in _NEEDS:
                needed.setdefault(keys, (_NEEDS[operation.kind], operation.kind, where))
    for keys, (kind, op, where) in needed.items():
        other = written.get(keys)
        if other is not None and other[0] != kind:
            raise DefinitionError(
                f"{where}.target",
                f"{op} needs {_kind_article(kind)} but {other[1]} sets profile@{'.'.join(keys)} "
                f"to {_kind_article(other[0])}",
            )


def _kind_article(kind: str) -> str:
    return type_phrase(kind)


@dataclass(frozen=True)
class FlowConfig:
    """Everything the engine needs for one request; immutable, so a request sees one version."""

    schemas: tuple[EventSchema, ...] = ()
    rules: tuple[MappingRule, ...] = ()
    segments: tuple[Segment, ...] = ()
    _schema_index: dict[str, EventSchema] = field(default_factory=dict, compare=False, repr=False)
    _rule_index: dict[str, tuple[MappingRule, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        for kind, ids in (
            ("schemas", [s.id for s in self.schemas]),
            ("rules", [r.id for r in self.rules]),
            ("segments", [s.id for s in self.segments]),
        ):
            seen: set[str] = set()
            for index, item_id in enumerate(ids):
                if item_id in seen:
                    raise DefinitionError(f"{kind}[{index}].id", f"duplicate id {item_id!r}")
                seen.add(item_id)
        _check_rule_types(self.rules)
        self._schema_index.update({s.event_type: s for s in self.schemas})

    @cached_property
    def enabled_segment_ids(self) -> frozenset[str]:
        """Ids of the segments that are evaluated (the ones a profile can enter or leave)."""
        return frozenset(s.id for s in self.segments if s.enabled)

    @cached_property
    def segment_checks(self) -> tuple[tuple[str, Evaluator], ...]:
        """``(id, compiled condition)`` of the enabled segments, in order (built once)."""
        return tuple((s.id, s.condition.evaluator) for s in self.segments if s.enabled)

    @cached_property
    def enabled_segment_order(self) -> tuple[str, ...]:
        """Ids of the enabled segments, in the order of :attr:`segment_checks`."""
        return tuple(s.id for s in self.segments if s.enabled)

    @cached_property
    def segment_predicates(self) -> Predicates:
        """All enabled segments' conditions as one generated function, in the order of
        :attr:`segment_checks`; a ``None`` answer means: ask that segment's evaluator."""
        return compile_predicates([s.condition.tree for s in self.segments if s.enabled])

    @property
    def empty(self) -> bool:
        return not (self.schemas or self.rules or self.segments)

    def rules_for(self, event_type: str) -> tuple[MappingRule, ...]:
        """The rules that apply to *event_type* (its own and ``*``), in order; cached."""
        rules = self._rule_index.get(event_type)
        if rules is None:
            rules = tuple(rule for rule in self.rules if rule.applies_to(event_type))
            if len(self._rule_index) < 1024:  # event types are open-ended: bound the cache
                self._rule_index[event_type] = rules
        return rules

    def schema_for(self, event_type: str) -> EventSchema | None:
        """The enabled schema of *event_type*, if any."""
        schema = self._schema_index.get(event_type)
        return schema if schema is not None and schema.enabled else None

    @classmethod
    def from_dict(cls, data: Any) -> FlowConfig:
        data = _require_object(data, "a flow config")
        _reject_unknown(
            data, {"schemas", "rules", "segments", "version", "description"}, "a flow config"
        )
        built: dict[str, tuple[Any, ...]] = {}
        for key, kind in (("schemas", EventSchema), ("rules", MappingRule), ("segments", Segment)):
            raw = data.get(key, [])
            if not isinstance(raw, list):
                raise DefinitionError(key, f"expected a list, got {describe_kind(raw)}")
            items = []
            for index, item in enumerate(raw):
                try:
                    items.append(kind.from_dict(item))
                except DefinitionError as exc:
                    raise exc.within(f"{key}[{index}]") from None
            built[key] = tuple(items)
        return cls(built["schemas"], built["rules"], built["segments"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            "schemas": [s.to_dict() for s in self.schemas],
            "rules": [r.to_dict() for r in self.rules],
            "segments": [s.to_dict() for s in self.segments],
        }
