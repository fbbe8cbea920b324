"""The files of the history: sealed TinyDB segments and the append journal.

A *segment* holds up to ``segment_size`` entries and is written as three files
that share a stem ``<number>.g<generation>``:

``.json``
    a TinyDB database (tables ``meta`` and ``entries``, in TinyDB's own layout, read
    through TinyDB with :class:`~workbench.store.atomic.AtomicJSONStorage`) written
    once, atomically. It is composed from the entries' JSON text as it went to the
    journal, so sealing does not encode 256 entries again. This is the entry's durable home.
``.idx``
    one summary row per line (JSON arrays, see ``entries.ROW_FIELDS``), so
    the store can list and count without parsing the big file.
``.txt``
    one lower-cased search line per entry, same order, scanned as bytes by full-text
    search.

A segment is never edited in place: starring or deleting an entry writes
generation ``g+1`` (idx and txt first, json last) and then removes generation
``g``. On open the newest generation whose ``.json`` exists wins, so a crash at
any point leaves one complete generation. ``.idx``/``.txt`` are derived data and
are rebuilt from the ``.json`` when missing or unreadable.

The *journal* (``journal.jsonl``) holds entries not yet sealed, one JSON line
each, appended with ``O_APPEND`` and fsync'ed before the store's ``append`` returns. A line
torn by a crash can only be the last one; it is dropped on open (its append never
returned).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB

from workbench.store.atomic import (
    AtomicJSONStorage,
    UnreadableJSONError,
    atomic_write_bytes,
)

__all__ = [
    "SEGMENT_FORMAT_VERSION",
    "AtomicJSONStorage",
    "Journal",
    "JournalReadResult",
    "SegmentError",
    "SegmentFiles",
    "entry_json",
    "journal_line",
    "line_ids",
    "read_segment_entries",
    "remove_files",
    "scan_segments",
    "segment_bytes",
    "serialise",
    "write_segment",
    "write_sidecars",
]

SEGMENT_FORMAT_VERSION = 1
_STEM = re.compile(r"^(\d{8})\.g(\d{4,})\.(json|idx|txt)$")


class SegmentError(Exception):
    """A segment file could not be read; the message says which and why."""


@dataclass
class SegmentFiles:
    """The current generation of one segment and what the store knows about it."""

    folder: Path
    number: int
    generation: int
    raw_index: bytes | None = None
    rows: list[list[Any]] | None = None
    #: The ids of ``rows`` (and the list they were taken from), for :meth:`contains_id`.
    _ids: tuple[list[list[Any]], frozenset[str]] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def stem(self) -> str:
        return f"{self.number:08d}.g{self.generation:04d}"

    def path(self, suffix: str) -> Path:
        return self.folder / f"{self.stem}.{suffix}"

    @property
    def all_paths(self) -> list[Path]:
        return [self.path(s) for s in ("json", "idx", "txt")]

    @property
    def count(self) -> int:
        """How many entries the segment holds (without parsing its rows)."""
        if self.rows is not None:
            return len(self.rows)
        return self.raw_index.count(b"\n") if self.raw_index else 0

    def load_rows(self) -> list[list[Any]]:
        """Parse the summary rows (cached); raises :class:`SegmentError` when unreadable."""
        if self.rows is None:
            raw = self.raw_index if self.raw_index is not None else self.path("idx").read_bytes()
            try:
                rows = json.loads(b"[" + raw.rstrip(b"\n").replace(b"\n", b",") + b"]")
            except ValueError as exc:
                raise SegmentError(f"{self.path('idx')} is not valid: {exc}") from exc
            if not all(isinstance(row, list) and len(row) >= 14 for row in rows):
                raise SegmentError(f"{self.path('idx')} holds rows of the wrong shape")
            self.rows = rows
            self.raw_index = None  # the parsed rows answer everything now
        return self.rows

    def read_text(self) -> bytes:
        """The search lines of the segment (one per entry, same order as the rows)."""
        return self.path("txt").read_bytes()

    def contains_id(self, entry_id: str) -> bool:
        """Cheap membership test on the raw index bytes (no parsing)."""
        if self.rows is not None:
            if self._ids is None or self._ids[0] is not self.rows:
                self._ids = (self.rows, frozenset(row[0] for row in self.rows))
            return entry_id in self._ids[1]
        return self.raw_index is not None and json.dumps(entry_id).encode() in self.raw_index


def _index_bytes(rows: Iterable[list[Any]]) -> bytes:
    lines = [json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def _text_bytes(texts: Iterable[str]) -> bytes:
    lines = list(texts)
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def entry_json(entry: dict[str, Any]) -> str:
    """An entry serialised once: the same text goes to the journal and into its segment.

    orjson writes the same compact UTF-8 JSON as the standard library about ten times
    faster (it is most of an append's encoding); what it refuses (keys that are not
    strings, integers beyond 64 bits, lone surrogates) goes to the standard library,
    which then accepts or refuses it as before. orjson writes NaN and infinities as
    ``null`` where the standard library would write non-JSON.
    """
    try:
        return orjson.dumps(entry).decode("utf-8")
    except (TypeError, ValueError):
        pass
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))


def serialise(entry: dict[str, Any]) -> str:
    """An entry's JSON text for the journal, or a ``TypeError`` saying why it cannot be stored."""
    try:
        return entry_json(entry)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"the exchange {entry['id']} cannot be stored: it is not plain JSON ({exc})"
        ) from exc


