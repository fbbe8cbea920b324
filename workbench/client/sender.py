"""Send a :class:`RequestSpec` to a target and return one :class:`Exchange`.

The path is kept lean because it is the inner loop of scripted sends (see
``bench/send.py``): one pooled ``httpx.Client`` per target, no schema loading,
variables expanded only when a ``{{`` is present, the body streamed with a size
limit and a cancel check between chunks. Everything that can go wrong becomes
a :class:`SendError` on the result; :meth:`Sender.send` does not raise for
network or HTTP failures.
"""

from __future__ import annotations

import functools
import json
import os
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from workbench import __version__
from workbench.client.admin import AdminReader, can_read_details, format_for_version
from workbench.client.cancel import CancellableBackend, CancelToken, SendCancelled, activated
from workbench.client.errors import (
    SendError,
    from_exception,
    from_http_status,
    not_json,
    too_large,
)
from workbench.client.identity import IdentityMemory
from workbench.client.jsontext import compact_json, parse_json
from workbench.client.spec import RequestSpec
from workbench.core.exchange import Exchange, ExchangeTarget, SentRequest
from workbench.core.masking import mask_url
from workbench.core.response_view import normalize_response
from workbench.core.variables import VariableContext, VariableError, expand, has_variables
from workbench.settings import TargetSettings

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "USER_AGENT",
    "Sender",
    "ServerFormat",
]

USER_AGENT = f"TracardiWorkbench/{__version__}"
DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024

#: The headers every request of :meth:`Sender.prepare` starts with, in this order. The
#: pooled clients send them by default, so a request passes only what differs: httpx
#: merges each passed header into the client's by a scan of the list, which cost more
#: than the rest of building the request.
_LEADING_HEADERS = {"User-Agent": USER_AGENT, "Accept": "application/json"}


@dataclass(frozen=True)
class ServerFormat:
    """What a target answers with: the detected version (if any) and the response format."""

    version: str | None
    format: str
    detail: str


#: The last second :func:`_now_iso` formatted, with its text: one tuple, swapped whole,
#: so threads sending at once never pair one second with another's text.
_formatted_second: tuple[int, str] = (-1, "")


def _now_iso() -> str:
    """Now in UTC as ``2024-05-01T12:00:00.123Z``: what ``datetime.now(UTC).isoformat(
    timespec="milliseconds")`` gives (milliseconds truncated), the second formatted once."""
    global _formatted_second
    second, nanoseconds = divmod(time.time_ns(), 1_000_000_000)
    known = _formatted_second
    if known[0] != second:
        known = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)))
        _formatted_second = known
    return f"{known[1]}.{nanoseconds // 1_000_000:03d}Z"


#: A random (version 4, RFC 4122 variant) UUID's fixed bits: what to clear, what to set.
_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)


def _exchange_id() -> str:
    """``str(uuid.uuid4())``, from the same 16 random bytes, without building a ``UUID``."""
    value = int.from_bytes(os.urandom(16), "big") & _UUID4_CLEAR | _UUID4_SET
    hexa = f"{value:032x}"
    return f"{hexa[:8]}-{hexa[8:12]}-{hexa[12:16]}-{hexa[16:20]}-{hexa[20:]}"


@functools.lru_cache(maxsize=64)
def _target_info(name: str, base_url: str, kind: str) -> ExchangeTarget:
    """The target as recorded, base URL masked (a send goes to one of a few targets;
    the value is frozen, so every exchange to a target can share it)."""
    return ExchangeTarget(name, mask_url(base_url), kind)


