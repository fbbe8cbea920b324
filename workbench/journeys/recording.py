"""Recording journeys from history: the exchanges to turn into steps, oldest first.

The journey itself is made by the pure
:func:`workbench.core.journey.recording.journey_from_exchanges`; this module
reads the exchanges from a :class:`~workbench.store.history.HistoryStore`.
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench.core.exchange import Exchange
from workbench.store.history import HistoryQuery, HistoryStore

__all__ = ["exchanges_by_id", "last_exchanges"]


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
