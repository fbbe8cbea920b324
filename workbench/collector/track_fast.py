"""``POST /track`` in one function at the app's outermost layer: the collector's hot path.

Why: the seed's two-event payload is tracked in about half the server time a
request costs; the other half went to the layers around it (Starlette's
server-error middleware, the observer, the trust middleware, a shortcut test,
each wrapping ``send`` and ``receive`` and copying the answer's start message),
and, on the routed path, the router, the ``request_response`` wrapper with its
own exception layer, a ``Request`` with lazily parsed headers and a
``Response`` object. :class:`~workbench.collector.app.CollectorApp` hands the
plain case (``POST /track`` without a query string, nothing forwarded) to
:func:`serve_track` before any of them, and it does what they would do for it,
in the same order, on the ASGI messages directly:

- the observer's part (:mod:`workbench.collector.records`): the data set from
  ``x-context`` (opening production off the loop when asked), the record
  published before the answer's body leaves, ``X-Context`` echoed and
  ``X-Process-Time`` added;
- the trust middleware's part (:mod:`workbench.collector.trust`): ``/track`` is a
  tracking path, so only the Host check applies (421 when it fails) and an
  ``Origin`` gets the CORS grant;
- the route's part (:func:`~workbench.collector.tracking_routes.track_endpoint`):
  the same checks in the same order, the same tracking, answers and record
  annotations. A :class:`Rejected` becomes the JSON answer the app's handler
  gives; any other exception is answered by the app's handler for ``Exception``
  and re-raised, as Starlette's server-error middleware does.

Anything else (a query string such as ``?profile_less=true``, ``PUT``, other
routes, forwarding) takes the ordinary Starlette route; the parity tests send
each case both ways and compare.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from workbench.collector.contexts import PRODUCTION, choose_context
from workbench.collector.durability import not_durable, stopping, until_durable
from workbench.collector.inputs import parse_json_body, read_body_asgi, reject_non_json
from workbench.collector.records import BODY_LIMIT, keeping_request_body, publish_record
from workbench.collector.rejections import Rejected
from workbench.collector.tracking import TrackRequest, track
from workbench.collector.tracking_routes import check_payload
from workbench.store.collector.codec import dumps

__all__ = ["is_fast_track", "serve_track"]

_JSON_TYPE = (b"content-type", b"application/json")
_CORS_TAIL = ((b"access-control-allow-credentials", b"true"), (b"vary", b"Origin"))


def is_fast_track(scope: Scope) -> bool:
    """Whether *scope* is a request :func:`serve_track` answers (the plain ``POST /track``)."""
    return (
        scope["path"] == "/track"
        and scope["method"] == "POST"
        and not scope.get("query_string")
        and not scope.get("root_path")
    )


def _json_headers(
    content: bytes, status: int, headers: dict[str, str]
) -> list[tuple[bytes, bytes]]:
    """The headers ``json_response(body, status, headers)`` sends with *content*."""
    if not headers and not (status < 200 or status in (204, 304)):  # the usual answer
        return [(b"content-length", b"%d" % len(content)), _JSON_TYPE]
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    names = {name for name, _ in raw}
    if b"content-length" not in names and not (status < 200 or status in (204, 304)):
        raw.append((b"content-length", str(len(content)).encode("latin-1")))
    if b"content-type" not in names:
        raw.append(_JSON_TYPE)
    return raw


async def serve_track(app: Starlette, scope: Scope, receive: Receive, send: Send) -> None:
    """The plain ``POST /track`` from the outermost layer (see the module docstring)."""
    started = time.perf_counter()
    wall = time.time()
    state = app.state
    raw_headers: list[tuple[bytes, bytes]] = scope["headers"]
    host: bytes | None = None
    origin: bytes | None = None
    x_context: bytes | None = None
    declared: bytes | None = None
    content_type: bytes | None = None
    for name, value in raw_headers:  # first or last of each, as each layer reads it
        if name == b"host":
            if host is None:
                host = value
        elif name == b"origin":
            origin = value
        elif name == b"x-context":
            x_context = value
        elif name == b"content-length":
            if declared is None:
                declared = value
        elif name == b"content-type" and content_type is None:
            content_type = value
    config = state.live.current
    info: dict[str, Any] = {"context": choose_context(x_context, config.production)}
    scope["workbench"] = info
    contexts = state.contexts
    if info["context"] == PRODUCTION and contexts.opened(PRODUCTION) is None:
        await contexts.ready(PRODUCTION)  # opened off the event loop, once

    request_chunks: list[bytes] = []
    receive_kept = keeping_request_body(receive, request_chunks)

    status = 500
    sent_headers: list[tuple[bytes, bytes]] = []
    published = False
    try:
        extra: list[tuple[bytes, bytes]] = []
        policy = state.trust
        host_text = host.decode("latin-1") if host is not None else None
        if not policy.host_allowed(host_text):
            assert host_text is not None
            verdict = policy.host_refusal(host_text)
            info["reason"] = verdict.detail
            content = dumps({"detail": verdict.detail})
            status = verdict.status
            headers = [_JSON_TYPE, (b"content-length", str(len(content)).encode())]
        else:
            if origin is not None:
                extra = [(b"access-control-allow-origin", origin), *_CORS_TAIL]
            status, body, answer_headers = await _track(
                state, scope, receive_kept, info, config, declared, content_type
            )
            content = dumps(body)
            headers = _json_headers(content, status, answer_headers)
        if extra:
            headers += extra
        if x_context is not None:
            headers.append((b"x-context", x_context))
        headers.append((b"x-process-time", f"{time.perf_counter() - started:.6f}".encode()))
        sent_headers = headers
        await send({"type": "http.response.start", "status": status, "headers": headers})
        # Recorded before the body leaves: whoever got the answer can already see it.
        published = True
        _publish(app, scope, wall, started, status, headers, info, request_chunks, (content,))
        await send({"type": "http.response.body", "body": content})
    except Exception as exc:
        if not published:
            # What the observer records of a request that failed: no answer seen
            # (or only its start), the request as far as it was read.
            _publish(app, scope, wall, started, status, sent_headers, info, request_chunks, ())
        if not sent_headers:
            # As Starlette's server-error middleware: the app's handler answers, and
            # the exception goes on to the server.
            handler = app.exception_handlers.get(500) or app.exception_handlers.get(Exception)
            if handler is not None:
                response = await handler(Request(scope), exc)
                await response(scope, receive, send)
        raise


def _publish(
    app: Starlette,
    scope: Scope,
    wall: float,
    started: float,
    status: int,
    headers: list[tuple[bytes, bytes]],
    info: dict[str, Any],
    request_chunks: list[bytes],
    response_chunks: tuple[bytes, ...],
) -> None:
    # What the bodies keep (see records._RawExchange): the first BODY_LIMIT bytes of each.
    # The usual body came in one chunk, and the answer is one chunk or none.
    captured = len(request_chunks[0]) if len(request_chunks) == 1 else sum(map(len, request_chunks))
    sent = len(response_chunks[0]) if response_chunks else 0
    latency = (time.perf_counter() - started) * 1000.0
    size = min(captured, BODY_LIMIT) + min(sent, BODY_LIMIT)
    publish_record(
        app.state.hub,
        scope,
        wall,
        latency,
        status,
        headers,
        info,
        request_chunks,
        response_chunks,
        size,
    )


async def _track(
    state: Any,
    scope: Scope,
    receive: Receive,
    info: dict[str, Any],
    config: Any,
    declared: bytes | None,
    content_type: bytes | None,
) -> tuple[int, Any, dict[str, str]]:
    """What ``track_endpoint`` answers: status, body and extra headers."""
    try:
        if state.stopping:
            raise stopping()
        body = await read_body_asgi(receive, declared, config.max_body_bytes)
        reject_non_json(content_type.decode("latin-1") if content_type else None, body)
        payload = parse_json_body(body)
        warnings = check_payload(payload, config)
        info["source_id"] = payload["source"]["id"]
        client = scope.get("client")
        request = TrackRequest(
            payload=payload,
            bridge="rest",
            headers=[
                (name.decode("latin-1"), value.decode("latin-1"))
                for name, value in scope["headers"]
            ],
            client_ip=client[0] if client else None,
            profile_less=payload.get("profile_less") is True,
            warnings=warnings,
        )
        store = state.contexts.get(info["context"])
        outcome = track(store, config, request, state.processor)
        if outcome.ticket and config.durability == "durable":
            error = await until_durable(store, outcome.ticket)
            if error is not None:
                raise not_durable(error)
    except Rejected as exc:
        info["reason"] = exc.reason
        return exc.status, {"detail": exc.detail}, exc.headers
    info["source_id"] = outcome.source_id
    info["event_types"] = outcome.event_types
    info["profile_id"] = outcome.profile_id
    info["session_id"] = outcome.session_id
    return outcome.status, outcome.body, {}
