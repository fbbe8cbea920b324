"""The event source model and the two sources a fresh collector has.

It lives next to the store that persists it; :mod:`workbench.collector.sources`
re-exports it with the source check, and ``workbench.collector`` exports
:class:`EventSource` as part of its public API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DEFAULT_SOURCES",
    "REST_SOURCE_ID",
    "WEBHOOK_SOURCE_ID",
    "EventSource",
    "source_from_dict",
]

REST_SOURCE_ID = "source-id"
WEBHOOK_SOURCE_ID = "webhook-source-id"
_SOURCE_TYPES = ("rest", "webhook")


@dataclass(frozen=True)
class EventSource:
    """One inbound traffic source; ``type`` lists the bridges it accepts (``rest``, ``webhook``)."""

    id: str
    name: str
    type: list[str] = field(default_factory=lambda: ["rest"])
    enabled: bool = True
    requires_consent: bool = False
    description: str = "No description provided"

    def to_dict(self) -> dict[str, Any]:
        """The shape Tracardi's ``GET /event-source/{id}`` answers with (the fields we model)."""
        return {
            "id": self.id,
            "name": self.name,
            "type": list(self.type),
            "enabled": self.enabled,
            "requires_consent": self.requires_consent,
            "description": self.description,
            "bridge": _bridge_for(self.type),
            "tags": ["general"],
            "groups": [],
            "transitional": False,
            "channel": "",
        }


def _bridge_for(types: list[str]) -> dict[str, str]:
    if "webhook" in types:
        return {"id": "3d8bb87e-28d1-4a38-b19c-d0c1fbb71e22", "name": "Webhook API Bridge"}
    return {"id": "778ded05-4ff3-4e08-9a86-72c0195fa95d", "name": "REST API Bridge"}


DEFAULT_SOURCES = (
    EventSource(
        id=REST_SOURCE_ID,
        name="Workbench REST source",
        type=["rest"],
        description="The source id used by Tracardi's documentation examples.",
    ),
    EventSource(
        id=WEBHOOK_SOURCE_ID,
        name="Workbench webhook source",
        type=["webhook"],
        description="For POST|GET /collect/{event_type}/webhook-source-id[/{session_id}].",
    ),
)


def source_from_dict(data: Any) -> EventSource:
    """Build a source from JSON, raising ``ValueError`` that names the bad field."""
    if not isinstance(data, dict):
        raise ValueError("the event source must be a JSON object")
    source_id = data.get("id")
    if not isinstance(source_id, str) or not source_id.strip():
        raise ValueError("id: expected a non-empty string")
    source_id = source_id.strip().lower()
    if source_id.startswith("@"):
        raise ValueError("id: must not start with '@' (internal sources are not allowed via API)")
    name = data.get("name", source_id)
    if not isinstance(name, str) or not name.strip():
        raise ValueError("name: expected a non-empty string")
    types = data.get("type", ["rest"])
    if isinstance(types, str):
        types = [types]
    if not isinstance(types, list) or not types or any(t not in _SOURCE_TYPES for t in types):
        raise ValueError("type: expected a list of 'rest' and/or 'webhook'")
    enabled = data.get("enabled", True)
    consent = data.get("requires_consent", False)
    for key, value in (("enabled", enabled), ("requires_consent", consent)):
        if not isinstance(value, bool):
            raise ValueError(f"{key}: expected true or false")
    description = data.get("description", "No description provided")
    if not isinstance(description, str):
        raise ValueError("description: expected a string")
    return EventSource(
        id=source_id,
        name=name.strip(),
        type=list(dict.fromkeys(types)),
        enabled=enabled,
        requires_consent=consent,
        description=description,
    )
