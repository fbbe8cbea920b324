"""The stored documents: new profiles, sessions and events, built and updated.

Stored documents are never mutated; every update here returns a new dict
(shallow copies along the changed path), see :mod:`workbench.store.collector.store`.
"""

from __future__ import annotations

import functools
import os
import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "INTERNAL_SOURCE_ID",
    "EventParts",
    "build_event",
    "event_hit_utm",
    "event_name",
    "new_profile",
    "new_session",
    "normalise_type",
    "now_utc",
    "system_event",
    "touch_session",
    "visit_profile",
]

INTERNAL_SOURCE_ID = "@internal-workbench"


def now_utc() -> datetime:
    return datetime.now(UTC)


_ID_BATCH = 256  # ids drawn per os.urandom call
_random_pool: list[str] = []
_random_lock = threading.Lock()
# A forked child must not hand out the ids its parent still holds.
os.register_at_fork(after_in_child=_random_pool.clear)


def new_id() -> str:
    """A random uuid4 string (what ``str(uuid.uuid4())`` gives, in a fraction of the time).

    The random bytes come from ``os.urandom`` like ``uuid4``'s, but 256 ids' worth per
    call: profiling the collector under load showed the one system call per id (two
    or more per request) costing more than the rest of building an event.
    """
    with _random_lock:
        if not _random_pool:
            _random_pool.extend(_id_batch())
        return _random_pool.pop()


# Byte maps for the version (4) and variant (RFC 4122) bits of a uuid4.
_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))
_VARIANT = bytes((b & 0x3F) | 0x80 for b in range(256))


def _id_batch() -> list[str]:
    """:data:`_ID_BATCH` uuid4 strings from one ``os.urandom`` call, formatted in one go."""
    block = bytearray(os.urandom(16 * _ID_BATCH))
    block[6::16] = block[6::16].translate(_VERSION_4)
    block[8::16] = block[8::16].translate(_VARIANT)
    h = block.hex()
    return [
        "-".join(
            (
                h[i : i + 8],
                h[i + 8 : i + 12],
                h[i + 12 : i + 16],
                h[i + 16 : i + 20],
                h[i + 20 : i + 32],
            )
        )
        for i in range(0, len(h), 32)
    ]


@functools.lru_cache(maxsize=4096)
def normalise_type(event_type: str) -> str:
    """Tracardi's stored type: stripped, lower-case, spaces as dashes ("Page View" → page-view)."""
    return "-".join(event_type.strip().lower().split())


@functools.lru_cache(maxsize=4096)
def event_name(event_type: str) -> str:
    """An event's ``name`` from its stored type (page-view → Page View)."""
    return " ".join(part.capitalize() for part in event_type.replace("_", "-").split("-") if part)


def _profile_data() -> dict[str, Any]:
    """The empty ``data`` part of Tracardi 0.8.2's profile model (every field, unset)."""
    geo = {
        "country": {"name": None, "code": None},
        "city": None,
        "county": None,
        "postal": None,
        "latitude": None,
        "longitude": None,
        "location": None,
    }
    return {
        "anonymous": None,
        "pii": {
            "firstname": None,
            "lastname": None,
            "display_name": None,
            "birthday": None,
            "language": {"native": None, "spoken": None},
            "gender": None,
            "education": {"level": None},
            "civil": {"status": None},
            "attributes": {"height": None, "weight": None, "shoe_number": None},
        },
        "contact": {
            "email": {"main": None, "private": None, "business": None},
            "phone": {"main": None, "business": None, "mobile": None, "whatsapp": None},
            "app": {
                "whatsapp": None,
                "discord": None,
                "slack": None,
                "twitter": None,
                "telegram": None,
                "wechat": None,
                "viber": None,
                "signal": None,
                "other": {},
            },
            "address": {
                "town": None,
                "county": None,
                "country": None,
                "postcode": None,
                "street": None,
                "other": None,
            },
            "confirmations": [],
        },
        "identifier": {
            "id": None,
            "badge": None,
            "passport": None,
            "credit_card": None,
            "token": None,
            "coupons": None,
        },
        "devices": {"push": [], "other": [], "last": {"geo": geo}},
        "media": {
            "image": None,
            "webpage": None,
            "social": {
                "twitter": None,
                "facebook": None,
                "youtube": None,
                "instagram": None,
                "tiktok": None,
                "linkedin": None,
                "reddit": None,
                "other": {},
            },
        },
        "preferences": {
            name: []
            for name in (
                "purchases",
                "colors",
                "sizes",
                "devices",
                "channels",
                "payments",
                "brands",
                "fragrances",
                "services",
                "other",
            )
        },
        "job": {
            "position": None,
            "salary": None,
            "type": None,
            "company": {"name": None, "size": None, "segment": None, "country": None},
            "department": None,
        },
        "metrics": {
            "ltv": 0,
            "ltcosc": 0,
            "ltcocc": 0,
            "ltcop": 0,
            "ltcosv": 0,
            "ltcocv": 0,
            "next": None,
            "custom": {},
        },
        "loyalty": {
            "codes": [],
            "card": {"id": None, "name": None, "issuer": None, "expires": None, "points": 0},
        },
    }


