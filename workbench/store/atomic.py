"""Atomic file writes and moving corrupt files aside.

A write goes to a temporary file in the same folder, is flushed and fsync'ed,
then renamed over the target (and the folder fsync'ed), so a reader sees either
the old file or the new one, never half of one. A file that cannot be read is
never deleted: :func:`move_aside` renames it next to the original with a
timestamp and returns a :class:`StoreNotice` for the caller to show.
:class:`AtomicJSONStorage` is the TinyDB storage every store of ours uses.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

__all__ = [
    "AtomicJSONStorage",
    "StoreNotice",
    "UnreadableJSONError",
    "atomic_write_bytes",
    "atomic_write_json",
    "atomic_write_stream",
    "compact_json",
    "fsync_dir",
    "move_aside",
]


class StoreNotice(NamedTuple):
    """Something the user should be told about a store (shown once by the UI).

    A NamedTuple rather than a frozen dataclass: the settings load it before the
    window's first paint (see :class:`workbench.settings.paths.AppPaths`).
    """

    message: str
    path: Path | None = None
    moved_to: Path | None = None


def fsync_dir(folder: Path) -> None:
    """Make a rename inside *folder* durable (no-op where directories can't be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace *path* with *data* atomically (temp file, fsync, rename)."""
    atomic_write_stream(path, (data,))


def atomic_write_stream(path: Path, chunks: Iterable[bytes]) -> int:
    """Replace *path* atomically with content produced piece by piece; return its size.

    *chunks* is consumed while the temporary file is open: an exception from it
    removes the temporary file and leaves *path* as it was.
    """
    size = 0
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # here: the settings and collections load before the first paint, unwritten

    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
                size += len(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        raise
    fsync_dir(path.parent)
    return size


def atomic_write_json(path: Path, value: Any, *, indent: int | None = 2) -> None:
    """Serialise *value* as UTF-8 JSON and write it atomically."""
    text = json.dumps(value, indent=indent, ensure_ascii=False, sort_keys=False)
    atomic_write_bytes(Path(path), (text + "\n").encode("utf-8"))


def move_aside(path: Path, reason: str) -> StoreNotice:
    """Rename an unreadable file to ``<name>.corrupt-<UTC timestamp>`` and describe it."""
    path = Path(path)
    from datetime import UTC, datetime

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    os.replace(path, target)
    fsync_dir(path.parent)
    return StoreNotice(
        message=f"{path} could not be read ({reason}); it was moved aside to {target} "
        "and a fresh store was started. Nothing was deleted.",
        path=path,
        moved_to=target,
    )


class UnreadableJSONError(ValueError):
    """A JSON store file holds something that is not a TinyDB database; says which and why."""


def compact_json(value: Any) -> bytes:
    """Compact UTF-8 JSON (the default encoding of :class:`AtomicJSONStorage`)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class AtomicJSONStorage:
    """A TinyDB storage that reads a JSON file and replaces it atomically on every write.

    TinyDB's own ``JSONStorage`` truncates and rewrites the file in place, so a
    crash mid-write leaves half a file; this one writes a temporary file, fsyncs
    and renames (:func:`atomic_write_bytes`). Nothing stays open between calls.

    A missing or empty file reads as no database (``None``). A file that is not
    UTF-8 JSON holding an object raises :class:`UnreadableJSONError` (a
    ``ValueError``) naming the file; other ``OSError`` s pass through. *encode*
    turns the database into the file's bytes (compact JSON unless given), so a
    store may write it its own way (indented, or with a faster encoder).
    *read_only* makes :meth:`write` raise ``PermissionError``. TinyDB passes
    its keyword arguments on: ``TinyDB(path, storage=AtomicJSONStorage, read_only=True)``.

    It has what TinyDB asks of a storage (``read``, ``write``, ``close``) without
    deriving from TinyDB's ``Storage``: the settings and collections the window opens
    with write files through this module, and need not import TinyDB for that.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        read_only: bool = False,
        encode: Callable[[Any], bytes] = compact_json,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.encode = encode

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw.strip():
            return None
        try:
            data = json.loads(raw)
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
            raise UnreadableJSONError(f"{self.path} is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise UnreadableJSONError(
                f"{self.path} does not hold a TinyDB database (a JSON object)"
            )
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self.read_only:
            raise PermissionError(f"{self.path} was opened read-only")
        atomic_write_bytes(self.path, self.encode(data))

    def close(self) -> None:
        """Nothing stays open between calls."""
