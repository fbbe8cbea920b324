"""Reading what the collector holds: Tracardi-shaped admin reads and ``/_workbench/*``.

The Tracardi-shaped routes answer as Tracardi does (a missing profile is
``200 null``, the event is ``{"event", "_metadata"}``) so a client written for
a real server's admin API works here too — without a token, since the
collector is a local tool. The ``/_workbench/*`` routes are ours: filtered
event lists, the request log, counts, reset and the blocking ``wait``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from workbench import __version__
from workbench.collector.config import FORMAT_VERSIONS
from workbench.collector.contexts import (
    CONTEXTS,
    PRODUCTION,
    STAGING,
    ContextName,
    ContextStores,
    context_of,
)
from workbench.collector.documents import new_profile, new_session, now_utc
from workbench.collector.durability import answer_when_durable
from workbench.collector.inputs import json_body
from workbench.collector.rejections import Rejected, json_response
from workbench.collector.sources import source_from_dict
from workbench.store.collector.store import CollectorStore

__all__ = ["TRACARDI_VERSIONS", "read_routes"]

#: What ``GET /info/version`` reports per response format (the release it imitates),
#: so clients that pick a response reader by server version read ours right.
TRACARDI_VERSIONS = FORMAT_VERSIONS
_MAX_WAIT_SECONDS = 300.0
_MAX_COUNT = 1_000_000_000


def _response(body: Any, status: int = 200) -> Response:
    return json_response(body, status)


def _int_query(request: Request, name: str, default: int, *, minimum: int = 0) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if not minimum <= value <= _MAX_COUNT:
        raise Rejected(
            422,
            [
                {
                    "type": "int_parsing",
                    "loc": ["query", name],
                    "input": raw,
                    "msg": f"{name} must be a whole number from {minimum} to {_MAX_COUNT}, "
                    f"got {raw[:40]!r}",
                }
            ],
        )
    return value


def _float_query(request: Request, name: str, default: float) -> float:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= _MAX_WAIT_SECONDS:
        raise Rejected(
            422,
            [
                {
                    "type": "float_parsing",
                    "loc": ["query", name],
                    "input": raw,
                    "msg": f"{name} must be a number of seconds from 0 to {_MAX_WAIT_SECONDS:g}, "
                    f"got {raw!r}",
                }
            ],
        )
    return value


def _context(request: Request) -> ContextName:
    """The request's data set; on ``/_workbench/*`` a ``?context=`` query wins over the header."""
    raw = request.query_params.get("context")
    if raw is None or not request.url.path.startswith("/_workbench/"):
        return context_of(request.scope)
    if raw in (PRODUCTION, STAGING):
        chosen: ContextName = PRODUCTION if raw == PRODUCTION else STAGING
        request.scope["workbench"]["context"] = chosen  # the record shows the set it used
        return chosen
    raise Rejected(
        422,
        [
            {
                "type": "enum",
                "loc": ["query", "context"],
                "input": raw,
                "msg": f"context must be one of {', '.join(CONTEXTS)}, got {raw!r}",
            }
        ],
    )


def _store(request: Request) -> CollectorStore:
    stores: ContextStores = request.app.state.contexts
    return stores.get(_context(request))


# -- Tracardi-shaped reads --------------------------------------------------------------


async def version(request: Request) -> Response:
    return _response(TRACARDI_VERSIONS[request.app.state.live.current.response_format])


async def version_details(request: Request) -> Response:
    config = request.app.state.live.current
    return _response(
        {
            "version": TRACARDI_VERSIONS[config.response_format],
            "name": "Workbench embedded collector",
            "upgrades": [],  # Tracardi lists pending index upgrades; the collector has none
            "workbench": __version__,
            "response_format": config.response_format,
            "debugger": config.debugger,
            "accept_any_source": config.accept_any_source,
            "production": config.production,
            "context": context_of(request.scope),
        }
    )


