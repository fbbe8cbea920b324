"""What each route of the collector does, as OpenAPI operations keyed by ``(path, method)``."""

from __future__ import annotations

from typing import Any

from workbench.collector.openapi.parts import (
    _DETAIL_REF,
    _LIMIT,
    _OBJECT,
    _OFFSET,
    _answer,
    _json_body,
    _query,
)

__all__ = ["OPERATIONS"]

_TRACK_ANSWER = _answer(
    "Tracked: the profile id and, with options.debugger (and the documented format), the "
    "debugging block.",
    _OBJECT,
)
_COLLECT_BODY = {
    "required": False,
    "description": "The event's properties: a JSON object, or a form "
    "(application/x-www-form-urlencoded, without a session id in the path). Empty: none.",
    "content": {
        "application/json": {"schema": _OBJECT},
        "application/x-www-form-urlencoded": {"schema": _OBJECT},
    },
}
_FLOW_KIND = {
    "name": "kind",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "enum": ["schemas", "rules", "segments"]},
}

_NULL: dict[str, Any] = {"type": "null"}


def _one(kind: str, found: str) -> dict[str, Any]:
    """``GET /{kind}/{id}``: the document, or Tracardi's 404 with body null."""
    return {
        "tags": ["tracardi reads"],
        "summary": f"One {kind}",
        "responses": {"200": _answer(found, _OBJECT), "404": _answer(f"No such {kind}.", _NULL)},
    }


def _delete_one(kind: str) -> dict[str, Any]:
    """``DELETE /{kind}/{id}``: as Tracardi, 200 or 404 with body null."""
    return {
        "tags": ["tracardi reads"],
        "summary": f"Delete one {kind} (as Tracardi: 200, or 404 with body null)",
        "responses": {
            "200": _answer("{deleted, ids}.", _OBJECT),
            "404": _answer(f"No such {kind}.", _NULL),
        },
    }


def _import(kind: str) -> dict[str, Any]:
    """``POST /{kind}s/import``: whole documents, defaults filled in."""
    return {
        "tags": ["tracardi reads"],
        "summary": f"Store whole {kind}s; fields left out get the {kind} model's defaults",
        "requestBody": _json_body(
            {"type": "array", "items": _OBJECT}, f"A list of {kind}s, each with a string id."
        ),
        "responses": {"200": _answer("{saved, errors, ids}.", _OBJECT)},
    }


