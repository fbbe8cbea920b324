"""Every way a send can fail, as a :class:`SendError` with a specific message and a hint.

Network failures are classified from httpx's exception and the OS error
underneath it (refused, DNS, TLS, timeout); HTTP failures from the status and
Tracardi's ``{"detail": ...}`` bodies: a 401 names the source and the
fix, a 422 lists the fields, a 5xx says whether a proxy answered.
"""

from __future__ import annotations

import re
import socket
import ssl
from typing import Any

import httpx

from workbench.core.exchange import SendError
from workbench.core.masking import mask_url
from workbench.core.validation import format_path

__all__ = [
    "ERROR_KINDS",
    "SendError",
    "from_exception",
    "from_http_status",
    "not_json",
    "too_large",
]

ERROR_KINDS = (
    "variable",
    "invalid_request",
    "connection_refused",
    "dns",
    "timeout",
    "tls",
    "network",
    "cancelled",
    "too_large",
    "not_json",
    "unauthorized",
    "forbidden",
    "not_found",
    "validation",
    "client_error",
    "server_error",
)


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        chain.append(current)
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return chain


def from_exception(exc: BaseException, *, url: str, timeout: float) -> SendError:
    """Classify an exception raised while sending to *url*."""
    chain = _causes(exc)
    try:
        host = httpx.URL(url).host or "the server"
    except httpx.InvalidURL:
        host = "the server"
    url = mask_url(url)  # messages end up in history and logs
    text = " ".join(str(e) for e in chain)
    if isinstance(exc, httpx.TimeoutException) or any(isinstance(e, TimeoutError) for e in chain):
        phases: dict[type[BaseException], str] = {
            httpx.ConnectTimeout: "connecting",
            httpx.ReadTimeout: "waiting for the answer",
            httpx.WriteTimeout: "sending the request",
            httpx.PoolTimeout: "waiting for a free connection",
        }
        phase = phases.get(type(exc), "waiting")
        return SendError(
            "timeout",
            f"timed out after {timeout:g} s while {phase} ({url})",
            "the server is slow, stuck or unreachable; check it is running, "
            "or raise the target's timeout",
        )
    if any(isinstance(e, ssl.SSLError) for e in chain) or "SSL" in text or "CERTIFICATE" in text:
        reason = next((str(e) for e in chain if isinstance(e, ssl.SSLError)), text)
        hint = "the server's certificate is not trusted"
        if "CERTIFICATE_VERIFY_FAILED" in reason or "certificate verify failed" in reason:
            hint += (
                " (self-signed, expired or for another host); install its CA, "
                "or turn TLS verification off for this target if you trust it"
            )
        elif "WRONG_VERSION_NUMBER" in reason or "record layer" in reason:
            hint = "the server does not speak TLS on this port; try http:// instead of https://"
        return SendError("tls", f"TLS failure talking to {host}: {reason}", hint)
    if any(isinstance(e, socket.gaierror) for e in chain) or re.search(
        r"Name or service not known|nodename nor servname|getaddrinfo failed|"
        r"Temporary failure in name resolution|No address associated",
        text,
    ):
        return SendError(
            "dns",
            f"cannot resolve host name {host!r}",
            "check the spelling of the target's base URL and your network/DNS",
        )
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "Connection refused" in text:
        return SendError(
            "connection_refused",
            f"connection refused by {host} ({url})",
            "nothing is listening there: start the server (or the embedded collector: "
            "`workbench collector`) or fix the port in the target's base URL",
        )
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL | ValueError):
        return SendError(
            "invalid_request",
            f"cannot send to {url!r}: {exc}",
            "the base URL must look like http://host:port or https://host",
        )
    return SendError(
        "network",
        f"network error talking to {host}: {exc or type(exc).__name__}",
        "the connection broke; check the server and anything in between (proxy, VPN)",
    )


def not_json(
    status: int, content_type: str, body_text: str, reason: str | None = None
) -> SendError:
    """A 2xx answer whose body is not JSON (an HTML page from a proxy, plain text…)."""
    snippet = body_text.strip().replace("\n", " ")[:120]
    html = "html" in content_type.lower() or snippet.lower().startswith(("<!doctype", "<html"))
    if html:
        what = f"an HTML page instead of JSON: {snippet!r}"
    elif not snippet:
        what = "an empty body instead of JSON"
    else:
        why = f" ({reason})" if reason else ""
        what = f"a body that is not valid JSON{why}: {snippet!r}"
    return SendError(
        "not_json",
        f"HTTP {status} with {what}",
        "the base URL may point at a web page or a proxy rather than the Tracardi API "
        "(which usually listens on port 8686)",
    )


