"""The collector's API as an OpenAPI 3.1 document (``/openapi.json``) and a docs page (``/docs``).

The document is built from the app's own route table, so every route the app
serves is in it and nothing else is: an operation described in
:data:`OPERATIONS` gets its summary, parameters, body and answers from there; a
route nobody described yet still appears (path parameters, its methods and the
answers every route may give), marked as not described. The tracker payload
schema is the one :mod:`workbench.core.validation` checks against, so the
document cannot drift from the validator. Every operation lists the refusals of
:mod:`workbench.collector.trust` (403, 421 and, with a token, 401) and of the
input layer (413, 422), and says who may call it.

The docs page renders the same document as plain HTML (no scripts, nothing
fetched from the internet), so it works offline on a trainer's laptop.
"""

from __future__ import annotations

import copy
import html
import re
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from workbench import __version__
from workbench.collector.trust import TRACKING_PATHS, TrustPolicy, is_open_page, is_tracking_path
from workbench.resources import read_json_resource
from workbench.store.collector.codec import dumps, loads

__all__ = ["OPERATIONS", "docs_routes", "openapi_document"]

_PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")

_DETAIL = {
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {
            "description": "Why: a sentence, or FastAPI-style items "
            "({type, loc, msg, input}) naming each field that is wrong.",
            "oneOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "object"}},
            ],
        }
    },
}


def _json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _answer(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description}
    if schema is not None:
        answer["content"] = _json_content(schema)
    return answer


_DETAIL_REF = {"$ref": "#/components/schemas/Detail"}
_COMMON_ANSWERS = {
    "413": _answer("The body is larger than the collector's limit (max_body_bytes).", _DETAIL_REF),
    "421": _answer(
        "The Host header names neither a loopback address nor an allowed host "
        "(start with --allow-host NAME to allow one).",
        _DETAIL_REF,
    ),
    "422": _answer(
        "The input is not acceptable (malformed JSON, too deeply nested, a wrong field, "
        "a query parameter of the wrong type); the detail names where and what.",
        _DETAIL_REF,
    ),
}
_OWNER_ANSWERS = {
    "401": _answer(
        "This collector has a token and the request did not present it "
        "(Authorization: Bearer, ?token= or the page cookie).",
        _DETAIL_REF,
    ),
    "403": _answer(
        "Another web page (an Origin that is not the collector's) without the token.",
        _DETAIL_REF,
    ),
}

_OBJECT: dict[str, Any] = {"type": "object"}
_NULLABLE_OBJECT: dict[str, Any] = {"type": ["object", "null"]}
_LIMIT = {
    "name": "limit",
    "in": "query",
    "required": False,
    "schema": {"type": "integer", "minimum": 0, "default": 100},
    "description": "At most this many items.",
}
_OFFSET = {
    "name": "offset",
    "in": "query",
    "required": False,
    "schema": {"type": "integer", "minimum": 0, "default": 0},
    "description": "Skip this many of the newest items first.",
}


def _query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema or {"type": "string"},
        "description": description,
    }


