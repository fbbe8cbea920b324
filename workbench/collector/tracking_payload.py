"""What a tracker payload itself must obey, before any tracking: Tracardi's payload rules.

:func:`check_scheduled` refuses the scheduler's options where Tracardi's internal
scheduler is not the sender; :func:`collect_payload` is the tracker payload that a
``/collect`` webhook call stands for. Both are pure: they read what was sent and
touch no store.
"""

from __future__ import annotations

from typing import Any

from workbench.collector.documents import normalise_type
from workbench.collector.rejections import Rejected

__all__ = [
    "SCHEDULED_COUNT_RULE",
    "SCHEDULED_SOURCE_RULE",
    "check_scheduled",
    "collect_payload",
]

SCHEDULED_SOURCE_RULE = (
    "Scheduled events must be send via internal scheduler event source."  # Tracardi's words
)
SCHEDULED_COUNT_RULE = "Scheduled events may have only one event per tracker payload."


def check_scheduled(payload: dict[str, Any], source_id: str) -> None:
    """Tracardi refuses ``scheduledFlowId`` + ``scheduledNodeId`` outside its scheduler.

    Both options (strings) mark a payload that Tracardi's internal scheduler sends:
    it must come through an internal (``@``) source and hold exactly one event.
    Tracardi raises while reading the payload (HTTP 500); it is the client's
    mistake, so we answer 422 and name the rule that was broken.
    """
    options = payload.get("options")
    if not isinstance(options, dict):
        return
    flow, node = options.get("scheduledFlowId"), options.get("scheduledNodeId")
    if not (isinstance(flow, str) and isinstance(node, str)):
        return
    events = payload.get("events") or []
    if not source_id.startswith("@"):
        rule, loc = SCHEDULED_SOURCE_RULE, ["body", "source", "id"]
        why = (
            f"options.scheduledFlowId and options.scheduledNodeId are set, but source "
            f"`{source_id}` is not an internal ('@') scheduler source"
        )
    elif len(events) != 1:
        rule, loc = SCHEDULED_COUNT_RULE, ["body", "events"]
        why = f"options.scheduledFlowId/scheduledNodeId are set and the payload has {len(events)}"
        why += " events, not exactly one"
    else:
        return
    raise Rejected(
        422,
        [
            {
                "type": "value_error",
                "loc": loc,
                "input": {"scheduledFlowId": flow, "scheduledNodeId": node},
                "msg": f"Value error, {rule} ({why}; Tracardi answers this with HTTP 500)",
            }
        ],
    )


def collect_payload(
    event_type: str, source_id: str, session_id: str | None, properties: dict[str, Any]
) -> dict[str, Any]:
    """The tracker payload a ``/collect`` call stands for."""
    event_type = event_type.strip()
    if not normalise_type(event_type):
        raise Rejected(
            422,
            [
                {
                    "type": "value_error",
                    "loc": ["path", "event_type"],
                    "input": event_type,
                    "msg": "event_type: must not be empty or blank (e.g. /collect/page-view/...)",
                }
            ],
        )
    payload: dict[str, Any] = {
        "source": {"id": source_id},
        "events": [{"type": event_type, "properties": properties}],
    }
    if session_id is not None:
        payload["session"] = {"id": session_id}
    return payload
