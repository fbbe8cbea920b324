"""The one seam where event processing (validation, mapping, segments, rules) plugs in.

The tracking pipeline resolves the profile and session (§6.1), builds the events
(with the system events of §6.5), then calls :func:`process` **before anything
is stored**, and stores what it returns. What ``process`` reports becomes the
``execution``, ``segmentation`` and ``logs`` of the response's ``debugging``
block (documented format) and ``errors``/``warnings``/``ux``/``response``
(current format; a non-empty ``errors`` list answers HTTP 226 as Tracardi 0.8.2).

Today nothing is configured, so :func:`process` changes nothing and reports an
empty execution and segmentation — which is the truth. The event-flow engine
(``workbench.core.flow``) replaces the body of :func:`process`; the app factory
also accepts another ``processor`` callable with the same signature.

Rules for implementers: run synchronously and quickly (this is the request's
hot path, on the collector's event loop); never mutate the documents in
:class:`ProcessingInput` (they may be the stored ones): return replacements in
:class:`ProcessingResult` instead; raise nothing for bad user data — report it
in ``errors``/``logs``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ProcessingInput", "ProcessingResult", "Processor", "log_record", "process"]


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
    """What processing did. ``None`` for profile/session/events means "unchanged"."""

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


Processor = Callable[[ProcessingInput], ProcessingResult]


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
    """A log record in Tracardi's console shape (§3.1), as ``debugging.logs`` holds them."""
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
    """Run the configured event processing; with nothing configured, report that nothing ran."""
    return ProcessingResult()
