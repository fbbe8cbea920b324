"""The history of exchanges, stored on disk: the store callers use and the parts behind it.

:mod:`~workbench.store.history.store` holds :class:`HistoryStore` (re-exported
here); :mod:`~workbench.store.history.storage` does every write, with the
journal it holds and the sealed segments of :mod:`~workbench.store.history.sealed`,
over the files of :mod:`~workbench.store.history.segments`;
:mod:`~workbench.store.history.entries`
says what one entry and one query are; masking, migrations, the writer lock and
import files have a module each.
"""

from workbench.store.history.store import (
    DEFAULT_RETENTION,
    DEFAULT_SEGMENT_SIZE,
    HistoryBusyError,
    HistoryEntry,
    HistoryImportError,
    HistoryQuery,
    HistoryReadOnlyError,
    HistoryStore,
    HistorySummary,
    HistoryVersionError,
)

__all__ = [
    "DEFAULT_RETENTION",
    "DEFAULT_SEGMENT_SIZE",
    "HistoryBusyError",
    "HistoryEntry",
    "HistoryImportError",
    "HistoryQuery",
    "HistoryReadOnlyError",
    "HistoryStore",
    "HistorySummary",
    "HistoryVersionError",
]
