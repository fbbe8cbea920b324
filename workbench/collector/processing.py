"""The one seam where event processing (validation, mapping, segments) plugs in.

The tracking pipeline resolves the profile and session, builds the events
(with the system events), then calls the app's processor **before
anything is stored**, and stores what it returns. What the processor reports
becomes the ``execution``, ``segmentation`` and ``logs`` of the response's
``debugging`` block (documented format) and ``errors``/``warnings`` (current
format; a non-empty ``errors`` list answers HTTP 226 as Tracardi 0.8.2).

:func:`process` is the processor with nothing configured: it changes nothing
and reports an empty execution and segmentation — which is the truth.
:class:`FlowProcessor` runs the event flow of :mod:`workbench.core.flow` from a
:class:`~workbench.store.flow_store.FlowStore`; the app factory installs it
(see :mod:`workbench.collector.flow_routes`).

Rules for implementers: run synchronously and quickly (this is the request's
hot path, on the collector's event loop); never mutate the documents in
:class:`ProcessingInput` (they may be the stored ones): return replacements in
:class:`ProcessingResult` instead; raise nothing for bad user data — report it
in ``errors``/``logs``. The one exception is strict validation, where an
invalid event must fail the whole request: :class:`FlowProcessor` raises
``Rejected(406)`` before anything is stored, as Tracardi 0.6 did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.collector.rejections import Rejected
from workbench.core.flow.engine import FlowResult, run_flow

if TYPE_CHECKING:
    from workbench.collector.config import LiveConfig
    from workbench.store.flow_store import FlowStore

__all__ = [
    "FlowProcessor",
    "ProcessingInput",
    "ProcessingResult",
    "Processor",
    "is_idle",
    "log_record",
    "process",
]


@dataclass(frozen=True)
class ProcessingInput:
    """What one tracked request produced, before it is stored.

    ``profile``/``session`` are None when profile-less / session-less (or not
    being saved); ``events`` are the built event documents (system events
    included); ``payload`` is the request body as parsed; ``source`` the
    :class:`~workbench.collector.sources.EventSource` (None with any-source);
    ``debug`` whether the client asked for debugging output and it is enabled.
    """

    profile: dict[str, Any] | None
    session: dict[str, Any] | None
    events: list[dict[str, Any]]
    payload: dict[str, Any]
    source: Any
    debug: bool
    profile_is_new: bool = False
    session_is_new: bool = False


@dataclass
class ProcessingResult:
    """What processing did. ``None`` for profile/session/events means "unchanged".

    ``event_reports`` (one per event: id, type, valid, errors) extends the
    ``debugging.events`` section so it says which events were valid and why not.
    """

    execution: dict[str, Any] = field(default_factory=dict)
    segmentation: dict[str, Any] = field(default_factory=lambda: {"errors": [], "ids": []})
    logs: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    ux: list[dict[str, Any]] = field(default_factory=list)
    response: dict[str, Any] = field(default_factory=dict)
    profile: dict[str, Any] | None = None
    session: dict[str, Any] | None = None
    events: list[dict[str, Any]] | None = None
    event_reports: list[dict[str, Any]] = field(default_factory=list)


Processor = Callable[[ProcessingInput], ProcessingResult]


def is_idle(processor: Processor) -> bool:
    """Whether *processor* would change and report nothing now (then it need not be called).

    True for :func:`process` and for a :class:`FlowProcessor` with nothing configured;
    a custom processor is always called.
    """
    if processor is process:
        return True
    return isinstance(processor, FlowProcessor) and processor.idle


def log_record(
    message: str,
    *,
    level: str = "info",
    time: str,
    origin: str = "collector",
    event_id: str | None = None,
    profile_id: str | None = None,
    flow_id: str | None = None,
    node_id: str | None = None,
) -> dict[str, Any]:
    """A log record in Tracardi's console shape, as ``debugging.logs`` holds them."""
    return {
        "metadata": {"timestamp": time},
        "event_id": event_id,
        "flow_id": flow_id,
        "node_id": node_id,
        "profile_id": profile_id,
        "origin": origin,
        "class_name": "Workbench",
        "module": "workbench.collector",
        "type": level,
        "message": message,
        "traceback": [],
    }


def process(data: ProcessingInput) -> ProcessingResult:
    """The processor with nothing configured: report that nothing ran."""
    return ProcessingResult()


