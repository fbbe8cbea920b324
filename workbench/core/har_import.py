"""Read a HAR 1.2 file (as browsers' devtools export it) into Tracardi exchanges.

:func:`read_har` takes the file's bytes and returns a :class:`HarImport`: the
Tracardi calls found in it, each as an exchange dict with its debugger view,
and how many other requests were skipped and why. Nothing is half-read: any
structural problem raises :class:`HarError` naming the entry and field (``log.
entries[3].request.url: missing``), or saying the file ends early when it was
truncated.

A call is a Tracardi call, whatever the host, when

* its path ends with ``/track`` and its body is a JSON object with a ``source``
  or an ``events`` list (the tracker payload), or
* its path is ``/collect/<event type>/<source id>[/<session id>]`` (any
  prefix), the webhook bridge, or
* its body is a tracker payload (``source.id`` and an ``events`` list) posted to
  any path (a proxy in front of Tracardi).

Bodies are read as browsers write them: ``postData.text`` (Chrome also writes
``params`` for forms), ``content.text`` with ``encoding: "base64"`` when the
body was binary or compressed. Each exchange records where it came from under
``imported``: the file, the page title, the entry's index and start time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from workbench.core.exchange import Exchange
from workbench.core.response_view import normalize_response

__all__ = [
    "HarCall",
    "HarError",
    "HarImport",
    "call_kind",
    "read_har",
]

_COLLECT = re.compile(r"/collect/([^/]+)/([^/]+)(?:/([^/]+))?/?$")
_TRACK = re.compile(r"/track/?$")
_NAMESPACE = uuid.UUID("5f7c1d3e-6b0a-4c55-9a0e-2a8d4c9e1f14")


class HarError(ValueError):
    """The file is not a readable HAR; the message says what is wrong and where."""


@dataclass(frozen=True)
class HarCall:
    """One Tracardi call of the file, as an exchange ready for history.

    Where it came from (file, page, entry) is the exchange's ``imported`` record
    (``exchange.extra["imported"]``), kept through history like any unknown key.
    """

    index: int
    kind: str  # "track" or "collect"
    exchange: Exchange

    @property
    def imported(self) -> dict[str, Any]:
        record = self.exchange.extra.get("imported")
        return record if isinstance(record, dict) else {}

    @property
    def page(self) -> str:
        return str(self.imported.get("page") or "")


@dataclass(frozen=True)
class HarImport:
    """What a HAR file holds: its Tracardi calls and the count of the rest."""

    source: str
    creator: str
    calls: tuple[HarCall, ...]
    total: int
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def skipped_count(self) -> int:
        return sum(self.skipped.values())

    def summary(self) -> str:
        """``3 Tracardi calls of 41 requests (38 others skipped)``."""
        calls = len(self.calls)
        noun = "call" if calls == 1 else "calls"
        skipped = f" ({self.skipped_count} others skipped)" if self.skipped_count else ""
        requests = "request" if self.total == 1 else "requests"
        return f"{calls} Tracardi {noun} of {self.total} {requests}{skipped}"


# --- reading the document -------------------------------------------------------------


def _decode_json(data: bytes, source: str) -> Any:
    if not data.strip():
        raise HarError(f"{source}: the file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise HarError(
            f"{source}: not UTF-8 text (byte {exc.start} is 0x{data[exc.start]:02x}); "
            "HAR files are JSON in UTF-8"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if _unclosed(text):
            raise HarError(
                f"{source}: the file ends early at line {exc.lineno}, column {exc.colno} — "
                "it looks truncated (was the export or the download interrupted?)"
            ) from None
        raise HarError(
            f"{source}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None


def _unclosed(text: str) -> bool:
    """True when the text stops inside a string or with brackets still open (truncated)."""
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
    return in_string or depth > 0


def _need(container: dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = container.get(key)
    if value is None:
        raise HarError(f"{where}.{key}: missing")
    if not isinstance(value, kind) or isinstance(value, bool):
        raise HarError(f"{where}.{key}: expected {_kind_name(kind)}, got {_kind_name(type(value))}")
    return value


def _kind_name(kind: type) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "true or false",
        type(None): "null",
    }.get(kind, kind.__name__)


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _headers(raw: Any, where: str) -> dict[str, str]:
    """HAR ``[{name, value}]`` headers as a dict; HTTP/2 pseudo headers left out."""
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise HarError(f"{where}: expected a list of {{name, value}}, got {_kind_name(type(raw))}")
    out: dict[str, str] = {}
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise HarError(f"{where}[{i}]: expected {{name, value}}")
        name = item["name"]
        if name.startswith(":"):
            continue
        value = item.get("value")
        value = "" if value is None else str(value)
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


def _text(content: dict[str, Any], where: str) -> str | None:
    text = content.get("text")
    if text is None:
        return None
    if not isinstance(text, str):
        raise HarError(f"{where}.text: expected a string, got {_kind_name(type(text))}")
    if str(content.get("encoding") or "").lower() == "base64":
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise HarError(f"{where}.text: says encoding base64 but is not valid base64") from None
        return raw.decode("utf-8", errors="replace")
    return text


def _request_text(request: dict[str, Any], where: str) -> str | None:
    post = request.get("postData")
    if post is None:
        return None
    if not isinstance(post, dict):
        raise HarError(f"{where}.postData: expected an object, got {_kind_name(type(post))}")
    text = _text(post, f"{where}.postData")
    if text is None and isinstance(post.get("params"), list):
        params = [p for p in post["params"] if isinstance(p, dict)]
        text = "&".join(f"{p.get('name', '')}={p.get('value', '')}" for p in params)
    return text


def _json_or_none(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def call_kind(path: str, body: Any) -> str | None:
    """``"track"``, ``"collect"`` or None: is this request a Tracardi call?"""
    if _COLLECT.search(path):
        return "collect"
    if isinstance(body, dict):
        payload_like = isinstance(body.get("source"), dict) or isinstance(body.get("events"), list)
        if _TRACK.search(path) and payload_like:
            return "track"
        source = body.get("source")
        if isinstance(source, dict) and "id" in source and isinstance(body.get("events"), list):
            return "track"
    return None


def _skip_reason(method: str, path: str, mime: str, resource: str) -> str:
    if resource in ("image", "stylesheet", "script", "font", "media", "document"):
        return resource
    if method == "OPTIONS":
        return "preflight"
    if _TRACK.search(path) or "/collect/" in path:
        return "not a tracker payload"
    if mime.startswith("image/"):
        return "image"
    return "other"


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return None


def _timings(entry: dict[str, Any]) -> dict[str, float]:
    raw = _object(entry.get("timings"))
    out: dict[str, float] = {}
    total = _number(entry.get("time"))
    if total is not None:
        out["total_ms"] = round(total, 3)
    names = {
        "blocked": "blocked_ms",
        "dns": "dns_ms",
        "connect": "connect_ms",
        "ssl": "tls_ms",
        "send": "send_ms",
        "wait": "wait_ms",
        "receive": "receive_ms",
    }
    for har_name, ours in names.items():
        value = _number(raw.get(har_name))
        if value is not None:
            out[ours] = round(value, 3)
    return out


def _summary(kind: str, path: str, body: Any, view: dict[str, Any] | None) -> dict[str, Any]:
    types: list[str] = []
    source_id: str | None = None
    if kind == "collect":
        match = _COLLECT.search(path)
        if match:
            types, source_id = [match.group(1)], match.group(2)
    elif isinstance(body, dict):
        events = body["events"] if isinstance(body.get("events"), list) else []
        types = [
            e["type"] for e in events if isinstance(e, dict) and isinstance(e.get("type"), str)
        ]
        source = body.get("source")
        sid = source.get("id") if isinstance(source, dict) else None
        source_id = sid if isinstance(sid, str) else None
    return {
        "event_types": types,
        "source_id": source_id,
        "profile_id": (view or {}).get("profile_id"),
        "session_id": (view or {}).get("session_id"),
    }


def _exchange(
    entry: dict[str, Any],
    index: int,
    where: str,
    kind: str,
    imported: dict[str, Any],
    request: dict[str, Any],
    request_text: str | None,
    request_body: Any,
    digest: str,
) -> dict[str, Any]:
    url = str(request["url"])
    parts = urlsplit(url)
    route = parts.path + (f"?{parts.query}" if parts.query else "")
    response = entry.get("response")
    if not isinstance(response, dict):
        raise HarError(f"{where}.response: missing (every entry needs a response object)")
    status = response.get("status")
    status_code = status if isinstance(status, int) and not isinstance(status, bool) else None
    if status_code == 0:
        status_code = None  # browsers write 0 for a request that got no answer
    content = _object(response.get("content"))
    response_text = _text(content, f"{where}.response.content")
    response_json = _json_or_none(response_text)
    if kind == "collect" and request_body is None and parts.query:
        request_body = dict(parse_qsl(parts.query, keep_blank_values=True))
    view: dict[str, Any] | None = None
    if status_code is not None and (response_json is not None or response_text):
        view = normalize_response(
            response_json if response_json is not None else response_text,
            status=status_code,
            request=request_body if kind == "track" else None,
        ).to_dict()
    size = content.get("size")
    error = None
    if status_code is None:
        message = str(response.get("_error") or entry.get("comment") or "no response recorded")
        error = {"kind": "no_response", "message": f"the browser recorded no answer: {message}"}
    return {
        "id": str(uuid.uuid5(_NAMESPACE, f"{digest}:{index}")),
        "started_at": str(entry.get("startedDateTime") or ""),
        "target": {
            "name": f"HAR: {imported['file']}",
            "base_url": f"{parts.scheme}://{parts.netloc}",
        },
        "request": {
            "method": str(request.get("method") or "GET").upper(),
            "url": url,
            "route": route,
            "headers": _headers(request.get("headers"), f"{where}.request.headers"),
            "body": request_body,
            "body_text": request_text or "",
        },
        "response": {
            "status": status_code,
            "headers": _headers(response.get("headers"), f"{where}.response.headers"),
            "body_text": response_text,
            "json": response_json,
            "size": size if isinstance(size, int) and size >= 0 else len(response_text or ""),
        },
        "timings": _timings(entry),
        "view": view,
        "error": error,
        "summary": _summary(kind, parts.path, request_body, view),
        "imported": imported,
    }


def read_har(data: bytes, source: str = "file.har", *, now: str | None = None) -> HarImport:
    """Read the bytes of a HAR file. Raises :class:`HarError` (nothing is returned half-read).

    *source* names the file in messages and in each exchange's ``imported`` record."""
    document = _decode_json(data, source)
    if not isinstance(document, dict):
        raise HarError(f"{source}: not a HAR file: the top level is not an object")
    log = document.get("log")
    if not isinstance(log, dict):
        keys = ", ".join(sorted(map(str, document))[:5]) or "none"
        raise HarError(f'{source}: not a HAR file: no "log" object at the top (keys: {keys})')
    entries = _need(log, "entries", list, "log")
    creator = _object(log.get("creator"))
    creator_text = " ".join(
        str(creator.get(k)) for k in ("name", "version") if creator.get(k)
    ).strip()
    pages: dict[str, str] = {}
    raw_pages = log.get("pages") or []
    if not isinstance(raw_pages, list):
        raise HarError(f"log.pages: expected a list, got {_kind_name(type(raw_pages))}")
    for page in raw_pages:
        if isinstance(page, dict) and isinstance(page.get("id"), str):
            pages[page["id"]] = str(page.get("title") or page["id"])
    digest = hashlib.sha256(data).hexdigest()[:16]
    imported_at = now or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    calls: list[HarCall] = []
    skipped: Counter[str] = Counter()
    for index, entry in enumerate(entries):
        where = f"log.entries[{index}]"
        if not isinstance(entry, dict):
            raise HarError(f"{where}: expected an object, got {_kind_name(type(entry))}")
        request = _need(entry, "request", dict, where)
        url = _need(request, "url", str, f"{where}.request")
        method = str(request.get("method") or "GET").upper()
        path = urlsplit(url).path
        text = _request_text(request, f"{where}.request")
        body = _json_or_none(text)
        kind = call_kind(path, body)
        if kind is None or method == "OPTIONS":
            response = entry.get("response")
            content = response.get("content") if isinstance(response, dict) else None
            mime = str(content.get("mimeType") or "") if isinstance(content, dict) else ""
            skipped[_skip_reason(method, path, mime, str(entry.get("_resourceType") or ""))] += 1
            continue
        pageref = entry.get("pageref")
        imported = {
            "kind": "har",
            "file": source,
            "creator": creator_text,
            "page": pages.get(pageref, "") if isinstance(pageref, str) else "",
            "page_id": pageref if isinstance(pageref, str) else None,
            "entry": index,
            "started": str(entry.get("startedDateTime") or ""),
            "imported_at": imported_at,
        }
        exchange = _exchange(entry, index, where, kind, imported, request, text, body, digest)
        calls.append(HarCall(index, kind, Exchange.from_dict(exchange)))
    return HarImport(source, creator_text, tuple(calls), len(entries), dict(skipped))
