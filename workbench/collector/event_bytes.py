"""A stored event's bytes made straight from the payload, without building its document.

When nothing reads a request's events as documents (no event flow configured, no
debugger answer, no system events), :func:`~workbench.collector.documents.build_event`
built each event as about twenty nested dicts only for the journal's encoder to
walk them once and drop them. :func:`encoded_event` gives the same bytes
(``codec.dumps(build_event(...))``, byte for byte) from pieces instead: the keys
and constants are literal bytes, the parts every event of the request shares
(:class:`SharedBytes`: metadata, source, session, profile, request, device, os and
app) are encoded once per request, and only the values an event sent are encoded
on their own.

orjson's compact output of a dict is its keys and its values' encodings joined in
order, so the pieces join to what encoding the whole document gives. When orjson
refuses a value (an integer beyond 64 bits), the codec would have written the
whole event with the standard library; :func:`encoded_event` then builds the
document and encodes it as the codec does. Nesting is no different either: the
deepest part, the payload's own ``properties`` or ``context``, is at most
:data:`~workbench.collector.json_limits.MAX_JSON_DEPTH` levels deep, far below
orjson's limit wherever it is encoded.
"""

from __future__ import annotations

import functools
from typing import Any

from workbench.collector.documents import (
    EventParts,
    build_event,
    event_hit_utm,
    event_name,
    new_id,
    normalise_type,
)
from workbench.store.collector.codec import dumps

try:
    from orjson import dumps as _encode

    AVAILABLE = True
except ImportError:  # pragma: no cover - orjson is a declared dependency
    AVAILABLE = False

__all__ = ["AVAILABLE", "SharedBytes", "encoded_event"]

_NULL = b"null"
_NO_TAGS = b'{"values":[],"count":0}'
_NO_PAGE = (
    b',"hit":{"name":null,"url":null,"referer":null,"query":null,"category":null},'
    b'"utm":{"source":null,"medium":null,"campaign":null,"term":null,"content":null}'
)


class SharedBytes:
    """The encoded parts every event of one request has alike (see the module docstring)."""

    __slots__ = ("after_context", "after_time", "tail")

    def __init__(
        self,
        parts: EventParts,
        *,
        channel: str,
        profile_less: bool,
        debug: bool,
        request: dict[str, Any],
    ) -> None:
        self.after_time = b"".join(
            (
                b',"process_time":null,"total_time":null},"ip":null,"status":"collected",'
                b'"channel":',
                _encode(channel),
                b',"processed_by":{"rules":[],"flows":[],"third_party":[]},"profile_less":',
                _encode(profile_less),
                b',"debug":',
                _encode(debug),
                b',"valid":true,"error":false,"warning":false,"merge":false,'
                b'"instance":{"id":"workbench"},"aux":{}},"source":',
                _encode(parts.source),
                b',"session":',
                _encode(parts.session),
                b',"profile":',
                _encode(parts.profile),
                b',"properties":',
            )
        )
        self.after_context = b',"request":' + _encode(request) + b',"config":'
        self.tail = b"".join(
            (
                b',"device":',
                _encode(parts.device),
                b',"os":',
                _encode(parts.os),
                b',"app":',
                _encode(parts.app),
                b',"data":{},"journey":{"state":null}}',
            )
        )


@functools.lru_cache(maxsize=4096)
def _type_bytes(sent_type: str) -> tuple[str, bytes]:
    """The stored type of a sent one, and its ``,"name":…,"type":…`` bytes."""
    event_type = normalise_type(sent_type)
    return event_type, b"".join(
        (b',"name":', _encode(event_name(event_type)), b',"type":', _encode(event_type))
    )


def encoded_event(
    raw: dict[str, Any],
    *,
    now: str,
    shared: SharedBytes | None,
    build: dict[str, Any],
) -> tuple[str, str, dict[str, Any], bytes]:
    """The id, type, options and stored bytes of one ``events[i]`` of the payload.

    *shared* is the request's :class:`SharedBytes` (None when orjson refused one of
    them: the document is built); *build* holds the keyword arguments
    :func:`~workbench.collector.documents.build_event` takes besides *raw* and *now*
    (the same values the shared bytes were made from), for the events the bytes
    cannot be made for.
    """
    event_type, type_bytes = _type_bytes(raw["type"])
    sent_id = raw.get("id")
    event_id = sent_id.strip().lower() if isinstance(sent_id, str) and sent_id.strip() else new_id()
    sent_options = raw.get("options")
    options = {k: v for k, v in sent_options.items() if k != "source_id"} if sent_options else {}
    if shared is not None:
        try:
            return (
                event_id,
                event_type,
                options,
                _join(raw, event_id, type_bytes, now, options, shared),
            )
        except (TypeError, ValueError):
            pass  # a value orjson refuses: the codec encodes the whole document its way
    event = build_event(raw, now=now, **build)
    event["id"] = event_id  # the id drawn above (build_event drew another for an unsent id)
    return event_id, event_type, options, dumps(event)


def _join(
    raw: dict[str, Any],
    event_id: str,
    type_bytes: bytes,
    now: str,
    options: dict[str, Any],
    shared: SharedBytes,
) -> bytes:
    time = raw.get("time")
    if time:
        times = (
            _encode(time.get("insert") or now),
            _encode(time.get("create")),
            _encode(time.get("update")),
        )
    else:
        times = (_encode(now), _NULL, _NULL)
    tags = raw.get("tags") or []
    context = raw.get("context") or {}
    page = context.get("page") if context and isinstance(context, dict) else None
    if isinstance(page, dict):
        hit, utm = event_hit_utm(page)
        page_bytes = b',"hit":' + _encode(hit) + b',"utm":' + _encode(utm)
    else:
        page_bytes = _NO_PAGE
    return b"".join(
        (
            b'{"id":',
            _encode(event_id),
            type_bytes,
            b',"metadata":{"time":{"insert":',
            times[0],
            b',"create":',
            times[1],
            b',"update":',
            times[2],
            shared.after_time,
            _encode(raw.get("properties") or {}),
            b',"traits":{},"context":',
            _encode(context),
            shared.after_context,
            _encode(options) if options else b"{}",
            b',"tags":',
            b"".join((b'{"values":', _encode(list(tags)), b',"count":', _encode(len(tags)), b"}"))
            if tags
            else _NO_TAGS,
            b',"aux":{}',
            page_bytes,
            shared.tail,
        )
    )