def _json_body(schema: dict[str, Any], description: str, required: bool = True) -> dict[str, Any]:
    return {"required": required, "description": description, "content": _json_content(schema)}


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
    ("/profile/{profile_id}", "get"): {
        "tags": ["tracardi reads"],
        "summary": "One profile",
        "responses": {
            "200": _answer("The profile.", _OBJECT),
            "404": _answer("No such profile.", {"type": "null"}),
        },
    },
    ("/profile/{profile_id}", "delete"): {
        "tags": ["tracardi reads"],
        "summary": "Delete one profile (as Tracardi: 200, or 404 with body null)",
        "responses": {
            "200": _answer("{deleted, ids}.", _OBJECT),
            "404": _answer("No such profile.", {"type": "null"}),
        },
    },
    ("/session/{session_id}", "get"): {
        "tags": ["tracardi reads"],
        "summary": "One session",
        "responses": {
            "200": _answer("The session.", _OBJECT),
            "404": _answer("No such session.", {"type": "null"}),
        },
    },
    ("/session/{session_id}", "delete"): {
        "tags": ["tracardi reads"],
        "summary": "Delete one session (as Tracardi: 200, or 404 with body null)",
        "responses": {
            "200": _answer("{deleted, ids}.", _OBJECT),
            "404": _answer("No such session.", {"type": "null"}),
        },
    },
    ("/event/{event_id}", "get"): {
        "tags": ["tracardi reads"],
        "summary": "One event",
        "responses": {
            "200": _answer("{event, _metadata}.", _OBJECT),
            "404": _answer("No such event.", {"type": "null"}),
        },
    },
    ("/event/{event_id}", "delete"): {
        "tags": ["tracardi reads"],
        "summary": "Delete one event (as Tracardi: 200, or 404 with body null)",
        "responses": {
            "200": _answer("{deleted, ids}.", _OBJECT),
            "404": _answer("No such event.", {"type": "null"}),
        },
    },
    ("/event/count", "get"): {
        "tags": ["tracardi reads"],
        "summary": "How many events are stored",
        "responses": {"200": _answer("{count}.", _OBJECT)},
    },
    ("/profiles/import", "post"): {
        "tags": ["tracardi reads"],
        "summary": "Store whole profiles; fields left out get the profile model's defaults",
        "requestBody": _json_body(
            {"type": "array", "items": _OBJECT}, "A list of profiles, each with a string id."
        ),
        "responses": {"200": _answer("{saved, errors, ids}.", _OBJECT)},
    },
    ("/sessions/import", "post"): {
        "tags": ["tracardi reads"],
        "summary": "Store whole sessions; fields left out get the session model's defaults",
        "requestBody": _json_body(
            {"type": "array", "items": _OBJECT}, "A list of sessions, each with a string id."
        ),
        "responses": {"200": _answer("{saved, errors, ids}.", _OBJECT)},
    },
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


def _payload_schemas() -> dict[str, Any]:
    """The tracker payload schema and its definitions, refs pointing into components."""
    schema = copy.deepcopy(read_json_resource("schemas", "tracker-payload.schema.json"))
    definitions = schema.pop("$defs", {})
    schema.pop("$schema", None)
    schema.pop("$id", None)
    text = dumps({"TrackerPayload": schema, **definitions}).decode()
    text = text.replace('"#/$defs/', '"#/components/schemas/')
    result: dict[str, Any] = loads(text.encode())
    return result


def _who(path: str, policy: TrustPolicy | None) -> tuple[str, list[dict[str, Any]] | None]:
    token = policy is not None and policy.token is not None
    if is_tracking_path(path):
        return "Open to every origin (CORS granted), no token needed.", []
    if is_open_page(path):
        return "Clients without an Origin and the collector's own pages; no token needed.", []
    if token:
        return "Requires the token (Authorization: Bearer).", [{"token": []}]
    return (
        "Clients without an Origin (curl, the CLI, the app) and the collector's own pages; "
        "other web pages only with the token.",
        None,
    )


def _routes(routes: list[BaseRoute]) -> list[tuple[str, str]]:
    found = []
    for route in routes:
        if isinstance(route, Route):
            for method in sorted(route.methods or {"GET"}):
                if method != "HEAD":
                    found.append((route.path, method.lower()))
    return found


def openapi_document(app: Starlette) -> dict[str, Any]:
    """The OpenAPI 3.1 document of *app*'s routes (see the module docstring)."""
    policy: TrustPolicy | None = getattr(app.state, "trust", None)
    paths: dict[str, dict[str, Any]] = {}
    for path, method in _routes(app.routes):
        known = OPERATIONS.get((path, method))
        operation: dict[str, Any] = (
            copy.deepcopy(known)
            if known
            else {
                "summary": f"{method.upper()} {path} (not described yet)",
                "responses": {"200": {"description": "An answer."}},
            }
        )
        who, security = _who(path, policy)
        operation["description"] = (operation.get("description", "") + " " + who).strip()
        if security is not None:
            operation["security"] = security
        operation["operationId"] = f"{method}{re.sub(r'[^A-Za-z0-9]+', '_', path)}".rstrip("_")
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        for name in _PARAM.findall(path):
            if name not in declared:
                operation.setdefault("parameters", []).append(
                    {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                )
        responses = operation.setdefault("responses", {})
        extra = dict(_COMMON_ANSWERS)
        if not is_tracking_path(path):
            extra.update(_OWNER_ANSWERS)
        for status, answer in extra.items():
            responses.setdefault(status, answer)
        if method in ("post", "put") and "requestBody" not in operation and known is None:
            operation["requestBody"] = {
                "required": False,
                "content": {"application/json": {"schema": {}}},
            }
        paths.setdefault(path, {})[method] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Workbench collector",
            "version": __version__,
            "description": "The embedded Tracardi-compatible collector of Workbench. Tracking "
            f"routes ({', '.join(TRACKING_PATHS)}) are open to every web page; everything "
            "else answers clients without an Origin and the collector's own pages, and, when "
            "the collector has a token (always when it listens beyond loopback), only "
            "requests presenting it.",
        },
        "paths": paths,
        "components": {
            "schemas": {"Detail": _DETAIL, **_payload_schemas()},
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
    }


