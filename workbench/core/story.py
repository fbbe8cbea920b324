"""The story of one ``/track`` answer, per event, in the order things happened.

:func:`build_story` reads a response body (any server generation, see
:mod:`workbench.core.response_view`) and tells, for each event: whether it was
valid (or which field broke which rule), the rules that ran and what each
changed (path: before → after), the nearest misses (rules for that event type
whose condition failed, with the failing part and its values); then, for the
whole request, the segments entered and left and the segments the profile is
in now. What a generation does not report is said in ``not_reported`` rather
than left out, so an empty list never passes for "nothing happened".

Pure: no Qt, no I/O. The window's Story tab, presenter mode and the
collector's live page all render the same :class:`Story`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from workbench.core.debug_view import DebugView, record_message, short_id
from workbench.core.exchange import Exchange
from workbench.core.response_view import normalize_response

__all__ = [
    "Change",
    "EventStory",
    "Miss",
    "RuleRun",
    "Story",
    "build_story",
    "change_from_dict",
    "story_of_exchange",
]

_SYSTEM_EVENTS = frozenset({"profile-created", "session-opened", "visit-started", "visit-ended"})
_NOT_REPORTED = {
    "validation": "whether each event was valid (and why not)",
    "rules": "which rules ran and what they changed",
    "misses": "which rules nearly ran",
    "changes": "how the profile changed (before → after)",
    "segments_moved": "which segments were entered or left",
    "segments_now": "which segments the profile is in",
}
_NEAREST = 3


def _show(value: Any, limit: int = 60) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Change:
    """One profile field: ``before``/``after`` are display text (``None``: did not exist)."""

    path: str
    before: str | None
    after: str | None
    operation: str = ""

    @property
    def text(self) -> str:
        before = self.before if self.before is not None else "(none)"
        after = self.after if self.after is not None else "(removed)"
        return f"{self.path}: {before} → {after}"


@dataclass(frozen=True)
class RuleRun:
    """A rule that ran for an event, and what it changed (or why it changed nothing)."""

    id: str
    name: str
    changes: tuple[Change, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Miss:
    """A rule for this event type that did not run: why, part by part."""

    id: str
    name: str
    reason: str
    failed: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventStory:
    """One event's part of the story. ``valid`` is None when the server did not say."""

    index: int
    type: str
    id: str | None
    valid: bool | None
    validated: bool | None = None
    problems: tuple[str, ...] = ()
    rules: tuple[RuleRun, ...] = ()
    misses: tuple[Miss, ...] = ()
    skipped: str | None = None
    system: bool = False

    @property
    def changes(self) -> tuple[Change, ...]:
        return tuple(change for rule in self.rules for change in rule.changes)

    @property
    def validation_text(self) -> str:
        if self.valid is None:
            return "validity not reported"
        if not self.valid:
            return "invalid: " + "; ".join(self.problems) if self.problems else "invalid"
        if self.validated is False:
            return "valid (no schema for this type)"
        return "valid"


@dataclass(frozen=True)
class Story:
    """The whole answer's story. ``headline`` is one line; ``not_reported`` what is unknown."""

    format: str
    status: int | None
    headline: str
    events: tuple[EventStory, ...] = ()
    entered: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    segments: tuple[str, ...] | None = None
    rejected: str | None = None
    problems: tuple[str, ...] = ()
    not_reported: tuple[str, ...] = ()
    profile_id: str | None = None

    @property
    def own_events(self) -> tuple[EventStory, ...]:
        """The events the client sent (system events such as profile-created left out)."""
        return tuple(e for e in self.events if not e.system)

    def lines(self) -> list[str]:
        """The story as plain text lines (the live page, logs, tests)."""
        out = [self.headline]
        if self.rejected:
            out.append(f"Rejected: {self.rejected}")
        for problem in self.problems:
            out.append(f"  ! {problem}")
        for event in self.own_events:
            out.append(f"{event.index + 1}. {event.type}: {event.validation_text}")
            if event.skipped:
                out.append(f"   – {event.skipped}")
            for rule in event.rules:
                out.append(f"   ✓ rule {rule.name}")
                out.extend(f"       {change.text}" for change in rule.changes)
                out.extend(f"       ({note})" for note in rule.notes)
            for miss in event.misses:
                out.append(f"   ✗ nearly: {miss.name} — {miss.reason}")
        if self.entered:
            out.append("Entered: " + ", ".join(self.entered))
        if self.left:
            out.append("Left: " + ", ".join(self.left))
        if self.segments is not None:
            out.append("Now in: " + (", ".join(self.segments) or "no segment"))
        for item in self.not_reported:
            out.append(f"Not reported: {item}")
        return out

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["lines"] = self.lines()
        return data


# --- building ---------------------------------------------------------------------------------


def story_of_exchange(exchange: Exchange) -> Story:
    """The story of an exchange (a send, a history entry or an opened file)."""
    return build_story(
        exchange.json,
        status=exchange.status,
        request=exchange.request.body if exchange.request is not None else None,
        view=exchange.view,
    )


