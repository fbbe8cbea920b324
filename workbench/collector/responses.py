"""The three ``/track`` response formats (one per Tracardi generation).

``documented`` (default, Tracardi 0.7.3, the user's document):
``{"profile": {"id"}, "source": {"consent"}, "ux": [], "response": {}}``, plus
``debugging`` when the client sent ``options.debugger: true`` and the collector's
debugger setting is on, and the full profile when ``options.profile`` is true.

``counters`` (Tracardi 0.7.4 – 0.8.1): ``{task, ux, response, profile: {id}}``
(``profile`` left out when profile-less); with the debugger, ``event: {ids,
saved}``, ``session: {id, saved}`` and ``profile: {id, saved}`` say what was
written. As in 0.8.1, ``event.saved`` counts bulk writes (1 when any event was
written, else 0); ``event.ids`` lists every event written.

``current`` (Tracardi 0.8.2+): ``{task, ux, response, events, profile: {id},
session: {id}, errors, warnings}``; ``events`` holds ids only with the debugger;
a non-empty ``errors`` list answers HTTP 226 (0.8.2 behaviour).

In every format a count says what this request *wrote*: an event sent with
``options.save: false`` and a known profile or session left unchanged count 0.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from workbench.collector.processing import ProcessingResult
from workbench.collector.sources import EventSource

__all__ = ["build_response", "public_profile", "save_result"]


def save_result(docs: Sequence[dict[str, Any]], *, types: bool = False) -> dict[str, Any]:
    """Tracardi's SaveResult ``{saved, errors, ids, types}`` for what was stored."""
    return {
        "saved": len(docs),
        "errors": [],
        "ids": [doc["id"] for doc in docs],
        "types": sorted({doc["type"] for doc in docs}) if types else [],
    }


def public_profile(profile: dict[str, Any]) -> dict[str, Any]:
    """The full profile as Tracardi returned it: without private traits, PII and operation."""
    out = {k: v for k, v in profile.items() if k not in ("operation", "pii")}
    traits = out.get("traits")
    if isinstance(traits, dict) and "private" in traits:
        out["traits"] = {k: v for k, v in traits.items() if k != "private"}
    return out


def build_response(
    response_format: str,
    *,
    profile: dict[str, Any] | None,
    profile_less: bool,
    session_id: str | None,
    event_ids: list[str],
    saved: dict[str, int],
    source: EventSource | None,
    debug: bool,
    full_profile: bool,
    debugging: dict[str, Any],
    result: ProcessingResult,
) -> tuple[int, dict[str, Any]]:
    """The status and body of a successful tracking request."""
    if response_format == "current":
        body = {
            "task": str(uuid.uuid4()),
            "ux": result.ux,
            "response": result.response,
            "events": event_ids if debug else [],
            "profile": {"id": profile["id"] if profile is not None else None},
            "session": {"id": session_id},
            "errors": result.errors,
            "warnings": result.warnings,
        }
        return (226 if result.errors else 200), body
    if response_format == "counters":
        counted: dict[str, Any] = {"task": str(uuid.uuid4()), "ux": result.ux}
        counted["response"] = result.response
        if profile is not None and not profile_less:
            counted["profile"] = {"id": profile["id"]}
        if debug:
            # 0.8.1 counted bulk writes, not documents: one write holds all the events.
            counted["event"] = {"ids": event_ids, "saved": 1 if event_ids else 0}
            counted["session"] = {"id": session_id, "saved": saved["session"]}
            if "profile" in counted:
                counted["profile"]["saved"] = saved["profile"]
        return 200, counted
    documented: dict[str, Any] = {}
    if profile is not None and not profile_less:
        documented["profile"] = public_profile(profile) if full_profile else {"id": profile["id"]}
    documented["source"] = {"consent": source.requires_consent if source is not None else False}
    documented["ux"] = result.ux
    documented["response"] = result.response
    if debug:
        documented["debugging"] = debugging
    return 200, documented
