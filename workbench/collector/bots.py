"""Tracardi's bot check: traffic from a bot user agent is refused with 401.

Tracardi asks ua-parser whether the user agent is a spider; so do we
(:mod:`workbench.collector.user_agent`, the same parser and rules, so
``Python-urllib`` and ``Java`` agents count as bots while ``curl``,
``python-requests``, ``httpx``, ``okhttp`` and ``PostmanRuntime`` do not). Where
the agent comes from is decided as Tracardi does: the JS tracker's
``context.browser.local.browser.userAgent`` first, then the ``User-Agent`` header,
and Google's ``From: googlebot(at)googlebot.com`` header. An agent the client put
into the payload's own ``request.headers`` is parsed before anything else (Tracardi
parses it while reading the payload), so a bot there is refused up front.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from workbench.collector.user_agent import is_bot

__all__ = ["BOT_DETAIL", "bot_user_agent", "context_agent", "is_bot", "payload_agent"]

BOT_DETAIL = "Traffic from bot is not allowed."


def context_agent(payload: dict[str, Any] | None) -> str | None:
    """The JS tracker's ``context.browser.local.browser.userAgent``, if it is a string."""
    node: Any = payload.get("context") if payload else None
    for key in ("browser", "local", "browser", "userAgent"):
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node if isinstance(node, str) else None


def payload_agent(payload: dict[str, Any] | None) -> str | None:
    """The ``user-agent`` the client wrote into the payload's ``request.headers``."""
    request = payload.get("request") if payload else None
    headers = request.get("headers") if isinstance(request, dict) else None
    if not isinstance(headers, dict):
        return None
    for name, value in headers.items():
        if isinstance(name, str) and name.lower() == "user-agent" and isinstance(value, str):
            return value
    return None


def bot_user_agent(
    payload: dict[str, Any] | None, headers: Iterable[tuple[str, str]]
) -> str | None:
    """The user agent that makes this request a bot's, or None."""
    header_agent = None
    for name, value in headers:
        lowered = name.lower()
        if lowered == "user-agent":
            header_agent = value
        elif lowered == "from" and "googlebot" in value.lower():
            return value
    agent = context_agent(payload) or header_agent
    return agent if is_bot(agent) else None
