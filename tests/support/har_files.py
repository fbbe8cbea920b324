"""HAR files written the way browsers' devtools write them (Chrome and Firefox flavours).

Chrome: ``_initiator``/``_priority``/``_resourceType``, HTTP/2 pseudo headers
(``:authority``…), ``pageref`` to ``page_1``, timings with ``_blocked_queueing``,
compressed or binary bodies as base64 with ``encoding``. Firefox: ``browser`` in
the log, ``params`` lists, no underscore fields, ``postData`` with ``text``.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

PROFILE_ID = "0d2d9dc5-0d60-471e-956f-8766dcb8aba2"
SESSION_ID = "8d2b1b88-5e55-4b8e-8c6a-1e7c3f6e9f0a"
SOURCE_ID = "3ee63fc6-490a-4fd8-bfb3-bf0c8c8d3387"


def track_payload(event_type: str = "page-view", email: str = "ann@example.com") -> dict[str, Any]:
    return {
        "source": {"id": SOURCE_ID},
        "session": {"id": SESSION_ID},
        "profile": {"id": PROFILE_ID},
        "context": {"page": {"url": "https://shop.example/cart", "title": "Cart"}},
        "properties": {},
        "events": [{"type": event_type, "properties": {"email": email, "price": 12.5}}],
        "options": {"debugger": True},
    }


def track_answer(event_type: str = "page-view") -> dict[str, Any]:
    return {
        "profile": {"id": PROFILE_ID},
        "session": {"id": SESSION_ID},
        "events": [{"id": "ev-1", "type": event_type}],
        "debugging": {
            "session": {"saved": 1, "errors": [], "ids": [SESSION_ID], "types": []},
            "events": {"saved": 1, "errors": [], "ids": ["ev-1"], "types": [event_type]},
            "profile": {"saved": 1, "errors": [], "ids": [PROFILE_ID], "types": []},
            "execution": {},
            "segmentation": {"errors": [], "ids": []},
            "logs": [],
        },
    }


def _headers(pairs: dict[str, str], http2: bool) -> list[dict[str, str]]:
    out = [{"name": k, "value": v} for k, v in pairs.items()]
    if http2:
        out = [
            {"name": ":authority", "value": "track.example.com"},
            {"name": ":method", "value": "POST"},
            {"name": ":path", "value": "/track"},
            {"name": ":scheme", "value": "https"},
            *out,
        ]
    return out


def chrome_entry(
    url: str,
    *,
    method: str = "POST",
    request_body: str | None = None,
    response_body: str | None = None,
    response_base64: bool = False,
    status: int = 200,
    mime: str = "application/json",
    resource: str = "fetch",
    started: str = "2026-12-01T09:30:01.123Z",
    request_headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    content: dict[str, Any] = {"size": len(response_body or ""), "mimeType": mime}
    if response_body is not None:
        if response_base64:
            content["text"] = base64.b64encode(response_body.encode()).decode()
            content["encoding"] = "base64"
        else:
            content["text"] = response_body
    request: dict[str, Any] = {
        "method": method,
        "url": url,
        "httpVersion": "http/2.0",
        "headers": _headers(
            request_headers
            or {"content-type": "application/json", "accept": "*/*", "x-timestamp": "1733045401"},
            http2=True,
        ),
        "queryString": [],
        "cookies": [],
        "headersSize": -1,
        "bodySize": len(request_body or ""),
    }
    if request_body is not None:
        request["postData"] = {"mimeType": "application/json", "text": request_body}
    return {
        "_initiator": {"type": "script", "stack": {"callFrames": []}},
        "_priority": "High",
        "_resourceType": resource,
        "cache": {},
        "connection": "443",
        "pageref": "page_1",
        "request": request,
        "response": {
            "status": status,
            "statusText": "",
            "httpVersion": "http/2.0",
            "headers": _headers({"content-type": mime, "content-encoding": "gzip"}, http2=False),
            "cookies": [],
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
            "_transferSize": 812,
            "_error": None,
        },
        "serverIPAddress": "203.0.113.7",
        "startedDateTime": started,
        "time": 84.5,
        "timings": {
            "blocked": 3.2,
            "dns": -1,
            "ssl": -1,
            "connect": -1,
            "send": 0.2,
            "wait": 78.1,
            "receive": 3.0,
            "_blocked_queueing": 2.1,
        },
    }


def chrome_har(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "WebInspector", "version": "537.36"},
            "pages": [
                {
                    "startedDateTime": "2026-12-01T09:30:00.000Z",
                    "id": "page_1",
                    "title": "https://shop.example/cart",
                    "pageTimings": {"onContentLoad": 410.2, "onLoad": 812.9},
                }
            ],
            "entries": entries,
        }
    }


def shop_har() -> dict[str, Any]:
    """A page visit: HTML, a script, an image, a preflight, two /track calls, a /collect."""
    entries = [
        chrome_entry(
            "https://shop.example/cart",
            method="GET",
            response_body="<html></html>",
            mime="text/html",
            resource="document",
        ),
        chrome_entry(
            "https://cdn.example/tracker.js",
            method="GET",
            response_body="/* js */",
            mime="application/javascript",
            resource="script",
        ),
        chrome_entry(
            "https://cdn.example/logo.png",
            method="GET",
            response_body="\x89PNG",
            response_base64=True,
            mime="image/png",
            resource="image",
        ),
        chrome_entry(
            "https://track.example.com/track", method="OPTIONS", status=204, resource="preflight"
        ),
        chrome_entry(
            "https://track.example.com/track",
            request_body=json.dumps(track_payload("page-view")),
            response_body=json.dumps(track_answer("page-view")),
            started="2026-12-01T09:30:01.123Z",
        ),
        chrome_entry(
            "https://proxy.example.org/tracardi/api/track",
            request_body=json.dumps(track_payload("purchase")),
            response_body=json.dumps(track_answer("purchase")),
            response_base64=True,
            started="2026-12-01T09:30:02.500Z",
        ),
        chrome_entry(
            f"https://track.example.com/collect/newsletter-signup/{SOURCE_ID}",
            request_body=json.dumps({"email": "ann@example.com"}),
            response_body=json.dumps(track_answer("newsletter-signup")),
            started="2026-12-01T09:30:03.000Z",
        ),
        chrome_entry(
            "https://api.example/other",
            request_body=json.dumps({"hello": 1}),
            response_body="{}",
        ),
    ]
    return chrome_har(entries)


def firefox_har() -> dict[str, Any]:
    """Firefox's flavour: ``browser`` in the log, no underscore fields, plain text bodies."""
    entry = {
        "pageref": "page_1",
        "startedDateTime": "2026-12-01T10:00:00.000+01:00",
        "request": {
            "bodySize": 300,
            "method": "POST",
            "url": "http://localhost:8686/track",
            "httpVersion": "HTTP/1.1",
            "headers": [
                {"name": "Host", "value": "localhost:8686"},
                {"name": "Content-Type", "value": "application/json"},
                {"name": "Authorization", "value": "Bearer ff-secret-token"},
            ],
            "cookies": [],
            "queryString": [],
            "headersSize": 400,
            "postData": {
                "mimeType": "application/json",
                "params": [],
                "text": json.dumps(track_payload("page-view")),
            },
        },
        "response": {
            "status": 200,
            "statusText": "OK",
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": "content-type", "value": "application/json"}],
            "cookies": [],
            "content": {
                "mimeType": "application/json",
                "size": 500,
                "text": json.dumps(track_answer("page-view")),
            },
            "redirectURL": "",
            "headersSize": 120,
            "bodySize": 500,
        },
        "cache": {},
        "timings": {
            "blocked": 0,
            "dns": 0,
            "connect": 0,
            "ssl": 0,
            "send": 0,
            "wait": 12,
            "receive": 0,
        },
        "time": 12,
        "_securityState": "insecure",
        "serverIPAddress": "127.0.0.1",
        "connection": "8686",
    }
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "Firefox", "version": "133.0"},
            "browser": {"name": "Firefox", "version": "133.0"},
            "pages": [
                {
                    "id": "page_1",
                    "pageTimings": {"onContentLoad": -1, "onLoad": -1},
                    "startedDateTime": "2026-12-01T10:00:00.000+01:00",
                    "title": "Demo shop",
                }
            ],
            "entries": [entry],
        }
    }


def write_har(path: Path, document: dict[str, Any]) -> Path:
    # Devtools write indented JSON.
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path
