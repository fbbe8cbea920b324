"""The history folder's version number and the path from older layouts to this one.

``manifest.json`` records ``{"format": "workbench-history", "version": N}``. Each
segment's TinyDB file carries its own format version in its ``meta`` table too.

Version 0 is the layout this store replaced: one TinyDB file ``history.json``
written by TinyDB's default ``JSONStorage``, one document per exchange in the
``_default`` table (the exchange dict itself, with an optional ``starred``
flag). Its whole file was rewritten on every insert. Migrating it reads every
document, re-masks it and hands it to the store as ordinary entries; the old file
is then renamed to ``history.json.v0-migrated-<stamp>``, never deleted.

A later layout change adds a function to :data:`MIGRATIONS` (version k → k+1);
:func:`migrate_folder` runs them in order and bumps the manifest after each one,
so an interrupted migration resumes where it stopped.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from workbench.store.atomic import StoreNotice, atomic_write_json, fsync_dir, move_aside
from workbench.store.history.entries import make_stored_entry

__all__ = [
    "CURRENT_VERSION",
    "MANIFEST_NAME",
    "MIGRATIONS",
    "V0_FILE_NAME",
    "HistoryVersionError",
    "migrate_folder",
    "read_manifest",
    "read_v0_entries",
    "retire_v0_file",
    "write_manifest",
]

CURRENT_VERSION = 1
MANIFEST_NAME = "manifest.json"
V0_FILE_NAME = "history.json"
FORMAT_NAME = "workbench-history"

#: Steps from folder version k to k+1 (k >= 1); each takes the history folder.
MIGRATIONS: dict[int, Callable[[Path], None]] = {}


class HistoryVersionError(RuntimeError):
    """The history folder was written by a newer Workbench than this one."""


def read_manifest(folder: Path, *, repair: bool = True) -> tuple[int | None, StoreNotice | None]:
    """Return the folder's version (None when there is no manifest) and any notice.

    An unreadable manifest is moved aside (when *repair*) and reported; the
    segments are self-describing, so the store carries on with them.
    """
    path = folder / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, None
    except (OSError, ValueError) as exc:
        reason = f"not valid JSON: {exc}" if isinstance(exc, ValueError) else str(exc)
        if not repair:
            return CURRENT_VERSION, StoreNotice(f"{path} could not be read ({reason})", path)
        return CURRENT_VERSION, move_aside(path, reason)
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, int) or data.get("format") != FORMAT_NAME:
        reason = "not a Workbench history manifest (no format/version)"
        if not repair:
            return CURRENT_VERSION, StoreNotice(f"{path} could not be read ({reason})", path)
        return CURRENT_VERSION, move_aside(path, reason)
    if version > CURRENT_VERSION:
        raise HistoryVersionError(
            f"{folder} holds a history of version {version}, written by a newer Workbench; "
            f"this one reads up to version {CURRENT_VERSION}. Upgrade Workbench to open it."
        )
    return version, None


def write_manifest(folder: Path, version: int = CURRENT_VERSION) -> None:
    atomic_write_json(folder / MANIFEST_NAME, {"format": FORMAT_NAME, "version": version})


def migrate_folder(folder: Path, version: int) -> int:
    """Run the steps from *version* up to :data:`CURRENT_VERSION`; return the new version."""
    while version < CURRENT_VERSION:
        MIGRATIONS[version](folder)
        version += 1
        write_manifest(folder, version)
    return version


def read_v0_entries(path: Path) -> list[dict[str, Any]]:
    """Read a version-0 ``history.json`` (plain TinyDB) as masked stored entries, oldest first.

    Raises ``ValueError`` with the reason when the file is not a TinyDB database.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise ValueError("not a TinyDB database (expected an object of tables)")
    db = TinyDB(path, access_mode="r")
    try:
        documents = [(doc.doc_id, dict(doc)) for doc in db.table("_default").all()]
    finally:
        db.close()
    documents.sort(key=lambda item: item[0])
    entries = []
    for _, document in documents:
        starred = bool(document.pop("starred", False))
        exchange = document.get("exchange") if isinstance(document.get("exchange"), dict) else None
        created_at = document.get("created_at")
        exchange = dict(exchange if exchange is not None else document)
        if not exchange.get("id"):
            # Deterministic, so a migration interrupted and run again adds no duplicates.
            exchange["id"] = str(
                uuid.uuid5(uuid.NAMESPACE_URL, json.dumps(document, sort_keys=True))
            )
        entries.append(
            make_stored_entry(
                exchange,
                starred=starred,
                created_at=created_at if isinstance(created_at, str) else None,
            )
        )
    return entries


def retire_v0_file(path: Path) -> Path:
    """Rename a migrated version-0 file next to itself (kept, never deleted)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.v0-migrated-{stamp}")
    os.replace(path, target)
    fsync_dir(path.parent)
    return target
