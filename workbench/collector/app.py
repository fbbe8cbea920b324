"""The collector's Starlette app: ``create_app(store, config, on_request)``.

Routes are grouped by purpose in small modules: tracking here (``/track``,
``/collect/...``, ``/healthcheck``), Tracardi-shaped reads and the
``/_workbench/*`` API in :mod:`workbench.collector.read_routes`, the status page
in :mod:`workbench.collector.page`. To add routes (e.g. configuration of the
event flow), pass ``extra_routes`` or append to ``app.router.routes`` before
serving; handlers find the store, live config and hub on ``request.app.state``.

Tracking handlers are synchronous after the body is read: the store is in
memory, so a request never waits on the disk.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from workbench.collector.config import CollectorConfig, LiveConfig
from workbench.collector.fast_check import certainly_valid
from workbench.collector.processing import Processor, process
from workbench.collector.records import ObserverMiddleware, RequestHub, RequestListener
from workbench.collector.rejections import (
    Rejected,
    issue_items,
    json_type_name,
    object_expected,
    parse_json_body,
)
from workbench.collector.tracking import TrackRequest, collect_payload, track
from workbench.collector.waiting import EventWaiters
from workbench.core.validation import validate_payload
from workbench.store.collector.codec import dumps
from workbench.store.collector.store import CollectorStore

__all__ = [
    "check_payload",
    "create_app",
    "json_response",
    "read_body",
    "reject_non_json",
    "too_big",
]

_TRUE = frozenset({"true", "1", "yes", "on", "t", "y"})
_FALSE = frozenset({"false", "0", "no", "off", "f", "n"})


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """JSON without spaces (what Tracardi's FastAPI sends), UTF-8."""
    return Response(dumps(body), status_code=status, headers=headers, media_type="application/json")


def _live(request: Request) -> CollectorConfig:
    live: LiveConfig = request.app.state.live
    return live.current


async def read_body(request: Request, limit: int) -> bytes:
    """The body, or :class:`Rejected` 413 as soon as it is larger than *limit* bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit():
        if int(declared) > limit:
            raise too_big(limit)
        return await request.body()  # the HTTP layer stops at Content-Length
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_big(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def too_big(limit: int) -> Rejected:
    """The 413 for a body larger than *limit* bytes."""
    return Rejected(
        413,
        f"The request body is larger than the collector's limit of {limit} bytes "
        "(max_body_bytes); send fewer or smaller events per request, or raise the limit.",
    )


def _bool_query(request: Request, name: str) -> bool | None:
    """A FastAPI-style boolean query parameter; None when absent."""
    if not request.scope.get("query_string"):
        return None
    raw = request.query_params.get(name)
    if raw is None:
        return None
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise Rejected(
        422,
        [
            {
                "type": "bool_parsing",
                "loc": ["query", name],
                "input": raw,
                "msg": "Input should be a valid boolean, unable to interpret input: "
                f"{name} must be true or false",
            }
        ],
    )


def _is_json_type(content_type: str | None) -> bool:
    if not content_type:
        return True  # FastAPI parses a body without Content-Type as JSON
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def reject_non_json(content_type: str | None, body: bytes) -> None:
    """422 for a ``/track`` body whose Content-Type is not JSON (none at all counts as JSON)."""
    if _is_json_type(content_type):
        return
    raise Rejected(
        422,
        [
            {
                "type": "model_attributes_type",
                "loc": ["body"],
                "input": body[:200].decode("utf-8", "replace"),
                "msg": "Input should be a valid dictionary or object to extract fields from: "
                f"Content-Type `{content_type}` is not JSON; send "
                "Content-Type: application/json (Tracardi rejects it too)",
            }
        ],
    )


def check_payload(payload: Any, config: CollectorConfig) -> list[str]:
    """Validate with the one payload schema; 422 on errors. Returns warnings for the log.

    Unless strict validation is on, a non-boolean option is not an error: Tracardi
    silently ignores it (§2.1), so the collector does too, and says so in the log.
    """
    if not isinstance(payload, dict):
        raise object_expected(payload)
    if certainly_valid(payload):
        return []
    issues = validate_payload(payload)
    warnings: list[str] = []
    if not config.strict_validation:
        kept = []
        for issue in issues:
            if len(issue.path) == 2 and issue.path[0] == "options" and issue.keyword == "type":
                value = payload["options"][issue.path[1]]
                warnings.append(
                    f"options.{issue.path[1]} is {json_type_name(value)} ({value!r}), not a JSON "
                    "boolean: ignored, the default applies (as in Tracardi)"
                )
            else:
                kept.append(issue)
        issues = kept
    if issues:
        raise Rejected(422, issue_items(issues, payload))
    return warnings


def _client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def _annotate(request: Request, **values: Any) -> None:
    info = request.scope.get("workbench")
    if info is not None:
        info.update(values)


def _run_tracking(request: Request, track_request: TrackRequest) -> Response:
    config = _live(request)
    state = request.app.state
    outcome = track(state.store, config, track_request, state.processor)
    _annotate(
        request,
        source_id=outcome.source_id,
        event_types=outcome.event_types,
        profile_id=outcome.profile_id,
        session_id=outcome.session_id,
    )
    return json_response(outcome.body, outcome.status)


async def track_endpoint(request: Request) -> Response:
    """``POST /track`` (§1): the tracker payload; ``?profile_less=true`` (§6.2)."""
    config = _live(request)
    profile_less = _bool_query(request, "profile_less")
    body = await read_body(request, config.max_body_bytes)
    reject_non_json(request.headers.get("content-type"), body)
    payload = parse_json_body(body)
    warnings = check_payload(payload, config)
    _annotate(request, source_id=payload["source"]["id"])
    if request.method == "PUT":  # Tracardi's unfinished PUT /track: validates, stores nothing
        return json_response(None)
    track_request = TrackRequest(
        payload=payload,
        bridge="rest",
        headers=request.headers.items(),
        client_ip=_client_ip(request),
        # The query parameter, when given, overrides the body's profile_less (§1.1).
        profile_less=profile_less
        if profile_less is not None
        else payload.get("profile_less") is True,
        warnings=warnings,
    )
    return _run_tracking(request, track_request)


def _query_properties(request: Request) -> dict[str, Any]:
    parsed = parse_qs(request.url.query, keep_blank_values=True)
    return {key: values[0] if len(values) == 1 else values for key, values in parsed.items()}


async def _collect_properties(request: Request, *, with_session: bool) -> dict[str, Any]:
    if request.method == "GET":
        return _query_properties(request)
    body = await read_body(request, _live(request).max_body_bytes)
    content_type = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded" and not with_session:
        form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        return {key: values[0] if len(values) == 1 else values for key, values in form.items()}
    if not with_session and content_type and not content_type.endswith("json"):
        raise Rejected(
            415,
            f"Content-Type `{content_type}` cannot become event properties: send a JSON object "
            "(application/json) or a form (application/x-www-form-urlencoded). Tracardi "
            "answers this with HTTP 500.",
        )
    value = parse_json_body(body, required=False)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise object_expected(value, "the event's properties")
    return value


async def collect_endpoint(request: Request) -> Response:
    """``GET|POST /collect/{event_type}/{source_id}[/{session_id}]`` (§4)."""
    params = request.path_params
    session_id = params.get("session_id")
    properties = await _collect_properties(request, with_session=session_id is not None)
    payload = collect_payload(params["event_type"], params["source_id"], session_id, properties)
    _annotate(request, source_id=params["source_id"])
    track_request = TrackRequest(
        payload=payload,
        bridge="webhook",
        headers=request.headers.items(),
        client_ip=_client_ip(request),
        profile_less=session_id is None,
        save_session=session_id is not None,
    )
    return _run_tracking(request, track_request)


async def healthcheck_endpoint(request: Request) -> Response:
    """``/healthcheck`` echoes what it received, as Tracardi's does."""
    body = await read_body(request, _live(request).max_body_bytes)
    try:
        parsed = json.loads(body) if body.strip() else None
    except (ValueError, UnicodeDecodeError):
        parsed = None
    return json_response(
        {
            "headers": dict(request.headers.items()),
            "json": parsed,
            "body": body.decode("utf-8", "replace"),
        }
    )


async def _rejected_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Rejected)
    _annotate(request, reason=exc.reason)
    return json_response({"detail": exc.detail}, exc.status, exc.headers)


