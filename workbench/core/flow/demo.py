"""The demo pack shipped in ``resources/demo/flow.json``: visitor → engaged → customer.

Trainers load it with ``workbench collector --demo``; it is an ordinary flow
config (schemas, rules, segments), checked like anything a user saves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.core.flow.model import FlowConfig
from workbench.resources import read_json_resource

__all__ = [
    "DEMO_PACK_FILE",
    "DEMO_STORY_FILE",
    "DemoStep",
    "demo_config",
    "demo_pack",
    "demo_story",
]

DEMO_PACK_FILE = ("demo", "flow.json")


def demo_pack() -> dict[str, Any]:
    """The demo pack as JSON (a fresh copy each call)."""
    data: dict[str, Any] = read_json_resource(*DEMO_PACK_FILE)
    return data


def demo_config() -> FlowConfig:
    """The demo pack, built and checked."""
    return FlowConfig.from_dict(demo_pack())


DEMO_STORY_FILE = ("demo", "story.json")


@dataclass(frozen=True)
class DemoStep:
    """One step of a told story: a request's events (and session context) and what it shows."""

    title: str
    explain: str
    events: tuple[dict[str, Any], ...]
    context: dict[str, Any] | None = None
    expect_entered: tuple[str, ...] = ()
    expect_left: tuple[str, ...] = ()

    def payload(self, *, source_id: str, session_id: str, profile_id: str | None) -> dict[str, Any]:
        """The ``/track`` payload of this step, with the debugger on."""
        payload: dict[str, Any] = {
            "source": {"id": source_id},
            "session": {"id": session_id},
            "profile": {"id": profile_id} if profile_id else None,
            "events": [dict(event) for event in self.events],
            "options": {"debugger": True},
        }
        if self.context is not None:
            payload["context"] = dict(self.context)
        return payload


def demo_story() -> tuple[str, tuple[DemoStep, ...]]:
    """The demo pack's story (``resources/demo/story.json``): its title and its steps."""
    data = read_json_resource(*DEMO_STORY_FILE)
    steps = tuple(
        DemoStep(
            title=str(step["title"]),
            explain=str(step.get("explain", "")),
            events=tuple(step["events"]),
            context=step.get("context"),
            expect_entered=tuple(step.get("expect_entered") or ()),
            expect_left=tuple(step.get("expect_left") or ()),
        )
        for step in data["steps"]
    )
    return str(data.get("title", "Demo")), steps
