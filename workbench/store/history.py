"""The history of exchanges: TinyDB segments behind a journal, so an append costs the same at
100 entries as at 50,000.

Why this shape
--------------
TinyDB's default storage rewrites the whole JSON file on every insert (measured
by ``bench/history.py``: over 1 s per insert at 10,000 entries of 3 KB, growing
linearly). We keep TinyDB as the format of the durable files but never let one
file grow with the history:

* An ``append`` masks the exchange and writes **one JSON line** to
  ``journal.jsonl`` (``O_APPEND`` + fsync). When it returns the entry survives a
  SIGKILL or a power cut; the cost does not depend on the history's size
  (≈0.7 ms median here at 100 and at 50,000 entries).
* Every ``segment_size`` entries (256 by default) the journal is **sealed** into a
  segment: a small TinyDB database (``.json``, read through TinyDB with
  :class:`~workbench.store.history_segments.AtomicJSONStorage`) written once,
  atomically (``workbench.store.atomic``: temporary file, fsync, rename), with two
  derived sidecars: the summary rows (``.idx``) and the search text (``.txt``).
  Then the journal is emptied. A seal writes ≈0.8 MB (≈15 ms), bounded too and
  amortised over 256 appends. A crash between the two steps leaves entries in
  both places; on open, journal entries already sealed are dropped.
* Star, delete and retention rewrite one bounded segment as a new *generation*;
  the old generation is removed only after the new one is complete.

Alternatives weighed: a custom TinyDB ``Storage`` over an append-only journal
still hands TinyDB the whole database on every ``write()`` (its interface is
read-all/write-all), so the cost would stay linear in memory and CPU; a writer
thread would make "an entry whose append has returned is on disk" a promise
kept later, and with a bounded write (one fsync'ed line, a seal of one segment
at most) an ``append`` on the GUI thread already takes about a frame at worst.
``flush()`` exists for callers that want maintenance (retention) done now.

Reading stays cheap because only summaries are in memory: opening reads the
``.idx`` bytes of every segment (≈260 bytes per entry) and counts lines; rows
are parsed per segment on demand (``history_query``), so the unfiltered first
page parses one segment. Full-text search scans the ``.txt`` bytes of each
segment and parses only the segments that hit. ``get(id)`` reads one segment
(a few ms; the last four are cached).

Retention keeps the newest ``retention`` entries plus every starred one; it is
applied when a segment is sealed (and on open and ``flush()``), so between seals
up to ``segment_size`` more entries may be listed.

Secrets are masked (``history_masking``) before anything reaches a file, and
again on export. One writer at a time: a writable store holds an OS lock on
``history.lock`` (:class:`~workbench.store.history_lock.WriterLock`); read-only
stores (``read_only=True``, the CLI's fallback while the window is open) take
none. Versions and migrations: ``history_migrate``.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from workbench.store.atomic import StoreNotice, atomic_write_json, fsync_dir, move_aside
from workbench.store.har import build_har
from workbench.store.history_lock import HistoryBusyError, WriterLock
from workbench.store.history_masking import mask_exchange
from workbench.store.history_migrate import (
    CURRENT_VERSION,
    V0_FILE_NAME,
    HistoryVersionError,
    migrate_folder,
    read_manifest,
    read_v0_entries,
    retire_v0_file,
    write_manifest,
)
from workbench.store.history_model import (
    R_ID,
    R_STARRED,
    HistoryEntry,
    HistoryQuery,
    HistorySummary,
    make_stored_entry,
    search_text,
    summary_from_row,
    summary_row,
)
from workbench.store.history_query import matching_rows, unfiltered_rows
from workbench.store.history_segments import (
    Journal,
    SegmentError,
    SegmentFiles,
    entry_json,
    read_segment_entries,
    remove_files,
    scan_segments,
    write_segment,
    write_sidecars,
)
from workbench.store.history_transfer import (
    HistoryImportError,
    read_import_file,
    write_stream_atomic,
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

DEFAULT_RETENTION = 10_000
DEFAULT_SEGMENT_SIZE = 256
_CACHED_SEGMENTS = 4
_EMPTY_QUERY = HistoryQuery()


class HistoryReadOnlyError(PermissionError):
    """A change was asked of a store opened with ``read_only=True``."""


class HistoryStore:
    """Every exchange sent or received, newest first, kept in *folder*.

    Thread-safe (one lock serialises every call). ``notices`` lists what the user
    should be told about (a file moved aside, a migration). Use as a context
    manager or call :meth:`close`.
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
        self._segments_dir = self.folder / "segments"
        self._segments: list[SegmentFiles] = []
        self._open_entries: list[dict[str, Any]] = []
        self._open_rows: list[list[Any]] = []
        self._open_texts: list[str] = []
        self._open_json: list[str] = []
        self._entry_cache: OrderedDict[tuple[int, int], dict[str, dict[str, Any]]] = OrderedDict()
        self._journal = Journal(self.folder / "journal.jsonl")
        self._writer: WriterLock | None = None
        self._closed = False
        if not read_only:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._writer = WriterLock(self.folder / "history.lock")
            self._writer.acquire()
        try:
            self._open()
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
        """Release the journal and the writer lock (idempotent). Everything is already on disk."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._journal.close()
            if self._writer is not None:
                self._writer.release()
            self._entry_cache.clear()

    def flush(self) -> None:
        """Apply retention now. Appends are durable already when they return."""
        with self._lock:
            self._check_writable()
            self._prune()

    def _open(self) -> None:
        if not self.read_only:
            for leftover in self.folder.glob("segments.cleared-*"):
                shutil.rmtree(leftover, ignore_errors=True)
            # Temporary files of atomic writes cut short by a crash (the old file still stands).
            remove_files([*self.folder.glob(".*.tmp"), *self._segments_dir.glob(".*.tmp")])
        version, notice = read_manifest(self.folder, repair=not self.read_only)
        if notice is not None:
            self.notices.append(notice)
            if not self.read_only:
                write_manifest(self.folder)
        v0_entries: list[dict[str, Any]] = []
        v0_path = self.folder / V0_FILE_NAME
        if version is None and not self.read_only:
            if v0_path.exists():
                try:
                    v0_entries = read_v0_entries(v0_path)
                except ValueError as exc:
                    self.notices.append(move_aside(v0_path, str(exc)))
            if not v0_entries:
                write_manifest(self.folder)
        elif version is not None and version < CURRENT_VERSION and not self.read_only:
            migrate_folder(self.folder, version)
        self._load_segments()
        self._load_journal()
        if v0_entries:
            # The manifest is written last: a crash mid-way migrates again on the next
            # open, and entries already carried over (same id) are not added twice.
            known = self._all_ids()
            self._add_entries([entry for entry in v0_entries if entry["id"] not in known])
            target = retire_v0_file(v0_path)
            write_manifest(self.folder)
            self.notices.append(
                StoreNotice(
                    f"Migrated {len(v0_entries)} entries from the old history file {v0_path}; "
                    f"it was kept as {target}.",
                    path=v0_path,
                    moved_to=target,
                )
            )
        if not self.read_only:
            if len(self._open_entries) >= self.segment_size:
                self._seal()
            self._prune()

    def _load_segments(self) -> None:
        segments, stale = scan_segments(self._segments_dir)
        if not self.read_only:
            remove_files(stale)
        for segment in segments:
            try:
                segment.raw_index = segment.path("idx").read_bytes()
                if not segment.path("txt").exists():
                    raise SegmentError(f"{segment.path('txt')} is missing")
            except (OSError, SegmentError):
                if not self._rebuild_sidecars(segment):
                    continue
            self._segments.append(segment)

    def _rebuild_sidecars(self, segment: SegmentFiles) -> bool:
        """Recompute ``.idx``/``.txt`` from the segment's TinyDB file; False if that is bad too."""
        try:
            entries = read_segment_entries(segment.path("json"))
        except (OSError, SegmentError) as exc:
            self._set_aside(segment, str(exc))
            return False
        rows = [summary_row(entry) for entry in entries]
        if self.read_only:
            segment.rows = rows
            segment.raw_index = None
            return True
        write_sidecars(segment, rows, [search_text(entry) for entry in entries])
        return True

    def _set_aside(self, segment: SegmentFiles, reason: str) -> None:
        """Move an unreadable segment's files aside (never delete them) and report it."""
        if segment in self._segments:
            self._segments.remove(segment)
        if self.read_only:
            self.notices.append(
                StoreNotice(
                    f"{segment.path('json')} could not be read ({reason})", segment.path("json")
                )
            )
            return
        notice = None
        for path in segment.all_paths:
            if path.exists():
                moved = move_aside(path, reason)
                notice = notice or moved
        if notice is not None:
            self.notices.append(notice)

    def _load_journal(self) -> None:
        result = self._journal.read()
        entries = result.entries
        if self._segments and entries:
            newest = self._segments[-1]
            entries = [entry for entry in entries if not newest.contains_id(entry["id"])]
        for entry in entries:
            self._remember_open(entry)
        if self.read_only:
            return
        if result.bad_lines:
            notice = move_aside(self._journal.path, f"{result.bad_lines} unreadable line(s)")
            self.notices.append(notice)
            self._journal.replace(self._open_json)
        elif result.torn_tail or len(entries) != len(result.entries):
            self._journal.replace(self._open_json)

    # --- writing -------------------------------------------------------------------------

    def _check_writable(self) -> None:
        if self._closed:
            raise ValueError(f"the history store in {self.folder} is closed")
        if self.read_only:
            raise HistoryReadOnlyError(f"the history in {self.folder} was opened read-only")

    def _remember_open(self, entry: dict[str, Any], text: str | None = None) -> None:
        self._open_json.append(text if text is not None else entry_json(entry))
        self._open_entries.append(entry)
        self._open_rows.append(summary_row(entry))
        self._open_texts.append(search_text(entry))

    def _clear_open(self) -> None:
        self._open_entries, self._open_rows, self._open_texts, self._open_json = [], [], [], []

    def append(self, exchange: dict[str, Any]) -> HistoryEntry:
        """Mask and store one exchange dict; durable on disk when this returns.

        An exchange whose ``id`` is already among the recent entries gets a fresh id.
        """
        with self._lock:
            self._check_writable()
            entry = make_stored_entry(exchange)
            if self._recent_id(entry["id"]):
                entry["id"] = entry["exchange"]["id"] = str(uuid.uuid4())
            row = summary_row(entry)
            self._add_entries([entry])
            return HistoryEntry(summary_from_row(row), copy.deepcopy(entry["exchange"]))

    def append_many(self, exchanges: Iterable[dict[str, Any]]) -> int:
        """Store many exchanges, one fsync per batch (imports, benchmarks); returns the count."""
        with self._lock:
            self._check_writable()
            entries = [make_stored_entry(exchange) for exchange in exchanges]
            seen = {row[R_ID] for row in self._open_rows}
            for entry in entries:
                if entry["id"] in seen or self._recent_id(entry["id"]):
                    entry["id"] = entry["exchange"]["id"] = str(uuid.uuid4())
                seen.add(entry["id"])
            self._add_entries(entries)
            return len(entries)

    def _recent_id(self, entry_id: str) -> bool:
        if any(row[R_ID] == entry_id for row in self._open_rows):
            return True
        return bool(self._segments) and self._segments[-1].contains_id(entry_id)

    def _add_entries(self, entries: list[dict[str, Any]]) -> None:
        """Journal entries in batches that fill the open segment, sealing as it fills.

        Everything is serialised first, so an exchange holding something JSON cannot
        represent is refused with a clear message before anything is written.
        """
        texts = []
        for entry in entries:
            try:
                texts.append(entry_json(entry))
            except (TypeError, ValueError) as exc:
                raise TypeError(
                    f"the exchange {entry['id']} cannot be stored: it is not plain JSON ({exc})"
                ) from exc
        start, seal_failed = 0, False
        while start < len(entries):
            room = max(1, self.segment_size - len(self._open_entries))
            batch = entries[start : start + room]
            batch_json = texts[start : start + room]
            start += len(batch)
            self._journal.append(batch_json)
            for entry, text in zip(batch, batch_json, strict=True):
                self._remember_open(entry, text)
            if len(self._open_entries) >= self.segment_size and not seal_failed:
                try:
                    self._seal()
                except OSError as exc:
                    # The entries are safe in the journal; sealing is retried next time.
                    seal_failed = True
                    self.notices.append(
                        StoreNotice(f"could not seal a history segment in {self.folder}: {exc}")
                    )

    def _seal(self) -> None:
        number = self._segments[-1].number + 1 if self._segments else 1
        segment = write_segment(
            self._segments_dir,
            number,
            1,
            self._open_json,
            self._open_rows,
            self._open_texts,
        )
        fsync_dir(self._segments_dir)
        self._segments.append(segment)
        self._clear_open()
        self._journal.replace([])
        self._prune()

    def _rewrite_segment(self, segment: SegmentFiles, entries: list[dict[str, Any]]) -> None:
        """Replace a segment by a new generation holding *entries* (or remove it when empty)."""
        self._entry_cache.pop((segment.number, segment.generation), None)
        position = self._segments.index(segment)
        if not entries:
            del self._segments[position]
            remove_files(segment.all_paths)
            return
        fresh = write_segment(
            self._segments_dir,
            segment.number,
            segment.generation + 1,
            [entry_json(entry) for entry in entries],
            [summary_row(entry) for entry in entries],
            [search_text(entry) for entry in entries],
        )
        self._segments[position] = fresh
        remove_files(segment.all_paths)

    def _prune(self) -> None:
        """Drop unstarred entries older than the newest ``retention`` (oldest segments first)."""
        if self.retention is None:
            return
        boundary = self.count() - self.retention  # positions [0, boundary) are beyond it
        position = 0
        for segment in list(self._segments):
            if position >= boundary:
                return
            rows = self._rows(segment)
            if rows is None:
                continue
            doomed = {
                row[R_ID]
                for offset, row in enumerate(rows)
                if position + offset < boundary and not row[R_STARRED]
            }
            position += len(rows)
            if not doomed:
                continue
            if len(doomed) == len(rows):
                self._entry_cache.pop((segment.number, segment.generation), None)
                self._segments.remove(segment)
                remove_files(segment.all_paths)
                continue
            entries = self._segment_entries(segment)
            if entries is not None:
                self._rewrite_segment(
                    segment, [e for e in entries.values() if e["id"] not in doomed]
                )
        doomed_open = {
            row[R_ID]
            for offset, row in enumerate(self._open_rows)
            if position + offset < boundary and not row[R_STARRED]
        }
        if doomed_open:
            self._drop_open(doomed_open)

    def _drop_open(self, ids: set[str]) -> None:
        kept = [i for i, row in enumerate(self._open_rows) if row[R_ID] not in ids]
        self._open_entries = [self._open_entries[i] for i in kept]
        self._open_rows = [self._open_rows[i] for i in kept]
        self._open_texts = [self._open_texts[i] for i in kept]
        self._open_json = [self._open_json[i] for i in kept]
        self._journal.replace(self._open_json)

    def star(self, entry_id: str, on: bool = True) -> bool:
        """Star (or unstar) an entry; starred entries are never pruned. False if not found."""
        with self._lock:
            self._check_writable()
            for index, row in enumerate(self._open_rows):
                if row[R_ID] == entry_id:
                    self._open_entries[index]["starred"] = bool(on)
                    row[R_STARRED] = bool(on)
                    self._open_json[index] = entry_json(self._open_entries[index])
                    self._journal.replace(self._open_json)
                    return True
            segment = self._locate(entry_id)
            entries = self._segment_entries(segment) if segment is not None else None
            if segment is None or entries is None or entry_id not in entries:
                return False
            updated = [
                dict(e, starred=bool(on)) if e["id"] == entry_id else e for e in entries.values()
            ]
            self._rewrite_segment(segment, updated)
            return True

    def delete(self, entry_id: str) -> bool:
        """Delete one entry (starred or not). False if there was no such entry."""
        with self._lock:
            self._check_writable()
            if any(row[R_ID] == entry_id for row in self._open_rows):
                self._drop_open({entry_id})
                return True
            segment = self._locate(entry_id)
            entries = self._segment_entries(segment) if segment is not None else None
            if segment is None or entries is None or entry_id not in entries:
                return False
            self._rewrite_segment(segment, [e for e in entries.values() if e["id"] != entry_id])
            return True

    def clear(self) -> None:
        """Delete every entry, starred ones too (the user asked for it)."""
        with self._lock:
            self._check_writable()
            if self._segments_dir.exists():
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
                doomed = self.folder / f"segments.cleared-{stamp}"
                os.replace(self._segments_dir, doomed)
                fsync_dir(self.folder)
            else:
                doomed = None
            self._segments = []
            self._entry_cache.clear()
            self._clear_open()
            self._journal.replace([])
            if doomed is not None:
                shutil.rmtree(doomed, ignore_errors=True)

    # --- reading -------------------------------------------------------------------------

    def _rows(self, segment: SegmentFiles) -> list[list[Any]] | None:
        """A segment's rows, repairing or setting aside a bad index; None when it is gone."""
        try:
            return segment.load_rows()
        except (OSError, SegmentError):
            if self._rebuild_sidecars(segment):
                return segment.rows
            return None

    def _segment_entries(self, segment: SegmentFiles) -> dict[str, dict[str, Any]] | None:
        key = (segment.number, segment.generation)
        cached = self._entry_cache.get(key)
        if cached is not None:
            self._entry_cache.move_to_end(key)
            return cached
        try:
            entries = read_segment_entries(segment.path("json"))
        except (OSError, SegmentError) as exc:
            self._set_aside(segment, str(exc))
            return None
        by_id = {entry["id"]: entry for entry in entries}
        self._entry_cache[key] = by_id
        while len(self._entry_cache) > _CACHED_SEGMENTS:
            self._entry_cache.popitem(last=False)
        return by_id

    def _locate(self, entry_id: str) -> SegmentFiles | None:
        for segment in reversed(self._segments):
            if segment.contains_id(entry_id):
                rows = self._rows(segment)
                if rows is not None and any(row[R_ID] == entry_id for row in rows):
                    return segment
        return None

    def get(self, entry_id: str) -> HistoryEntry | None:
        """The whole entry (a copy the caller may change), or None when there is no such id."""
        with self._lock:
            for index, row in enumerate(self._open_rows):
                if row[R_ID] == entry_id:
                    exchange = self._open_entries[index]["exchange"]
                    return HistoryEntry(summary_from_row(row), copy.deepcopy(exchange))
            segment = self._locate(entry_id)
            entries = self._segment_entries(segment) if segment is not None else None
            if entries is None or entry_id not in entries:
                return None
            entry = entries[entry_id]
            return HistoryEntry(
                summary_from_row(summary_row(entry)), copy.deepcopy(entry["exchange"])
            )

    def count(self, query: HistoryQuery | None = None) -> int:
        """How many entries match *query* (all of them when None)."""
        with self._lock:
            if query is None or query.is_empty:
                return len(self._open_rows) + sum(s.count for s in self._segments)
            return sum(1 for _ in self._matching_rows(query))

    def page(
        self, query: HistoryQuery | None = None, offset: int = 0, limit: int = 50
    ) -> list[HistorySummary]:
        """Summaries newest first: the *limit* entries after skipping *offset* matches."""
        if offset < 0 or limit < 0:
            raise ValueError(f"offset and limit must not be negative; got {offset}, {limit}")
        with self._lock:
            if query is None or query.is_empty:
                rows = unfiltered_rows(
                    self._open_rows, list(self._segments), self._rows, offset, limit
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
        with self._lock:
            rows = list(self._matching_rows(query or _EMPTY_QUERY))
        return (summary_from_row(row) for row in rows)

    def _text_of(self, segment: SegmentFiles) -> bytes:
        """A segment's search text, rebuilt when missing; empty when the segment is gone."""
        try:
            return segment.read_text()
        except OSError:
            if self.read_only or not self._rebuild_sidecars(segment):
                return b""
            return segment.read_text()

    def _matching_rows(self, query: HistoryQuery) -> Iterator[list[Any]]:
        return matching_rows(
            query,
            self._open_rows,
            self._open_texts,
            list(self._segments),
            self._rows,
            self._text_of,
        )

    # --- export / import -------------------------------------------------------------------

    def _all_entries(self, ids: Iterable[str] | None) -> Iterator[dict[str, Any]]:
        """Every stored entry oldest first (optionally only *ids*), without caching segments."""
        wanted = set(ids) if ids is not None else None
        for segment in list(self._segments):
            try:
                entries = read_segment_entries(segment.path("json"))
            except (OSError, SegmentError) as exc:
                self._set_aside(segment, str(exc))
                continue
            for entry in entries:
                if wanted is None or entry["id"] in wanted:
                    yield entry
        for entry in list(self._open_entries):
            if wanted is None or entry["id"] in wanted:
                yield entry

    def export_jsonl(self, path: str | os.PathLike[str], ids: Iterable[str] | None = None) -> int:
        """Write entries (oldest first, masked) as JSON lines; returns how many."""
        with self._lock:
            count = 0

            def lines() -> Iterator[bytes]:
                nonlocal count
                for entry in self._all_entries(ids):
                    count += 1
                    exported = dict(entry, exchange=mask_exchange(entry["exchange"]))
                    yield (json.dumps(exported, ensure_ascii=False) + "\n").encode("utf-8")

            write_stream_atomic(Path(path), lines)
            return count

    def export_har(self, path: str | os.PathLike[str], ids: Iterable[str] | None = None) -> int:
        """Write entries (oldest first, masked) as a HAR 1.2 file; returns how many."""
        with self._lock:
            entries = [
                dict(entry, exchange=mask_exchange(entry["exchange"]))
                for entry in self._all_entries(ids)
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
            known = self._all_ids()
            fresh = []
            for entry in parsed:
                if entry["id"] not in known:
                    known.add(entry["id"])
                    fresh.append(entry)
            self._add_entries(fresh)
            return len(fresh)

    def _all_ids(self) -> set[str]:
        ids = {row[R_ID] for row in self._open_rows}
        for segment in list(self._segments):
            rows = self._rows(segment)
            if rows is not None:
                ids.update(row[R_ID] for row in rows)
        return ids
