"""Putting the Tracardi calls of a HAR file into the history, all or nothing.

The calls were read whole by :func:`workbench.core.har_import.read_har` before
anything is written; they go in as one batch (one journal write), so an import
either adds every new call or none. A call's id is derived from the file's
content and the entry's index, so importing the same file twice adds nothing
the second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from workbench.core.exchange import Exchange
from workbench.core.har_import import HarImport

__all__ = ["HarHistoryReport", "add_har_calls"]


class _History(Protocol):
    def get(self, entry_id: str) -> object | None: ...

    def append_many(self, exchanges: list[Exchange]) -> int: ...  # pragma: no cover


@dataclass(frozen=True)
class HarHistoryReport:
    """What an import did: calls added, calls already in the history, requests skipped."""

    added: int
    already: int
    skipped: int

    def message(self, source: str) -> str:
        parts = [
            f"imported {self.added} Tracardi call{'s' if self.added != 1 else ''} from {source}"
        ]
        if self.already:
            parts.append(f"{self.already} already in the history")
        if self.skipped:
            parts.append(f"{self.skipped} other requests skipped")
        return "; ".join(parts)


def add_har_calls(history: _History, har: HarImport) -> HarHistoryReport:
    """Add the calls of *har* that the history does not hold yet, in one batch."""
    fresh = [call.exchange for call in har.calls if history.get(call.exchange.id) is None]
    added = history.append_many(fresh) if fresh else 0
    return HarHistoryReport(added, len(har.calls) - len(fresh), har.skipped_count)