class Sender:
    """Sends requests; owns one pooled ``httpx.Client`` per target. Thread-safe.

    ``identity`` remembers profile/session ids between sends (a fresh
    :class:`IdentityMemory` when not given); ``max_response_bytes`` bounds how much
    of an answer is read. Close it (or use it as a context manager) to release
    connections.
    """

    def __init__(
        self,
        *,
        identity: IdentityMemory | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        admin: AdminReader | None = None,
    ) -> None:
        self.identity = identity if identity is not None else IdentityMemory()
        self.max_response_bytes = max_response_bytes
        self.admin = admin if admin is not None else AdminReader()
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, bool, bool], httpx.Client] = {}
        self._formats: dict[tuple[str, str], ServerFormat] = {}

    # -- lifecycle -------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def client_for(self, target: TargetSettings) -> httpx.Client:
        """The pooled client for *target* (created on first use)."""
        key = (target.base_url.rstrip("/"), bool(target.verify_tls), target.kind == "embedded")
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                transport = httpx.HTTPTransport(verify=target.verify_tls)
                pool = getattr(transport, "_pool", None)
                if pool is not None and hasattr(pool, "_network_backend"):
                    # Lets a CancelToken wake a blocked read (see workbench.client.cancel).
                    pool._network_backend = CancellableBackend()
                client = httpx.Client(
                    transport=transport,
                    # Loopback (the embedded collector) never goes through a proxy.
                    trust_env=not _is_loopback(target),
                    follow_redirects=False,
                    headers=_LEADING_HEADERS,
                )
                self._clients[key] = client
            return client

    # -- preparing -------------------------------------------------------------

    def prepare(self, target: TargetSettings, spec: RequestSpec) -> SentRequest:
        """The request as it will be sent; raises :class:`VariableError` or ``ValueError``."""
        spec = self.identity.apply(target, spec)
        method = spec.method.upper()
        has_body = method != "GET" and (spec.payload is not None or spec.route == "track")
        plain = _plain_body(spec) if has_body else None
        ctx: VariableContext | None = None
        if (
            (plain is None and has_variables(spec.payload))
            or (spec.query and has_variables(spec.query))
            or (target.headers and has_variables(target.headers))
            or (spec.headers and has_variables(spec.headers))
        ):
            identity = self.identity.get(target, spec.source_id)
            user = {**target.variables, **spec.variables} if spec.variables else target.variables
            ctx = VariableContext(
                profile_id=identity.profile_id, session_id=identity.session_id, user=user
            )
        if plain is not None:
            payload, body_text = plain
        else:
            payload = expand(spec.payload, ctx, location="payload") if ctx else spec.payload
            payload = _with_debugger(payload, spec.debugger)
            body_text = compact_json(payload) if has_body else ""
        params = spec.query_params()
        query = (
            {k: str(expand(v, ctx, location=f"query {k}")) for k, v in params.items()}
            if params
            else params
        )
        if method == "GET" and isinstance(payload, dict):
            query.update({str(k): _query_value(v) for k, v in payload.items()})
        headers = dict(_LEADING_HEADERS)
        if body_text:
            headers["Content-Type"] = "application/json"
        if target.x_context:
            headers["x-context"] = target.x_context
        for extra in (target.headers, spec.headers):
            for name, value in extra.items():
                headers[name] = str(expand(value, ctx, location=f"header {name}"))
        url = target.base_url.rstrip("/") + spec.path()
        if query:
            url += "?" + urlencode(query)
        return SentRequest(method, url, spec.route_label(), headers, payload, body_text)

    # -- sending ---------------------------------------------------------------

    def send(
        self,
        target: TargetSettings,
        spec: RequestSpec,
        *,
        cancel: CancelToken | None = None,
        prepared: SentRequest | None = None,
    ) -> Exchange:
        """Send and return the result; blocking (run it off the GUI thread).

        *prepared* (from :meth:`prepare`) sends exactly that request, for callers
        that check the expanded payload first (the CLI validates it).
        """
        started_at = _now_iso()
        start = time.perf_counter()
        target_info = _target_info(target.name, target.base_url, target.kind)
        try:
            sent = prepared if prepared is not None else self.prepare(target, spec)
        except VariableError as exc:
            error = SendError(
                "variable",
                str(exc),
                "define the variable on the target (or with --var name=value), or fix its name",
            )
            return self._failed(started_at, start, target_info, target, spec, error)
        except ValueError as exc:
            error = SendError("invalid_request", str(exc), "complete the request")
            return self._failed(started_at, start, target_info, target, spec, error)
        result = self._exchange(target, sent, cancel, started_at, start, target_info, spec)
        if result.ok:
            self.identity.remember(target, spec, result)
        return result

    def _failed(
        self,
        started_at: str,
        start: float,
        target_info: ExchangeTarget,
        target: TargetSettings,
        spec: RequestSpec,
        error: SendError,
    ) -> Exchange:
        try:
            path = spec.route_label()
        except ValueError:
            path = "/collect"
        body = spec.payload
        request = SentRequest(
            spec.method.upper(),
            target.base_url.rstrip("/") + path,
            path,
            dict(spec.headers),
            body,
            "",
        )
        return Exchange(
            id=str(uuid.uuid4()),
            started_at=started_at,
            target=target_info,
            request=request,
            timings={"total_ms": (time.perf_counter() - start) * 1000.0},
            error=error,
        )

    def _exchange(
        self,
        target: TargetSettings,
        sent: SentRequest,
        cancel: CancelToken | None,
        started_at: str,
        start: float,
        target_info: ExchangeTarget,
        spec: RequestSpec,
    ) -> Exchange:
        client = self.client_for(target)
        limit = self.max_response_bytes
        status: int | None = None
        headers: dict[str, str] = {}
        raw = b""
        size = 0
        error: SendError | None = None
        timings: dict[str, float] = {}
        # The target's timeout bounds the whole exchange, not each read (a trickle).
        with activated(cancel, deadline=time.monotonic() + target.timeout):
            try:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                request = client.build_request(
                    sent.method,
                    sent.url,
                    content=sent.body_text.encode("utf-8") if sent.body_text else None,
                    headers=_past_leading(sent.headers),
                    timeout=target.timeout,
                )
                response = client.send(request, stream=True)
                try:
                    timings["headers_ms"] = (time.perf_counter() - start) * 1000.0
                    status = response.status_code
                    headers = _plain_headers(response.headers)
                    declared = headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > limit:
                        error, size = too_large(limit), int(declared)
                    else:
                        chunks: list[bytes] = []
                        for chunk in response.iter_bytes():
                            size += len(chunk)
                            if size > limit:
                                error = too_large(limit)
                                break
                            chunks.append(chunk)
                            if cancel is not None:
                                cancel.raise_if_cancelled()
                        raw = b"".join(chunks)
                finally:
                    response.close()
            except SendCancelled:
                error = _cancelled()
            except (httpx.HTTPError, OSError, ValueError) as exc:
                if cancel is not None and cancel.cancelled:
                    error = _cancelled()
                else:
                    error = from_exception(exc, url=sent.url, timeout=target.timeout)
        timings["total_ms"] = (time.perf_counter() - start) * 1000.0
        body_text: str | None = None
        parsed: Any = None
        view = None
        if error is None and status is not None:
            body_text = raw.decode(_charset(headers), errors="replace")
            parsed, json_problem = _parse_json(raw)
            content_type = headers.get("content-type", "")
            if not 200 <= status < 300:
                error = from_http_status(
                    status, parsed, body_text, content_type, source_id=spec.source_id
                )
            elif json_problem is not None:
                error = not_json(status, content_type, body_text, json_problem)
            else:
                view = normalize_response(
                    parsed,
                    status=status,
                    request=sent.body if spec.route == "track" else None,
                    version=self._known_version(target),
                )
                if target.response_format not in ("auto", view.format) and view.format in (
                    "documented",
                    "0.8.1",
                    "current",
                ):
                    view = view.with_details(
                        notes=[
                            f"the target is set to the {target.response_format!r} format but the "
                            f"server answered in the {view.format!r} format"
                        ]
                    )
                if (
                    view.format == "current"
                    and spec.route == "track"
                    and can_read_details(target)
                    and not (cancel is not None and cancel.cancelled)
                ):
                    admin_start = time.perf_counter()
                    view = self.admin.fill_view(client, target, view)
                    timings["admin_ms"] = (time.perf_counter() - admin_start) * 1000.0
                    timings["total_ms"] = (time.perf_counter() - start) * 1000.0
        return Exchange(
            id=_exchange_id(),
            started_at=started_at,
            target=target_info,
            request=sent,
            status=status,
            headers=headers,
            body_text=body_text,
            json=parsed,
            size=size,
            timings=timings,
            view=view,
            error=error,
        )

    # -- admin reads -----------------------------------------------------------

    def event_sources(self, target: TargetSettings) -> list[dict[str, Any]]:
        """The target's event sources (admin read; raises ``AdminError``/``httpx.HTTPError``)."""
        return self.admin.event_sources(self.client_for(target), target)

    def read(self, target: TargetSettings, kind: str, item_id: str) -> Any:
        """``GET /profile|session|event/{id}`` on the target (``None`` when not found)."""
        if kind not in ("profile", "session", "event"):
            raise ValueError(f"kind must be profile, session or event, not {kind!r}")
        return self.admin.get(self.client_for(target), target, f"/{kind}/{quote(item_id, safe='')}")

    # -- server format ---------------------------------------------------------

    def _known_version(self, target: TargetSettings) -> str | None:
        """The server version found earlier by :meth:`server_format` (no request made)."""
        with self._lock:
            found = self._formats.get((target.name, target.base_url.rstrip("/")))
        return found.version if found is not None else None

    def server_format(self, target: TargetSettings, *, refresh: bool = False) -> ServerFormat:
        """The response format of *target*: as configured, or detected from ``/info/version``."""
        if target.response_format != "auto":
            return ServerFormat(None, target.response_format, "set in the target")
        key = (target.name, target.base_url.rstrip("/"))
        with self._lock:
            cached = None if refresh else self._formats.get(key)
        if cached is not None:
            return cached
        version = self.admin.server_version(self.client_for(target), target)
        if version is None:
            found = ServerFormat(
                None,
                "auto",
                "the server did not answer GET /info/version; the format is read from "
                "each response instead",
            )
        else:
            try:
                found = ServerFormat(version, format_for_version(version), f"server {version}")
            except ValueError:
                found = ServerFormat(version, "auto", f"unrecognised version {version!r}")
        with self._lock:
            self._formats[key] = found
        return found