def build_story(
    body: Any,
    *,
    status: int | None = None,
    request: Any = None,
    view: DebugView | None = None,
) -> Story:
    """Tell what happened to the events of one answer (see the module docstring).

    *view* (the normalised answer, possibly with admin reads merged in) is
    built from *body* when not given; *request* (the payload as sent) names
    the events when the answer does not.
    """
    if view is None:
        view = normalize_response(body, status=status, request=request)
    if view.format == "error":
        return _rejected_story(view)
    if view.format == "unknown":
        return Story(
            "unknown",
            view.status,
            "The answer is not a /track response Workbench knows",
            not_reported=tuple(_NOT_REPORTED.values()),
        )
    debugging = body.get("debugging") if isinstance(body, dict) else None
    if isinstance(debugging, dict):
        return _documented_story(view, debugging, request)
    stored = (view.events or {}).get("items") if view.events else None
    if isinstance(stored, list) and any(_flow_of(e) for e in stored):
        return _stored_story(view, stored)
    return _silent_story(view, request)


def _headline(view: DebugView) -> str:
    who = "a new profile" if (view.profile or {}).get("new") else "profile"
    if view.profile_less:
        who = "no profile (profile-less)"
    elif view.profile_id:
        who = f"{who} {short_id(view.profile_id, 8)}"
    else:
        who = "no profile id returned"
    return f"HTTP {view.status if view.status is not None else '?'} · {who}"


def _rejected_story(view: DebugView) -> Story:
    problems = tuple(record_message(e) for e in view.errors or [])
    first = problems[0] if problems else "no detail"
    return Story(
        "error",
        view.status,
        f"HTTP {view.status} · the request was rejected: nothing was stored",
        rejected=first,
        problems=problems[1:],
    )


def _sent_types(request: Any) -> list[str]:
    events = request.get("events") if isinstance(request, dict) else None
    if not isinstance(events, list):
        return []
    return [str(e.get("type", "")) for e in events if isinstance(e, dict)]


def change_from_dict(raw: Mapping[str, Any]) -> Change:
    return Change(
        path=str(raw.get("path", "")),
        before=_show(raw["before"]) if "before" in raw else None,
        after=_show(raw["after"]) if "after" in raw else None,
        operation=str(raw.get("operation", "")),
    )


def _rules_of(trace_rules: Any) -> tuple[tuple[RuleRun, ...], tuple[Miss, ...]]:
    runs: list[RuleRun] = []
    misses: list[tuple[int, Miss]] = []
    for raw in trace_rules if isinstance(trace_rules, list) else []:
        if not isinstance(raw, dict):
            continue
        rule_id = str(raw.get("id", ""))
        name = str(raw.get("name") or rule_id)
        if raw.get("matched"):
            notes = [
                f"{item.get('operation')}: {item.get('reason')}"
                for item in raw.get("skipped") or []
                if isinstance(item, dict)
            ]
            notes += [
                f"{item.get('operation')} failed: {item.get('error')}"
                for item in raw.get("failures") or []
                if isinstance(item, dict)
            ]
            runs.append(
                RuleRun(
                    rule_id,
                    name,
                    tuple(
                        change_from_dict(c) for c in raw.get("changes") or [] if isinstance(c, dict)
                    ),
                    tuple(notes),
                )
            )
            continue
        failed = tuple(
            str(part.get("because") or part.get("part"))
            for part in raw.get("failed") or []
            if isinstance(part, dict)
        )
        reason = "; ".join(failed) if failed else str(raw.get("reason") or "did not match")
        # Nearest first: the fewer parts failed, the closer the rule came to running.
        misses.append((len(failed) or 99, Miss(rule_id, name, reason, failed)))
    misses.sort(key=lambda pair: pair[0])
    return tuple(runs), tuple(m for _, m in misses[:_NEAREST])


def _problems(errors: Any) -> tuple[str, ...]:
    return tuple(
        str(e.get("message") or e) if isinstance(e, dict) else str(e)
        for e in (errors if isinstance(errors, list) else [])
    )


