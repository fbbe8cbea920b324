"""Forwarding: the collector as a recording proxy in front of a real Tracardi.

With a :class:`Forwarder` installed, every tracking request (``/track``,
``/collect/...``) is sent on to the real Tracardi at ``base_url`` with its body,
query and the headers that matter to Tracardi, and the client gets Tracardi's
answer (status, headers, body) unchanged. Everything else (the status page,
``/_workbench/*``, reads) is still answered locally. The request log and live
traffic show the real answer because the forwarder runs inside the observing
middleware; ``on_exchange`` gets a :class:`ForwardedExchange` for each one before
the answer leaves (the CLI records it in history, from which a journey can be made).

The upstream call runs in a worker thread with a synchronous ``httpx.Client``,
so a slow Tracardi never blocks the event loop and :meth:`Forwarder.close`
releases every connection. When Tracardi cannot be reached the client gets a
``502`` whose ``detail`` says why.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from starlette.requests import ClientDisconnect
from starlette.types import Receive, Scope, Send

from workbench.collector.inputs import read_body_asgi
from workbench.collector.rejections import Rejected

__all__ = ["FORWARDED_HEADERS", "ForwardedExchange", "Forwarder", "is_tracking_request"]

log = logging.getLogger(__name__)

#: Request headers passed on to Tracardi (others — Host, cookies of the local
#: origin, hop-by-hop headers — are not).
FORWARDED_HEADERS = frozenset(
    {
        "content-type",
        "accept",
        "user-agent",
        "x-timestamp",
        "x-context",
        "x-forwarded-for",
        "authorization",
        "origin",
        "referer",
        "accept-language",
    }
)
# Response headers we do not copy: httpx already decoded the body and we send our own length.
_DROPPED_RESPONSE = frozenset(
    {"content-length", "transfer-encoding", "connection", "content-encoding", "keep-alive"}
)


def is_tracking_request(scope: Scope) -> bool:
    """``/track`` and ``/collect/...``: the requests a forwarder sends on."""
    path: str = scope["path"]
    return path == "/track" or path.startswith("/collect/")


@dataclass(frozen=True)
class ForwardedExchange:
    """One forwarded request and Tracardi's answer (``status`` None: no answer; see ``error``)."""

    started_at: str
    method: str
    url: str
    route: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""
    elapsed_ms: float = 0.0
    error: str | None = None


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def _answer(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    names = {name for name, _ in headers}
    if b"content-length" not in names:
        headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _answer_json(send: Send, status: int, body: Any) -> None:
    await _answer(send, status, [(b"content-type", b"application/json")], json.dumps(body).encode())


def _ids(body: Any) -> tuple[str | None, str | None]:
    """The profile and session ids in a Tracardi answer (any generation)."""
    if not isinstance(body, dict):
        return None, None
    found: list[str | None] = []
    for key in ("profile", "session"):
        value = body.get(key)
        ident = value.get("id") if isinstance(value, dict) else None
        found.append(ident if isinstance(ident, str) else None)
    return found[0], found[1]


class Forwarder:
    """An ASGI handler that forwards tracking requests to ``base_url`` (see the module)."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 30.0,
        verify_tls: bool = True,
        on_exchange: Callable[[ForwardedExchange], None] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{base_url!r} is not an http(s) base URL")
        self.base_url = base_url.rstrip("/")
        self.on_exchange = on_exchange
        self._client = httpx.Client(
            timeout=timeout, verify=verify_tls, transport=transport, follow_redirects=False
        )

    def close(self) -> None:
        self._client.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        try:
            limit = scope["app"].state.live.current.max_body_bytes
            body = await read_body_asgi(receive, declared, limit)
        except Rejected as exc:
            await _answer_json(send, exc.status, {"detail": exc.detail})
            return
        except ClientDisconnect:
            return
        headers = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in scope["headers"]
            if name.decode("latin-1") in FORWARDED_HEADERS
        }
        query = scope.get("query_string", b"").decode("latin-1")
        route = scope["path"] + (f"?{query}" if query else "")
        url = self.base_url + route
        exchange = await asyncio.to_thread(
            self._forward, scope["method"], url, route, headers, body
        )
        info = scope.get("workbench")
        if info is not None:
            self._annotate(info, body, exchange)
        if self.on_exchange is not None:
            # Recorded before the answer leaves (whoever got it finds it in history),
            # off the event loop: recording writes to disk.
            await asyncio.to_thread(self._record, exchange)
        if exchange.status is None:
            detail = f"forwarding to {self.base_url} failed: {exchange.error}"
            await _answer_json(send, 502, {"detail": detail})
        else:
            raw = [
                (k.lower().encode("latin-1"), v.encode("latin-1"))
                for k, v in exchange.response_headers.items()
                if k.lower() not in _DROPPED_RESPONSE
            ]
            await _answer(send, exchange.status, raw, exchange.response_body)

    def _record(self, exchange: ForwardedExchange) -> None:
        assert self.on_exchange is not None
        try:
            self.on_exchange(exchange)
        except Exception:  # a recorder's failure must not break the tracking answer
            log.exception("recording a forwarded exchange failed")

    def _forward(
        self, method: str, url: str, route: str, headers: dict[str, str], body: bytes
    ) -> ForwardedExchange:
        started_at = _now_iso()
        start = time.perf_counter()
        response: httpx.Response | None = None
        error: str | None = None
        try:
            response = self._client.request(method, url, headers=headers, content=body or None)
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        return ForwardedExchange(
            started_at,
            method,
            url,
            route,
            headers,
            body,
            status=response.status_code if response is not None else None,
            response_headers=dict(response.headers) if response is not None else {},
            response_body=response.content if response is not None else b"",
            elapsed_ms=(time.perf_counter() - start) * 1000.0,
            error=error,
        )

    @staticmethod
    def _annotate(info: dict[str, Any], body: bytes, exchange: ForwardedExchange) -> None:
        try:
            sent = json.loads(body) if body else None
        except ValueError:
            sent = None
        if isinstance(sent, dict):
            source = sent.get("source")
            if isinstance(source, dict) and isinstance(source.get("id"), str):
                info["source_id"] = source["id"]
            events = sent.get("events")
            if isinstance(events, list):
                info["event_types"] = [
                    e["type"]
                    for e in events
                    if isinstance(e, dict) and isinstance(e.get("type"), str)
                ]
        try:
            answer = json.loads(exchange.response_body) if exchange.response_body else None
        except ValueError:
            answer = None
        profile_id, session_id = _ids(answer)
        if profile_id:
            info["profile_id"] = profile_id
        if session_id:
            info["session_id"] = session_id
        if exchange.error:
            info["reason"] = f"forwarding failed: {exchange.error}"
