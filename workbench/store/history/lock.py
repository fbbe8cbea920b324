"""Many processes, one history: an OS file lock around every change, and change counters.

The window, ``workbench send``, ``history import`` and journey runs all write
the same history folder. Each :class:`~workbench.store.history.store.HistoryStore`
keeps summaries in memory, so two things are shared through small files:

``history.lock``
    held (``flock`` / ``msvcrt.locking``) for the length of one operation: a write
    takes it exclusively, a read-only store shares it. It is never held between
    operations, so no process waits for another to close, and the operating
    system drops it when a process dies (even by SIGKILL): no stale lock.
``history.changes``
    three 64-bit counters, rewritten in place under the exclusive lock:
    *layout* (files were replaced: segments sealed, rewritten or removed, the
    journal rewritten), *content* (entries changed or went away: star, delete,
    clear, retention) and *appends* (entries were added). A store compares them
    with what it saw last, under the lock, before every operation and reloads what
    changed (only the journal's new lines when only appends happened; only the new
    segments when entries were only added). A change of layout or content is counted
    *before* any file is touched, so a writer killed half-way still makes every other
    store reload (and repair) instead of trusting its memory.
    Watching this one file (it is never replaced) tells a window that another
    process changed the history.

``history.sync``
    how much of which journal file is known to be on disk (inode, bytes),
    updated after every fsync. An fsync makes the whole file durable, whoever
    wrote it, so a writer whose line another process's fsync has covered
    returns without one. Writers do not queue for one another's fsyncs: the
    fsyncs of several processes run at once and the filesystem's journal
    commits them together (measured by ``bench/history.py``: taking turns at
    the disk, three writers kept less of a lone writer's rate).
``history.sealing``
    held (never waited for) by the one process preparing a seal without the
    folder's lock (:mod:`workbench.store.history.seal`); others go on appending.

Why file locks and not one process serving the others over a local socket: a
history must work with no window open (CI runs ``workbench send`` alone), a
server would have to be found, started and kept alive, and its death would
stop every writer; a lock held for one append (about a tenth of a millisecond:
the fsync happens after it is released, and a seal's parsing and writing are
done outside it) costs almost nothing, and the OS cleans up after crashes.
"""

from __future__ import annotations

import contextlib
import os
import struct
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["JOURNAL_NAME", "Counters", "HistoryBusyError", "HistoryLock"]

LOCK_NAME = "history.lock"
CHANGES_NAME = "history.changes"
SYNC_NAME = "history.sync"
SEALING_NAME = "history.sealing"
JOURNAL_NAME = "journal.jsonl"
_COUNTERS = struct.Struct("<QQQ")
_DURABLE = struct.Struct("<QQ")  # journal inode, bytes of it known to be fsync'ed


class HistoryBusyError(RuntimeError):
    """The history's lock could not be taken (kept for callers that still catch it)."""


@dataclass(frozen=True)
class Counters:
    """What ``history.changes`` says has happened to the folder so far."""

    layout: int = 0
    content: int = 0
    appends: int = 0