def _tinydb_text(entries_json: list[str]) -> str:
    """The JSON text TinyDB's storage layout expects: ``{table: {doc_id: document}}``.

    Composed from already-serialised entries so a seal does not encode them again
    (encoding 256 entries is most of a seal's cost); TinyDB reads it like any other.
    """
    meta = json.dumps(
        {"1": {"format": "workbench-history-segment", "version": SEGMENT_FORMAT_VERSION}}
    )
    documents = ",".join(f'"{doc_id}":{text}' for doc_id, text in enumerate(entries_json, 1))
    return f'{{"meta":{meta},"entries":{{{documents}}}}}'


def write_segment(
    folder: Path,
    number: int,
    generation: int,
    entries_json: list[str],
    rows: list[list[Any]],
    texts: list[str],
) -> SegmentFiles:
    """Write one generation of a segment (idx, txt, then the TinyDB json last)."""
    segment = SegmentFiles(folder, number, generation)
    write_sidecars(segment, rows, texts)
    atomic_write_bytes(segment.path("json"), _tinydb_text(entries_json).encode("utf-8"))
    return segment


def segment_bytes(
    entries_json: list[str], rows: list[list[Any]], texts: list[str]
) -> dict[str, bytes]:
    """The contents of a segment's three files, by suffix (what :func:`write_segment` writes)."""
    return {
        "idx": _index_bytes(rows),
        "txt": _text_bytes(texts),
        "json": _tinydb_text(entries_json).encode("utf-8"),
    }


def write_sidecars(segment: SegmentFiles, rows: list[list[Any]], texts: list[str]) -> None:
    """(Re)write a segment's derived files: summary rows and search text."""
    raw_index = _index_bytes(rows)
    atomic_write_bytes(segment.path("idx"), raw_index)
    atomic_write_bytes(segment.path("txt"), _text_bytes(texts))
    segment.raw_index = raw_index
    segment.rows = [list(row) for row in rows]


def read_segment_entries(path: Path) -> list[dict[str, Any]]:
    """All entries of a segment's TinyDB file, in stored order."""
    db = TinyDB(path, storage=AtomicJSONStorage, read_only=True)
    try:
        meta = db.table("meta").all()
        version = meta[0].get("version") if meta else None
        if version != SEGMENT_FORMAT_VERSION:
            raise SegmentError(
                f"{path} has segment format version {version!r}; expected {SEGMENT_FORMAT_VERSION}"
            )
        entries = [dict(doc) for doc in db.table("entries").all()]
    except UnreadableJSONError as exc:
        raise SegmentError(str(exc)) from exc
    finally:
        db.close()
    for entry in entries:
        if not isinstance(entry.get("id"), str) or not isinstance(entry.get("exchange"), dict):
            raise SegmentError(f"{path} holds an entry without an id or exchange")
    return entries


