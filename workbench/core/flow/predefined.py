"""Predefined event types and their usual effects on the profile, as ordinary (editable) rules.

Tracardi ships predefined event types whose data lands in fixed profile fields:
a page view counts a view, identification and sign-up fill the
contact e-mail and name, a purchase order adds to the purchases and the
lifetime value. Here they are plain :class:`MappingRule` definitions marked
``predefined``, so a user can see, edit or delete them like any other rule.
"""

from __future__ import annotations

from typing import Any

from workbench.core.flow.model import MappingRule

__all__ = ["PREDEFINED_EVENT_TYPES", "predefined_rule_dicts", "predefined_rules"]

PREDEFINED_EVENT_TYPES = ("page-view", "identification", "sign-up", "purchase-order")


def _contact_operations() -> list[dict[str, Any]]:
    return [
        {
            "op": "set",
            "target": "profile@data.contact.email.main",
            "from": "event@properties.email",
        },
        {"op": "set", "target": "profile@data.pii.firstname", "from": "event@properties.firstname"},
        {"op": "set", "target": "profile@data.pii.lastname", "from": "event@properties.lastname"},
    ]


def predefined_rule_dicts() -> list[dict[str, Any]]:
    """The predefined rules as JSON definitions (fresh copies)."""
    return [
        {
            "id": "predefined-page-view",
            "name": "Page view counts a view",
            "event_type": "page-view",
            "operations": [{"op": "increment", "target": "profile@stats.views", "value": 1}],
            "predefined": True,
        },
        {
            "id": "predefined-identification",
            "name": "Identification fills contact e-mail and name",
            "event_type": "identification",
            "operations": _contact_operations(),
            "predefined": True,
        },
        {
            "id": "predefined-sign-up",
            "name": "Sign-up fills contact e-mail and name",
            "event_type": "sign-up",
            "operations": _contact_operations(),
            "predefined": True,
        },
        {
            "id": "predefined-purchase-order",
            "name": "Purchase order adds to purchases and lifetime value",
            "event_type": "purchase-order",
            "operations": [
                {
                    "op": "append",
                    "target": "profile@data.preferences.purchases",
                    "from": "event@properties.product",
                    "unique": True,
                },
                {"op": "increment", "target": "profile@stats.counters.purchases", "value": 1},
                {
                    "op": "increment",
                    "target": "profile@data.metrics.ltv",
                    "from": "event@properties.value",
                },
            ],
            "predefined": True,
        },
    ]


def predefined_rules() -> list[MappingRule]:
    """The predefined rules, built and checked."""
    return [MappingRule.from_dict(data) for data in predefined_rule_dicts()]
