"""A session as a tracking request leaves it: what a new one learns from the user agent and
screen, and whether a known one changed enough to be written.

Tracardi fills a new session's ``os``, ``device`` and ``app`` from the user agent, and
writes a known session again only when its data changed, not when only its clock or
visit status moved on; :mod:`workbench.collector.tracking` asks these questions here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from workbench.collector.bots import context_agent, payload_agent
from workbench.collector.user_agent import describe

__all__ = ["session_changed", "touch_changed", "with_agent"]


def with_agent(
    session: dict[str, Any], payload: dict[str, Any], headers: Sequence[tuple[str, str]]
) -> dict[str, Any]:
    """A new session's ``os``, ``device`` and ``app`` from the user agent and screen.

    The agent is the one the client put in the payload's ``request.headers``,
    else the JS tracker's context agent, else the ``User-Agent`` header (the
    order of Tracardi 0.8.2); ``context.device`` values win over the parsed
    ones, and ``context.screen.local`` gives resolution, colour depth and
    orientation.
    """
    agent = payload_agent(payload) or context_agent(payload)
    if agent is None:
        agent = next((v for k, v in headers if k.lower() == "user-agent"), None)
    context = payload.get("context")
    context = context if isinstance(context, dict) else {}
    device = dict(session["device"])
    os_part, app = session["os"], session["app"]
    if agent:
        parts = describe(agent).session_parts()
        os_part = parts["os"]
        app = {**app, **parts["app"]}
        device.update(parts["device"])
        sent = context.get("device")
        if isinstance(sent, dict):
            for key in ("name", "brand", "model", "type"):
                if key in sent:
                    device[key] = sent[key]
    screen = context.get("screen")
    local = screen.get("local") if isinstance(screen, dict) else None
    if isinstance(local, dict):
        width, height = local.get("width"), local.get("height")
        if width is not None and height is not None:
            device["resolution"] = f"{width}x{height}"
        if isinstance(local.get("colorDepth"), int):
            device["color_depth"] = local["colorDepth"]
        if isinstance(local.get("orientation"), str):
            device["orientation"] = local["orientation"]
    return {**session, "os": os_part, "app": app, "device": device}


_CLOCK = frozenset({"update", "duration"})


def _same_except(a: Any, b: Any, skip: frozenset[str]) -> bool:
    """Two dicts equal but for the keys in *skip*.

    Compared as shallow copies without those keys: a copy and the comparison run in
    C, and the values they share (most of a touched session is the stored one's,
    by identity) compare at once, where a loop over the keys ran in Python.
    """
    if not isinstance(a, dict) or not isinstance(b, dict):
        return bool(a == b)
    a, b = dict(a), dict(b)
    for key in skip:
        a.pop(key, None)
        b.pop(key, None)
    return bool(a == b)


_TOUCHED = ("profile", "context", "properties")


def touch_changed(session: dict[str, Any], stored: dict[str, Any]) -> bool:
    """:func:`session_changed` for a *session* that ``touch_session(stored, ...)`` made.

    That touch copies every key of *stored* as it is, sets the clock and status (which
    :func:`session_changed` ignores) and sets the profile reference, context and properties:
    those three decide, each compared only when it is not the very same object.
    """
    for key in _TOUCHED:
        if key not in stored:
            return True
        old, new = stored[key], session[key]
        if new is not old and new != old:
            return True
    return False


def session_changed(session: dict[str, Any], stored: dict[str, Any]) -> bool:
    """Whether this request changed a known session's data: its context, properties or
    profile. The clock (update time, duration) and the visit status move on every
    request; Tracardi does not write a session for them alone, and neither do we."""
    if session is stored:
        return False
    if not _same_except(session, stored, frozenset({"metadata"})):
        return True
    metadata, old = session.get("metadata") or {}, stored.get("metadata") or {}
    if not _same_except(metadata, old, frozenset({"status", "time"})):
        return True
    return not _same_except(metadata.get("time") or {}, old.get("time") or {}, _CLOCK)
