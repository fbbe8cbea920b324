"""How one profile changed, request by request, from the events the collector stored.

The embedded collector keeps every event with its flow outcome (``aux.flow``:
valid or not, the rules that ran and their changes) when the request was sent
with the debugger on; the first event of such a request also holds the
segments the profile was in afterwards (``aux.flow.request``). Events of one
request share their insert time. :func:`build_timeline` groups them back into
requests, oldest first. A request sent without the debugger still appears
(its event types and the rules that ran, from ``metadata.processed_by``), and
says that its changes and segments were not recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from workbench.core.story import Change, change_from_dict

__all__ = ["TimelineStep", "build_timeline"]

_SYSTEM_EVENTS = frozenset({"profile-created", "session-opened", "visit-started", "visit-ended"})


@dataclass(frozen=True)
class TimelineStep:
    """One request in a profile's life. ``segments`` is None when it was not recorded."""

    time: str
    event_types: tuple[str, ...]
    rules: tuple[str, ...]
    changes: tuple[Change, ...]
    segments: tuple[str, ...] | None
    entered: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    invalid: tuple[str, ...] = ()
    session_id: str | None = None

    @property
    def recorded(self) -> bool:
        """True when the request was sent with the debugger on (changes and segments known)."""
        return self.segments is not None

    def summary(self) -> str:
        types = ", ".join(t for t in self.event_types if t not in _SYSTEM_EVENTS) or "system events"
        parts = [types]
        if self.changes:
            parts.append(f"{len(self.changes)} change{'s' if len(self.changes) != 1 else ''}")
        if self.entered:
            parts.append("entered " + ", ".join(self.entered))
        if self.left:
            parts.append("left " + ", ".join(self.left))
        if self.invalid:
            parts.append(f"{len(self.invalid)} invalid")
        if not self.recorded:
            parts.append("sent without the debugger: changes and segments not recorded")
        return " · ".join(parts)


def _time_of(event: dict[str, Any]) -> str:
    metadata = event.get("metadata")
    times = metadata.get("time") if isinstance(metadata, dict) else None
    insert = times.get("insert") if isinstance(times, dict) else None
    return str(insert) if insert else ""


def _flow_of(event: dict[str, Any]) -> dict[str, Any]:
    aux = event.get("aux")
    flow = aux.get("flow") if isinstance(aux, dict) else None
    return flow if isinstance(flow, dict) else {}


def _rules_ran(event: dict[str, Any]) -> list[str]:
    metadata = event.get("metadata")
    processed = metadata.get("processed_by") if isinstance(metadata, dict) else None
    rules = processed.get("rules") if isinstance(processed, dict) else None
    return [str(r) for r in rules] if isinstance(rules, list) else []


def build_timeline(events: Iterable[Any]) -> list[TimelineStep]:
    """The requests behind *events*, oldest first.

    *events* are one profile's stored events newest first, as
    ``CollectorStore.events_for_profile`` lists them (requests are told apart by
    insert time, so any order works; within a request the stored order is kept).
    """
    ordered = [e for e in reversed(list(events)) if isinstance(e, dict)]
    groups: dict[str, list[dict[str, Any]]] = {}
    for event in ordered:
        if event.get("type") not in _SYSTEM_EVENTS:
            groups.setdefault(_time_of(event), []).append(event)
    # System events are back-dated a few seconds before the request that caused them
    # (as Tracardi does): they join the first request at or after their time.
    times = sorted(groups)
    for event in ordered:
        if event.get("type") in _SYSTEM_EVENTS:
            stamp = _time_of(event)
            owner = next((t for t in times if t >= stamp), None)
            groups.setdefault(owner if owner is not None else stamp, []).append(event)
    steps = []
    for time in sorted(groups):
        group = groups[time]
        changes: list[Change] = []
        rules: list[str] = []
        invalid: list[str] = []
        request: dict[str, Any] | None = None
        for event in group:
            flow = _flow_of(event)
            rules.extend(r for r in _rules_ran(event) if r not in rules)
            if flow.get("valid") is False:
                invalid.append(str(event.get("type", "")))
            for rule in flow.get("rules") or []:
                if isinstance(rule, dict) and rule.get("matched"):
                    changes.extend(
                        change_from_dict(c)
                        for c in rule.get("changes") or []
                        if isinstance(c, dict)
                    )
            if isinstance(flow.get("request"), dict):
                request = flow["request"]
        session = group[0].get("session")
        steps.append(
            TimelineStep(
                time=time,
                event_types=tuple(str(e.get("type", "")) for e in group),
                rules=tuple(rules),
                changes=tuple(changes),
                segments=tuple(str(s) for s in request.get("segments") or [])
                if request is not None
                else None,
                entered=tuple(str(s) for s in (request or {}).get("entered") or []),
                left=tuple(str(s) for s in (request or {}).get("left") or []),
                invalid=tuple(invalid),
                session_id=session.get("id") if isinstance(session, dict) else None,
            )
        )
    return steps
