"""The open segment: the journal's entries in memory, parsed only when they are read.

Lines appended since the open segment was last read, by this process or others,
are kept as the journal's bytes and parsed only when something reads the open
segment: a writer catching up under the folder's lock copies bytes instead of
parsing other writers' entries, and an append keeps no second copy of its
exchange. Ids are taken from the bytes cheaply (:func:`line_ids`), so "is this id
recent?" rarely needs a parse.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from workbench.store.history.entries import R_ID, search_text, summary_row
from workbench.store.history.segments import (
    Journal,
    SegmentFiles,
    entry_json,
    journal_line,
    line_ids,
)

__all__ = ["OpenSegment"]


class OpenSegment:
    """The entries of the journal, oldest first: parsed ones, then pending journal bytes."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self.rows: list[list[Any]] = []
        self.texts: list[str] = []
        self.json: list[str] = []
        self.ids: set[str] = set()  # of the parsed entries and the pending lines
        self._pending: list[bytes] = []
        self._pending_lines = 0
        self.pending_unknown = False  # some pending line's id could not be read cheaply

    def __len__(self) -> int:
        """Entries in the open segment, counting unparsed lines (without parsing them)."""
        return len(self.entries) + self._pending_lines

    @property
    def has_pending(self) -> bool:
        return bool(self._pending)

    def materialise(self, limit: int | None = None) -> bool:
        """Parse the pending lines; False when some do not parse (a damaged file).

        The caller then reads (and repairs) the whole journal, as on open. With
        *limit*, only as many of the oldest pending lines are parsed as it takes for
        *limit* entries to be parsed (a seal needs its first ``segment_size``; lines
        after them may be sealed by another process, which makes this one read the
        journal again, so parsing them now could be wasted).
        """
        if not self._pending:
            return True
        rest: list[bytes] = []
        chunks, lines = self._pending, self._pending_lines
        if limit is not None:
            chunks, rest, lines = _first_lines(self._pending, limit - len(self.entries))
            if not chunks:
                return True
        result = Journal.parse(b"".join(chunks))
        if result.bad_lines or result.torn_tail:
            return False  # kept pending: the caller reloads, or parses again under the lock
        self._pending, self._pending_lines = rest, self._pending_lines - lines
        if not rest:
            self.pending_unknown = False
        for entry, text in zip(result.entries, result.texts, strict=True):
            self.remember(entry, text)
        return True

    def add_pending(self, raw: bytes, ids: Iterable[str] | None = None) -> None:
        """Keep whole journal lines unparsed; *ids* are theirs (one per line) when known."""
        self._pending.append(raw)
        if ids is not None:
            known = list(ids)
            self._pending_lines += len(known)
            self.ids.update(known)
            return
        found = line_ids(raw)
        self._pending_lines += len(found)
        for entry_id in found:
            if entry_id is None:
                self.pending_unknown = True
            else:
                self.ids.add(entry_id)

    def remember(self, entry: dict[str, Any], text: str | None = None) -> None:
        """Add a parsed entry (*text*: its JSON as written, when known)."""
        self.json.append(text if text is not None else entry_json(entry))
        self.entries.append(entry)
        self.rows.append(summary_row(entry))
        self.texts.append(search_text(entry))
        self.ids.add(entry["id"])

    def clear(self) -> None:
        self.entries, self.rows, self.texts, self.json = [], [], [], []
        self.ids = set()
        self._pending, self._pending_lines, self.pending_unknown = [], 0, False

    def keep_unparsed(self, raw: bytes, sealed: SegmentFiles | None) -> bool:
        """Take a whole journal's bytes unparsed if they need no repair seen without parsing.

        True when every line is whole, has an id readable from its bytes and the
        oldest is not in *sealed* (the newest segment) already: then they are pending.
        A seal takes the oldest entries, so entries a crash left both sealed and in
        the journal begin it. A line that does not parse is found (and the journal
        repaired) when it is read.
        """
        if raw and not raw.endswith(b"\n"):
            return False
        ids = line_ids(raw)
        known = [entry_id for entry_id in ids if entry_id is not None]
        if len(known) != len(ids):
            return False
        if sealed is not None and known and sealed.contains_id(known[0]):
            return False
        if raw:
            self.add_pending(raw, known)
        return True

    def journal_bytes(self) -> bytes:
        """The journal's content for these entries: parsed ones, then the pending lines."""
        return b"".join([*(journal_line(text) for text in self.json), *self._pending])

    def drop_first(self, count: int) -> None:
        """Forget the oldest *count* parsed entries (sealed); pending lines stay."""
        self.entries, self.rows = self.entries[count:], self.rows[count:]
        self.texts, self.json = self.texts[count:], self.json[count:]
        self.ids = {row[R_ID] for row in self.rows}

    def drop(self, ids: set[str]) -> None:
        """Forget the parsed entries with these ids (call :meth:`materialise` first)."""
        kept = [i for i, row in enumerate(self.rows) if row[R_ID] not in ids]
        self.entries = [self.entries[i] for i in kept]
        self.rows = [self.rows[i] for i in kept]
        self.texts = [self.texts[i] for i in kept]
        self.json = [self.json[i] for i in kept]
        self.ids = {row[R_ID] for row in self.rows}


def _first_lines(chunks: list[bytes], count: int) -> tuple[list[bytes], list[bytes], int]:
    """Split chunks of whole lines after the first *count* lines: (taken, rest, lines taken)."""
    taken: list[bytes] = []
    lines = 0
    for index, chunk in enumerate(chunks):
        if lines >= count:
            return taken, chunks[index:], lines
        in_chunk = chunk.count(b"\n")
        if lines + in_chunk <= count:
            taken.append(chunk)
            lines += in_chunk
            continue
        cut = -1
        for _ in range(count - lines):
            cut = chunk.index(b"\n", cut + 1)
        taken.append(chunk[: cut + 1])
        return taken, [chunk[cut + 1 :], *chunks[index + 1 :]], count
    return taken, [], lines
