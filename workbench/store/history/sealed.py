"""The sealed segments of one history folder, as this process has read them.

:class:`SealedSegments` holds the list of segments (oldest first), the entries of
the last few segments read, and the repairs reading may call for: a missing or
damaged sidecar (``.idx``/``.txt``) is rebuilt from the segment's TinyDB file,
and a segment whose TinyDB file cannot be read is moved aside (never deleted) and
reported. Rewriting a segment as a new generation (star, delete, retention) and
removing one are here too; the journal and the open segment are
:class:`~workbench.store.history.storage.HistoryStorage`'s.

Like the storage that owns it, it is not thread-safe and every call is made under
the folder's lock.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from workbench.store.atomic import StoreNotice, move_aside
from workbench.store.history.changes import SeenChanges
from workbench.store.history.entries import R_ID, search_text, summary_row
from workbench.store.history.segments import (
    SegmentError,
    SegmentFiles,
    entry_json,
    read_segment_entries,
    remove_files,
    scan_segments,
    write_segment,
    write_sidecars,
)

__all__ = ["SealedSegments"]

_CACHED_SEGMENTS = 4

_SegmentKey = tuple[int, int]  # (number, generation)


def _key(segment: SegmentFiles) -> _SegmentKey:
    return segment.number, segment.generation


class SealedSegments:
    """The segments of *folder* (``segments/`` in a history folder) and their cached entries.

    *changes* is told when the files' layout or content changes; what the user
    should be told about is appended to *notices* (the store's list).
    """

    def __init__(
        self,
        folder: Path,
        *,
        changes: SeenChanges,
        read_only: bool,
        notices: list[StoreNotice],
    ) -> None:
        self.folder = folder
        self.changes = changes
        self.read_only = read_only
        self.notices = notices
        self.files: list[SegmentFiles] = []
        self._entry_cache: OrderedDict[_SegmentKey, dict[str, dict[str, Any]]] = OrderedDict()

    def count(self) -> int:
        """How many entries the segments hold, without reading any of them."""
        return sum(segment.count for segment in self.files)

    def newest_contains(self, entry_id: str) -> bool:
        """True when the newest segment holds *entry_id*."""
        return bool(self.files) and self.files[-1].contains_id(entry_id)

    def load(self, known: Iterable[SegmentFiles] = ()) -> None:
        """Find the segments; those in *known* (already read, unchanged) are taken as they are.

        Segments that are no longer there, or were rewritten, leave the cache.
        """
        self.files = []
        segments, stale = scan_segments(self.folder)
        if not self.read_only and stale:
            self.changes.mark_layout()
            remove_files(stale)
        read = {_key(segment): segment for segment in known}
        for segment in segments:
            same = read.get(_key(segment))
            if same is not None:
                self.files.append(same)
                continue
            try:
                segment.raw_index = segment.path("idx").read_bytes()
                if not segment.path("txt").exists():
                    raise SegmentError(f"{segment.path('txt')} is missing")
            except (OSError, SegmentError):
                if not self._rebuild_sidecars(segment):
                    continue
            self.files.append(segment)
        kept = {_key(segment) for segment in self.files if _key(segment) in read}
        for key in [key for key in self._entry_cache if key not in kept]:
            del self._entry_cache[key]

    def forget(self) -> None:
        """No segments (the folder was cleared): the list and the cache are emptied."""
        self.files = []
        self.drop_cache()

    def drop_cache(self) -> None:
        """Release the cached entries (they are read again when next wanted)."""
        self._entry_cache.clear()

    # --- reading ---------------------------------------------------------------------------

    def rows(self, segment: SegmentFiles) -> list[list[Any]] | None:
        """A segment's rows, repairing or setting aside a bad index; None when it is gone."""
        try:
            return segment.load_rows()
        except (OSError, SegmentError):
            if self._rebuild_sidecars(segment):
                return segment.rows
            return None

    def entries(self, segment: SegmentFiles) -> dict[str, dict[str, Any]] | None:
        """A segment's entries by id (cached); None when it cannot be read (it is set aside)."""
        key = _key(segment)
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

    def locate(self, entry_id: str) -> SegmentFiles | None:
        """The segment holding *entry_id* (newest first), or None."""
        for segment in reversed(self.files):
            if segment.contains_id(entry_id):
                rows = self.rows(segment)
                if rows is not None and any(row[R_ID] == entry_id for row in rows):
                    return segment
        return None

    def text_of(self, segment: SegmentFiles) -> bytes:
        """A segment's search text, rebuilt when missing; empty when the segment is gone."""
        try:
            return segment.read_text()
        except OSError:
            if self.read_only or not self._rebuild_sidecars(segment):
                return b""
            return segment.read_text()

    def each_entry(self) -> Iterator[dict[str, Any]]:
        """Every entry of every segment, oldest first, without caching segments."""
        for segment in list(self.files):
            try:
                entries = read_segment_entries(segment.path("json"))
            except (OSError, SegmentError) as exc:
                self._set_aside(segment, str(exc))
                continue
            yield from entries

    def ids(self) -> set[str]:
        """The ids of every entry the segments hold."""
        ids: set[str] = set()
        for segment in list(self.files):
            rows = self.rows(segment)
            if rows is not None:
                ids.update(row[R_ID] for row in rows)
        return ids

    # --- writing ---------------------------------------------------------------------------

    def rewrite(self, segment: SegmentFiles, entries: list[dict[str, Any]]) -> None:
        """Replace a segment by a new generation holding *entries* (or remove it when empty)."""
        if not entries:
            self.remove(segment)
            return
        self._mark_changed(segment)
        fresh = write_segment(
            self.folder,
            segment.number,
            segment.generation + 1,
            [entry_json(entry) for entry in entries],
            [summary_row(entry) for entry in entries],
            [search_text(entry) for entry in entries],
        )
        self.files[self.files.index(segment)] = fresh
        remove_files(segment.all_paths)

    def remove(self, segment: SegmentFiles) -> None:
        """Remove a segment and its files."""
        self._mark_changed(segment)
        self.files.remove(segment)
        remove_files(segment.all_paths)

    def _mark_changed(self, segment: SegmentFiles) -> None:
        self.changes.mark_layout()
        self.changes.mark_content()
        self._entry_cache.pop(_key(segment), None)

    # --- repairs ---------------------------------------------------------------------------

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
        self.changes.mark_layout()
        write_sidecars(segment, rows, [search_text(entry) for entry in entries])
        return True

    def _set_aside(self, segment: SegmentFiles, reason: str) -> None:
        """Move an unreadable segment's files aside (never delete them) and report it."""
        if segment in self.files:
            self.files.remove(segment)
        if self.read_only:
            self.notices.append(
                StoreNotice(
                    f"{segment.path('json')} could not be read ({reason})", segment.path("json")
                )
            )
            return
        self.changes.mark_layout()
        self.changes.mark_content()
        notice = None
        for path in segment.all_paths:
            if path.exists():
                moved = move_aside(path, reason)
                notice = notice or moved
        if notice is not None:
            self.notices.append(notice)
