"""History entries as a HAR 1.2 log, for browsers' devtools, Charles, Fiddler, Insomnia….

Follows the HAR 1.2 specification (http://www.softwareishard.com/blog/har-12-spec/):
``log.version``/``creator``/``entries``; each entry has ``startedDateTime``,
``time`` (the sum of its non-negative timings), ``request``, ``response``,
``cache`` and ``timings`` (``send``, ``wait``, ``receive`` required; the others
-1 when unknown). An exchange that got no response (a transport error) has
status 0, as browsers export failed requests, and the error in ``comment``.
Workbench-only data (id, starred, event types, error) sits in ``_workbench``:
the spec allows custom fields that start with an underscore.

Entries are already masked when they get here; this module only reshapes them.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from workbench import __version__

__all__ = ["HAR_VERSION", "build_har", "har_entry"]

HAR_VERSION = "1.2"
_TIMING_KEYS = {
    "blocked": ("blocked_ms", "queue_ms"),
    "dns": ("dns_ms",),
    "connect": ("connect_ms",),
    "ssl": ("tls_ms", "ssl_ms"),
    "send": ("send_ms", "upload_ms"),
    "wait": ("wait_ms", "ttfb_ms", "server_ms"),
    "receive": ("receive_ms", "download_ms", "read_ms"),
}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _name_values(headers: Any) -> list[dict[str, str]]:
    return [{"name": str(name), "value": str(value)} for name, value in _dict(headers).items()]


def _header(headers: Any, name: str) -> str | None:
    for key, value in _dict(headers).items():
        if str(key).lower() == name:
            return str(value)
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return None


def _timings(raw: dict[str, Any]) -> dict[str, float]:
    timings: dict[str, float] = {}
    for har_name, keys in _TIMING_KEYS.items():
        found = next((_number(raw.get(k)) for k in keys if _number(raw.get(k)) is not None), None)
        timings[har_name] = -1.0 if found is None else found
    for required in ("send", "receive"):
        timings[required] = max(timings[required], 0.0)
    total = _number(raw.get("total_ms"))
    if timings["wait"] < 0:
        known = sum(v for k, v in timings.items() if k not in ("wait", "ssl") and v > 0)
        timings["wait"] = max((total or 0.0) - known, 0.0)
    return timings


def _text_of(text: Any, value: Any) -> str | None:
    if isinstance(text, str):
        return text
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False)


def _request(request: dict[str, Any]) -> dict[str, Any]:
    url = str(request.get("url") or "")
    headers = request.get("headers")
    har: dict[str, Any] = {
        "method": str(request.get("method") or "GET"),
        "url": url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _name_values(headers),
        "queryString": [
            {"name": name, "value": value}
            for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=True)
        ],
        "headersSize": -1,
        "bodySize": -1,
    }
    text = _text_of(request.get("body_text"), request.get("body"))
    if text is not None:
        har["postData"] = {
            "mimeType": _header(headers, "content-type") or "application/json",
            "params": [],
            "text": text,
        }
        har["bodySize"] = len(text.encode("utf-8"))
    return har


def _response(response: dict[str, Any], error: dict[str, Any]) -> dict[str, Any]:
    status = response.get("status")
    status = status if isinstance(status, int) and not isinstance(status, bool) else 0
    try:
        status_text = HTTPStatus(status).phrase if status else ""
    except ValueError:
        status_text = ""
    headers = response.get("headers")
    text = _text_of(response.get("body_text"), response.get("json"))
    size = response.get("size")
    if not isinstance(size, int) or size < 0:
        size = len(text.encode("utf-8")) if text is not None else 0
    content: dict[str, Any] = {
        "size": size,
        "mimeType": _header(headers, "content-type") or ("application/json" if text else ""),
    }
    if text is not None:
        content["text"] = text
    har: dict[str, Any] = {
        "status": status,
        "statusText": status_text,
        "httpVersion": "HTTP/1.1" if status else "",
        "cookies": [],
        "headers": _name_values(headers),
        "content": content,
        "redirectURL": _header(headers, "location") or "",
        "headersSize": -1,
        "bodySize": size if status else -1,
    }
    if error:
        har["_error"] = str(error.get("message") or error.get("kind") or "")
    return har


def har_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """One stored history entry as a HAR ``entries[]`` item."""
    exchange = _dict(entry.get("exchange"))
    error = _dict(exchange.get("error"))
    timings = _timings(_dict(exchange.get("timings")))
    summary = _dict(exchange.get("summary"))
    har: dict[str, Any] = {
        "startedDateTime": str(entry.get("created_at") or exchange.get("started_at") or ""),
        "time": sum(v for k, v in timings.items() if k != "ssl" and v > 0),
        "request": _request(_dict(exchange.get("request"))),
        "response": _response(_dict(exchange.get("response")), error),
        "cache": {},
        "timings": timings,
        "_workbench": {
            "id": entry.get("id"),
            "starred": bool(entry.get("starred")),
            "target": _dict(exchange.get("target")),
            "event_types": summary.get("event_types") or [],
            "error": error or None,
        },
    }
    if error:
        har["comment"] = f"{error.get('kind', 'error')}: {error.get('message', '')}".strip()
    return har


def build_har(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """A complete HAR 1.2 document for stored entries (oldest first)."""
    return {
        "log": {
            "version": HAR_VERSION,
            "creator": {"name": "Tracardi Workbench", "version": __version__},
            "pages": [],
            "entries": [har_entry(entry) for entry in entries],
        }
    }
