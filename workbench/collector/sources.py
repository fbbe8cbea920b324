"""The event-source check, with Tracardi's exact 401 ``detail`` texts.

The texts keep Tracardi's wording (typo "width" included) so that a client
tested against Workbench handles a real server's answer too. The model itself
is :class:`EventSource` (re-exported here from the store's module).
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.store.collector.sources import (
    DEFAULT_SOURCES,
    REST_SOURCE_ID,
    WEBHOOK_SOURCE_ID,
    EventSource,
    source_from_dict,
)

__all__ = [
    "DEFAULT_SOURCES",
    "REST_SOURCE_ID",
    "WEBHOOK_SOURCE_ID",
    "EventSource",
    "SourceRejection",
    "check_source",
    "source_from_dict",
]


@dataclass(frozen=True)
class SourceRejection:
    """Why a source may not send here: the HTTP status and Tracardi's ``detail`` text."""

    status: int
    detail: str


def check_source(
    source: EventSource | None,
    source_id: str,
    *,
    bridge: str,
    accept_any: bool,
    payload_repr: str = "",
) -> SourceRejection | None:
    """None when *source* may send to a *bridge* (``rest``/``webhook``) endpoint."""
    if accept_any:
        return None
    if source is None:
        return SourceRejection(
            401,
            f"Invalid event source `{source_id}`. Request came from IP: `None` "
            f"width payload: {payload_repr}",
        )
    if not source.enabled:
        return SourceRejection(401, "Event source disabled.")
    if bridge not in source.type:
        allowed = [bridge]
        return SourceRejection(
            401,
            f"This endpoint allows only bridges of types {allowed}, but the even source "
            f"`{source.name}`.`{source.id}` has types `{source.type}`. Change bridge type in "
            f"event source `{source.name}` to one that has endpoint type {allowed} or call any "
            f"`{source.type}` endpoint.",
        )
    return None
