"""The tracking routes: ``/track``, ``/collect/...`` and ``/healthcheck``.

Every body is read and decoded by :mod:`workbench.collector.inputs` (one limit,
one JSON decoder); the tracking itself is :func:`workbench.collector.tracking.track`.
Tracking runs synchronously once the body is read (the store is in memory);
then, in durable mode, the handler awaits the store's writer before it answers
(:mod:`workbench.collector.durability`), without blocking other requests. The
plain ``POST /track`` is usually answered by :mod:`workbench.collector.track_fast`,
which must behave exactly like :func:`track_endpoint`; both check a payload with
:func:`check_payload`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from workbench.collector.config import CollectorConfig, LiveConfig
from workbench.collector.contexts import store_for
from workbench.collector.durability import not_durable, refuse_while_stopping, until_durable
from workbench.collector.fast_check import certainly_valid
from workbench.collector.inputs import bool_query, parse_json_body, read_body, reject_non_json
from workbench.collector.rejections import (
    Rejected,
    annotate,
    issue_items,
    json_response,
    json_type_name,
    object_expected,
)
from workbench.collector.tracking import TrackRequest, collect_payload, track
from workbench.core.validation import validate_payload

__all__ = [
    "check_payload",
    "collect_endpoint",
    "healthcheck_endpoint",
    "track_endpoint",
    "tracking_routes",
]


def _live(request: Request) -> CollectorConfig:
    live: LiveConfig = request.app.state.live
    return live.current


def check_payload(payload: Any, config: CollectorConfig) -> list[str]:
    """Validate with the one payload schema; 422 on errors. Returns warnings for the log.

    Unless strict validation is on, a non-boolean option is not an error: Tracardi
    silently ignores it (see docs/compatibility.md), so the collector does too, and
    says so in the log.
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


async def _run_tracking(request: Request, track_request: TrackRequest) -> Response:
    config = _live(request)
    state = request.app.state
    store = store_for(request)
    outcome = track(store, config, track_request, state.processor)
    if outcome.ticket and config.durability == "durable":
        error = await until_durable(store, outcome.ticket)
        if error is not None:
            raise not_durable(error)
    annotate(
        request,
        source_id=outcome.source_id,
        event_types=outcome.event_types,
        profile_id=outcome.profile_id,
        session_id=outcome.session_id,
    )
    return json_response(outcome.body, outcome.status)


async def track_endpoint(request: Request) -> Response:
    """``POST /track``: the tracker payload; ``?profile_less=true`` tracks without a profile."""
    refuse_while_stopping(request)
    config = _live(request)
    profile_less = bool_query(request, "profile_less")
    body = await read_body(request, config.max_body_bytes)
    reject_non_json(request.headers.get("content-type"), body)
    payload = parse_json_body(body)
    warnings = check_payload(payload, config)
    annotate(request, source_id=payload["source"]["id"])
    if request.method == "PUT":  # Tracardi's unfinished PUT /track: validates, stores nothing
        return json_response(None)
    track_request = TrackRequest(
        payload=payload,
        bridge="rest",
        headers=request.headers.items(),
        client_ip=_client_ip(request),
        # The query parameter, when given, overrides the body's profile_less.
        profile_less=profile_less
        if profile_less is not None
        else payload.get("profile_less") is True,
        warnings=warnings,
    )
    return await _run_tracking(request, track_request)


def _query_properties(request: Request) -> dict[str, Any]:
    parsed = parse_qs(request.url.query, keep_blank_values=True)
    return {key: values[0] if len(values) == 1 else values for key, values in parsed.items()}


async def _collect_properties(request: Request, *, with_session: bool) -> dict[str, Any]:
    if request.method == "GET":
        return _query_properties(request)
    body = await read_body(request)
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
    """``GET|POST /collect/{event_type}/{source_id}[/{session_id}]``: the webhook bridge."""
    refuse_while_stopping(request)
    params = request.path_params
    session_id = params.get("session_id")
    properties = await _collect_properties(request, with_session=session_id is not None)
    payload = collect_payload(params["event_type"], params["source_id"], session_id, properties)
    annotate(request, source_id=params["source_id"])
    track_request = TrackRequest(
        payload=payload,
        bridge="webhook",
        headers=request.headers.items(),
        client_ip=_client_ip(request),
        profile_less=session_id is None,
        save_session=session_id is not None,
    )
    return await _run_tracking(request, track_request)


async def healthcheck_endpoint(request: Request) -> Response:
    """``/healthcheck`` echoes what it received, as Tracardi's does."""
    body = await read_body(request)
    try:
        parsed = parse_json_body(body, required=False)
    except Rejected:
        parsed = None  # an echo, not a check: a body that is not JSON is still echoed
    return json_response(
        {
            "headers": dict(request.headers.items()),
            "json": parsed,
            "body": body.decode("utf-8", "replace"),
        }
    )


def tracking_routes() -> list[BaseRoute]:
    """``/track``, both ``/collect`` forms and ``/healthcheck``."""
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