def _is_loopback(target: TargetSettings) -> bool:
    if target.kind == "embedded":
        return True
    try:
        host = httpx.URL(target.base_url).host
    except httpx.InvalidURL:
        return False
    return host in ("127.0.0.1", "localhost", "::1")


def _cancelled() -> SendError:
    return SendError("cancelled", "the send was cancelled", "")


def _plain_headers(headers: httpx.Headers) -> dict[str, str]:
    """``dict(headers)``: lower-case names, repeated ones joined with ", ".

    The usual answer (ASCII, no name twice) is read from the raw pairs in one
    comprehension; httpx's own reading (which finds the encoding first) does the rest.
    """
    pairs = headers.raw
    try:
        plain = {name.lower().decode("ascii"): value.decode("ascii") for name, value in pairs}
    except UnicodeDecodeError:
        plain = {}
    if len(plain) == len(pairs):
        return plain
    plain = {}
    for name, value in headers.multi_items():
        plain[name] = f"{plain[name]}, {value}" if name in plain else value
    return plain


def _past_leading(headers: dict[str, str]) -> dict[str, str]:
    """*headers* less the leading entries the pooled client already sends, same name and
    value: httpx moves each passed header to the end of the client's, and these are
    already there, in that order. Not when a name comes twice in different cases
    (httpx would send both): then all of them are passed, as they always were."""
    skip = 0
    for name, value in headers.items():
        if _LEADING_HEADERS.get(name) != value:
            break
        skip += 1
    if not skip or len({name.lower() for name in headers}) != len(headers):
        return headers
    return dict(list(headers.items())[skip:])


