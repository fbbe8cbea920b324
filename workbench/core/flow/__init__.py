"""The event flow of the embedded collector: validation, event-to-profile mapping, segments.

Pure and Qt-free. :mod:`paths` reads and writes Tracardi dot notation,
:mod:`conditions` parses the segment/condition language, :mod:`operations` and
:mod:`model` hold checked definitions, :mod:`engine` runs them for one request.
"""

from __future__ import annotations

from workbench.core.flow.conditions import Condition, ConditionError, parse_condition, to_text
from workbench.core.flow.demo import demo_config, demo_pack
from workbench.core.flow.engine import FlowResult, run_flow
from workbench.core.flow.model import ANY_EVENT_TYPE, EventSchema, FlowConfig, MappingRule, Segment
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