def _documented_story(view: DebugView, debugging: dict[str, Any], request: Any) -> Story:
    raw_events = debugging.get("events")
    events_block: dict[str, Any] = raw_events if isinstance(raw_events, dict) else {}
    validation = events_block.get("validation")
    execution = debugging.get("execution")
    traces = execution.get("events") if isinstance(execution, dict) else None
    not_reported: list[str] = []
    by_id: dict[Any, dict[str, Any]] = {}
    if isinstance(traces, list):
        by_id = {t.get("id"): t for t in traces if isinstance(t, dict)}
    events: list[EventStory] = []
    if isinstance(validation, list):
        for position, report in enumerate(r for r in validation if isinstance(r, dict)):
            trace = by_id.get(report.get("id"), {})
            runs, misses = _rules_of(trace.get("rules"))
            event_type = str(report.get("type", ""))
            events.append(
                EventStory(
                    index=int(report.get("index", position)),
                    type=event_type,
                    id=report.get("id"),
                    valid=bool(report.get("valid")),
                    validated=report.get("validated"),
                    problems=_problems(report.get("errors")),
                    rules=runs,
                    misses=misses,
                    skipped=trace.get("skipped"),
                    system=event_type in _SYSTEM_EVENTS,
                )
            )
    else:
        not_reported.append(_NOT_REPORTED["validation"])
        types = _sent_types(request) or [str(t) for t in events_block.get("types") or []]
        events = [EventStory(i, t, None, None) for i, t in enumerate(types)]
    if not isinstance(traces, list):
        not_reported.append(_NOT_REPORTED["rules"])
        if execution not in (None, {}, []):
            not_reported.append(
                "this server's execution section is a workflow trace, not rules: "
                "read it in the Debugger tab"
            )
    segmentation = view.segmentation
    entered: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    segments: tuple[str, ...] | None = None
    if segmentation is None:
        not_reported.extend([_NOT_REPORTED["segments_moved"], _NOT_REPORTED["segments_now"]])
    else:
        segments = tuple(str(s) for s in segmentation.get("ids") or [])
        if "entered" in segmentation or "left" in segmentation:
            entered = tuple(str(s) for s in segmentation.get("entered") or [])
            left = tuple(str(s) for s in segmentation.get("left") or [])
        else:
            not_reported.append(_NOT_REPORTED["segments_moved"])
    problems = _problems(segmentation.get("errors") if segmentation else None)
    return Story(
        view.format,
        view.status,
        _headline(view),
        tuple(events),
        entered,
        left,
        segments,
        problems=problems,
        not_reported=tuple(not_reported),
        profile_id=view.profile_id,
    )


def _flow_of(event: Any) -> dict[str, Any] | None:
    aux = event.get("aux") if isinstance(event, dict) else None
    flow = aux.get("flow") if isinstance(aux, dict) else None
    return flow if isinstance(flow, dict) else None


def _stored_story(view: DebugView, stored: list[Any]) -> Story:
    """A current-format answer whose events were read back (admin reads) with their flow."""
    events: list[EventStory] = []
    for index, event in enumerate(e for e in stored if isinstance(e, dict)):
        flow = _flow_of(event) or {}
        runs, misses = _rules_of(flow.get("rules"))
        event_type = str(event.get("type", ""))
        events.append(
            EventStory(
                index=index,
                type=event_type,
                id=event.get("id"),
                valid=flow.get("valid") if "valid" in flow else None,
                problems=_problems(flow.get("errors")),
                rules=runs,
                misses=misses,
                skipped=flow.get("skipped"),
                system=event_type in _SYSTEM_EVENTS,
            )
        )
    not_reported = (
        [] if any("rules" in (_flow_of(e) or {}) for e in stored) else [_NOT_REPORTED["rules"]]
    )
    profile = (view.profile or {}).get("data")
    last = None
    if isinstance(profile, dict):
        aux = profile.get("aux")
        profile_flow = aux.get("flow") if isinstance(aux, dict) else None
        last = profile_flow.get("last_request") if isinstance(profile_flow, dict) else None
    entered: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    segments: tuple[str, ...] | None = None
    if isinstance(last, dict) and isinstance(last.get("segmentation"), dict):
        seg = last["segmentation"]
        entered = tuple(str(s) for s in seg.get("entered") or [])
        left = tuple(str(s) for s in seg.get("left") or [])
        segments = tuple(str(s) for s in seg.get("ids") or [])
    elif isinstance(profile, dict) and isinstance(profile.get("segments"), list):
        segments = tuple(str(s) for s in profile["segments"])
        not_reported.append(_NOT_REPORTED["segments_moved"])
    else:
        not_reported.extend([_NOT_REPORTED["segments_moved"], _NOT_REPORTED["segments_now"]])
    return Story(
        view.format,
        view.status,
        _headline(view) + " · read back from the stored events",
        tuple(events),
        entered,
        left,
        segments,
        not_reported=tuple(not_reported),
        profile_id=view.profile_id,
    )


def _silent_story(view: DebugView, request: Any) -> Story:
    """A generation (or a request without the debugger) that reports no flow details."""
    types = _sent_types(request) or [str(t) for t in (view.events or {}).get("types") or []]
    events = tuple(EventStory(i, t, None, None) for i, t in enumerate(types))
    why = ""
    for section in ("execution", "segmentation", "events"):
        if section in view.missing:
            why = view.missing[section]
            break
    not_reported = [_NOT_REPORTED[key] for key in ("validation", "rules", "changes")]
    segments: tuple[str, ...] | None = None
    profile = (view.profile or {}).get("data")
    if isinstance(profile, dict) and isinstance(profile.get("segments"), list):
        segments = tuple(str(s) for s in profile["segments"])
        not_reported.append(_NOT_REPORTED["segments_moved"])
    else:
        not_reported.extend([_NOT_REPORTED["segments_moved"], _NOT_REPORTED["segments_now"]])
    if why:
        not_reported.append(f"why: {why}")
    problems = _problems(view.errors) + _problems(view.warnings)
    return Story(
        view.format,
        view.status,
        _headline(view),
        events,
        segments=segments,
        problems=problems,
        not_reported=tuple(not_reported),
        profile_id=view.profile_id,
    )
