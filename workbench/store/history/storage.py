"""How the history lies on disk: TinyDB segments behind a journal, so an append costs the same
at 100 entries as at 50,000.

:class:`HistoryStorage` holds the files and their in-memory summaries and does
every write; :class:`~workbench.store.history.HistoryStore` is the thread-safe
face that callers use (queries, export, import).

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
  :class:`~workbench.store.history.segments.AtomicJSONStorage`) written once,
  atomically (``workbench.store.atomic``: temporary file, fsync, rename), with two
  derived sidecars: the summary rows (``.idx``) and the search text (``.txt``).
  Then the journal keeps only the entries appended since. A seal writes ≈0.8 MB
  (≈15 ms), bounded too and amortised over 256 appends; an append prepares it
  without the folder's lock and only puts it in place under the lock
  (:mod:`~workbench.store.history.seal`). A crash between the two steps leaves entries in
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
are parsed per segment on demand (``query``), so the unfiltered first
page parses one segment. Full-text search scans the ``.txt`` bytes of each
segment and parses only the segments that hit. ``get(id)`` reads one segment
(a few ms; the last four are cached).

Retention keeps the newest ``retention`` entries plus every starred one; it is
applied when a segment is sealed (and on open and ``flush()``), so between seals
up to ``segment_size`` more entries may be listed.

Entries arrive here already masked, and every call is made under the folder's
lock (see :mod:`workbench.store.history.lock`): both are the store's part. Lines
appended since the open segment was last read, by this process or another, are
kept as journal bytes and parsed only when it is read, so writers that only
append never parse each other's entries. Versions and migrations,
applied on open: ``migrate``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workbench.store.atomic import StoreNotice, fsync_dir, move_aside
from workbench.store.history.changes import SeenChanges
from workbench.store.history.entries import R_ID, R_STARRED
from workbench.store.history.lock import JOURNAL_NAME, HistoryLock
from workbench.store.history.migrate import (
    CURRENT_VERSION,
    V0_FILE_NAME,
    migrate_folder,
    read_manifest,
    read_v0_entries,
    retire_v0_file,
    write_manifest,
)
from workbench.store.history.open_segment import OpenSegment
from workbench.store.history.seal import seal_now
from workbench.store.history.sealed import SealedSegments
from workbench.store.history.segments import (
    Journal,
    SegmentFiles,
    entry_json,
    remove_files,
    serialise,
)

__all__ = ["HistoryStorage"]


class HistoryStorage:
    """The sealed segments and the open (journal) segment of one history folder.

    Not thread-safe and not locked against other processes: the owning
    :class:`~workbench.store.history.HistoryStore` does both. *notices* is the
    store's list; what the user should be told about is appended to it.
    """

    def __init__(
        self,
        folder: Path,
        *,
        retention: int | None,
        segment_size: int,
        read_only: bool,
        notices: list[StoreNotice],
        lock: HistoryLock | None = None,
    ) -> None:
        self.folder = folder
        self.lock = lock or HistoryLock(folder, read_only=read_only)
        self.changes = SeenChanges(self.lock, folder / JOURNAL_NAME, read_only=read_only)
        self.retention = retention
        self.segment_size = segment_size
        self.read_only = read_only
        self.notices = notices
        self.segments_dir = folder / "segments"
        self.sealed = SealedSegments(
            self.segments_dir, changes=self.changes, read_only=read_only, notices=notices
        )
        self._open = OpenSegment()  # the journal's entries, parsed when read
        self.journal = Journal(folder / JOURNAL_NAME)

    def close(self) -> None:
        """Release the journal's file handle and the cached segments."""
        self.journal.close()
        self.sealed.drop_cache()

    @property
    def segments(self) -> list[SegmentFiles]:
        """The sealed segments, oldest first."""
        return self.sealed.files

    def count(self) -> int:
        """How many entries there are (sealed and open), without reading any segment."""
        return len(self._open) + self.sealed.count()

    # --- the open segment, parsed when read ------------------------------------------------

    @property
    def open_segment(self) -> OpenSegment:
        """The journal's entries as held in memory (parsed or not)."""
        return self._open

    @property
    def open_entries(self) -> list[dict[str, Any]]:
        self._materialise()
        return self._open.entries

    @property
    def open_rows(self) -> list[list[Any]]:
        self._materialise()
        return self._open.rows

    @property
    def open_texts(self) -> list[str]:
        self._materialise()
        return self._open.texts

    @property
    def open_json(self) -> list[str]:
        self._materialise()
        return self._open.json

    def _materialise(self) -> None:
        """Parse the lines other processes appended (under the folder's lock).

        Lines that do not parse (a damaged file) make the whole journal be read
        again and repaired, as on open.
        """
        if not self._open.materialise():
            self._reload()

    # --- opening ---------------------------------------------------------------------------

    def open(self) -> None:
        """Read the folder: repair leftovers, migrate old versions, seal and prune if due.

        Called under the folder's exclusive lock (shared for a read-only store).
        """
        self.changes.seen = self.lock.read()
        if not self.read_only:
            for leftover in self.folder.glob("segments.cleared-*"):
                shutil.rmtree(leftover, ignore_errors=True)
            # Temporary files of atomic writes cut short by a crash (the old file still stands).
            remove_files([*self.folder.glob(".*.tmp"), *self.segments_dir.glob(".*.tmp")])
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
        self.sealed.load()
        self._load_journal()
        if v0_entries:
            # The manifest is written last: a crash mid-way migrates again on the next
            # open, and entries already carried over (same id) are not added twice.
            known = self.all_ids()
            self.add_entries([entry for entry in v0_entries if entry["id"] not in known])
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
            if len(self._open) >= self.segment_size:
                seal_now(self)
            self.prune()
        self.changes.opened()

    def _load_journal(self, *, lazy: bool = False) -> None:
        newest = self.segments[-1] if self.segments else None
        if lazy and self._open.keep_unparsed(self.journal.read_bytes(), newest):
            return
        result = self.journal.read()
        entries = result.entries
        if self.segments and entries:
            newest = self.segments[-1]
            entries = [entry for entry in entries if not newest.contains_id(entry["id"])]
        texts = dict(zip((id(e) for e in result.entries), result.texts, strict=True))
        for entry in entries:
            self._open.remember(entry, texts.get(id(entry)))
        if self.read_only:
            return
        if result.bad_lines:
            self.mark_layout()
            notice = move_aside(self.journal.path, f"{result.bad_lines} unreadable line(s)")
            self.notices.append(notice)
            self._replace_journal(self.open_json)
        elif result.torn_tail or len(entries) != len(result.entries):
            self.mark_layout()
            self._replace_journal(self.open_json)

    # --- several processes -------------------------------------------------------------------

    def sync_with_disk(self) -> str | None:
        """Catch up with what other processes did (under the lock, before each operation).

        Returns None when nothing changed, ``"appended"`` when entries were only added,
        and ``"changed"`` when entries may have changed or gone (star, delete, clear,
        retention), so a view must re-read rather than only insert at the top.
        """
        step = self.changes.begin()
        if step.reload or (step.tail is not None and not self._read_tail(*step.tail)):
            # Entries only added (no content counted as changed): every segment this
            # store knows is as it was, and a reload reads only the new ones (seals).
            self._reload(lazy=True, keep_segments=step.kind == "appended")
            self.changes.opened()
        elif step.tail is not None:
            self.changes.opened(step.journal)
        return step.kind

    def _read_tail(self, start: int, end: int) -> bool:
        """Take the journal lines other processes appended; False when a reload is needed.

        Only their bytes are read here, under the lock; they are parsed when the
        open segment is next read (a writer that only appends never parses them).
        """
        known = self.changes.journal_key  # the file at the path: begin() checked
        raw = self.journal.read_raw(start, end, known[0] if known is not None else None)
        if raw is None:
            return False
        self._open.add_pending(raw)
        return True

    def _reload(self, *, lazy: bool = False, keep_segments: bool = False) -> None:
        """Forget the in-memory view and read the folder again (as on open, without migrating).

        *lazy*: keep the journal's lines unparsed when they need no visible repair.
        *keep_segments*: no segment's content changed since this store last looked
        (the content counter says so: it is counted before any segment is rewritten or
        removed), so a segment still there under the same number and generation is the
        one already read; only segments new to this store are read.
        """
        self.journal.close()
        self._open.clear()
        self.sealed.load(self.segments if keep_segments else ())
        self._load_journal(lazy=lazy)

    def mark_layout(self) -> None:
        self.changes.mark_layout()

    def mark_content(self) -> None:
        self.changes.mark_content()

    def end_operation(self) -> None:
        self.changes.end(self.journal.written_key())

    # --- writing ---------------------------------------------------------------------------

    def _replace_journal(self, entries_json: list[str]) -> None:
        """Rewrite the journal (under the folder's lock), telling writers' fsyncs it was."""
        with self.lock.replacing_journal():
            self.journal.replace(entries_json)

    def recent_id(self, entry_id: str) -> bool:
        """True when *entry_id* is in the open segment or the newest sealed one."""
        if self._open.pending_unknown:
            self._materialise()
        if entry_id in self._open.ids:
            return True
        return self.sealed.newest_contains(entry_id)

    def add_entries(
        self, entries: list[dict[str, Any]], texts: list[str] | None = None, *, seal: bool = True
    ) -> None:
        """Journal entries in batches that fill the open segment, sealing as it fills.

        With ``seal=False`` a full open segment is left for the caller to seal
        (``seal.prepare_seal``, after releasing the folder's lock).

        Everything is serialised first (or was, by :func:`serialise`, when *texts* is
        given: a store does it before taking the folder's lock), so an exchange holding
        something JSON cannot represent is refused with a clear message before
        anything is written.
        """
        if texts is None:
            texts = [serialise(entry) for entry in entries]
        start, seal_failed = 0, False
        while start < len(entries):
            room = max(1, self.segment_size - len(self._open))
            batch = entries[start : start + room]
            batch_json = texts[start : start + room]
            start += len(batch)
            written = self.journal.append(batch_json, sync=False)  # fsync'ed after unlocking
            self.changes.mark_appended()
            self._open.add_pending(written, [entry["id"] for entry in batch])
            if seal and len(self._open) >= self.segment_size and not seal_failed:
                try:
                    seal_now(self)
                except OSError as exc:
                    # The entries are safe in the journal; sealing is retried next time.
                    seal_failed = True
                    self.notices.append(
                        StoreNotice(f"could not seal a history segment in {self.folder}: {exc}")
                    )

    def finish_seal(self, segment: SegmentFiles, sealed: int) -> None:
        """The oldest *sealed* open entries are in *segment*: rewrite the journal without them."""
        self.segments.append(segment)
        self._open.drop_first(sealed)
        with self.lock.replacing_journal():  # what is left, lines appended since unparsed
            self.journal.replace_bytes(self._open.journal_bytes())
        self.prune()

    def prune(self) -> None:
        """Drop unstarred entries older than the newest ``retention`` (oldest segments first)."""
        if self.retention is None:
            return
        boundary = self.count() - self.retention  # positions [0, boundary) are beyond it
        position = 0
        for segment in list(self.segments):
            if position >= boundary:
                return
            rows = self.sealed.rows(segment)
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
                self.sealed.remove(segment)
                continue
            entries = self.sealed.entries(segment)
            if entries is not None:
                self.sealed.rewrite(segment, [e for e in entries.values() if e["id"] not in doomed])
        doomed_open = {
            row[R_ID]
            for offset, row in enumerate(self.open_rows)
            if position + offset < boundary and not row[R_STARRED]
        }
        if doomed_open:
            self._drop_open(doomed_open)

    def _drop_open(self, ids: set[str]) -> None:
        self.mark_layout()
        self.mark_content()
        self._materialise()
        self._open.drop(ids)
        self._replace_journal(self._open.json)

    def set_starred(self, entry_id: str, on: bool) -> bool:
        """Star or unstar one entry in its segment (or the journal); False if not found."""
        for index, row in enumerate(self.open_rows):
            if row[R_ID] == entry_id:
                self.mark_layout()
                self.mark_content()
                self.open_entries[index]["starred"] = on
                row[R_STARRED] = on
                self.open_json[index] = entry_json(self.open_entries[index])
                self._replace_journal(self.open_json)
                return True
        segment = self.sealed.locate(entry_id)
        entries = self.sealed.entries(segment) if segment is not None else None
        if segment is None or entries is None or entry_id not in entries:
            return False
        updated = [dict(e, starred=on) if e["id"] == entry_id else e for e in entries.values()]
        self.sealed.rewrite(segment, updated)
        return True

    def remove(self, entry_id: str) -> bool:
        """Remove one entry from its segment (or the journal); False if not found."""
        if any(row[R_ID] == entry_id for row in self.open_rows):
            self._drop_open({entry_id})
            return True
        segment = self.sealed.locate(entry_id)
        entries = self.sealed.entries(segment) if segment is not None else None
        if segment is None or entries is None or entry_id not in entries:
            return False
        self.sealed.rewrite(segment, [e for e in entries.values() if e["id"] != entry_id])
        return True

    def clear(self) -> None:
        """Remove every segment and empty the journal (the folder is renamed away first)."""
        self.mark_layout()
        self.mark_content()
        if self.segments_dir.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            doomed = self.folder / f"segments.cleared-{stamp}"
            os.replace(self.segments_dir, doomed)
            fsync_dir(self.folder)
        else:
            doomed = None
        self.sealed.forget()
        self._open.clear()
        self._replace_journal([])
        if doomed is not None:
            shutil.rmtree(doomed, ignore_errors=True)

    def all_entries(self, ids: Iterable[str] | None) -> Iterator[dict[str, Any]]:
        """Every stored entry oldest first (optionally only *ids*), without caching segments."""
        wanted = set(ids) if ids is not None else None
        for entry in self.sealed.each_entry():
            if wanted is None or entry["id"] in wanted:
                yield entry
        for entry in list(self.open_entries):
            if wanted is None or entry["id"] in wanted:
                yield entry

    def all_ids(self) -> set[str]:
        return {row[R_ID] for row in self.open_rows} | self.sealed.ids()
