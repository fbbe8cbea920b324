"""Exchange dicts (the contracts' shape) for history tests and the benchmark."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from workbench.core.exchange import Exchange

START = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def make_exchange(number: int, **options: Any) -> Exchange:
    """:func:`make_exchange_dict` as an :class:`Exchange`."""
    return Exchange.from_dict(make_exchange_dict(number, **options))


def make_exchange_dict(
    number: int,
    *,
    event_type: str = "page-view",
    status: int | None = 200,
    target: str = "Embedded collector",
    profile_id: str | None = None,
    note: str = "",
) -> dict[str, Any]:
    """Exchange *number*: one event, a plausible answer; ``note`` lands in the response body."""
    body = {
        "source": {"id": "source-id"},
        "session": {"id": f"session-{number}"},
        "events": [{"type": event_type, "properties": {"n": number}}],
    }
    answer = {"profile": {"id": profile_id or f"profile-{number}"}, "note": note}
    started = START + timedelta(seconds=number)
    return {
        "id": str(uuid.uuid4()),
        "started_at": started.isoformat().replace("+00:00", "Z"),
        "target": {"name": target, "base_url": "http://127.0.0.1:8686", "kind": "embedded"},
        "request": {
            "method": "POST",
            "url": "http://127.0.0.1:8686/track",
            "route": "/track",
            "headers": {"content-type": "application/json", "authorization": "Bearer s3cr3t-token"},
            "body": body,
            "body_text": json.dumps(body),
        },
        "response": {
            "status": status,
            "headers": {"content-type": "application/json"},
            "body_text": json.dumps(answer) if status is not None else None,
            "json": answer if status is not None else None,
            "size": 40,
        },
        "timings": {"total_ms": 12.5},
        "view": None,
        "error": None
        if status is not None
        else {"kind": "timeout", "message": "no answer in 10 s", "hint": "is it running?"},
        "summary": {
            "event_types": [event_type],
            "source_id": "source-id",
            "profile_id": profile_id or f"profile-{number}",
            "session_id": f"session-{number}",
        },
    }
