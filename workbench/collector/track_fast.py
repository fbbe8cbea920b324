"""``POST /track`` without Starlette's per-request machinery: the collector's hot path.

Why: profiling the benchmark showed that, for the seed's two-event payload,
the layers around the tracking code (exception middleware, router, the
``request_response`` wrapper with its own exception layer, a ``Request`` with
lazily parsed headers, a ``Response`` object) cost about as much as tracking
itself. :class:`~workbench.collector.records.ObserverMiddleware` hands the
plain case — ``POST /track`` without a query string — to :func:`track_asgi`,
which does exactly what :func:`~workbench.collector.tracking_routes.track_endpoint` does
(same checks in the same order, same tracking, same answers and headers, same
record annotations) directly on the ASGI messages. Anything else (a query
string such as ``?profile_less=true``, ``PUT``, other routes) takes the
ordinary Starlette route. A :class:`Rejected` becomes the same JSON answer as
the app's handler gives; any other exception propagates exactly as from the
route (the server-error middleware answers 500 and re-raises it).
"""

from __future__ import annotations

from typing import Any

from starlette.types import Receive, Scope, Send

from workbench.collector.durability import not_durable, stopping, until_durable
from workbench.collector.inputs import parse_json_body, read_body_asgi, reject_non_json
from workbench.collector.rejections import Rejected
from workbench.collector.tracking import TrackRequest, track
from workbench.collector.tracking_routes import check_payload
from workbench.store.collector.codec import dumps

__all__ = ["is_fast_track", "track_asgi"]

_JSON_TYPE = (b"content-type", b"application/json")


def is_fast_track(scope: Scope) -> bool:
    """Whether *scope* is a request :func:`track_asgi` answers (the plain ``POST /track``)."""
    return (
        scope["path"] == "/track"
        and scope["method"] == "POST"
        and not scope.get("query_string")
        and not scope.get("root_path")
    )


async def _send_json(send: Send, body: Any, status: int, headers: dict[str, str]) -> None:
    """What ``json_response(body, status, headers)`` sends, without building a Response."""
    content = dumps(body)
    if not headers and not (status < 200 or status in (204, 304)):  # the usual answer
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-length", b"%d" % len(content)), _JSON_TYPE],
            }
        )
        await send({"type": "http.response.body", "body": content})
        return
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    names = {name for name, _ in raw}
    if b"content-length" not in names and not (status < 200 or status in (204, 304)):
        raw.append((b"content-length", str(len(content)).encode("latin-1")))
    if b"content-type" not in names:
        raw.append(_JSON_TYPE)
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": content})


async def track_asgi(scope: Scope, receive: Receive, send: Send) -> None:
    """The plain ``POST /track`` (module docstring); *scope* holds ``app`` and ``workbench``."""
    info: dict[str, Any] = scope["workbench"]
    state = scope["app"].state
    try:
        if state.stopping:
            raise stopping()
        config = state.live.current
        raw_headers: list[tuple[bytes, bytes]] = scope["headers"]
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in raw_headers]
        declared: bytes | None = None
        content_type: str | None = None
        for name, value in raw_headers:
            if name == b"content-length":
                if declared is None:
                    declared = value
            elif name == b"content-type" and content_type is None:
                content_type = value.decode("latin-1")
        body = await read_body_asgi(receive, declared, config.max_body_bytes)
        reject_non_json(content_type, body)
        payload = parse_json_body(body)
        warnings = check_payload(payload, config)
        info["source_id"] = payload["source"]["id"]
        client = scope.get("client")
        request = TrackRequest(
            payload=payload,
            bridge="rest",
            headers=headers,
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
        await _send_json(send, {"detail": exc.detail}, exc.status, exc.headers)
        return
    info["source_id"] = outcome.source_id
    info["event_types"] = outcome.event_types
    info["profile_id"] = outcome.profile_id
    info["session_id"] = outcome.session_id
    await _send_json(send, outcome.body, outcome.status, {})