#: What is known about each operation, by (path, method). Paths as the router has them.
OPERATIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("/track", "post"): {
        "tags": ["tracking"],
        "summary": "Track events (the tracker payload)",
        "parameters": [
            _query(
                "profile_less",
                "true: events without a profile (overrides the body's profile_less).",
                {"type": "boolean"},
            )
        ],
        "requestBody": _json_body(
            {"$ref": "#/components/schemas/TrackerPayload"},
            "The tracker payload: source, session, optional profile, context, properties, "
            "events, options.",
        ),
        "responses": {
            "200": _TRACK_ANSWER,
            "401": _answer("The event source is unknown or disabled.", _DETAIL_REF),
            "406": _answer("An event breaks its event schema (strict validation).", _DETAIL_REF),
        },
    },
    ("/track", "put"): {
        "tags": ["tracking"],
        "summary": "Validate a tracker payload without storing it (Tracardi's PUT /track)",
        "requestBody": _json_body(
            {"$ref": "#/components/schemas/TrackerPayload"}, "The tracker payload."
        ),
        "responses": {"200": _answer("Valid; nothing stored.", {"type": "null"})},
    },
    ("/collect/{event_type}/{source_id}", "get"): {
        "tags": ["tracking"],
        "summary": "Track one event from a webhook; the query string becomes its properties",
        "responses": {"200": _TRACK_ANSWER, "401": _answer("Unknown source.", _DETAIL_REF)},
    },
    ("/collect/{event_type}/{source_id}", "post"): {
        "tags": ["tracking"],
        "summary": "Track one event from a webhook; the body becomes its properties",
        "requestBody": _COLLECT_BODY,
        "responses": {
            "200": _TRACK_ANSWER,
            "401": _answer("Unknown source.", _DETAIL_REF),
            "415": _answer("A body that cannot become properties.", _DETAIL_REF),
        },
    },
    ("/collect/{event_type}/{source_id}/{session_id}", "get"): {
        "tags": ["tracking"],
        "summary": "Track one event in a session (the session is saved)",
        "responses": {"200": _TRACK_ANSWER, "401": _answer("Unknown source.", _DETAIL_REF)},
    },
    ("/collect/{event_type}/{source_id}/{session_id}", "post"): {
        "tags": ["tracking"],
        "summary": "Track one event in a session; the JSON body becomes its properties",
        "requestBody": _COLLECT_BODY,
        "responses": {"200": _TRACK_ANSWER, "401": _answer("Unknown source.", _DETAIL_REF)},
    },
    ("/info/version", "get"): {
        "tags": ["tracardi reads"],
        "summary": "The Tracardi version this collector imitates (by response format)",
        "responses": {"200": _answer("A version string.", {"type": "string"})},
    },
    ("/info/version/details", "get"): {
        "tags": ["tracardi reads"],
        "summary": "Version details and the collector's settings",
        "responses": {"200": _answer("Details.", _OBJECT)},
    },
    ("/event-sources", "get"): {
        "tags": ["event sources"],
        "summary": "All event sources",
        "responses": {"200": _answer("{total, grouped}.", _OBJECT)},
    },
    ("/event-sources/entity", "get"): {
        "tags": ["event sources"],
        "summary": "Event sources as {id, name}, optionally of one type",
        "parameters": [_query("type", "Only sources of this type (e.g. rest, webhook).")],
        "responses": {"200": _answer("{total, result}.", _OBJECT)},
    },
    ("/event-source", "post"): {
        "tags": ["event sources"],
        "summary": "Create or replace an event source",
        "requestBody": _json_body(
            {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            "The event source: id, name, type, enabled, ...",
        ),
        "responses": {"200": _answer("Tracardi's save result: {errors, ids, saved}.", _OBJECT)},
    },
    ("/event-source/{source_id}", "get"): {
        "tags": ["event sources"],
        "summary": "One event source",
        "responses": {
            "200": _answer("The source.", _OBJECT),
            "404": _answer("No such source.", {"type": "null"}),
        },
    },
    ("/event-source/{source_id}", "delete"): {
        "tags": ["event sources"],
        "summary": "Delete an event source",
        "responses": {
            "200": _answer("{deleted, ids}.", _OBJECT),
            "404": _answer("No such source (body null, as Tracardi).", {"type": "null"}),
        },
    },
    ("/event-sources/by_type", "get"): {
        "tags": ["event sources"],
        "summary": "All event sources, grouped by type (Tracardi's by_type)",
        "responses": {"200": _answer("{total, grouped}.", _OBJECT)},
    },
    ("/event-sources/type/{kind}", "get"): {
        "tags": ["event sources"],
        "summary": "Event source types: name (type to name) or configuration (type to all)",
        "parameters": [
            {
                "name": "kind",
                "in": "path",
                "required": True,
                "schema": {"type": "string", "enum": ["name", "configuration"]},
            }
        ],
        "responses": {"200": _answer("{total, result}.", _OBJECT)},
    },
    ("/profile/{profile_id}", "get"): _one("profile", "The profile."),
    ("/profile/{profile_id}", "delete"): _delete_one("profile"),
    ("/session/{session_id}", "get"): _one("session", "The session."),
    ("/session/{session_id}", "delete"): _delete_one("session"),
    ("/event/{event_id}", "get"): _one("event", "{event, _metadata}."),
    ("/event/{event_id}", "delete"): _delete_one("event"),
    ("/event/count", "get"): {
        "tags": ["tracardi reads"],
        "summary": "How many events are stored",
        "responses": {"200": _answer("{count}.", _OBJECT)},
    },
    ("/profiles/import", "post"): _import("profile"),
    ("/sessions/import", "post"): _import("session"),
    ("/events/profile/{profile_id}", "get"): {
        "tags": ["tracardi reads"],
        "summary": "Events of a profile, newest first",
        "parameters": [_LIMIT],
        "responses": {"200": _answer("{total, result}.", _OBJECT)},
    },
    ("/events/session/{session_id}/profile/{profile_id}", "get"): {
        "tags": ["tracardi reads"],
        "summary": "Events of a session and profile",
        "parameters": [_LIMIT],
        "responses": {"200": _answer("{total, result}.", _OBJECT)},
    },
    ("/_workbench/events", "get"): {
        "tags": ["workbench"],
        "summary": "Stored events, filtered, newest first",
        "parameters": [
            _query("type", "Only events of this type."),
            _query("source", "Only events from this source id."),
            _query("profile", "Only events of this profile id."),
            _query("session", "Only events of this session id."),
            _LIMIT,
            _OFFSET,
        ],
        "responses": {"200": _answer("{total, offset, events}.", _OBJECT)},
    },
    ("/_workbench/profiles", "get"): {
        "tags": ["workbench"],
        "summary": "Stored profiles",
        "parameters": [_LIMIT, _OFFSET],
        "responses": {"200": _answer("{profiles}.", _OBJECT)},
    },
    ("/_workbench/requests", "get"): {
        "tags": ["workbench"],
        "summary": "The request log (newest first), secrets masked",
        "parameters": [_LIMIT, _query("full", "true: with headers and bodies.")],
        "responses": {"200": _answer("{total, requests}.", _OBJECT)},
    },
    ("/_workbench/stats", "get"): {
        "tags": ["workbench"],
        "summary": "Counts of what is stored, and any storage notice",
        "responses": {"200": _answer("Counts.", _OBJECT)},
    },
    ("/_workbench/reset", "post"): {
        "tags": ["workbench"],
        "summary": "Forget every event, profile, session and request",
        "responses": {"200": _answer("{reset: true, ...counts}.", _OBJECT)},
    },
    ("/_workbench/wait", "get"): {
        "tags": ["workbench"],
        "summary": "Wait until at least `count` events (of `type`) are stored",
        "parameters": [
            _query("count", "How many events.", {"type": "integer", "minimum": 1, "default": 1}),
            _query(
                "timeout",
                "Seconds to wait at most.",
                {"type": "number", "minimum": 0, "maximum": 300, "default": 10},
            ),
            _query("type", "Count only events of this type."),
        ],
        "responses": {
            "200": _answer("Reached: {count, wanted, type, timed_out: false}.", _OBJECT),
            "408": _answer("Timed out: the same, with a detail.", _OBJECT),
            "503": _answer("The collector is stopping.", _DETAIL_REF),
        },
    },
    ("/_workbench/flow", "get"): {
        "tags": ["event flow"],
        "summary": "The whole event flow: event schemas, mapping rules, segments",
        "responses": {"200": _answer("The flow.", _OBJECT)},
    },
    ("/_workbench/flow", "put"): {
        "tags": ["event flow"],
        "summary": "Replace the whole event flow",
        "requestBody": _json_body(_OBJECT, "{schemas, rules, segments}."),
        "responses": {"200": _answer("The stored flow.", _OBJECT)},
    },
    ("/_workbench/flow/packs/{name}", "post"): {
        "tags": ["event flow"],
        "summary": "Load a shipped flow pack (demo, predefined, empty)",
        "responses": {
            "200": _answer("The loaded flow.", _OBJECT),
            "404": _answer("No such pack.", _DETAIL_REF),
        },
    },
    ("/_workbench/flow/check", "post"): {
        "tags": ["event flow"],
        "summary": "Check a condition's syntax",
        "requestBody": _json_body(
            {
                "type": "object",
                "required": ["condition"],
                "properties": {
                    "condition": {"type": "string"},
                    "for": {"type": "string", "enum": ["segment", "rule"]},
                },
            },
            '{"condition": "...", "for": "segment" or "rule"}.',
        ),
        "responses": {"200": _answer("{ok: true, condition}.", _OBJECT)},
    },
    ("/_workbench/flow/evaluate", "post"): {
        "tags": ["event flow"],
        "summary": "Evaluate the segments (and a condition) on a profile; changes nothing",
        "requestBody": _json_body(_OBJECT, '{"profile_id": "..."} or {"profile": {...}}.'),
        "responses": {
            "200": _answer("{profile_id, segments, condition?}.", _OBJECT),
            "404": _answer("No such profile.", _DETAIL_REF),
        },
    },
    ("/_workbench/flow/{kind}", "get"): {
        "tags": ["event flow"],
        "summary": "List the definitions of one kind",
        "parameters": [_FLOW_KIND],
        "responses": {
            "200": _answer("The definitions.", {}),
            "404": _answer("Unknown kind.", _DETAIL_REF),
        },
    },
    ("/_workbench/flow/{kind}", "post"): {
        "tags": ["event flow"],
        "summary": "Create or replace the definition in the body",
        "parameters": [_FLOW_KIND],
        "requestBody": _json_body(_OBJECT, "An event schema, mapping rule or segment."),
        "responses": {
            "200": _answer("Replaced.", _OBJECT),
            "201": _answer("Created.", _OBJECT),
            "404": _answer("Unknown kind.", _DETAIL_REF),
        },
    },
    ("/_workbench/flow/{kind}/{item_id}", "get"): {
        "tags": ["event flow"],
        "summary": "One definition",
        "parameters": [_FLOW_KIND],
        "responses": {
            "200": _answer("The definition.", _OBJECT),
            "404": _answer("Unknown kind or id.", _DETAIL_REF),
        },
    },
    ("/_workbench/flow/{kind}/{item_id}", "put"): {
        "tags": ["event flow"],
        "summary": "Create or replace one definition",
        "parameters": [_FLOW_KIND],
        "requestBody": _json_body(_OBJECT, "The definition."),
        "responses": {
            "200": _answer("Replaced.", _OBJECT),
            "201": _answer("Created.", _OBJECT),
            "404": _answer("Unknown kind.", _DETAIL_REF),
        },
    },
    ("/_workbench/flow/{kind}/{item_id}", "delete"): {
        "tags": ["event flow"],
        "summary": "Remove one definition",
        "parameters": [_FLOW_KIND],
        "responses": {
            "200": _answer("{deleted}.", _OBJECT),
            "404": _answer("Unknown kind or id.", _DETAIL_REF),
        },
    },
    ("/openapi.json", "get"): {
        "tags": ["about"],
        "summary": "This document",
        "responses": {"200": _answer("OpenAPI 3.1.", _OBJECT)},
    },
}