async def list_sources(request: Request) -> Response:
    """``GET /event-sources`` (and the older ``/event-sources/by_type``, ``?query=`` filter)."""
    query = (request.query_params.get("query") or "").strip().lower()
    sources = [
        s.to_dict()
        for s in _store(request).list_sources()
        if not query or query in s.name.lower() or query in s.id or query in s.type
    ]
    return _response({"total": len(sources), "grouped": {"Event sources": sources}})


async def source_entities(request: Request) -> Response:
    wanted = request.query_params.get("type")
    sources = [
        {"id": s.id, "name": s.name}
        for s in _store(request).list_sources()
        if wanted is None or wanted in s.type
    ]
    return _response({"total": len(sources), "result": sources})


async def get_source(request: Request) -> Response:
    source = _store(request).get_source(request.path_params["source_id"])
    return _response(source.to_dict() if source else None, 200 if source else 404)


async def put_source(request: Request) -> Response:
    data = await json_body(request, what="the event source")
    try:
        source = source_from_dict(data)
    except ValueError as exc:
        raise Rejected(
            422,
            [
                {
                    "type": "value_error",
                    "loc": ["body", *_field_of(exc)],
                    "msg": str(exc),
                    "input": data,
                }
            ],
        ) from None
    _store(request).put_source(source)
    # Tracardi's save result, not the document.
    return await answer_when_durable(
        request, _response({"errors": [], "ids": [source.id], "saved": 1})
    )


def _field_of(exc: ValueError) -> list[str]:
    text = str(exc)
    name = text.split(":", 1)[0]
    return [name] if ":" in text and " " not in name else []


async def delete_source(request: Request) -> Response:
    source_id = request.path_params["source_id"]
    if not _store(request).delete_source(source_id):
        return _response(None, 404)  # Tracardi: 404 with body null
    return await _deleted(request, source_id)


async def _deleted(request: Request, doc_id: str) -> Response:
    return await answer_when_durable(request, _response({"deleted": 1, "ids": [doc_id]}))


async def delete_profile(request: Request) -> Response:
    """``DELETE /profile/{id}``: 200, or 404 with body ``null`` (Tracardi's answers)."""
    profile_id = request.path_params["profile_id"]
    if not _store(request).delete_profile(profile_id):
        return _response(None, 404)
    return await _deleted(request, profile_id)


async def delete_session(request: Request) -> Response:
    session_id = request.path_params["session_id"]
    if not _store(request).delete_session(session_id):
        return _response(None, 404)
    return await _deleted(request, session_id)


async def delete_event(request: Request) -> Response:
    event_id = request.path_params["event_id"]
    if not _store(request).delete_event(event_id):
        return _response(None, 404)
    return await _deleted(request, event_id)