def too_large(limit: int) -> SendError:
    return SendError(
        "too_large",
        f"the response is larger than the {_size(limit)} limit; stopped reading at the limit",
        "raise the response size limit, or ask the server for less (turn the debugger off)",
    )


def _size(n: int) -> str:
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MiB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KiB"
    return f"{n} bytes"


def _detail(body: Any) -> Any:
    return body.get("detail") if isinstance(body, dict) else None


def _unauthorized(detail: Any, source_id: str | None) -> SendError:
    text = str(detail) if detail is not None else ""
    match = re.search(r"Invalid event source `([^`]*)`", text)
    if match or (not text and source_id):
        source = match.group(1) if match else source_id
        return SendError(
            "unauthorized",
            f"HTTP 401: the server does not know event source {source!r}",
            f"create a REST event source with id {source!r} on the server (Tracardi: "
            "Inbound traffic → Event sources; the embedded collector: Sources, or turn on "
            "'accept any source'), or send the id of an existing source; sources are "
            "looked up per x-context (production/staging)",
        )
    if "disabled" in text:
        return SendError(
            "unauthorized",
            f"HTTP 401: event source {source_id!r} is disabled",
            "enable the event source on the server, or send with another source",
        )
    if "bridges of types" in text or "allowed bridge types" in text:
        return SendError(
            "unauthorized",
            f"HTTP 401: event source {source_id!r} has the wrong type for this route: {text}",
            "/track needs a REST source and /collect a webhook source; change the source's "
            "type or use the other route",
        )
    if "bot" in text.lower():
        return SendError(
            "unauthorized",
            "HTTP 401: the server treats this request as bot traffic",
            "send a browser-like User-Agent (header or context.browser.local.browser.userAgent)",
        )
    return SendError(
        "unauthorized",
        f"HTTP 401: {text or 'not authorised'}",
        "check the event source id, and the admin credentials if this was an admin call",
    )


def _validation(detail: Any) -> SendError:
    if isinstance(detail, list):
        fields = []
        for item in detail:
            if not isinstance(item, dict):
                fields.append(str(item))
                continue
            loc = [p for p in item.get("loc") or [] if p != "body"]
            fields.append(f"{format_path(loc)}: {item.get('msg', 'invalid')}")
        listed = "; ".join(fields) or "no details given"
    else:
        listed = str(detail) if detail is not None else "no details given"
    return SendError(
        "validation",
        f"HTTP 422: the server rejected the payload: {listed}",
        "fix the listed fields (`workbench validate FILE` checks a payload locally)",
    )


def from_http_status(
    status: int, body: Any, body_text: str, content_type: str, *, source_id: str | None = None
) -> SendError:
    """Classify a non-2xx answer."""
    detail = _detail(body)
    if status == 401:
        return _unauthorized(detail, source_id)
    if status == 422:
        return _validation(detail)
    if status == 403:
        return SendError(
            "forbidden", f"HTTP 403: {detail or 'forbidden'}", "the server refuses this call"
        )
    if status == 404:
        return SendError(
            "not_found",
            f"HTTP 404: {detail or 'not found'}",
            "the base URL may be wrong (it should be the Tracardi API, e.g. http://host:8686)",
        )
    if status >= 500:
        if body is None and body_text.strip():
            return SendError(
                "server_error",
                f"HTTP {status}: the server (or a proxy in front of it) answered with "
                f"{not_json(status, content_type, body_text).message.split(' with ', 1)[1]}",
                "the Tracardi API behind the proxy is down or failing; check its logs",
            )
        return SendError(
            "server_error",
            f"HTTP {status}: server error: {detail if detail is not None else body_text[:200]}",
            "the server failed while handling the request; check its logs "
            "(Tracardi answers 500 for some client mistakes too, e.g. an '@' source id)",
        )
    return SendError(
        "client_error",
        f"HTTP {status}: {detail if detail is not None else body_text[:200]}",
        "the server refused the request",
    )
