"""Every request the collector receives, as a :class:`RequestRecord`, plus the headers it adds.

:class:`ObserverMiddleware` is a pure ASGI middleware (no per-request objects
beyond what it records) that wraps the whole app. It:

- sees every request, refused ones too: CORS, the Host check and the token are
  :class:`workbench.collector.trust.TrustMiddleware`'s, just inside this one;
- adds ``X-Process-Time`` (seconds) and echoes ``X-Context``;
- decides the request's data set (``production`` or ``staging``, see
  :mod:`workbench.collector.contexts`) from that header once, for every route;
- keeps the last requests in a ring (``/_workbench/requests``) and calls the
  listeners of :class:`RequestHub` with a :class:`RequestRecord` after every
  request, rejected ones too. Listeners run on the server thread: they must be
  quick (the GUI's bridge only emits a queued signal); their exceptions are
  logged and swallowed.

Handlers annotate the record through ``scope["workbench"]`` (a dict with
``source_id``, ``event_types``, ``profile_id``, ``session_id``, ``reason``); its
``context`` is set here, before any route runs.
"""

from __future__ import annotations

import functools
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workbench.collector.contexts import (
    PRODUCTION,
    STAGING,
    ContextName,
    asks_for_production,
    choose_context,
)
from workbench.core.masking import MASK, is_secret_name

__all__ = [
    "BODY_LIMIT",
    "ObserverMiddleware",
    "RequestHub",
    "RequestListener",
    "RequestRecord",
    "keeping_request_body",
    "publish_record",
]

log = logging.getLogger(__name__)

BODY_LIMIT = 256 * 1024


def keeping_request_body(receive: Receive, chunks: list[bytes]) -> Receive:
    """*receive*, also keeping the request body's chunks in *chunks* (for the record) until
    more than :data:`BODY_LIMIT` bytes are kept."""
    captured = 0

    async def kept() -> Message:
        nonlocal captured
        message = await receive()
        if message["type"] == "http.request" and captured <= BODY_LIMIT:
            chunk = message.get("body", b"")
            chunks.append(chunk)
            captured += len(chunk)
        return message

    return kept