def _with_defaults(defaults: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """*given* over *defaults*, object by object (a partial ``metadata`` keeps the rest)."""
    merged = dict(defaults)
    for key, value in given.items():
        base = merged.get(key)
        if isinstance(base, dict) and isinstance(value, dict):
            merged[key] = _with_defaults(base, value)
        else:
            merged[key] = value
    return merged


def _import_items(data: Any, what: str) -> list[dict[str, Any]]:
    """The documents of an import body: a list of objects with a non-empty string id."""
    if not isinstance(data, list):
        raise Rejected(
            422,
            [
                {
                    "type": "list_type",
                    "loc": ["body"],
                    "input": data,
                    "msg": f"expected a list of {what}",
                }
            ],
        )
    for index, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            raise Rejected(
                422,
                [
                    {
                        "type": "missing",
                        "loc": ["body", index, "id"],
                        "input": item,
                        "msg": f"each of the {what} must be an object with a non-empty string id",
                    }
                ],
            )
    return data


async def import_profiles(request: Request) -> Response:
    """``POST /profiles/import``: store whole profiles (fields left out get their defaults)."""
    items = _import_items(await json_body(request, what="the profiles"), "profiles")
    stamp = now_utc().isoformat()
    store = _store(request)
    profiles = [_with_defaults(new_profile(item["id"], stamp), item) for item in items]
    for profile in profiles:  # a profile's own id is always one of its ids (Tracardi's rule)
        ids = profile.get("ids")
        ids = list(ids) if isinstance(ids, list) else []
        profile["ids"] = ids if profile["id"] in ids else [profile["id"], *ids]
    for profile in profiles:
        store.commit(profile=profile)
    body = {"saved": len(profiles), "errors": [], "ids": [p["id"] for p in profiles]}
    return await answer_when_durable(request, _response(body))


async def import_sessions(request: Request) -> Response:
    """``POST /sessions/import``: store whole sessions (fields left out get their defaults)."""
    items = _import_items(await json_body(request, what="the sessions"), "sessions")
    now = now_utc()
    store = _store(request)
    sessions = [
        _with_defaults(new_session(item["id"], None, now, "", None), item) for item in items
    ]
    for session in sessions:
        store.commit(session=session)
    body = {"saved": len(sessions), "errors": [], "ids": [s["id"] for s in sessions]}
    return await answer_when_durable(request, _response(body))


#: The bridge types the collector knows, as ``GET /event-sources/type/{name|configuration}``
#: lists them (Tracardi's GUI builds its "new source" form from this).
_SOURCE_TYPES = {
    "rest": {"name": "API Call", "tags": ["rest", "api"]},
    "webhook": {"name": "Webhook", "tags": ["webhook", "collect"]},
}


async def source_types(request: Request) -> Response:
    """``GET /event-sources/type/name`` (type → name) or ``/type/configuration`` (type → all)."""
    kind = request.path_params["kind"]
    if kind == "name":
        result: dict[str, Any] = {key: value["name"] for key, value in _SOURCE_TYPES.items()}
    elif kind == "configuration":
        result = {key: dict(value) for key, value in _SOURCE_TYPES.items()}
    else:
        raise Rejected(
            422,
            [
                {
                    "type": "enum",
                    "loc": ["path", "type"],
                    "input": kind,
                    "msg": "Input should be 'name' or 'configuration'",
                }
            ],
        )
    return _response({"total": len(result), "result": result})


async def count_events(request: Request) -> Response:
    """``GET /event/count``: ``{"count": n}`` events stored."""
    return _response({"count": _store(request).count_events()})


async def refresh(request: Request) -> Response:
    """``GET /{profiles,sessions,events,event-sources}/refresh``: Elasticsearch makes new
    documents searchable about a second after writing, and Tracardi's tests call these
    before reading; the collector's reads see every write at once, so there is nothing to do.
    """
    return _response({})


async def get_profile(request: Request) -> Response:
    profile = _store(request).get_profile(request.path_params["profile_id"])
    if profile is None:
        return _response(None, 404)
    return _response({**profile, "_meta": {"index": "workbench-profile"}})


async def get_session(request: Request) -> Response:
    session = _store(request).get_session(request.path_params["session_id"])
    return _response(session, 200 if session else 404)


async def get_event(request: Request) -> Response:
    event = _store(request).get_event(request.path_params["event_id"])
    if event is None:
        return _response(None, 404)
    return _response({"event": event, "_metadata": {"index": "workbench-event"}})


async def events_of_profile(request: Request) -> Response:
    limit = _int_query(request, "limit", 100)
    events = _store(request).list_events(profile=request.path_params["profile_id"], limit=limit)
    return _response({"total": len(events), "result": events})


async def events_of_session_and_profile(request: Request) -> Response:
    limit = _int_query(request, "limit", 100)
    events = _store(request).list_events(
        session=request.path_params["session_id"],
        profile=request.path_params["profile_id"],
        limit=limit,
    )
    return _response({"total": len(events), "result": events})


# -- /_workbench/* ----------------------------------------------------------------------


async def workbench_events(request: Request) -> Response:
    query = request.query_params
    limit = _int_query(request, "limit", 100)
    offset = _int_query(request, "offset", 0)
    store = _store(request)
    events = store.list_events(
        type=query.get("type"),
        source=query.get("source"),
        profile=query.get("profile"),
        session=query.get("session"),
        limit=limit,
        offset=offset,
    )
    return _response({"total": store.count_events(), "offset": offset, "events": events})


async def workbench_profiles(request: Request) -> Response:
    limit = _int_query(request, "limit", 100)
    offset = _int_query(request, "offset", 0)
    return _response({"profiles": _store(request).list_profiles(limit=limit, offset=offset)})


async def workbench_requests(request: Request) -> Response:
    limit = _int_query(request, "limit", 100)
    full = request.query_params.get("full", "").lower() in ("1", "true", "yes")
    hub = request.app.state.hub
    if "context" in request.query_params:
        wanted = _context(request)
        records = [r for r in hub.recent(hub.total) if r.context == wanted][:limit]
    else:
        records = hub.recent(limit)
    items = [r.to_dict() if full else r.summary() for r in records]
    return _response({"total": hub.total, "requests": items})


async def workbench_stats(request: Request) -> Response:
    stats = _store(request).stats()
    stats["requests"] = request.app.state.hub.total
    stats["context"] = _context(request)
    notice = _store(request).notice
    stats["notice"] = notice.message if notice else None
    return _response(stats)


async def workbench_reset(request: Request) -> Response:
    store = _store(request)
    store.reset()
    request.app.state.hub.clear(_context(request))
    body = {"reset": True, "context": _context(request), **store.stats()}
    return await answer_when_durable(request, _response(body), store)


async def workbench_wait(request: Request) -> Response:
    count = _int_query(request, "count", 1, minimum=1)
    timeout = _float_query(request, "timeout", 10.0)
    event_type = request.query_params.get("type") or None
    store = _store(request)  # opens the data set first: its waiters come with it
    waiters = request.app.state.context_waiters[_context(request)]
    reached = await waiters.wait(count, event_type, timeout)
    current = store.count_events(type=event_type)
    if waiters.stopping and current < count:
        raise Rejected(503, f"the collector is stopping: {current} of {count} events stored")
    body = {"count": current, "wanted": count, "type": event_type, "timed_out": not reached}
    if not reached:
        body["detail"] = (
            f"timed out after {timeout:g} s: {current} of {count} "
            f"{'events' if event_type is None else f'`{event_type}` events'} stored"
        )
    return _response(body, 200 if reached else 408)


def read_routes() -> list[BaseRoute]:
    return [
        Route("/info/version", version),
        Route("/info/version/details", version_details),
        Route("/event-sources", list_sources),
        Route("/event-sources/by_type", list_sources),
        Route("/event-sources/entity", source_entities),
        Route("/event-source", put_source, methods=["POST"]),
        Route("/event-source/{source_id}", get_source),
        Route("/event-source/{source_id}", delete_source, methods=["DELETE"]),
        Route("/profile/{profile_id}", get_profile),
        Route("/profile/{profile_id}", delete_profile, methods=["DELETE"]),
        Route("/session/{session_id}", get_session),
        Route("/session/{session_id}", delete_session, methods=["DELETE"]),
        Route("/event/count", count_events),  # before /event/{event_id}
        Route("/event/{event_id}", get_event),
        Route("/event/{event_id}", delete_event, methods=["DELETE"]),
        Route("/profiles/import", import_profiles, methods=["POST"]),
        Route("/sessions/import", import_sessions, methods=["POST"]),
        *(
            Route(f"/{kind}/refresh", refresh)
            for kind in ("profiles", "sessions", "events", "event-sources")
        ),
        # Tracardi spells these two ways (events/flush, profiles|sessions/flash); same no-op.
        Route("/events/flush", refresh),
        Route("/profiles/flash", refresh),
        Route("/sessions/flash", refresh),
        Route("/event-sources/type/{kind}", source_types),
        Route("/events/profile/{profile_id}", events_of_profile),
        Route("/events/session/{session_id}/profile/{profile_id}", events_of_session_and_profile),
        Route("/_workbench/events", workbench_events),
        Route("/_workbench/profiles", workbench_profiles),
        Route("/_workbench/requests", workbench_requests),
        Route("/_workbench/stats", workbench_stats),
        Route("/_workbench/reset", workbench_reset, methods=["POST"]),
        Route("/_workbench/wait", workbench_wait),
    ]
