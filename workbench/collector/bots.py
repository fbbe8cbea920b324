"""Tracardi's bot check (§3.4): traffic from a bot user agent is refused with 401.

Tracardi asks ua-parser whether the user agent is a spider; we use a pattern for
the same families (crawlers, spiders, preview fetchers, and the ``Python-urllib``
and ``Java`` agents that ua-parser counts as bots), and keep the pieces that
decide *where* the agent comes from as Tracardi does: the JS tracker's
``context.browser.local.browser.userAgent`` first, then the ``User-Agent``
header, and Google's ``From: googlebot(at)googlebot.com`` header. ``curl``,
``python-requests``, ``httpx``, ``okhttp`` and ``PostmanRuntime`` are not bots.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["BOT_DETAIL", "bot_user_agent", "is_bot"]

BOT_DETAIL = "Traffic from bot is not allowed."

_BOT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|mediapartners|facebookexternalhit|bingpreview"
    r"|^python-urllib/|^java/|archiver|yandex|baiduspider|ia_archiver",
    re.IGNORECASE,
)


def is_bot(user_agent: str | None) -> bool:
    return bool(user_agent) and _BOT.search(user_agent or "") is not None


def _context_agent(payload: dict[str, Any]) -> str | None:
    node: Any = payload.get("context")
    for key in ("browser", "local", "browser", "userAgent"):
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node if isinstance(node, str) else None


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
    agent = (_context_agent(payload) if payload else None) or header_agent
    return agent if is_bot(agent) else None
