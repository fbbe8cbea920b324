"""One writer at a time: an advisory lock file held while a history is open for writing.

TinyDB files are not safe to write from two processes. The window and a
``workbench history import`` run at the same time would interleave seals and
journal rewrites, so a writable :class:`~workbench.store.history.HistoryStore`
takes an exclusive, non-blocking lock on ``history.lock`` and keeps it until
``close()``. The operating system drops the lock when the process dies (even by
SIGKILL), so a crash never leaves a stale lock behind. Readers take no lock.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["HistoryBusyError", "WriterLock"]


class HistoryBusyError(RuntimeError):
    """Another process has this history open for writing."""


class WriterLock:
    """An exclusive lock on a file, released by :meth:`release` or by process exit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise :class:`HistoryBusyError` at once (never waits)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _lock(fd)
        except OSError as exc:
            os.close(fd)
            raise HistoryBusyError(
                f"the history in {self.path.parent} is open for writing in another Workbench "
                "process (close it, or use a read-only command such as 'workbench history list')"
            ) from exc
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            _unlock(self._fd)
            os.close(self._fd)
            self._fd = None


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
