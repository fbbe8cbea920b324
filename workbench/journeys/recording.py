"""Recording journeys: the exchanges to turn into steps, and forwarded traffic as exchanges.

The journey itself is made by the pure
:func:`workbench.core.journey.recording.journey_from_exchanges`; this module
reads the exchanges from a :class:`~workbench.store.history.HistoryStore`, and
turns what the forwarding collector saw
(:class:`~workbench.collector.forward.ForwardedExchange`) into a
:class:`~workbench.client.SendResult`, the value a send produces, so a forwarded
exchange is kept in history, shown and made into a journey like any other.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any

from workbench.client import SendError, SentRequest
from workbench.collector.forward import ForwardedExchange
from workbench.core.exchange import Exchange, ExchangeTarget
from workbench.core.response_view import normalize_response
from workbench.store.history import HistoryQuery, HistoryStore

__all__ = ["exchange_from_forwarded", "exchanges_by_id", "last_exchanges"]


def last_exchanges(
    store: HistoryStore, count: int, query: HistoryQuery | None = None
) -> list[Exchange]:
    """The newest *count* exchanges matching *query*, oldest first (the order they ran)."""
    summaries = store.page(query, 0, count)
    return exchanges_by_id(store, [s.id for s in reversed(summaries)])


def exchanges_by_id(store: HistoryStore, ids: Iterable[str]) -> list[Exchange]:
    """The stored exchanges of *ids*, in the order given (missing ones left out)."""
    exchanges: list[Exchange] = []
    for entry_id in ids:
        entry = store.get(entry_id)
        if entry is not None:
            exchanges.append(entry.exchange)
    return exchanges


def _json(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None


def exchange_from_forwarded(forwarded: ForwardedExchange, base_url: str) -> Exchange:
    """The forwarded request and Tracardi's answer as a send result (for history)."""
    body = _json(forwarded.request_body)
    body_text = forwarded.request_body.decode("utf-8", "replace")
    request = SentRequest(
        forwarded.method,
        forwarded.url,
        forwarded.route,
        dict(forwarded.request_headers),
        body if body is not None else body_text or None,
        body_text,
    )
    target = ExchangeTarget(name=f"forwarded to {base_url}", base_url=base_url, kind="remote")
    timings = {"total_ms": forwarded.elapsed_ms}
    if forwarded.status is None:
        error = SendError("network", forwarded.error or "no answer", "check the --forward URL")
        return Exchange(
            str(uuid.uuid4()), forwarded.started_at, target, request, timings=timings, error=error
        )
    answer = _json(forwarded.response_body)
    view = None
    if 200 <= forwarded.status < 300 and answer is not None:
        track = forwarded.route.startswith("/track") and isinstance(body, dict)
        view = normalize_response(answer, status=forwarded.status, request=body if track else None)
    return Exchange(
        id=str(uuid.uuid4()),
        started_at=forwarded.started_at,
        target=target,
        request=request,
        status=forwarded.status,
        headers=dict(forwarded.response_headers),
        body_text=forwarded.response_body.decode("utf-8", "replace"),
        json=answer,
        size=len(forwarded.response_body),
        timings=timings,
        view=view,
    )
