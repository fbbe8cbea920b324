"""The event flow of the embedded collector: validation, event-to-profile mapping, segments.

Pure and Qt-free. :mod:`paths` reads and writes Tracardi dot notation,
:mod:`conditions` parses the segment/condition language, :mod:`operations` and
:mod:`model` hold checked definitions, :mod:`engine` runs them for one request.

The names below load with their module on first use: :mod:`paths` is read by the
window's answer trees at start-up, and importing the package must not bring in
:mod:`model` (jsonschema) with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbench.core.flow.conditions import Condition, ConditionError, parse_condition, to_text
    from workbench.core.flow.demo import demo_config, demo_pack
    from workbench.core.flow.engine import FlowResult, run_flow
    from workbench.core.flow.model import (
        ANY_EVENT_TYPE,
        EventSchema,
        FlowConfig,
        MappingRule,
        Segment,
    )
    from workbench.core.flow.operations import DefinitionError, Operation
    from workbench.core.flow.paths import FieldPath, PathError, parse_path
    from workbench.core.flow.predefined import PREDEFINED_EVENT_TYPES, predefined_rules

__all__ = [
    "ANY_EVENT_TYPE",
    "PREDEFINED_EVENT_TYPES",
    "Condition",
    "ConditionError",
    "DefinitionError",
    "EventSchema",
    "FieldPath",
    "FlowConfig",
    "FlowResult",
    "MappingRule",
    "Operation",
    "PathError",
    "Segment",
    "demo_config",
    "demo_pack",
    "parse_condition",
    "parse_path",
    "predefined_rules",
    "run_flow",
    "to_text",
]

#: Which module of the package defines each exported name.
_HOMES = {
    "ANY_EVENT_TYPE": "model",
    "PREDEFINED_EVENT_TYPES": "predefined",
    "Condition": "conditions",
    "ConditionError": "conditions",
    "DefinitionError": "operations",
    "EventSchema": "model",
    "FieldPath": "paths",
    "FlowConfig": "model",
    "FlowResult": "engine",
    "MappingRule": "model",
    "Operation": "operations",
    "PathError": "paths",
    "Segment": "model",
    "demo_config": "demo",
    "demo_pack": "demo",
    "parse_condition": "conditions",
    "parse_path": "paths",
    "predefined_rules": "predefined",
    "run_flow": "engine",
    "to_text": "conditions",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
