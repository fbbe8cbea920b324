"""The TinyDB storage every store of ours uses: JSON files replaced atomically.

Importable as ``workbench.store.atomic.AtomicJSONStorage`` too (loaded on first use
there, so the modules that only write files atomically do not import TinyDB).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from workbench.store.atomic import UnreadableJSONError, atomic_write_bytes, compact_json

__all__ = ["AtomicJSONStorage"]


class AtomicJSONStorage(Storage):
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
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        read_only: bool = False,
        encode: Callable[[Any], bytes] = compact_json,
    ) -> None:
        super().__init__()
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
