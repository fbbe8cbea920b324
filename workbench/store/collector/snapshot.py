"""The collector's snapshot file: a TinyDB database of every table, written whole.

:class:`~workbench.store.collector.journal.CollectorJournal` loads it at start, replays
the journal's records on top (:func:`apply_record`) and writes a new one when it
compacts (:func:`snapshot_chunks`, :func:`write_snapshot_file`); support bundles read it
with the same functions.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.store.atomic import AtomicJSONStorage, StoreNotice, atomic_write_stream
from workbench.store.collector.codec import dumps

__all__ = [
    "SNAPSHOT_FILE",
    "TABLES",
    "LoadedState",
    "SnapshotStorage",
    "apply_record",
    "snapshot_bytes",
    "snapshot_chunks",
    "write_snapshot_file",
]

SNAPSHOT_FILE = "collector.json"
TABLES = ("sources", "profiles", "sessions", "events")
_FORMAT = 1
#: Documents per piece of a snapshot written by compaction (see :func:`snapshot_chunks`).
_CHUNK_DOCS = 2000


def snapshot_chunks(tables: dict[str, list[bytes]], generation: int) -> Iterator[bytes]:
    """A TinyDB database file (``{"table": {"1": doc, ...}}``) from encoded documents, in pieces.

    Pieces of at most :data:`_CHUNK_DOCS` documents, so a compaction never holds the
    whole file in memory a second time: building one 60 MB bytes object for 40,000
    events cost as much CPU (page faults) as writing it.
    """
    yield b"{"
    for name in TABLES:
        docs = tables.get(name, [])
        yield b'"' + name.encode() + b'":{'
        for start in range(0, len(docs), _CHUNK_DOCS):
            # Keys, documents and commas joined once: the documents are copied once
            # (formatting '"key":doc' and then joining copied each of them twice).
            parts: list[bytes] = []
            add = parts.append
            for i, doc in enumerate(docs[start : start + _CHUNK_DOCS], start=start + 1):
                add(b'"%d":' % i)
                add(doc)
                add(b",")
            if start + _CHUNK_DOCS >= len(docs):
                parts.pop()  # no comma after the table's last document
            yield b"".join(parts)
        yield b"},"
    yield b'"meta":' + dumps({"1": {"generation": generation, "format": _FORMAT}}) + b"}"


def snapshot_bytes(tables: dict[str, list[bytes]], generation: int) -> bytes:
    """The whole snapshot file of :func:`snapshot_chunks` as one bytes object."""
    return b"".join(snapshot_chunks(tables, generation))


def write_snapshot_file(path: Path, chunks: Iterable[bytes]) -> int:
    """Replace *path* atomically with *chunks* (temp file, fsync, rename); returns the size."""
    return atomic_write_stream(path, chunks)


class SnapshotStorage(AtomicJSONStorage):
    """The shared atomic TinyDB storage, writing with the collector's fast encoder."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(path, encode=dumps)


@dataclass
class LoadedState:
    """What was on disk: documents per table (oldest first) and notices for the user."""

    tables: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {name: [] for name in TABLES}
    )
    initialised: bool = False
    notices: list[StoreNotice] = field(default_factory=list)


def apply_record(tables: dict[str, dict[str, dict[str, Any]]], record: dict[str, Any]) -> None:
    """Apply one journal record to per-table dicts keyed by id (used when replaying)."""
    op = record.get("op")
    if op == "put":
        table = tables[record["table"]]
        for doc in record["docs"]:
            table.pop(doc["id"], None)  # re-inserting keeps "oldest first" order
            table[doc["id"]] = doc
    elif op == "delete":
        tables[record["table"]].pop(record["id"], None)
    elif op == "reset":
        for table in tables.values():
            table.clear()
    else:
        raise ValueError(f"unknown journal operation {op!r}")
