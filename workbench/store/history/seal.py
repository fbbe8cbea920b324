"""Sealing the journal into a segment, with most of the work done outside the folder's lock.

A seal turns the open segment's first ``segment_size`` entries into a segment's
three files and rewrites the journal without them. Parsing those entries (other
writers' lines are kept as bytes until then) and writing and fsyncing about
0.8 MB are most of its cost, and under the folder's lock every other writer
would wait for them. So an ``append`` that fills the open segment seals after it
has released the lock and made its own line durable:

1. :func:`prepare_seal`, without the folder's lock: parse the entries (this
   process's copy of the journal's bytes) and write the segment's files to
   fsync'ed temporary files next to where they go. Only one process prepares at
   a time (``HistoryLock.sealing``); the others keep appending meanwhile.
2. :func:`commit_seal`, under the folder's lock after catching up: if the open
   segment still begins with exactly the prepared entries, rename the files into
   place (``.json`` last: it makes the generation complete), fsync the folder and
   rewrite the journal with the entries appended since. Otherwise (another
   process sealed, starred, deleted or cleared meanwhile) the files are removed
   and nothing changed.

What a crash leaves is what a seal under the lock leaves: temporary files (removed
on open), or entries both in a complete segment and in the journal (dropped from
the journal on open). :func:`seal_now` seals in one step under the lock, as on
open and for imports.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from workbench.store.atomic import fsync_dir
from workbench.store.history.open_segment import OpenSegment
from workbench.store.history.segments import (
    SegmentFiles,
    remove_files,
    segment_bytes,
    write_segment,
)

__all__ = ["PreparedSeal", "Sealable", "commit_seal", "prepare_seal", "seal_now"]

_SUFFIXES = ("idx", "txt", "json")  # the order they are put in place: .json last


class Sealable(Protocol):
    """What sealing uses of :class:`~workbench.store.history.storage.HistoryStorage`."""

    segment_size: int
    segments_dir: Path

    @property
    def segments(self) -> list[SegmentFiles]: ...

    @property
    def open_segment(self) -> OpenSegment: ...

    @property
    def open_json(self) -> list[str]: ...

    @property
    def open_rows(self) -> list[list[Any]]: ...

    @property
    def open_texts(self) -> list[str]: ...

    def mark_layout(self) -> None: ...

    def finish_seal(self, segment: SegmentFiles, sealed: int) -> None: ...


@dataclass
class PreparedSeal:
    """A segment's files written to temporary files, and the entries they hold."""

    json: list[str]
    rows: list[list[Any]]
    raw_index: bytes
    temporary: dict[str, Path] = field(default_factory=dict)

    def discard(self) -> None:
        remove_files(self.temporary.values())
        self.temporary.clear()


def prepare_seal(storage: Sealable) -> PreparedSeal | None:
    """Parse the open segment and write its segment's files aside (no folder lock needed).

    Touches only this process's memory and new temporary files. None when the
    open segment is not full, or holds lines that do not parse (they are repaired
    under the lock by the next operation). Raises ``OSError`` (nothing left behind)
    when the files cannot be written.
    """
    size, segment = storage.segment_size, storage.open_segment
    if len(segment) < size or not segment.materialise(size):
        return None
    rows = segment.rows[:size]
    files = segment_bytes(segment.json[:size], rows, segment.texts[:size])
    prepared = PreparedSeal(list(segment.json[:size]), rows, files["idx"])
    try:
        for suffix in _SUFFIXES:
            prepared.temporary[suffix] = _write_temporary(storage.segments_dir, files[suffix])
    except BaseException:
        prepared.discard()
        raise
    return prepared


def commit_seal(storage: Sealable, prepared: PreparedSeal) -> bool:
    """Put a prepared segment in place (under the folder's lock, caught up); False if stale.

    Stale: the open segment no longer begins with the prepared entries, or the
    temporary files are gone (an opening store removed them); nothing is changed.
    """
    count = len(prepared.json)
    # The parsed entries are the prepared ones unless a reload replaced them; lines
    # appended since stay unparsed (they go back to the journal as they are).
    if storage.open_segment.json[:count] != prepared.json:
        prepared.discard()
        return False
    storage.mark_layout()
    number = storage.segments[-1].number + 1 if storage.segments else 1
    placed = SegmentFiles(storage.segments_dir, number, 1)
    try:
        for suffix in _SUFFIXES:
            os.replace(prepared.temporary[suffix], placed.path(suffix))
    except FileNotFoundError:
        prepared.discard()
        remove_files(placed.all_paths[:-1])  # no .json: an incomplete generation
        return False
    prepared.temporary.clear()
    fsync_dir(storage.segments_dir)
    placed.raw_index = prepared.raw_index
    placed.rows = [list(row) for row in prepared.rows]
    storage.finish_seal(placed, count)
    return True


def seal_now(storage: Sealable) -> None:
    """Seal the whole open segment in one step (under the folder's lock)."""
    storage.mark_layout()
    entries_json = storage.open_json
    number = storage.segments[-1].number + 1 if storage.segments else 1
    placed = write_segment(
        storage.segments_dir, number, 1, entries_json, storage.open_rows, storage.open_texts
    )
    fsync_dir(storage.segments_dir)
    storage.finish_seal(placed, len(entries_json))


def _write_temporary(folder: Path, data: bytes) -> Path:
    """Write *data* to a new fsync'ed temporary file in *folder* (removed on open if left)."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".seal.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)