def remove_files(paths: Iterable[Path]) -> None:
    """Remove superseded files of ours (missing ones are fine)."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def scan_segments(folder: Path) -> tuple[list[SegmentFiles], list[Path]]:
    """Find each segment's newest complete generation (by its ``.json``).

    Returns the segments oldest first and the files of superseded generations (or
    orphans whose ``.json`` was never written), which the caller may remove.
    """
    found: dict[int, dict[int, set[str]]] = {}
    if not folder.is_dir():
        return [], []
    for item in os.scandir(folder):
        match = _STEM.match(item.name)
        if match:
            number, generation, suffix = int(match[1]), int(match[2]), match[3]
            found.setdefault(number, {}).setdefault(generation, set()).add(suffix)
    segments: list[SegmentFiles] = []
    stale: list[Path] = []
    for number in sorted(found):
        generations = found[number]
        complete = [g for g, suffixes in generations.items() if "json" in suffixes]
        best = max(complete) if complete else None
        for generation, suffixes in generations.items():
            if generation != best:
                stale.extend(
                    folder / f"{number:08d}.g{generation:04d}.{s}" for s in sorted(suffixes)
                )
        if best is not None:
            segments.append(SegmentFiles(folder, number, best))
    return segments, stale


@dataclass
class JournalReadResult:
    """What :meth:`Journal.read` found: good entries, and whether the file needs repair."""

    entries: list[dict[str, Any]]
    torn_tail: bool = False
    bad_lines: int = 0
    #: Each entry's JSON text as written (None where it cannot be cut out of its line).
    texts: list[str | None] = field(default_factory=list)


class Journal:
    """Append-only JSON lines file of not-yet-sealed entries.

    :meth:`append` writes; :meth:`sync` fsyncs what was written (the store calls it
    after releasing the folder's lock, so several processes' fsyncs overlap).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._inode: int | None = None  # of the file self._fd is open on
        self._dirty = False
        self._end = 0

    def read(self) -> JournalReadResult:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return JournalReadResult([])
        return _parse_journal(raw)

    def read_bytes(self) -> bytes:
        """The whole journal as it is on disk (empty when there is none)."""
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return b""

    def read_raw(self, offset: int, size: int, inode: int | None = None) -> bytes | None:
        """Bytes [offset, size) of the journal: whole lines other processes appended.

        *inode*: the journal's file number, when the caller knows it is the file at
        the path; if this journal's own handle is open on it, it is read through that
        (no open and close under the folder's lock). None when that part does not end
        with a whole line: a writer died mid-append, and the caller reloads (and
        repairs) the whole journal instead.
        """
        own = self._fd is not None and inode is not None and inode == self._inode
        if own and self._fd is not None and hasattr(os, "pread"):
            raw = os.pread(self._fd, size - offset, offset)
            if len(raw) != size - offset or not raw.endswith(b"\n"):
                return None
            return raw
        try:
            with self.path.open("rb") as handle:
                handle.seek(offset)
                raw = handle.read(size - offset)
        except FileNotFoundError:
            return None
        if len(raw) != size - offset or not raw.endswith(b"\n"):
            return None
        return raw

    @staticmethod
    def parse(raw: bytes) -> JournalReadResult:
        """The entries of journal bytes (as :meth:`read` finds them in the whole file)."""
        return _parse_journal(raw)

    def _handle(self) -> int:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
            self._fd = os.open(self.path, flags, 0o644)
            self._inode = os.fstat(self._fd).st_ino
        return self._fd

    def append(self, entries_json: list[str], *, sync: bool = True) -> bytes:
        """Append serialised entries as one write (and fsync it, unless *sync* is False).

        Returns the bytes written (whole lines). With ``sync=False`` the entries are
        durable only once :meth:`sync` returns.
        """
        data = b"".join(journal_line(text) for text in entries_json)
        fd = self._handle()
        start = os.lseek(fd, 0, os.SEEK_END)  # callers hold the folder's lock: no one else appends
        view = memoryview(data)
        try:
            while view:
                written = os.write(fd, view)
                view = view[written:]
        except OSError:
            # A full disk can take part of the write: cut it off again, so the next append
            # does not glue a good entry onto half a line (read back as a damaged line).
            with contextlib.suppress(OSError):
                os.ftruncate(fd, start)
            raise
        self._dirty = True
        self._end = os.lseek(fd, 0, os.SEEK_CUR)  # O_APPEND: the end of this write
        if sync:
            self.sync()
        return data

    def sync(self, shared: Callable[[int, int], None] | None = None) -> None:
        """fsync what :meth:`append` wrote (nothing to do when it is on disk already).

        *shared(fd, end)*, when given, does the fsync in concert with other processes
        (see ``HistoryLock.sync_file``); *end* is where this file's last append ended.
        """
        if self._fd is not None and self._dirty:
            if shared is not None:
                shared(self._fd, self._end)
            else:
                os.fsync(self._fd)
        self._dirty = False

    def replace(self, entries_json: list[str]) -> None:
        """Rewrite the journal atomically with exactly these entries (after a seal or an edit)."""
        self.replace_bytes(b"".join(journal_line(text) for text in entries_json))

    def replace_bytes(self, data: bytes) -> None:
        """Rewrite the journal atomically with these whole lines."""
        self._dirty = False  # whatever was written is in what replaces it, fsync'ed
        self.close()
        atomic_write_bytes(self.path, data)  # fsyncs the file, then the folder after the rename

    def written_key(self) -> tuple[int, int] | None:
        """(file number, end of the last append) of the file this journal has open, if any."""
        if self._fd is None or self._inode is None:
            return None
        return self._inode, self._end

    def close(self) -> None:
        if self._fd is not None:
            if self._dirty:
                os.fsync(self._fd)
                self._dirty = False
            os.close(self._fd)
            self._fd = None


