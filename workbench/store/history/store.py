"""The history of exchanges: every send and every request the collector saw, newest first.

:class:`HistoryStore` is what callers use: it serialises access, masks secrets,
answers queries page by page and exports or imports whole histories. How the
entries lie on disk (TinyDB segments behind an fsync'ed journal, so an append
costs the same at 100 entries as at 50,000), and why, is explained in
:mod:`workbench.store.history.storage`, which does every write.

Secrets are masked (``masking``) before anything reaches a file, and
again on export. Many processes may have the same history open at once (the
window, ``workbench send``, an import, journey runs): every operation holds the
folder's OS lock for its length and first catches up with what the others did
(:mod:`~workbench.store.history.lock` says how, and why locks rather than one
serving process). An ``append`` holds it only while its line is written; the
fsync that makes it durable runs after, so writers' fsyncs overlap, and so does
most of the work of a seal (``seal``). Versions and
migrations: ``migrate``.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from workbench.core.exchange import Exchange
from workbench.store.atomic import StoreNotice, atomic_write_json, atomic_write_stream
from workbench.store.har import build_har
from workbench.store.history.entries import (
    R_ID,
    HistoryEntry,
    HistoryQuery,
    HistorySummary,
    make_stored_entry,
    summary_from_row,
    summary_row,
)
from workbench.store.history.lock import HistoryBusyError
from workbench.store.history.masking import mask_exchange
from workbench.store.history.migrate import HistoryVersionError
from workbench.store.history.query import matching_rows, unfiltered_rows
from workbench.store.history.seal import commit_seal, prepare_seal
from workbench.store.history.segments import serialise
from workbench.store.history.storage import HistoryStorage
from workbench.store.history.transfer import HistoryImportError, read_import_file

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

DEFAULT_RETENTION = 10_000
DEFAULT_SEGMENT_SIZE = 256
_EMPTY_QUERY = HistoryQuery()


class HistoryReadOnlyError(PermissionError):
    """A change was asked of a store opened with ``read_only=True``."""


class HistoryStore:
    """Every exchange sent or received, newest first, kept in *folder*.

    Thread-safe (one lock serialises every call) and safe with other processes
    using the same folder. ``notices`` lists what the user should be told about (a
    file moved aside, a migration). :meth:`refresh` catches up with other processes'
    changes; :meth:`watch` calls back when they make some. Use as a context manager
    or call :meth:`close`.
    """

    def __init__(
        self,
        folder: str | os.PathLike[str],
        *,
        retention: int | None = DEFAULT_RETENTION,
        segment_size: int = DEFAULT_SEGMENT_SIZE,
        read_only: bool = False,
    ) -> None:
        if retention is not None and retention < 1:
            raise ValueError(
                f"retention must be at least 1 (or None for no limit); got {retention}"
            )
        if segment_size < 1:
            raise ValueError(f"segment_size must be at least 1; got {segment_size}")
        self.folder = Path(folder)
        self.retention = retention
        self.segment_size = segment_size
        self.read_only = read_only
        self.notices: list[StoreNotice] = []
        self._lock = threading.RLock()
        self._storage = HistoryStorage(
            self.folder,
            retention=retention,
            segment_size=segment_size,
            read_only=read_only,
            notices=self.notices,
        )
        self._file_lock = self._storage.lock
        self._watcher: Any = None
        self._closed = False
        if not read_only:
            self.folder.mkdir(parents=True, exist_ok=True)
        try:
            with self._file_lock.hold():
                self._storage.open()
                self._storage.end_operation()
        except BaseException:
            self.close()
            raise

    # --- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop watching and release the journal (idempotent). Everything is already on disk."""
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.stop()
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._storage.close()
            self._file_lock.close()

    @contextlib.contextmanager
    def _operation(self) -> Iterator[None]:
        """One operation: the folder's lock held, other processes' changes caught up with."""
        if self._closed:
            raise ValueError(f"the history store in {self.folder} is closed")
        with self._file_lock.hold(exclusive=not self.read_only):
            self._storage.sync_with_disk()
            try:
                yield
            finally:
                self._storage.end_operation()

    def refresh(self) -> str | None:
        """Catch up with other processes: None (nothing new), ``"appended"`` or ``"changed"``."""
        with self._lock:
            if self._closed:
                return None
            with self._file_lock.hold(exclusive=not self.read_only):
                try:
                    return self._storage.sync_with_disk()
                finally:
                    self._storage.end_operation()

    def watch(self, callback: Callable[[str], None]) -> None:
        """Call *callback(kind)* (from a background thread) when another process changes this
        history; *kind* is what :meth:`refresh` returned. Stopped by :meth:`close`."""
        from workbench.store.history.watch import HistoryWatcher

        with self._lock:
            if self._watcher is None:
                self._watcher = HistoryWatcher(self._file_lock.changes_path, self.refresh)
                self._watcher.start()
            self._watcher.add_listener(callback)

    def unwatch(self, callback: Callable[[str], None]) -> None:
        """Stop calling *callback* (see :meth:`watch`)."""
        with self._lock:
            if self._watcher is not None:
                self._watcher.remove_listener(callback)

    def flush(self) -> None:
        """Apply retention now. Appends are durable already when they return."""
        with self._lock:
            self._check_writable()
            with self._operation():
                self._storage.prune()

    # --- writing -------------------------------------------------------------------------

    def _check_writable(self) -> None:
        if self._closed:
            raise ValueError(f"the history store in {self.folder} is closed")
        if self.read_only:
            raise HistoryReadOnlyError(f"the history in {self.folder} was opened read-only")

    def append(self, exchange: Exchange) -> HistoryEntry:
        """Mask and store one exchange; durable on disk when this returns.

        An exchange whose ``id`` is already among the recent entries gets a fresh id.
        The entry returned holds the exchange as stored (masked).
        """
        with self._lock:
            self._check_writable()
            entry = make_stored_entry(exchange.to_dict(masked=False))
            text = serialise(entry)  # before the folder's lock: other writers need not wait
            with self._operation():
                if self._storage.recent_id(entry["id"]):
                    entry["id"] = entry["exchange"]["id"] = str(uuid.uuid4())
                    text = serialise(entry)
                self._storage.add_entries([entry], [text], seal=False)
            self._storage.journal.sync(self._file_lock.sync_file)  # after unlocking, shared
            self._seal_if_full()
            # The storage keeps the journal line, not this dict: no copy is needed.
            stored = Exchange.from_dict(entry["exchange"])
            return HistoryEntry(summary_from_row(summary_row(entry, stored)), stored)

    def _seal_if_full(self) -> None:
        """Seal a full open segment, preparing it without the folder's lock (see ``seal``).

        The entries are durable in the journal already: a seal that cannot be made
        now is made by a later append (or by whichever process prepares one).
        """
        storage = self._storage
        if len(storage.open_segment) < self.segment_size:
            return
        with self._file_lock.sealing() as ours:
            if not ours:
                return  # another process is preparing this seal
            if self._file_lock.read().layout != storage.changes.seen.layout:
                # Another process sealed (or rewrote) since this one last looked: what
                # it holds may be sealed already. Catch up before preparing from it.
                with self._operation():
                    pass
                if len(storage.open_segment) < self.segment_size:
                    return
            try:
                prepared = prepare_seal(storage)
                if prepared is None:
                    return
                try:
                    with self._operation():
                        commit_seal(storage, prepared)
                finally:
                    prepared.discard()  # whatever was not put in place
            except OSError as exc:
                self.notices.append(
                    StoreNotice(f"could not seal a history segment in {self.folder}: {exc}")
                )

    def append_many(self, exchanges: Iterable[Exchange]) -> int:
        """Store many exchanges, one fsync per batch (imports, benchmarks); returns the count."""
        with self._lock:
            self._check_writable()
            entries = [make_stored_entry(exchange.to_dict(masked=False)) for exchange in exchanges]
            with self._operation():
                seen = {row[R_ID] for row in self._storage.open_rows}
                for entry in entries:
                    if entry["id"] in seen or self._storage.recent_id(entry["id"]):
                        entry["id"] = entry["exchange"]["id"] = str(uuid.uuid4())
                    seen.add(entry["id"])
                self._storage.add_entries(entries)
            self._storage.journal.sync(self._file_lock.sync_file)
            return len(entries)

    def star(self, entry_id: str, on: bool = True) -> bool:
        """Star (or unstar) an entry; starred entries are never pruned. False if not found."""
        with self._lock:
            self._check_writable()
            with self._operation():
                return self._storage.set_starred(entry_id, bool(on))

    def delete(self, entry_id: str) -> bool:
        """Delete one entry (starred or not). False if there was no such entry."""
        with self._lock:
            self._check_writable()
            with self._operation():
                return self._storage.remove(entry_id)

    def clear(self) -> None:
        """Delete every entry, starred ones too (the user asked for it)."""
        with self._lock:
            self._check_writable()
            with self._operation():
                self._storage.clear()

    # --- reading -------------------------------------------------------------------------

    def get(self, entry_id: str) -> HistoryEntry | None:
        """The whole entry, or None when there is no such id."""
        storage = self._storage
        with self._lock, self._operation():
            for index, row in enumerate(storage.open_rows):
                if row[R_ID] == entry_id:
                    return HistoryEntry(
                        summary_from_row(row), _exchange_of(storage.open_entries[index])
                    )
            segment = storage.sealed.locate(entry_id)
            entries = storage.sealed.entries(segment) if segment is not None else None
            if entries is None or entry_id not in entries:
                return None
            entry = entries[entry_id]
            return HistoryEntry(summary_from_row(summary_row(entry)), _exchange_of(entry))

    def count(self, query: HistoryQuery | None = None) -> int:
        """How many entries match *query* (all of them when None)."""
        with self._lock, self._operation():
            if query is None or query.is_empty:
                return self._storage.count()
            return sum(1 for _ in self._matching_rows(query))

    def page(
        self, query: HistoryQuery | None = None, offset: int = 0, limit: int = 50
    ) -> list[HistorySummary]:
        """Summaries newest first: the *limit* entries after skipping *offset* matches."""
        if offset < 0 or limit < 0:
            raise ValueError(f"offset and limit must not be negative; got {offset}, {limit}")
        storage = self._storage
        with self._lock, self._operation():
            if query is None or query.is_empty:
                rows = unfiltered_rows(
                    storage.open_rows, list(storage.segments), storage.sealed.rows, offset, limit
                )
            else:
                rows = []
                for index, row in enumerate(self._matching_rows(query)):
                    if index >= offset + limit:
                        break
                    if index >= offset:
                        rows.append(row)
            return [summary_from_row(row) for row in rows]

    def summaries(self, query: HistoryQuery | None = None) -> Iterator[HistorySummary]:
        """Every matching summary, newest first (for exports and bulk actions)."""
        with self._lock, self._operation():
            rows = list(self._matching_rows(query or _EMPTY_QUERY))
        return (summary_from_row(row) for row in rows)

    def _matching_rows(self, query: HistoryQuery) -> Iterator[list[Any]]:
        storage = self._storage
        return matching_rows(
            query,
            storage.open_rows,
            storage.open_texts,
            list(storage.segments),
            storage.sealed.rows,
            storage.sealed.text_of,
        )

    # --- export / import -------------------------------------------------------------------

    def export_jsonl(
        self,
        path: str | os.PathLike[str],
        ids: Iterable[str] | None = None,
        *,
        transform: Callable[[Any], Any] | None = None,
    ) -> int:
        """Write entries (oldest first, masked) as JSON lines; returns how many.

        *transform* is applied to each masked exchange (the window's "hide personal
        data" switch)."""
        with self._lock, self._operation():
            count = 0

            def lines() -> Iterator[bytes]:
                nonlocal count
                for entry in self._storage.all_entries(ids):
                    count += 1
                    masked = mask_exchange(entry["exchange"])
                    exported = dict(entry, exchange=transform(masked) if transform else masked)
                    yield (json.dumps(exported, ensure_ascii=False) + "\n").encode("utf-8")

            atomic_write_stream(Path(path), lines())
            return count

    def export_har(
        self,
        path: str | os.PathLike[str],
        ids: Iterable[str] | None = None,
        *,
        transform: Callable[[Any], Any] | None = None,
    ) -> int:
        """Write entries (oldest first, masked) as a HAR 1.2 file; returns how many.

        *transform* is applied to each masked exchange, as for :meth:`export_jsonl`."""
        keep: Callable[[Any], Any] = transform or (lambda exchange: exchange)
        with self._lock, self._operation():
            entries = [
                dict(entry, exchange=keep(mask_exchange(entry["exchange"])))
                for entry in self._storage.all_entries(ids)
            ]
        atomic_write_json(Path(path), build_har(entries))
        return len(entries)

    def import_jsonl(self, path: str | os.PathLike[str]) -> int:
        """Add the entries of a JSON-lines file (our export, or bare exchange dicts).

        The whole file is checked first: a bad line raises :class:`HistoryImportError`
        naming the line, and nothing is added. Entries whose id is already in the
        history are skipped. Returns how many were added.
        """
        parsed = read_import_file(Path(path))
        with self._lock:
            self._check_writable()
            with self._operation():
                known = self._storage.all_ids()
                fresh = []
                for entry in parsed:
                    if entry["id"] not in known:
                        known.add(entry["id"])
                        fresh.append(entry)
                self._storage.add_entries(fresh)
            self._storage.journal.sync(self._file_lock.sync_file)
            return len(fresh)


def _exchange_of(entry: dict[str, Any]) -> Exchange:
    """The stored exchange of *entry*, on a copy: nothing the caller holds aliases the store."""
    return Exchange.from_dict(copy.deepcopy(entry["exchange"]))
