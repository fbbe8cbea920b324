"""What one store has seen of its folder's changes, and what its current operation changes.

Every operation starts by comparing the folder's counters (``history.changes``,
see :mod:`workbench.store.history.lock`) and the journal's inode and size with
what this process saw at the end of its last operation: :meth:`SeenChanges.begin`
says whether nothing happened, only lines were appended (read just the journal's
new bytes) or files were replaced (read the folder again). During the operation
the store marks what it changes; :meth:`SeenChanges.end` publishes it.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

from workbench.store.history.lock import Counters, HistoryLock

__all__ = ["CatchUp", "SeenChanges"]

_JournalKey = tuple[int, int]  # (inode, size) of the journal


@dataclass(frozen=True)
class CatchUp:
    """What other processes did since this store's last operation.

    *kind* is None (nothing), ``"appended"`` (entries were only added) or
    ``"changed"`` (entries may have changed or gone). *reload*: files were
    replaced, read the folder again. *tail*: only bytes [start, end) of the same
    journal are new.
    """

    kind: str | None
    reload: bool = False
    tail: tuple[int, int] | None = None
    #: The journal as found (inode, size): what this store has seen once it read the tail.
    journal: _JournalKey | None = None


class SeenChanges:
    """The counters and journal state this process last saw (under the folder's lock)."""

    def __init__(self, lock: HistoryLock, journal_path: Path, *, read_only: bool) -> None:
        self.lock = lock
        self.journal_path = journal_path
        self.read_only = read_only
        self.seen = Counters()
        self.journal_key: _JournalKey | None = None
        self._layout_marked = self._content_marked = self._appended = False

    def stat_journal(self) -> _JournalKey | None:
        try:
            info = os.stat(self.journal_path)
        except FileNotFoundError:
            return None
        return info.st_ino, info.st_size

    def opened(self, journal: _JournalKey | None = None) -> None:
        """The folder was just read: what it holds now is what this process has seen.

        *journal*: the journal's key as :meth:`begin` found it, when only its tail
        was read (under the lock nobody has appended since).
        """
        self.journal_key = journal if journal is not None else self.stat_journal()

    def begin(self) -> CatchUp:
        """Compare the folder with what was seen (at the start of an operation)."""
        now = self.lock.read()
        key = self.stat_journal()
        seen, known = self.seen, self.journal_key
        self.seen = now  # a repair during a reload counts from here
        self._layout_marked = self._content_marked = self._appended = False
        kind = "changed" if now.content != seen.content else "appended"
        if now.layout != seen.layout or not _same_file(known, key):
            return CatchUp(kind, reload=True)
        if key is not None and known is not None and key[1] != known[1]:
            return CatchUp(kind, tail=(known[1], key[1]), journal=key)
        self.journal_key = key
        return CatchUp(None if now == seen else kind)

    def mark_layout(self) -> None:
        """Count a change of files, before making it (once per operation)."""
        if self._layout_marked or self.read_only:
            return
        self._layout_marked = True
        self.seen = dataclasses.replace(self.seen, layout=self.seen.layout + 1)
        self.lock.write(self.seen)

    def mark_content(self) -> None:
        """Count that entries change or go away, before changing them (once per operation).

        Counted first, as a change of layout is: a store that finds the content
        counter unchanged may trust the segments it has read (a writer killed half-way
        through a rewrite has counted it already).
        """
        if self._content_marked or self.read_only:
            return
        self._content_marked = True
        self.seen = dataclasses.replace(self.seen, content=self.seen.content + 1)
        self.lock.write(self.seen)

    def mark_appended(self) -> None:
        """Entries were added in this operation (counted at its end)."""
        self._appended = True

    def end(self, written: _JournalKey | None = None) -> None:
        """Publish this operation's changes to other processes (before the lock is released).

        *written*: (inode, end of the last append) of the journal this store has open.
        When it only appended to the file it knew, that is the journal's key now (no
        other process appends under the lock), and the journal need not be looked at.
        """
        if self.read_only:
            return
        if self._appended:
            self.seen = dataclasses.replace(self.seen, appends=self.seen.appends + 1)
            self.lock.write(self.seen)
        if self._layout_marked or self._appended:
            known = self.journal_key
            if (
                not self._layout_marked
                and written is not None
                and known is not None
                and written[0] == known[0]
                and written[1] >= known[1]
            ):
                self.journal_key = written
            else:
                self.journal_key = self.stat_journal()
        self._layout_marked = self._content_marked = self._appended = False


def _same_file(known: _JournalKey | None, now: _JournalKey | None) -> bool:
    """Whether the journal is still the file this process read (same inode, not shorter)."""
    if known is None or now is None:
        return known == now or (known is None and now is not None and now[1] == 0)
    return known[0] == now[0] and now[1] >= known[1]