async def _http_exception_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    _annotate(request, reason=str(exc.detail))
    return json_response({"detail": exc.detail}, exc.status_code, dict(exc.headers or {}))


async def _unexpected_handler(request: Request, exc: Exception) -> Response:
    """A bug of ours, not the client's: still JSON, and said plainly."""
    reason = f"internal error in the collector: {type(exc).__name__}: {exc}"
    _annotate(request, reason=reason)
    return json_response({"detail": reason}, 500)


def tracking_routes() -> list[BaseRoute]:
    return [
        Route("/track", track_endpoint, methods=["POST", "PUT"]),
        Route("/collect/{event_type}/{source_id}", collect_endpoint, methods=["GET", "POST"]),
        Route(
            "/collect/{event_type}/{source_id}/{session_id}",
            collect_endpoint,
            methods=["GET", "POST"],
        ),
        Route("/healthcheck", healthcheck_endpoint, methods=["GET", "POST", "PUT", "DELETE"]),
    ]


def create_app(
    store: CollectorStore,
    config: CollectorConfig | LiveConfig | None = None,
    on_request: RequestListener | None = None,
    *,
    processor: Processor | None = None,
    hub: RequestHub | None = None,
    extra_routes: Sequence[BaseRoute] = (),
) -> Starlette:
    """Build the collector app around *store*.

    *config* may be a :class:`LiveConfig` shared with a server (so ``reconfigure``
    reaches the app); *on_request* is called with a ``RequestRecord`` after every
    request; *processor* replaces :func:`workbench.collector.processing.process`.
    """
    from workbench.collector.page import page_routes
    from workbench.collector.read_routes import read_routes
    from workbench.collector.track_fast import is_fast_track, track_asgi

    live = config if isinstance(config, LiveConfig) else LiveConfig(config or CollectorConfig())
    hub = hub or RequestHub()
    if on_request is not None:
        hub.add_listener(on_request)
    handlers: dict[Any, Callable[..., Any]] = {
        Rejected: _rejected_handler,
        HTTPException: _http_exception_handler,
        Exception: _unexpected_handler,
    }
    app = Starlette(
        routes=[*tracking_routes(), *read_routes(), *page_routes(), *extra_routes],
        middleware=[Middleware(ObserverMiddleware, hub=hub, shortcut=(is_fast_track, track_asgi))],
        exception_handlers=handlers,
    )
    app.state.store = store
    app.state.live = live
    app.state.hub = hub
    app.state.processor = processor or process
    from workbench.collector.flow_routes import install_flow

    install_flow(app, custom_processor=processor is not None)  # the event flow (issue 7)
    waiters = EventWaiters(store)
    store.add_observer(waiters.on_store_changed)
    app.state.waiters = waiters
    return app
