"""What a user agent says about a visitor: browser, OS, device and whether it is a bot.

Tracardi 0.8.2 fills a new session's ``os``, ``device`` and ``app`` from the user
agent with the ``user-agents`` package, which sits on ``ua-parser``. We use
``ua-parser`` 1.x directly (the maintained project, with its monthly updated
rules in ``ua-parser-builtins`` and the compiled ``ua-parser-rs`` matcher): the
family names, versions and the bot verdict (device family ``Spider``) are the
ones ``user-agents`` reads from the same parser, and the device class (mobile,
tablet, pc, e-mail client, touch) follows the rules ``user-agents`` documents,
written here in a few lines.

Why not ``user-agents`` itself: it calls ua-parser's legacy interface, which
matches in pure Python (~800 µs per agent here) where the 1.x interface with the
compiled matcher takes ~30 µs. Parsed agents are kept in an LRU cache keyed by
the agent string, so a stream of requests from the same few browsers costs a
dictionary look-up each. The parser's rules are loaded on first use (about
0.3 s, once per process).
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import Any

__all__ = ["AgentInfo", "describe", "is_bot"]

_TABLET_DEVICES = frozenset(
    {
        "iPad",
        "BlackBerry Playbook",
        "Blackberry Playbook",
        "Kindle",
        "Kindle Fire",
        "Kindle Fire HD",
        "Galaxy Tab",
        "Xoom",
        "Dell Streak",
    }
)
_MOBILE_DEVICES = frozenset({"iPhone", "iPod", "Generic Smartphone", "Generic Feature Phone"})
_MOBILE_OSES = frozenset(
    {
        "Windows Phone",
        "Windows Phone OS",
        "Symbian OS",
        "Bada",
        "Windows CE",
        "Windows Mobile",
        "Maemo",
        "KaiOS",
        "Firefox OS",
    }
)
_MOBILE_BROWSERS = frozenset({"IE Mobile", "Opera Mobile", "Opera Mini", "Chrome Mobile"})
_TOUCH_OSES = frozenset({"iOS", "Android"})
_PC_OSES = frozenset(
    {
        "Windows 95",
        "Windows 98",
        "Windows ME",
        "Solaris",
        "Chrome OS",
        "Mac OS X",
        "macOS",
        "Ubuntu",
        "Fedora",
        "FreeBSD",
        "OpenBSD",
        "NetBSD",
        "Debian",
    }
)
_EMAIL_PROGRAMS = frozenset(
    {
        "Outlook",
        "Windows Live Mail",
        "AirMail",
        "Apple Mail",
        "Thunderbird",
        "Lightning",
        "ThunderBrowse",
        "The Bat!",
        "Lotus Notes",
        "IBM Notes",
        "Barca",
        "MailBar",
        "kmail2",
        "YahooMobileMail",
    }
)


@dataclass(frozen=True)
class AgentInfo:
    """One parsed user agent, in the terms of a Tracardi session."""

    browser: str | None
    browser_version: str | None
    os: str | None
    os_version: str | None
    device: str | None
    brand: str | None
    model: str | None
    device_type: str | None  # mobile | pc | tablet | email | None
    touch: bool
    bot: bool

    def session_parts(self) -> dict[str, dict[str, Any]]:
        """The ``os``, ``device`` and ``app`` values Tracardi sets on a new session."""
        return {
            "os": {"name": self.os, "version": self.os_version},
            "device": {
                "name": self.device,
                "brand": self.brand,
                "model": self.model,
                "type": self.device_type,
                "touch": self.touch,
            },
            "app": {
                "type": "browser",
                "name": self.browser,
                "version": self.browser_version,
                "bot": self.bot,
            },
        }


_parser_lock = threading.Lock()
_parse: Any = None


def _parser() -> Any:
    global _parse
    if _parse is None:
        with _parser_lock:
            if _parse is None:
                from ua_parser import parse

                parse("")  # loads the rules
                _parse = parse
    return _parse


_preloading: list[threading.Thread] = []


def preload() -> None:
    """Load the parser's rules on a background thread, once per process.

    Loading them takes most of a second; done lazily, the first request with a new
    session would wait for it (and every request queued behind that one). A
    collector calls this when it starts; a request that comes before the rules are
    loaded still waits for them, on the same lock.
    """
    with _parser_lock:
        if _parse is not None or _preloading:
            return
        thread = threading.Thread(target=_parser, name="user-agent-rules", daemon=True)
        _preloading.append(thread)
    thread.start()


def _version(*parts: str | None) -> str:
    return ".".join(p for p in parts if p)


@functools.lru_cache(maxsize=4096)
def describe(user_agent: str) -> AgentInfo:
    """Parse *user_agent* (cached per distinct string)."""
    result = _parser()(user_agent)
    agent, system, device = result.user_agent, result.os, result.device
    browser = agent.family if agent else "Other"
    os_name = system.family if system else "Other"
    family = device.family if device else "Other"
    bot = family == "Spider"
    tablet = (
        family in _TABLET_DEVICES
        or (os_name == "Android" and "Mobile" not in user_agent and "Opera Mobi" not in user_agent)
        or os_name == "Windows RT"
        or (os_name.startswith("Windows") and "Touch" in user_agent and "Phone" not in user_agent)
        or "Silk" in browser
    )
    mobile = not tablet and (
        family in _MOBILE_DEVICES
        or browser in _MOBILE_BROWSERS
        or os_name in _MOBILE_OSES
        or (os_name in _TOUCH_OSES and "Mobile" in user_agent)
        or "J2ME" in user_agent
        or "MIDP" in user_agent
        or "Mobile Safari" in browser
    )
    touch = (
        mobile
        or tablet
        or os_name in _TOUCH_OSES
        or (os_name.startswith("Windows") and "Touch" in user_agent)
    )
    pc = not (mobile or tablet or bot) and (
        os_name in _PC_OSES
        or (os_name.startswith("Windows") and "Phone" not in os_name)
        or (os_name == "Linux" and "X11" in user_agent)
    )
    email = browser in _EMAIL_PROGRAMS
    device_type = (
        "mobile" if mobile else "pc" if pc else "tablet" if tablet else "email" if email else None
    )
    return AgentInfo(
        browser=browser,
        browser_version=_version(agent.major, agent.minor, agent.patch) if agent else "",
        os=os_name,
        os_version=_version(system.major, system.minor, system.patch) if system else "",
        device=family,
        brand=device.brand if device else None,
        model=device.model if device else None,
        device_type=device_type,
        touch=touch,
        bot=bot,
    )


def is_bot(user_agent: str | None) -> bool:
    """Whether ua-parser files *user_agent* under the ``Spider`` device family."""
    return bool(user_agent) and describe(user_agent or "").bot
