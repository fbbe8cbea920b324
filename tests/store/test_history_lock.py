"""The history's fsync sharing: a line is fsync'ed once, and never taken for durable wrongly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workbench.store.history.lock import JOURNAL_NAME, HistoryLock


def _append(fd: int, data: bytes) -> int:
    os.write(fd, data)
    return os.fstat(fd).st_size


def test_a_covered_line_is_not_fsynced_twice_and_a_replaced_journal_is_never_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock = HistoryLock(tmp_path)
    calls: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append(fd), real_fsync(fd))[1])
    journal = tmp_path / JOURNAL_NAME
    old = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    other = os.open(journal, os.O_WRONLY | os.O_APPEND)  # a second writer's handle
    try:
        first = _append(old, b"first\n")
        second = _append(other, b"second\n")
        lock.sync_file(old, first)  # covers both lines: written before it started
        lock.sync_file(other, second)
        assert calls == [old]

        with lock.replacing_journal():  # a seal or a repair: a new file, written durably
            (tmp_path / "fresh").write_bytes(b"")
            os.replace(tmp_path / "fresh", journal)
        new = os.open(journal, os.O_WRONLY | os.O_APPEND)
        try:
            lock.sync_file(new, _append(new, b"third\n"))
            assert calls == [old, new]  # nothing known about the new file: fsync'ed
            # The old file's fsync, after the replacement, is recorded for nothing.
            end = _append(old, b"late\n")
            lock.sync_file(old, end)
            lock.sync_file(old, end)
            assert calls == [old, new, old, old]
        finally:
            os.close(new)
    finally:
        os.close(old)
        os.close(other)
        lock.close()