class HistoryLock:
    """The lock file and the change counters of one history folder (see the module docstring).

    :meth:`hold` is re-entrant within the owning store (its own thread lock
    serialises callers), so a public operation that calls another holds the file
    lock once.
    """

    def __init__(self, folder: Path, *, read_only: bool = False) -> None:
        self.folder = folder
        self.read_only = read_only
        self._lock_fd: int | None = None
        self._changes_fd: int | None = None
        self._sync_fd: int | None = None
        self._depth = 0
        self._exclusive = False
        self._guard = threading.Lock()

    def _open(self) -> None:
        if self._lock_fd is not None:
            return
        lock_path, changes_path = self.folder / LOCK_NAME, self.folder / CHANGES_NAME
        if self.read_only:
            # A folder no writer ever opened has nothing to lock against.
            with contextlib.suppress(FileNotFoundError):
                self._lock_fd = os.open(lock_path, os.O_RDONLY)
            with contextlib.suppress(FileNotFoundError):
                self._changes_fd = os.open(changes_path, os.O_RDONLY)
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock_fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        self._changes_fd = os.open(changes_path, os.O_RDWR | os.O_CREAT, 0o644)
        self._sync_fd = os.open(self.folder / SYNC_NAME, os.O_RDWR | os.O_CREAT, 0o644)

    @contextlib.contextmanager
    def hold(self, *, exclusive: bool = True) -> Iterator[None]:
        """Hold the folder's lock for the block (shared for read-only stores)."""
        exclusive = exclusive and not self.read_only
        with self._guard:
            outer = self._depth == 0
            self._depth += 1
        try:
            if outer:
                self._open()
                if self._lock_fd is not None:
                    _lock(self._lock_fd, exclusive)
                self._exclusive = exclusive
            yield
        finally:
            with self._guard:
                self._depth -= 1
                release = self._depth == 0
            if release and self._lock_fd is not None and outer:
                _unlock(self._lock_fd)

    def read(self) -> Counters:
        """The counters as the folder has them now (zeros for a new folder)."""
        self._open()
        if self._changes_fd is None:
            return Counters()
        raw = _read_at(self._changes_fd, _COUNTERS.size)
        if len(raw) < _COUNTERS.size:
            return Counters()
        layout, content, appends = _COUNTERS.unpack(raw)
        return Counters(layout, content, appends)

    def write(self, counters: Counters) -> None:
        """Store *counters* (under the exclusive lock); other stores see them at once."""
        if self.read_only or self._changes_fd is None:
            return
        data = _COUNTERS.pack(counters.layout, counters.content, counters.appends)
        _write_at(self._changes_fd, data)

    def sync_file(self, fd: int, end: int) -> None:
        """Make the journal open as *fd* durable up to byte *end*, sharing fsyncs.

        Called without the folder's lock, after an append wrote its line ending at
        *end*. If another process's fsync already covered *end*, nothing is left to
        do. Otherwise fsync (at the same time as other writers, not in turn) and
        record how far it covered: everything written before it started. A journal
        replaced since (a seal or repair) was written durably by whoever replaced
        it, and the fsync of the old file is then merely redundant.
        """
        self._open()
        sync_fd = self._sync_fd
        if sync_fd is None:
            os.fsync(fd)
            return
        info = os.fstat(fd)
        inode, covered = info.st_ino, info.st_size
        _lock(sync_fd, False)
        try:
            durable_inode, durable_size = _read_durable(sync_fd)
        finally:
            _unlock(sync_fd)
        if durable_inode == inode and durable_size >= end:
            return  # another writer's fsync covered this line
        os.fsync(fd)
        _lock(sync_fd, True)
        try:
            durable_inode, durable_size = _read_durable(sync_fd)
            if (durable_inode != inode or durable_size < covered) and self._is_journal(inode):
                _write_at(sync_fd, _DURABLE.pack(inode, covered))
        finally:
            _unlock(sync_fd)

    def _is_journal(self, inode: int) -> bool:
        """Whether the journal at its path is still the file numbered *inode*.

        A replaced journal's number may be given to a later file; recording it
        would let a writer of that file skip an fsync it needs.
        """
        try:
            return os.stat(self.folder / JOURNAL_NAME).st_ino == inode
        except FileNotFoundError:
            return False

    @contextlib.contextmanager
    def replacing_journal(self) -> Iterator[None]:
        """Hold ``history.sync`` while the journal is replaced, then forget what was durable.

        With :meth:`_is_journal` this keeps the record about the file now at the
        journal's path only, whatever numbers the filesystem reuses.
        """
        self._open()
        sync_fd = self._sync_fd
        if sync_fd is None:
            yield
            return
        _lock(sync_fd, True)
        try:
            yield
        finally:
            try:
                _write_at(sync_fd, _DURABLE.pack(0, 0))
            finally:
                _unlock(sync_fd)

    @contextlib.contextmanager
    def sealing(self) -> Iterator[bool]:
        """Try to become the one process preparing a seal; yields whether this one is.

        Never waits: a process that finds another preparing goes on appending. The
        operating system drops the lock of a process that dies.
        """
        if self.read_only:
            yield False
            return
        fd = os.open(self.folder / SEALING_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            ours = _try_lock(fd)
            try:
                yield ours
            finally:
                if ours:
                    _unlock(fd)
        finally:
            os.close(fd)

    def close(self) -> None:
        for fd in (self._lock_fd, self._changes_fd, self._sync_fd):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._lock_fd = self._changes_fd = self._sync_fd = None

    @property
    def changes_path(self) -> Path:
        """The file to watch for changes made by other processes."""
        return self.folder / CHANGES_NAME


def _read_durable(sync_fd: int) -> tuple[int, int]:
    raw = _read_at(sync_fd, _DURABLE.size)
    if len(raw) != _DURABLE.size:
        return 0, 0
    inode, size = _DURABLE.unpack(raw)
    return int(inode), int(size)


def _read_at(fd: int, size: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fd, size, 0)
    os.lseek(fd, 0, os.SEEK_SET)  # pragma: no cover - Windows
    return os.read(fd, size)  # pragma: no cover - Windows


def _write_at(fd: int, data: bytes) -> None:
    if hasattr(os, "pwrite"):
        os.pwrite(fd, data, 0)
        return
    os.lseek(fd, 0, os.SEEK_SET)  # pragma: no cover - Windows
    os.write(fd, data)  # pragma: no cover - Windows


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fd: int, exclusive: bool) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # Windows has no shared byte locks here

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _lock(fd: int, exclusive: bool) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