def _charset(headers: dict[str, str]) -> str:
    content_type = headers.get("content-type", "")
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip('"')
    return "utf-8"


def _parse_json(raw: bytes) -> tuple[Any, str | None]:
    """The parsed body and ``None``, or ``None`` and why it is not JSON."""
    if not raw.strip():
        return None, "empty"
    try:
        return parse_json(raw), None
    except json.JSONDecodeError as exc:
        return None, f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
    except (ValueError, UnicodeDecodeError) as exc:
        return None, str(exc)


def _with_debugger(payload: Any, debugger: bool) -> Any:
    """*payload* with ``options.debugger`` set when *debugger* asks for it."""
    if not debugger or not isinstance(payload, dict):
        return payload
    options = payload.get("options")
    return {
        **payload,
        "options": {**(options if isinstance(options, dict) else {}), "debugger": True},
    }


def _plain_body(spec: RequestSpec) -> tuple[Any, str] | None:
    """The payload as sent and its JSON text, when no placeholder needs expanding; else None.

    The body is encoded once: a JSON text without ``{{`` has no string (key or value)
    holding one, which is what :func:`has_variables` would have walked the payload for.
    """
    payload = _with_debugger(spec.payload, spec.debugger)
    if payload is not spec.payload and has_variables(spec.payload.get("options")):
        return None  # the options the debugger flag replaces hold a placeholder
    try:
        text = compact_json(payload)
    except (TypeError, ValueError):
        return None  # not JSON: the expanding path raises as it always has
    return None if "{{" in text else (payload, text)


def _query_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
