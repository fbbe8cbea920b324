"""Small helpers shared by the collector tests."""

from __future__ import annotations

from typing import Any

import httpx


def track(client: Any, payload: Any, **kwargs: Any) -> httpx.Response:
    """POST *payload* to ``/track`` with a socket or an in-process client."""
    return client.post("/track", json=payload, **kwargs)


def minimal(**extra: Any) -> dict[str, Any]:
    """A small valid payload (one page-view) plus *extra* top-level keys."""
    return {"source": {"id": "source-id"}, "events": [{"type": "page-view"}], **extra}