def _own_event(event: dict[str, Any]) -> dict[str, Any]:
    """A copy of *event* whose metadata (which the engine writes) is its own.

    The engine sets ``metadata.valid`` and replaces ``metadata.processed_by``
    (never changes it in place), so the metadata's own level is all it needs.
    """
    metadata = event.get("metadata")
    own = dict(event)
    if isinstance(metadata, dict):
        own["metadata"] = dict(metadata)
    return own


class FlowProcessor:
    """Runs the event flow of *flow* for each request; strictness from *live*'s config.

    The flow's outcome is stored with the data too, so the ``current`` format's
    clients read the same story through ``GET /event/{id}`` (``aux.flow``: valid
    or not and why, rules run, changes) and ``GET /profile/{id}``
    (``aux.flow``: the last request's segments entered/left and profile diff).
    """

    def __init__(self, flow: FlowStore, live: LiveConfig | None = None) -> None:
        self.flow = flow
        self.live = live

    @property
    def idle(self) -> bool:
        """Whether a call now would do nothing (no schema, rule or segment is configured)."""
        return bool(self.flow.config.empty)

    def _strict(self) -> bool:
        return bool(self.live is not None and self.live.current.strict_validation)

    def __call__(self, data: ProcessingInput) -> ProcessingResult:
        config = self.flow.config
        if config.empty:
            return process(data)
        # A shallow copy is enough: the engine copies nested objects before writing them.
        profile = dict(data.profile) if data.profile is not None else None
        events = [_own_event(event) for event in data.events]
        outcome = run_flow(
            config, profile, data.session, events, strict=self._strict(), trace=data.debug
        )
        if outcome.rejected is not None:
            raise Rejected(406, outcome.rejected)
        _annotate(outcome, profile, events, full=data.debug)
        logs = outcome.logs
        errors = [log for log in logs if log["type"] == "error"] if logs else []
        warnings = [log for log in logs if log["type"] == "warning"] if logs else []
        return ProcessingResult(
            execution=outcome.execution,
            segmentation=outcome.segmentation,
            logs=outcome.logs if data.debug else [],
            errors=errors,
            warnings=warnings,
            profile=profile,
            events=events,
            event_reports=outcome.events,
        )


def _annotate(
    outcome: FlowResult,
    profile: dict[str, Any] | None,
    events: list[dict[str, Any]],
    *,
    full: bool,
) -> None:
    """Store the flow's story with the data, for clients that read it back.

    Always: ``metadata.valid`` and ``metadata.processed_by.rules`` (set by the
    engine) and, on an invalid event, ``aux.flow`` with the issues. With the
    debugger on (the request asked for it; it is also what makes the
    ``current`` format list event ids): each event's full trace in
    ``aux.flow`` and the request's segments and profile diff in the profile's
    ``aux.flow.last_request``. Without it the trace is not stored, which keeps
    the request cheap, as Tracardi's ``TRACK_DEBUG`` does.
    """
    traces = outcome.execution.get("events", [])
    for index, event in enumerate(events):
        report = outcome.events[index]
        if not full and report["valid"]:
            continue
        note: dict[str, Any] = {"valid": report["valid"], "errors": report["errors"]}
        if full and index < len(traces):
            trace = traces[index]
            note["rules"] = trace["rules"]
            if "skipped" in trace:
                note["skipped"] = trace["skipped"]
        if full and index == 0:
            # The request's segments, kept with its first event: a profile's timeline reads
            # what each request left it in (the profile itself keeps only the last request).
            note["request"] = {
                "segments": list(outcome.segmentation.get("ids") or []),
                "entered": list(outcome.segmentation.get("entered") or []),
                "left": list(outcome.segmentation.get("left") or []),
            }
        aux = event.get("aux")
        event["aux"] = {**(aux if isinstance(aux, dict) else {}), "flow": note}
    if profile is None:
        return
    aux = profile.get("aux")
    if not full:
        if isinstance(aux, dict) and "flow" in aux:  # never leave an older request's story
            profile["aux"] = {k: v for k, v in aux.items() if k != "flow"}
        return
    profile["aux"] = {
        **(aux if isinstance(aux, dict) else {}),
        "flow": {
            "last_request": {
                "events": [event.get("id") for event in events],
                "segmentation": outcome.segmentation,
                "profile_diff": outcome.profile_diff,
                "errors": [log["message"] for log in outcome.logs if log["type"] == "error"],
            }
        },
    }