@dataclass(frozen=True)
class RequestRecord:
    """One request and its answer, as the GUI's live-traffic panel and the CLI show it."""

    id: str
    time: str
    method: str
    path: str
    query: str
    status: int
    latency_ms: float
    source_id: str | None = None
    event_types: list[str] = field(default_factory=list)
    profile_id: str | None = None
    session_id: str | None = None
    reason: str | None = None
    # The headers and bodies have no class-level defaults (default_factory), so that a
    # record made by :meth:`deferred` computes them on first read (see __getattr__).
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: str = field(default_factory=str)
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str = field(default_factory=str)
    context: ContextName = STAGING

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> RequestRecord:
        """The record holding *fields* (every field, by name), built without ``__init__``.

        A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``:
        3.4 µs for these 16 fields, against 0.3 µs here, and the observer builds one
        record per request. The result equals ``RequestRecord(**fields)``.
        """
        record = object.__new__(cls)
        object.__setattr__(record, "__dict__", fields)
        return record

    @classmethod
    def deferred(cls, fields: dict[str, Any], raw: _RawExchange, body_size: int) -> RequestRecord:
        """A record whose headers and bodies are decoded from *raw* when first read.

        The observer makes one record per request, but most records are never
        looked at (a listener counts them, the ring drops them): decoding and
        masking the headers and bodies of each cost more than the rest of the
        record. Reading any of those fields (or comparing, ``asdict``...) decodes
        all four at once and keeps them; the record then equals the one
        :meth:`from_fields` would have built. *body_size* is what the hub counts
        for its byte bound.
        """
        fields["_raw"] = raw
        fields["_body_size"] = body_size
        return cls.from_fields(fields)

    def __getattr__(self, name: str) -> Any:
        # Only called for attributes not found normally: the deferred fields.
        if name in _DEFERRED:
            raw: _RawExchange | None = self.__dict__.get("_raw")
            if raw is not None:
                values = raw.decode()
                self.__dict__.update(values)  # the frozen fields, set once, as from_fields does
                return values[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def body_size(self) -> int:
        """The bodies' size as the hub counts it (bytes kept for both)."""
        size = self.__dict__.get("_body_size")
        if size is None:
            return len(self.request_body) + len(self.response_body)
        return int(size)

    def summary(self) -> dict[str, Any]:
        """The record without headers and bodies (what ``/_workbench/requests`` lists)."""
        return {
            "id": self.id,
            "time": self.time,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "status": self.status,
            "latency_ms": self.latency_ms,
            "source_id": self.source_id,
            "event_types": list(self.event_types),
            "profile_id": self.profile_id,
            "session_id": self.session_id,
            "reason": self.reason,
            "context": self.context,
        }

    def log_line(self) -> str:
        """One line for the terminal: time, method, path, status, latency, what was tracked."""
        parts = [
            self.time[11:23],
            self.method,
            self.path + (f"?{self.query}" if self.query else ""),
            str(self.status),
            f"{self.latency_ms:.1f}ms",
        ]
        if self.source_id:
            parts.append(f"source={self.source_id}")
        if self.event_types:
            parts.append("events=" + ",".join(self.event_types))
        if self.profile_id:
            parts.append(f"profile={self.profile_id}")
        if self.context != STAGING:
            parts.append(f"context={self.context}")
        if self.reason:
            parts.append(f"reason={self.reason[:200]}")
        return " ".join(parts)


RequestListener = Callable[[RequestRecord], None]


class RequestHub:
    """The recent requests and the listeners to tell about new ones.

    At most *keep* records are kept, and at most *keep_bytes* of their bodies (a few
    1 MiB requests must not pin hundreds of MiB), oldest dropped first.
    """

    def __init__(self, keep: int = 1000, keep_bytes: int = 32 * 1024 * 1024) -> None:
        self._recent: deque[RequestRecord] = deque()
        self._keep = keep
        self._keep_bytes = keep_bytes
        self._bytes = 0
        self._listeners: tuple[RequestListener, ...] = ()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.total = 0

    def next_id(self) -> str:
        return f"r{next(self._ids)}"

    def add_listener(self, callback: RequestListener) -> None:
        with self._lock:
            self._listeners = (*self._listeners, callback)

    def remove_listener(self, callback: RequestListener) -> None:
        with self._lock:
            self._listeners = tuple(cb for cb in self._listeners if cb is not callback)

    def publish(self, record: RequestRecord, size: int | None = None) -> None:
        """Keep *record* and tell the listeners; *size* is its ``body_size`` when known."""
        if size is None:
            size = record.body_size
        with self._lock:
            recent = self._recent
            recent.append(record)
            self._bytes += size
            if len(recent) > self._keep or self._bytes > self._keep_bytes:
                while len(recent) > self._keep or (
                    self._bytes > self._keep_bytes and len(recent) > 1
                ):
                    self._bytes -= recent.popleft().body_size
            self.total += 1
        for callback in self._listeners:
            try:
                callback(record)
            except Exception:
                log.exception("a collector request listener failed")

    def recent(self, limit: int = 100) -> list[RequestRecord]:
        """The newest *limit* records, newest first."""
        with self._lock:
            items = list(self._recent)
        return items[::-1][: max(limit, 0)]

    def clear(self, context: ContextName | None = None) -> None:
        """Forget the recent records (only those of *context* when given)."""
        with self._lock:
            if context is None:
                self._recent.clear()
                self._bytes = 0
                return
            kept = [r for r in self._recent if r.context != context]
            self._recent = deque(kept)
            self._bytes = sum(r.body_size for r in kept)


@functools.lru_cache(maxsize=1024)
def _secret(name: str) -> bool:
    return is_secret_name(name)


def _masked(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Decoded headers with secret values masked (the secret test is cached per name)."""
    out: dict[str, str] = {}
    for raw_name, raw_value in headers:
        name = raw_name.decode("latin-1")
        value = raw_value.decode("latin-1")
        out[name] = MASK if value and _secret(name) else value
    return out


# The last whole second formatted, and its text: one tuple, replaced as a whole, so that
# threads reading records (the server's, the GUI's) never see one's second with another's text.
_second: tuple[int, str] = (-1, "")


def _iso_utc(stamp: float) -> str:
    """``2026-11-26T05:03:19.620Z`` for a ``time.time()`` value (the second is cached)."""
    global _second
    whole = int(stamp)
    cached = _second
    if cached[0] != whole:
        cached = (whole, datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S"))
        _second = cached
    return f"{cached[1]}.{int((stamp - whole) * 1000):03d}Z"


def _masked_query(raw: bytes) -> str:
    """The query string, with a ``token=`` value (the collector's token) masked."""
    if not raw:
        return ""
    query = raw.decode("latin-1")
    if "token=" not in query:
        return query
    return "&".join(
        f"{part.partition('=')[0]}={MASK}" if part.partition("=")[0] == "token" else part
        for part in query.split("&")
    )


def _decode(chunks: Sequence[bytes]) -> str:
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    text = data[:BODY_LIMIT].decode("utf-8", "replace")
    if len(data) > BODY_LIMIT:
        text += f"\n… (truncated: {len(data)} bytes in all)"
    return text


_DEFERRED = frozenset(
    {"time", "request_headers", "request_body", "response_headers", "response_body"}
)


class _RawExchange:
    """What a deferred :class:`RequestRecord` decodes its headers and bodies from."""

    __slots__ = (
        "request_chunks",
        "request_headers",
        "response_chunks",
        "response_headers",
        "wall",
    )

    def __init__(
        self,
        request_headers: list[tuple[bytes, bytes]],
        request_chunks: tuple[bytes, ...],
        response_headers: list[tuple[bytes, bytes]],
        response_chunks: tuple[bytes, ...],
        wall: float,
    ) -> None:
        self.wall = wall
        self.request_headers = request_headers
        self.request_chunks = request_chunks
        self.response_headers = response_headers
        self.response_chunks = response_chunks

    def decode(self) -> dict[str, Any]:
        return {
            "time": _iso_utc(self.wall),
            "request_headers": _masked(self.request_headers),
            "request_body": _decode(self.request_chunks),
            "response_headers": _masked(self.response_headers),
            "response_body": _decode(self.response_chunks),
        }


class ObserverMiddleware:
    """See the module docstring."""

    def __init__(
        self,
        app: ASGIApp,
        hub: RequestHub,
        shortcut: tuple[Callable[[Scope], bool], ASGIApp] | None = None,
    ) -> None:
        self.app = app
        self.hub = hub
        # (test, handler): requests the test accepts skip the inner app's routing and
        # go to the handler, still observed (see workbench.collector.track_fast).
        self.shortcut = shortcut

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        wall = time.time()
        raw_headers: list[tuple[bytes, bytes]] = scope["headers"]
        x_context = None
        for name, value in raw_headers:
            if name == b"x-context":
                x_context = value
        info: dict[str, Any] = {
            "context": choose_context(x_context, scope["app"].state.live.current.production)
        }
        scope["workbench"] = info
        contexts = scope["app"].state.contexts
        if contexts.opened(PRODUCTION) is None and asks_for_production(scope):
            await contexts.ready(PRODUCTION)  # opened off the event loop, once
        request_chunks: list[bytes] = []
        response_chunks: list[bytes] = []
        sent_size = [0]
        response: dict[str, Any] = {"status": 500, "headers": []}
        receive_wrapper = keeping_request_body(receive, request_chunks)

        extra: list[tuple[bytes, bytes]] = []
        if x_context is not None:
            extra.append((b"x-context", x_context))

        published = False

        def publish() -> None:
            nonlocal published
            if not published:
                published = True
                latency = (time.perf_counter() - started) * 1000.0
                # What the bodies keep (see _RawExchange): the first BODY_LIMIT bytes of each.
                captured = sum(len(chunk) for chunk in request_chunks)
                size = min(captured, BODY_LIMIT) + min(sent_size[0], BODY_LIMIT)
                publish_record(
                    self.hub,
                    scope,
                    wall,
                    latency,
                    response["status"],
                    response["headers"],
                    info,
                    request_chunks,
                    response_chunks,
                    size,
                )

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += extra
                elapsed = time.perf_counter() - started
                headers.append((b"x-process-time", f"{elapsed:.6f}".encode()))
                message = {**message, "headers": headers}
                response["status"] = message["status"]
                response["headers"] = headers
            elif message["type"] == "http.response.body":
                chunk = message.get("body", b"")
                if sent_size[0] <= BODY_LIMIT:  # a long stream (live view) must not pile up
                    response_chunks.append(chunk)
                sent_size[0] += len(chunk)
                if not message.get("more_body", False):
                    # Record before the last bytes leave: whoever got the answer can
                    # already see the request in /_workbench/requests and the listeners.
                    publish()
            await send(message)

        try:
            if self.shortcut is not None and self.shortcut[0](scope):
                await self.shortcut[1](scope, receive_wrapper, send_wrapper)
            else:
                await self.app(scope, receive_wrapper, send_wrapper)
        finally:
            publish()


def publish_record(
    hub: RequestHub,
    scope: Scope,
    wall: float,
    latency: float,
    status: int,
    response_headers: list[tuple[bytes, bytes]],
    info: dict[str, Any],
    request_chunks: Sequence[bytes],
    response_chunks: Sequence[bytes],
    body_size: int,
) -> None:
    """Tell *hub* about one request: a deferred :class:`RequestRecord` of what was seen.

    *wall* is when it arrived (``time.time()``), *latency* its milliseconds, *info* the
    annotations of ``scope["workbench"]``; the chunks are what was kept of the bodies
    and *body_size* their kept size (see :class:`_RawExchange`).
    """
    # RequestRecord.deferred(fields, raw, body_size), built in place: one record per request.
    record = object.__new__(RequestRecord)
    object.__setattr__(
        record,
        "__dict__",
        {
            "id": hub.next_id(),
            "method": scope["method"],
            "path": scope["path"],
            "query": _masked_query(scope.get("query_string", b"")),
            "status": status,
            "latency_ms": round(latency, 3),
            "source_id": info.get("source_id"),
            "event_types": list(info.get("event_types") or ()),
            "profile_id": info.get("profile_id"),
            "session_id": info.get("session_id"),
            "reason": info.get("reason"),
            "context": info["context"],
            "_raw": _RawExchange(
                scope["headers"],
                tuple(request_chunks),
                response_headers,
                tuple(response_chunks),
                wall,
            ),
            "_body_size": body_size,
        },
    )
    hub.publish(record, body_size)