_LINE_START = b'{"v":%d,"entry":' % SEGMENT_FORMAT_VERSION


_UNREADABLE = object()


_DIGITS_ONLY = bytes(0x30 if 0x30 <= c <= 0x39 else 0x20 for c in range(256))
_LONG_RUN = b"0" * 19  # 19 digits in a row, after _DIGITS_ONLY


def _loads(line: bytes) -> Any:
    """One journal line's JSON, or ``_UNREADABLE``.

    orjson reads it a few times faster; the standard library reads what orjson
    refuses (NaN, infinities) and lines with 19 digits or more in a row, since
    orjson turns integers beyond 64 bits into floats.
    """
    if _LONG_RUN not in line.translate(_DIGITS_ONLY):  # cheaper than a regular expression
        try:
            return orjson.loads(line)
        except orjson.JSONDecodeError:
            pass
    try:
        return json.loads(line)
    except ValueError:
        return _UNREADABLE


def _parse_journal(raw: bytes) -> JournalReadResult:
    """Entries of journal bytes; each keeps the JSON text it was written with."""
    result = JournalReadResult([])
    lines = raw.split(b"\n")
    last = lines.pop()  # b"" when the bytes end with a newline
    if last.strip():
        result.torn_tail = True  # an append cut short by a crash: it never returned
    for line in lines:
        if not line.strip():
            continue
        record = _loads(line)
        if record is _UNREADABLE:
            result.bad_lines += 1
            continue
        entry = record.get("entry") if isinstance(record, dict) else None
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            result.entries.append(entry)
            if line.startswith(_LINE_START) and line.endswith(b"}"):
                result.texts.append(line[len(_LINE_START) : -1].decode("utf-8"))
            else:
                result.texts.append(None)
        else:
            result.bad_lines += 1
    return result


_ID_START = _LINE_START + b'{"id":"'


def line_id(line: bytes) -> str | None:
    """The entry id of a journal line as :func:`entry_json` writes it, read without parsing.

    None when the line has another shape or the id is escaped (the caller parses).
    """
    return _id_between(line, 0, len(line))


def line_ids(raw: bytes) -> list[str | None]:
    """The id of each line of *raw* (whole journal lines), as :func:`line_id` reads it.

    Lines are found with ``find`` and read in place: no line is copied (splitting
    and counting a few kilobytes cost more than reading the ids).
    """
    ids: list[str | None] = []
    start, size = 0, len(raw)
    while start < size:
        end = raw.find(b"\n", start)
        if end < 0:
            end = size
        ids.append(_id_between(raw, start, end))
        start = end + 1
    return ids


def _id_between(raw: bytes, start: int, end: int) -> str | None:
    if not raw.startswith(_ID_START, start, end):
        return None
    first = start + len(_ID_START)
    close = raw.find(b'"', first, end)
    if close < 0:
        return None
    value = raw[first:close]
    if b"\\" in value:
        return None
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return None


def journal_line(entry_text: str) -> bytes:
    return f'{{"v":{SEGMENT_FORMAT_VERSION},"entry":{entry_text}}}\n'.encode()