async def openapi_endpoint(request: Request) -> Response:
    return Response(dumps(openapi_document(request.app)), media_type="application/json")


_DOCS_STYLE = """
body{font:15px system-ui,sans-serif;margin:2rem auto;max-width:62rem;color:#222;padding:0 1rem}
h2{margin-top:2rem;border-bottom:1px solid #ddd}
.op{border:1px solid #ddd;border-radius:4px;margin:.6rem 0;padding:.5rem .8rem}
.m{display:inline-block;min-width:4.5rem;font-weight:bold;font-family:monospace}
.p{font-family:monospace}
.who{color:#555;font-size:.9rem;margin:.2rem 0}
table{border-collapse:collapse;margin:.3rem 0}td,th{border:1px solid #ddd;padding:.1rem .5rem;
text-align:left;font-size:.9rem}
code{background:#f4f4f4;padding:.05rem .3rem;border-radius:3px}
"""


def _docs_html(document: dict[str, Any]) -> str:
    esc = html.escape
    by_tag: dict[str, list[str]] = {}
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            rows = "".join(
                f"<tr><td><code>{esc(p['name'])}</code></td><td>{esc(p['in'])}</td>"
                f"<td>{esc(dumps(p.get('schema', {})).decode())}</td>"
                f"<td>{esc(p.get('description', ''))}</td></tr>"
                for p in op.get("parameters", [])
            )
            params = (
                "<table><tr><th>parameter</th><th>in</th><th>schema</th><th></th></tr>"
                f"{rows}</table>"
                if rows
                else ""
            )
            body = op.get("requestBody")
            body_text = (
                f"<div>Body ({esc(', '.join(body['content']))}): "
                f"{esc(body.get('description', ''))}</div>"
                if body
                else ""
            )
            answers = ", ".join(
                f"<b>{esc(code)}</b> {esc(answer['description'])}"
                for code, answer in sorted(op["responses"].items())
            )
            block = (
                f'<div class="op"><span class="m">{esc(method.upper())}</span>'
                f'<span class="p">{esc(path)}</span> — {esc(op.get("summary", ""))}'
                f'<div class="who">{esc(op.get("description", ""))}</div>{params}{body_text}'
                f"<details><summary>Answers</summary>{answers}</details></div>"
            )
            by_tag.setdefault((op.get("tags") or ["other"])[0], []).append(block)
    sections = "".join(f"<h2>{esc(tag)}</h2>{''.join(blocks)}" for tag, blocks in by_tag.items())
    info = document["info"]
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(info['title'])} API</title><style>{_DOCS_STYLE}</style></head><body>"
        f"<h1>{esc(info['title'])} API <small>{esc(info['version'])}</small></h1>"
        f"<p>{esc(info['description'])}</p>"
        '<p>Machine-readable: <a href="/openapi.json"><code>/openapi.json</code></a> '
        "(OpenAPI 3.1). The tracker payload schema is under "
        "<code>components.schemas.TrackerPayload</code>.</p>"
        f"{sections}</body></html>"
    )


async def docs_endpoint(request: Request) -> Response:
    return HTMLResponse(_docs_html(openapi_document(request.app)))


def docs_routes() -> list[BaseRoute]:
    """``GET /openapi.json`` and ``GET /docs``."""
    return [
        Route("/openapi.json", openapi_endpoint, methods=["GET"]),
        Route("/docs", docs_endpoint, methods=["GET"]),
    ]
