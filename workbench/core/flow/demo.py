"""The demo pack shipped in ``resources/demo/flow.json``: visitor → engaged → customer.

Trainers load it with ``workbench collector --demo``; it is an ordinary flow
config (schemas, rules, segments), checked like anything a user saves.
"""

from __future__ import annotations

from typing import Any

from workbench.core.flow.model import FlowConfig
from workbench.resources import read_json_resource

__all__ = ["DEMO_PACK_FILE", "demo_config", "demo_pack"]

DEMO_PACK_FILE = ("demo", "flow.json")


def demo_pack() -> dict[str, Any]:
    """The demo pack as JSON (a fresh copy each call)."""
    data: dict[str, Any] = read_json_resource(*DEMO_PACK_FILE)
    return data


def demo_config() -> FlowConfig:
    """The demo pack, built and checked."""
    return FlowConfig.from_dict(demo_pack())
