"""Durable storage of the collector's data: a TinyDB snapshot plus an append-only journal.

Why this shape: TinyDB's own storage rewrites the whole file on every write
(7 ms per insert at 1,000 documents, 70 ms at 5,000), so writing through it per
request would make the request cost grow with what is stored. Instead:

- The live data is kept in memory by :class:`~workbench.store.collector.store.CollectorStore`
  (with indexes); requests never touch the disk.
- Every change is one JSON line (built from the store's already encoded
  documents, so nothing is encoded twice) handed to :class:`CollectorJournal`,
  or a :class:`DeferredPut` that is encoded only when the writer takes it (a
  profile that every request of a visitor rewrites: a newer put of the same
  document, queued before the writer took the older, replaces it, so a burst of
  requests for one visitor encodes and writes the profile once),
  whose single writer thread appends the lines in batches to
  ``journal-<generation>.jsonl`` with one ``write`` + ``fsync`` per batch. The
  request path only appends to a list and gets a *ticket* (the change's
  position). Group commit: when someone waits for a ticket
  (:meth:`CollectorJournal.when_written`, what a durable answer does), the writer
  writes at once whatever has gathered; while that fsync runs, the next
  requests gather into the next batch, so concurrent requests share one flush
  and a lone request never waits for a timer. When nobody waits (relaxed
  answers), changes gather for up to 50 ms per batch.
- When the journal has grown as large as the snapshot (and at least a few MiB),
  the writer compacts: it writes the whole current state as a TinyDB database
  file ``collector.json`` (through :class:`SnapshotStorage`, a TinyDB storage
  that writes atomically: temporary file, fsync, rename) stamped with the next
  generation, starts the next journal and deletes the old one. Because
  compaction happens only after the journal has grown by the snapshot's size,
  its cost is constant per request when amortised, whatever the number of
  stored events (the retention cap bounds the snapshot anyway).
- On start the snapshot is loaded with TinyDB and the journal of its
  generation is replayed. A crash can leave at most a torn last journal line,
  which is skipped with a notice. An unreadable snapshot or a journal with a
  damaged line is moved aside (never deleted) with a :class:`StoreNotice`, and
  what could be read is kept.

Replaying is idempotent (records are "put document" / "delete" / "reset"), so
a crash between writing a snapshot and removing the old journal only replays
changes that are already in the snapshot.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from workbench.store.atomic import (
    StoreNotice,
    fsync_dir,
    move_aside,
)
from workbench.store.collector.snapshot import (
    SNAPSHOT_FILE,
    TABLES,
    LoadedState,
    SnapshotStorage,
    apply_record,
    snapshot_chunks,
    write_snapshot_file,
)

__all__ = [
    "CollectorJournal",
    "DeferredPut",
    "WrittenCallback",
    "put_line",
]

log = logging.getLogger(__name__)

_COMPACT_MIN_BYTES = 8 * 1024 * 1024
#: How long the writer lets changes gather before one write + fsync (flush() skips it).
_GROUP_COMMIT_SECONDS = 0.05
#: Failed batches remembered for :meth:`CollectorJournal.ticket_error` (a waiting request's
#: ticket is at most a few batches old when it is answered).
_FAILURES_KEPT = 64
#: The journal's fsync (a seam for tests that make the disk slow or full).
_fsync = os.fsync


def put_line(table: str, blobs: list[bytes]) -> bytes:
    """The journal record "put these encoded documents into *table*", built without re-encoding."""
    # One copy of the documents (a chain of ``+`` would copy them once per operator).
    return b"".join(
        (b'{"op":"put","table":"', table.encode(), b'","docs":[', b",".join(blobs), b"]}")
    )


class DeferredPut:
    """The record "put this one document into *table*", encoded when it is written.

    *encode* gives the document's bytes (the store's, so the document is encoded
    once for its journal line and its reads). Pending records with the same
    :attr:`key` (table and id) supersede each other: only the newest is written.
    Dropping the older is safe because every record is a whole document: nothing
    between the two puts reads the older one's content, and replay puts the newer
    one at the same place in the table's order.
    """

    __slots__ = ("_encode", "key")

    def __init__(self, table: str, doc_id: str, encode: Callable[[], bytes]) -> None:
        self.key = (table, doc_id)
        self._encode = encode

    def line(self) -> bytes:
        return put_line(self.key[0], [self._encode()])


#: What the writer is handed: an encoded line, a deferred put, or None (a put superseded
#: by a newer one of the same document; it still counts as a change for the tickets).
Entry = bytes | DeferredPut | None


def _encoded(entry: DeferredPut | None) -> bytes:
    """The line of a deferred put (b"" for a superseded one, or one that cannot be encoded)."""
    if entry is None:
        return b""
    try:
        return entry.line()
    except Exception:  # a document the store accepted but cannot encode: keep writing the rest
        log.exception("a collector document could not be encoded for the journal")
        return b""


#: Called by the writer thread once a ticket's batch is written: None, or why writing failed.
WrittenCallback = Callable[[str | None], None]


class CollectorJournal:
    """Owns the collector's folder: loads it, then appends changes from one writer thread.

    ``append(record)`` is cheap and thread-safe and returns the change's ticket;
    ``when_written(ticket, callback)`` calls back (from the writer thread) once it
    is on disk; ``flush()`` blocks until everything appended before the call is on
    disk; ``close()`` flushes and stops the thread.
    ``snapshot_provider`` (set by the store) returns the full state to compact into,
    and is called by the writer thread while :meth:`rotate` discards the pending
    records that the state already contains.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.snapshot_path = self.folder / SNAPSHOT_FILE
        self.generation = 0
        self.snapshot_provider: Callable[[], dict[str, list[bytes]]] | None = None
        self._pending: list[Entry] = []
        # Where each deferred put in ``_pending`` is, by key (see DeferredPut).
        self._pending_keys: dict[tuple[str, str], int] = {}
        self._carry: list[Entry] = []
        self._flush_requested = False
        self._appended = 0
        self._written = 0
        self._compact_requested = False
        self._compacting = False
        self._journal_bytes = 0
        self._snapshot_bytes = 0
        self._cond = threading.Condition()  # guards the state; flush() waits on it
        # The writer sleeps by acquiring this lock (held otherwise): see _wake_writer.
        self._wake = threading.Lock()
        self._wake.acquire()
        self._sleeping = False
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._handle: Any = None
        self._waiters: list[tuple[int, WrittenCallback]] = []
        # The batches that could not be written, newest last: (first ticket, last ticket,
        # why). Replaced whole (read without the lock); neighbours that failed alike are
        # merged, and only the newest :data:`_FAILURES_KEPT` are kept.
        self._failures: tuple[tuple[int, int, str], ...] = ()
        self.error: str | None = None  # the last write failed (a full disk); None once one works
        self.batches = 0  # writes (one write + fsync each) so far

    # -- loading -------------------------------------------------------------------------

    def journal_path(self, generation: int) -> Path:
        return self.folder / f"journal-{generation}.jsonl"

    def load(self) -> LoadedState:
        """Read the snapshot and replay its journal; move unreadable files aside."""
        self.folder.mkdir(parents=True, exist_ok=True)
        state = LoadedState()
        tables: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in TABLES}
        try:
            with TinyDB(self.snapshot_path, storage=SnapshotStorage) as db:
                meta = db.table("meta").all()
                self.generation = int(meta[0].get("generation", 0)) if meta else 0
                state.initialised = bool(meta)
                for name in TABLES:
                    for doc in db.table(name).all():
                        if not isinstance(doc.get("id"), str):
                            raise ValueError(f"a document in table {name!r} has no string id")
                        tables[name][doc["id"]] = dict(doc)
            if self.snapshot_path.exists():
                self._snapshot_bytes = self.snapshot_path.stat().st_size
        except (ValueError, TypeError, AttributeError, UnicodeDecodeError) as exc:
            notice = move_aside(self.snapshot_path, f"not a readable collector database: {exc}")
            log.warning("%s", notice.message)
            state.notices.append(notice)
            tables = {name: {} for name in TABLES}
            self.generation = 0
            state.initialised = False
        self._replay(tables, state)
        for stale in self.folder.glob("journal-*.jsonl"):
            if stale != self.journal_path(self.generation):
                with contextlib.suppress(OSError):
                    stale.unlink()
        state.tables = {name: list(docs.values()) for name, docs in tables.items()}
        return state

    def _replay(self, tables: dict[str, dict[str, dict[str, Any]]], state: LoadedState) -> None:
        path = self.journal_path(self.generation)
        if not path.exists():
            return
        raw = path.read_bytes()
        lines = raw.split(b"\n")
        damaged: list[int] = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise ValueError("not an object")
                apply_record(tables, record)
                state.initialised = True
            except (ValueError, KeyError, TypeError):
                damaged.append(number)
        torn_tail = damaged == [len(lines)] and not raw.endswith(b"\n")
        if torn_tail:
            message = (
                f"{path}: the last change was cut off (the collector was stopped "
                "mid-write); it was skipped, everything before it was kept."
            )
            log.warning("%s", message)
            state.notices.append(StoreNotice(message=message, path=path))
            self._compact_requested = True
        elif damaged:
            notice = move_aside(path, f"unreadable lines {damaged[:5]}; the rest was kept")
            log.warning("%s", notice.message)
            state.notices.append(notice)
            self._compact_requested = True
        else:
            self._journal_bytes = len(raw)

    # -- writing -------------------------------------------------------------------------

    def start(self) -> None:
        """Start the writer thread (after :meth:`load` and after the store set its provider)."""
        self._handle = self.journal_path(self.generation).open("ab", buffering=0)
        self._thread = threading.Thread(
            target=self._run, name="collector-store-writer", daemon=True
        )
        self._thread.start()

    def append(self, line: bytes) -> int:
        """Queue one encoded change (one JSON object, no newline) and return its ticket.

        The caller holds the store's lock so the journal's order matches memory.
        """
        with self._cond:
            self._pending.append(line)
            self._appended += 1
            if len(self._pending) == 1:
                self._wake_writer()
            return self._appended

    def append_lines(
        self, lines: list[bytes | DeferredPut], *, flush: bool = False, wake: bool = True
    ) -> int:
        """Queue several changes at once (one batch, never split); returns the last ticket.

        A :class:`DeferredPut` supersedes a pending one of the same document (the older
        is not written; its ticket completes with the batch that holds the newer).
        *flush*: someone will wait for them, so the writer writes at once instead of
        letting changes gather (and is woken once, not once more by the waiter).
        *wake* False: the writer is not woken for them now; the caller promises a
        :meth:`kick` soon (an event loop kicks once for all the requests it tracked in
        a row, so that they share one wake-up of the writer and one flush).
        """
        with self._cond:
            pending = self._pending
            was_empty = not pending
            for line in lines:
                if isinstance(line, DeferredPut):
                    keys = self._pending_keys
                    older = keys.get(line.key)
                    if older is not None:
                        pending[older] = None
                    keys[line.key] = len(pending)
                pending.append(line)
            self._appended += len(lines)
            if not wake:
                return self._appended
            if flush:
                self._flush_requested = True
            if was_empty:
                self._wake_writer()
            return self._appended

    def kick(self) -> None:
        """Have the writer write whatever is pending at once (no gathering timer)."""
        with self._cond:
            if self._pending:
                self._flush_requested = True
                self._wake_writer()

    @property
    def last_ticket(self) -> int:
        """The ticket of the newest change appended so far (0 before the first)."""
        return self._appended

    def when_written(self, ticket: int, callback: WrittenCallback, *, wake: bool = True) -> bool:
        """Have *callback(error)* called by the writer thread once *ticket* is on disk.

        *error* is None, or why the ticket's batch could not be written. Returns False
        (and never calls back) when there is nothing to wait for: the ticket is done
        already, and :meth:`ticket_error` tells how. Asking makes the writer write at
        once instead of letting changes gather (*wake* False: at the caller's
        :meth:`kick`).
        """
        with self._cond:
            if self._written >= ticket or self._thread is None or not self._thread.is_alive():
                return False
            self._waiters.append((ticket, callback))
            if wake and not self._flush_requested:  # else the writer was woken for it already
                self._flush_requested = True
                self._wake_writer()
            return True

    def ticket_error(self, ticket: int) -> str | None:
        """Why *ticket* (done already) was not written, if it was in a recent failed batch."""
        for first, last, error in reversed(self._failures):
            if first <= ticket <= last:
                return error
            if last < ticket:
                break  # older failures are older tickets
        return None

    def request_compaction(self) -> None:
        """Ask the writer to write a fresh snapshot soon (e.g. after a reset)."""
        with self._cond:
            self._compact_requested = True
            self._wake_writer()

    def rotate(self) -> None:
        """Called by the snapshot provider under the store's lock.

        The pending lines are already part of the state being snapshotted; they are
        still written to the old journal first, so a crash before the new snapshot
        is complete loses nothing.
        """
        with self._cond:
            self._carry, self._pending = self._pending, []
            self._pending_keys = {}
            self.generation += 1

    def flush(self, timeout: float | None = 30.0) -> bool:
        """Block until every change appended so far is on disk; False on timeout."""
        with self._cond:
            target = self._appended
            if self._thread is None or not self._thread.is_alive():
                return self._written >= target
            self._flush_requested = True
            self._wake_writer()
            return self._cond.wait_for(
                lambda: (
                    (self._written >= target and not self._compacting) or self.error is not None
                ),
                timeout,
            )

    def close(self) -> None:
        """Write everything, stop the thread and close the journal file. Idempotent."""
        with self._cond:
            self._stopping = True
            self._wake_writer()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def _run(self) -> None:
        while True:
            with self._cond:
                idle = not (self._pending or self._stopping or self._compact_requested)
                self._sleeping = idle
            if idle:
                self._wake.acquire()  # until something is appended (or a stop)
                continue  # (or a wake-up meant for an earlier sleep: look again)
            with self._cond:
                # Nobody waits for these changes (relaxed answers): let a burst of
                # requests gather into one write + fsync. A waiter ends the wait at once.
                gather = not (self._stopping or self._flush_requested or self._compact_requested)
                self._sleeping = gather
            if gather:
                self._wake.acquire(timeout=_GROUP_COMMIT_SECONDS)
            with self._cond:
                self._sleeping = False
                self._flush_requested = False
                batch, self._pending = self._pending, []
                self._pending_keys = {}
                stopping = self._stopping
            written = False
            try:
                if batch:
                    self._write_batch(batch)
                    self.batches += 1
                written = True
                if batch and self.error is not None:  # room again: the notice goes away
                    log.warning("writing the collector's data works again (%s before)", self.error)
                    self.error = None
                self._advance(len(batch))
                if self._should_compact():
                    self._compact()
            except Exception as exc:  # a full disk or worse: keep serving from memory, say so
                message = f"writing the collector's data failed: {exc}"
                if message != self.error:  # once per distinct failure, not per batch
                    log.error("%s", message)
                self.error = message
                if not written:
                    self._advance(len(batch), failed=message)
            if stopping:
                with self._cond:
                    if self._pending:
                        continue
                if self._journal_bytes and self.error is None:
                    # Leave a tidy folder: one TinyDB file, an empty journal.
                    self._compact_requested = True
                    with contextlib.suppress(OSError):
                        self._compact()
                return

    def _wake_writer(self) -> None:
        """Wake the writer if it sleeps (called under the lock).

        The writer sleeps on a plain lock that it holds and a waker releases, not on
        the condition: releasing a lock is one C call, and the woken writer takes the
        GIL for a few lines before its write instead of for the condition's Python
        code (the loop that woke it waits for the GIL that long).
        """
        if self._sleeping:
            self._sleeping = False
            self._wake.release()

    def _advance(self, count: int, *, failed: str | None = None) -> None:
        """*count* more changes are done (written, or *failed* for that reason): wake
        whoever waits for them."""
        with self._cond:
            first = self._written + 1
            self._written += count
            if failed is not None and count:
                self._record_failure(first, self._written, failed)
            self._cond.notify_all()
            if not self._waiters:
                return
            written = self._written
            ready = [w for w in self._waiters if w[0] <= written]
            self._waiters = [w for w in self._waiters if w[0] > written]
        for ticket, callback in ready:
            try:
                callback(failed if first <= ticket else None)
            except Exception:  # a waiter must never stop the writer
                log.exception("a collector durability callback failed")

    def _record_failure(self, first: int, last: int, error: str) -> None:
        """Tickets *first* to *last* were not written, because of *error* (under the lock)."""
        failures = self._failures
        if failures and failures[-1][1] == first - 1 and failures[-1][2] == error:
            failures = (*failures[:-1], (failures[-1][0], last, error))
        else:
            failures = (*failures[-(_FAILURES_KEPT - 1) :], (first, last, error))
        self._failures = failures

    def _write_batch(self, batch: list[Entry]) -> None:
        lines = [entry if isinstance(entry, bytes) else _encoded(entry) for entry in batch]
        data = b"\n".join(line for line in lines if line) + b"\n"
        if data == b"\n":
            return
        fd = self._handle.fileno()
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            _fsync(fd)
        except OSError:
            # Never leave half a batch behind: the next batch would be glued to it and
            # a good change would be read back as a damaged line.
            with contextlib.suppress(OSError):
                os.ftruncate(fd, self._journal_bytes)
            raise
        self._journal_bytes += len(data)

    def _should_compact(self) -> bool:
        if self._compact_requested:
            return True
        return self._journal_bytes >= max(_COMPACT_MIN_BYTES, self._snapshot_bytes)

    def _compact(self) -> None:
        provider = self.snapshot_provider
        if provider is None:
            return
        self._compact_requested = False
        with self._cond:
            self._compacting = True
        try:
            self._write_snapshot(provider)
        finally:
            with self._cond:
                self._compacting = False
                self._cond.notify_all()

    def _write_snapshot(self, provider: Callable[[], dict[str, list[bytes]]]) -> None:
        old_generation = self.generation
        tables = provider()  # calls rotate() under the store's lock
        carry, self._carry = self._carry, []
        if carry:
            try:
                self._write_batch(carry)
            except Exception as exc:
                self._advance(len(carry), failed=f"writing the collector's data failed: {exc}")
                raise
            self._advance(len(carry))
        self._snapshot_bytes = write_snapshot_file(
            self.snapshot_path, snapshot_chunks(tables, self.generation)
        )
        self._handle.close()
        self._handle = self.journal_path(self.generation).open("ab", buffering=0)
        self._journal_bytes = 0
        with contextlib.suppress(OSError):
            self.journal_path(old_generation).unlink()
        fsync_dir(self.folder)