_HEALTH = {
    "tags": ["tracking"],
    "summary": "Echo what was received (headers, JSON if it parses, the body as text)",
    "responses": {"200": _answer("{headers, json, body}.", _OBJECT)},
}
for _method in ("get", "post", "put", "delete"):
    OPERATIONS[("/healthcheck", _method)] = _HEALTH
_NOTHING_TO_DO = {
    "tags": ["tracardi reads"],
    "summary": "Accepted and does nothing: every write is readable at once (Tracardi's "
    "Elasticsearch refresh and flush, which its tests call before reading)",
    "responses": {"200": _answer("{}.", _OBJECT)},
}
for _path in (
    "/profiles/refresh",
    "/sessions/refresh",
    "/events/refresh",
    "/event-sources/refresh",
    "/events/flush",
    "/profiles/flash",
    "/sessions/flash",
):
    OPERATIONS[(_path, "get")] = _NOTHING_TO_DO
_PAGE = {"tags": ["pages"], "responses": {"200": {"description": "An HTML page."}}}
OPERATIONS[("/", "get")] = {**_PAGE, "summary": "The status page (sources, a test button)"}
OPERATIONS[("/docs", "get")] = {**_PAGE, "summary": "This API as a readable page"}
OPERATIONS[("/demo/", "get")] = {**_PAGE, "summary": "The demo shop: product list"}
OPERATIONS[("/demo/product/{product_id}", "get")] = {
    **_PAGE,
    "summary": "The demo shop: one product",
    "responses": {
        "200": {"description": "An HTML page."},
        "404": {"description": "No such product."},
    },
}
for _page, _summary in (
    ("cart", "the cart"),
    ("checkout", "checkout"),
    ("thanks", "after the purchase"),
    ("signup", "the sign-up form"),
):
    OPERATIONS[(f"/demo/{_page}", "get")] = {**_PAGE, "summary": f"The demo shop: {_summary}"}
OPERATIONS[("/demo/{name}", "get")] = {
    "tags": ["pages"],
    "summary": "The demo shop's assets (tracker.js, styles)",
    "responses": {"200": {"description": "The file."}, "404": {"description": "No such file."}},
}
_LIVE_PAGE = {
    **_PAGE,
    "summary": "The live page: traffic and the newest answer's story, pushed as they happen",
    "parameters": [_query("profile", "Follow this profile id instead of the newest sender.")],
}
OPERATIONS[("/_workbench/live", "get")] = _LIVE_PAGE
OPERATIONS[("/_workbench/live/", "get")] = _LIVE_PAGE
OPERATIONS[("/_workbench/live/stream", "get")] = {
    "tags": ["pages"],
    "summary": "Server-sent events for the live page (hello, request, bye); never ends by itself",
    "parameters": [_query("profile", "Follow this profile id.")],
    "responses": {
        "200": {
            "description": "An event stream.",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        }
    },
}