def new_profile(profile_id: str, now: str) -> dict[str, Any]:
    """A new profile with every field of Tracardi 0.8.2's profile model.

    Strict clients build a typed Profile from ``GET /profile/{id}`` and fail on a
    missing field (``metadata.system``, ``data.pii``...), so none is left out.
    """
    return {
        "id": profile_id,
        "primary_id": None,
        "ids": [profile_id],
        "metadata": {
            "time": {
                "insert": now,
                "create": now,
                "update": now,
                "segmentation": None,
                "visit": {"last": None, "current": None, "count": 0, "tz": None},
            },
            "aux": {},
            "status": None,
            "fields": {},
            "system": {"integrations": {}, "aux": {}},
        },
        "stats": {"visits": 0, "views": 0, "counters": {}},
        "traits": {},
        "segments": [],
        "interests": {},
        "consents": {},
        "active": True,
        "aux": {},
        "data": _profile_data(),
    }


def visit_profile(profile: dict[str, Any], now: str, tz: Any) -> dict[str, Any]:
    """A new session of this profile: visit count +1, last ← current, current ← now."""
    metadata = profile.get("metadata") or {}
    time = metadata.get("time") or {}
    visit = time.get("visit") or {}
    stats = profile.get("stats") or {}
    new_visit = {
        "last": visit.get("current"),
        "current": now,
        "count": int(visit.get("count") or 0) + 1,
        "tz": tz if tz is not None else visit.get("tz"),
    }
    return {
        **profile,
        "metadata": {**metadata, "time": {**time, "update": now, "visit": new_visit}},
        "stats": {**stats, "visits": int(stats.get("visits") or 0) + 1},
    }


def new_session(
    session_id: str,
    profile_id: str | None,
    now: datetime,
    channel: str,
    ip: str | None,
    device_ip: str | None = None,
) -> dict[str, Any]:
    """A new session; *ip* is the client's address, *device_ip* ``x-forwarded-for``."""
    stamp = now.isoformat()
    return {
        "id": session_id,
        "profile": {"id": profile_id, "primary_id": None} if profile_id else None,
        "metadata": {
            "time": {
                "insert": stamp,
                "create": stamp,
                "update": stamp,
                "timestamp": now.timestamp(),
                "duration": 0,
                "weekday": now.weekday(),
            },
            "channel": channel,
            "aux": {},
            "status": "started",
        },
        "device": {
            "name": None,
            "brand": None,
            "model": None,
            "type": None,
            "touch": False,
            "ip": device_ip,
            "resolution": None,
            "geo": {
                "country": {"name": None, "code": None},
                "city": None,
                "county": None,
                "postal": None,
                "latitude": None,
                "longitude": None,
                "location": None,
            },
            "color_depth": None,
            "orientation": None,
        },
        "os": {"name": None, "version": None},
        "app": {
            "type": None,
            "name": None,
            "version": None,
            "language": None,
            "bot": False,
            "resolution": None,
        },
        "utm": {"source": None, "medium": None, "campaign": None, "term": None, "content": None},
        "context": {"ip": ip},
        "properties": {},
        "traits": {},
        "aux": {},
    }


def touch_session(
    session: dict[str, Any],
    *,
    now: datetime,
    context: dict[str, Any],
    properties: dict[str, Any],
    profile_id: str | None,
    status: str,
    stamp: str | None = None,
) -> dict[str, Any]:
    """Merge the payload's context/properties and update times and status.

    *stamp* is ``now.isoformat()`` when the caller has it already.
    """
    metadata = session.get("metadata") or {}
    time = metadata.get("time") or {}
    started = time.get("timestamp")
    duration = now.timestamp() - started if isinstance(started, int | float) else 0
    kept = session.get("profile")
    same = isinstance(kept, dict) and kept.get("id") == profile_id
    return {
        **session,
        "profile": {"id": profile_id, "primary_id": None} if profile_id and not same else kept,
        "metadata": {
            **metadata,
            "time": {
                **time,
                "update": stamp if stamp is not None else now.isoformat(),
                "duration": round(duration, 3),
            },
            "status": status,
        },
        "context": {**(session.get("context") or {}), **context},
        "properties": {**(session.get("properties") or {}), **properties},
    }


def _session_ref(session: dict[str, Any] | None) -> dict[str, Any] | None:
    if session is None:
        return None
    time = (session.get("metadata") or {}).get("time") or {}
    tz = ((session.get("context") or {}).get("time") or {}).get("tz")
    return {
        "id": session["id"],
        "start": time.get("create"),
        "duration": time.get("duration", 0),
        "tz": tz,
    }


