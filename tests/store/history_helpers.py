"""Exchanges (and their dicts, as ``Exchange.to_dict()`` writes them) for history tests."""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any

from workbench.core.exchange import Exchange
from workbench.resources import read_json_resource

SECRET_TOKEN = "s3cr3t-bearer-token-7f2a"
SECRET_COOKIE = "cookie-value-91bd77"
SECRET_API_KEY = "api-key-value-55aa01"
SECRET_PASSWORD = "hunter2-password-x"
SECRETS = (SECRET_TOKEN, SECRET_COOKIE, SECRET_API_KEY, SECRET_PASSWORD)


def make_exchange(number: int = 0, **options: Any) -> Exchange:
    """:func:`make_exchange_dict` as the :class:`Exchange` a send would produce."""
    return Exchange.from_dict(make_exchange_dict(number, **options))


def make_exchange_dict(
    number: int = 0,
    *,
    event_type: str = "purchase-order",
    status: int | None = 200,
    target: str = "Embedded collector",
    source_id: str = "source-id",
    profile_id: str | None = "profile-id",
    session_id: str = "session-id",
    started_at: str = "2026-11-26T10:00:00.000000Z",
    product: str = "Nike shoes",
    with_secrets: bool = False,
) -> dict[str, Any]:
    """A realistic exchange (≈3 KB with the debugger block) of the contracts' shape."""
    body: dict[str, Any] = {
        "source": {"id": source_id},
        "session": {"id": session_id},
        "profile": {"id": profile_id} if profile_id else None,
        "context": {"device": "iPhone X", "number": number},
        "events": [
            {"type": event_type, "properties": {"product": product, "quantity": number}},
            {"type": "page-view"},
        ],
        "options": {"debugger": True},
    }
    headers = {"Content-Type": "application/json", "User-Agent": "workbench/0.1"}
    if with_secrets:
        headers["Authorization"] = f"Bearer {SECRET_TOKEN}"
        headers["Cookie"] = f"sid={SECRET_COOKIE}"
        headers["X-Api-Key"] = SECRET_API_KEY
        body["context"]["password"] = SECRET_PASSWORD
    body_text = json.dumps(body)
    view = copy.deepcopy(read_json_resource("examples", "response-debugger.json"))
    response_json: Any = {"profile": {"id": profile_id}, "source": {"consent": False}, **view}
    if with_secrets:
        response_json["echo"] = f"token was {SECRET_TOKEN}"
    error = None
    if status is None:
        error = {"kind": "connect", "message": "connection refused", "hint": "start it"}
        response_json = None
    return {
        "id": str(uuid.uuid4()),
        "started_at": started_at,
        "target": {"name": target, "base_url": "http://127.0.0.1:8686", "kind": "embedded"},
        "request": {
            "method": "POST",
            "url": "http://127.0.0.1:8686/track"
            + (f"?api_key={SECRET_API_KEY}" if with_secrets else ""),
            "route": "/track",
            "headers": headers,
            "body": body,
            "body_text": body_text,
        },
        "response": {
            "status": status,
            "headers": {"content-type": "application/json", "x-request-id": str(number)},
            "body_text": None if response_json is None else json.dumps(response_json),
            "json": response_json,
            "size": 0 if response_json is None else len(json.dumps(response_json)),
        },
        "timings": {"total_ms": 12.5 + number % 7, "connect_ms": 0.4},
        "view": {
            "format": "documented",
            "profile_id": profile_id,
            "session_id": session_id,
            "sections": view["debugging"],
            "missing": {},
        },
        "error": error,
        "summary": {
            "event_types": [event_type, "page-view"],
            "source_id": source_id,
            "profile_id": profile_id,
            "session_id": session_id,
        },
    }