class EventParts:
    """The parts every event of one request has alike, built once for all of them.

    The events of a request share these dicts (the references to the source,
    session and profile, and the session's user-agent details): nothing changes
    an event's nested parts once it is built (the event flow writes only each
    event's own ``metadata``), and each event is encoded on its own when stored.
    """

    __slots__ = ("app", "device", "os", "profile", "session", "source")

    def __init__(
        self, source_id: str, session: dict[str, Any] | None, profile_id: str | None
    ) -> None:
        self.source = {"id": source_id}
        self.session = _session_ref(session)
        self.profile = {"id": profile_id, "primary_id": None} if profile_id else None
        # As Tracardi 0.8.2 stores them: the session's user-agent details on each event.
        self.device = dict(session.get("device") or {}) if session else {}
        self.os = dict(session.get("os") or {}) if session else {}
        self.app = dict(session.get("app") or {}) if session else {}


def build_event(
    raw: dict[str, Any],
    *,
    now: str,
    source_id: str,
    channel: str,
    session: dict[str, Any] | None,
    profile_id: str | None,
    profile_less: bool,
    request: dict[str, Any],
    debug: bool,
    parts: EventParts | None = None,
) -> dict[str, Any]:
    """One stored event from one ``events[i]`` of the payload.

    *parts*: the request's :class:`EventParts` (made from *source_id*, *session* and
    *profile_id* when not given).
    """
    if parts is None:
        parts = EventParts(source_id, session, profile_id)
    event_type = normalise_type(raw["type"])
    sent_id = raw.get("id")
    event_id = sent_id.strip().lower() if isinstance(sent_id, str) and sent_id.strip() else new_id()
    # The usual event sends neither time, options, tags nor context: each part is read
    # only when it is there (the answers are those of the empty ones).
    time = raw.get("time")
    insert, create, update = (
        (time.get("insert") or now, time.get("create"), time.get("update"))
        if time
        else (now, None, None)
    )
    sent_options = raw.get("options")
    options = {k: v for k, v in sent_options.items() if k != "source_id"} if sent_options else {}
    tags = raw.get("tags") or []
    properties = raw.get("properties") or {}
    context = raw.get("context") or {}
    page_raw = context.get("page") if context and isinstance(context, dict) else None
    if isinstance(page_raw, dict):
        hit, utm = event_hit_utm(page_raw)
    else:
        hit = {"name": None, "url": None, "referer": None, "query": None, "category": None}
        utm = dict.fromkeys(_UTM_KEYS)
    return {
        "id": event_id,
        "name": event_name(event_type),
        "type": event_type,
        "metadata": {
            "time": {
                "insert": insert,
                "create": create,
                "update": update,
                "process_time": None,
                "total_time": None,
            },
            "ip": None,
            "status": "collected",
            "channel": channel,
            "processed_by": {"rules": [], "flows": [], "third_party": []},
            "profile_less": profile_less,
            "debug": debug,
            "valid": True,
            "error": False,
            "warning": False,
            "merge": False,
            "instance": {"id": "workbench"},
            "aux": {},
        },
        "source": parts.source,
        "session": parts.session,
        "profile": parts.profile,
        "properties": properties,
        "traits": {},
        "context": context,
        "request": request,
        "config": options,
        "tags": {"values": list(tags), "count": len(tags)},
        "aux": {},
        "hit": hit,
        "utm": utm,
        "device": parts.device,
        "os": parts.os,
        "app": parts.app,
        "data": {},
        "journey": {"state": None},
    }


def event_hit_utm(page: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str | None]]:
    """An event's ``hit`` and ``utm`` from the ``context.page`` it sent."""
    referer_raw = page.get("referer")
    url = page.get("url")
    hit = {
        "name": page.get("title"),
        "url": url,
        "referer": referer_raw.get("host") if isinstance(referer_raw, dict) else None,
        "query": _query_of(url),
        "category": None,
    }
    return hit, _utm_of(url)


_UTM_KEYS = ("source", "medium", "campaign", "term", "content")


def _query_of(url: Any) -> str | None:
    if not isinstance(url, str) or "?" not in url:
        return None
    try:
        return urlsplit(url).query or None
    except ValueError:
        return None


def _utm_of(url: Any) -> dict[str, str | None]:
    """The page URL's ``utm_*`` query parameters (Tracardi's event ``utm``), None when absent."""
    if not isinstance(url, str) or "utm_" not in url:
        return dict.fromkeys(_UTM_KEYS)
    query = _query_of(url)
    values = parse_qs(query) if query else {}
    utm: dict[str, str | None] = {}
    for key in _UTM_KEYS:
        found = values.get(f"utm_{key}")
        utm[key] = found[0] if found else None
    return utm


def system_event(
    event_type: str,
    *,
    now: datetime,
    seconds_before: int,
    session: dict[str, Any] | None,
    profile_id: str | None,
    properties: dict[str, Any] | None = None,
    request: dict[str, Any],
    channel: str,
) -> dict[str, Any]:
    """A system event (profile-created, session-opened, visit-started)."""
    stamp = (now - timedelta(seconds=seconds_before)).isoformat()
    event = build_event(
        {"type": event_type, "properties": properties or {}, "options": {"async": True}},
        now=stamp,
        source_id=INTERNAL_SOURCE_ID,
        channel=channel,
        session=session,
        profile_id=profile_id,
        profile_less=False,
        request=request,
        debug=False,
    )
    event["metadata"]["time"]["create"] = stamp
    return event
