"""Collections: named, saved payloads in folders, one pretty-printed JSON file each.

A collection is a plain folder tree (``app_paths().collections_dir`` by default)
that people keep in git and review in diffs, so:

* one request per file, ``<folder>/<name>.json``, indented, keys in a stable
  order, a trailing newline; the file name *is* the name (renaming in a file
  manager or ``git mv`` just works), the folder path is the folder;
* names are checked before anything touches the disk: no ``/`` or ``\\``, no
  ``..``, no leading dot, no control or ``<>:"|?*`` characters, no trailing dot
  or space, no Windows device names (``CON``, ``NUL``, ``COM1``…), at most 100
  characters. Two names that differ only in case clash too (they would on macOS
  and Windows checkouts of the same repository);
* nothing is overwritten unless the caller says ``overwrite=True`` (the UI asks
  the user first; :class:`NameTakenError` tells it when to ask);
* secret header values are masked on save: credentials belong in the target's
  settings, not in files that get committed.

The built-in templates (the payloads of the user's document) ship in
``resources/templates`` and are read-only: use :meth:`CollectionStore.save_as` to
start from one. A user file that cannot be read is left where it is (it may be a
merge conflict the user is fixing) and reported in ``notices``; it is never
moved or deleted.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from workbench.core.masking import mask_headers
from workbench.resources import resource_path
from workbench.store.atomic import StoreNotice, atomic_write_json, fsync_dir

__all__ = [
    "FILE_FORMAT",
    "FILE_VERSION",
    "CollectionError",
    "CollectionStore",
    "NameTakenError",
    "ReadOnlyTemplateError",
    "SavedRequest",
    "check_folder",
    "check_name",
]

FILE_FORMAT = "workbench-saved-request"
FILE_VERSION = 1
MAX_NAME_LENGTH = 100
MAX_FOLDER_DEPTH = 8
TEMPLATES_FOLDER = "Templates"

_FORBIDDEN_CHARS = set('<>:"/\\|?*')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)


class CollectionError(ValueError):
    """A collection operation was refused; the message says which name and why."""


class NameTakenError(CollectionError):
    """The target name exists already; repeat with ``overwrite=True`` to replace it."""


class ReadOnlyTemplateError(CollectionError):
    """Built-in templates cannot be changed; save a copy with ``save_as``."""


#: The headers of a request saved without any: read-only, so the shared default stays empty.
NO_HEADERS: Mapping[str, str] = MappingProxyType({})


class SavedRequest(NamedTuple):
    """A saved payload: where it is sent (route, method, headers), to which target, and why.

    A NamedTuple (immutable, compared by value; ``_replace`` makes a changed copy) rather
    than a frozen dataclass: the composer's tools define it before the window's first
    paint, where Python 3.11 compiles a frozen dataclass's methods from source.
    """

    name: str
    folder: str = ""
    route: str = "/track"
    payload: Any = None
    target_name: str | None = None
    note: str = ""
    method: str = "POST"
    headers: Mapping[str, str] = NO_HEADERS
    builtin: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The file's content (the name and folder come from the file's path)."""
        return {
            "format": FILE_FORMAT,
            "version": FILE_VERSION,
            "route": self.route,
            "method": self.method,
            "target_name": self.target_name,
            "note": self.note,
            "headers": dict(self.headers),
            "payload": self.payload,
        }

    @classmethod
    def from_dict(
        cls, data: dict[str, Any], *, name: str, folder: str = "", builtin: bool = False
    ) -> SavedRequest:
        """Read a file's content; raises :class:`CollectionError` naming the bad field."""
        if data.get("format", FILE_FORMAT) != FILE_FORMAT:
            raise CollectionError(f"'format' is {data.get('format')!r}, expected {FILE_FORMAT!r}")
        version = data.get("version", FILE_VERSION)
        if not isinstance(version, int) or version > FILE_VERSION:
            raise CollectionError(
                f"'version' is {version!r}; this Workbench reads up to version {FILE_VERSION}"
            )
        route = data.get("route", "/track")
        if not isinstance(route, str) or not route.startswith("/"):
            raise CollectionError(f"'route' must be a path starting with '/', got {route!r}")
        method = data.get("method", "POST")
        if not isinstance(method, str) or not method.isalpha():
            raise CollectionError(f"'method' must be an HTTP method like POST, got {method!r}")
        target = data.get("target_name")
        if target is not None and not isinstance(target, str):
            raise CollectionError(f"'target_name' must be a string or null, got {target!r}")
        note = data.get("note") or ""
        if not isinstance(note, str):
            raise CollectionError(f"'note' must be a string, got {type(note).__name__}")
        headers = data.get("headers") or {}
        if not isinstance(headers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
        ):
            raise CollectionError("'headers' must be an object of string values")
        return cls(
            name=name,
            folder=folder,
            route=route,
            payload=data.get("payload"),
            target_name=target,
            note=note,
            method=method.upper(),
            headers=dict(headers),
            builtin=builtin,
        )


def check_name(name: str, *, what: str = "name") -> str:
    """Return the trimmed *name*, or raise :class:`CollectionError` saying what is wrong."""
    if not isinstance(name, str):
        raise CollectionError(f"the {what} must be text, got {type(name).__name__}")
    import unicodedata  # an extension module: loaded when a name is first checked

    name = unicodedata.normalize("NFC", name.strip())
    if not name:
        raise CollectionError(f"the {what} is empty")
    if len(name) > MAX_NAME_LENGTH:
        raise CollectionError(f"the {what} is longer than {MAX_NAME_LENGTH} characters")
    if name in (".", ".."):
        raise CollectionError(f"the {what} {name!r} is not allowed (it means a folder)")
    if name.startswith("."):
        raise CollectionError(f"the {what} {name!r} may not start with a dot (hidden file)")
    bad = sorted({c for c in name if c in _FORBIDDEN_CHARS or unicodedata.category(c) == "Cc"})
    if bad:
        shown = ", ".join(repr(c) for c in bad)
        raise CollectionError(f"the {what} {name!r} contains {shown} (not allowed in file names)")
    if name.endswith("."):
        raise CollectionError(f"the {what} {name!r} may not end with a dot")
    if _RESERVED.match(name):
        raise CollectionError(f"the {what} {name!r} is a reserved device name on Windows")
    return name


def check_folder(folder: str | None) -> str:
    """Normalise a folder path (``""`` is the top level, ``"a/b"`` nested); raise if unsafe."""
    if folder is None:
        return ""
    if not isinstance(folder, str):
        raise CollectionError(f"the folder must be text, got {type(folder).__name__}")
    if folder.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", folder):
        raise CollectionError(f"the folder {folder!r} must be relative to the collection")
    parts = [p for p in folder.replace("\\", "/").split("/") if p.strip()]
    if len(parts) > MAX_FOLDER_DEPTH:
        raise CollectionError(f"the folder {folder!r} is nested deeper than {MAX_FOLDER_DEPTH}")
    return "/".join(check_name(part, what="folder name") for part in parts)


class CollectionStore:
    """Saved requests under *folder*, plus the read-only built-in templates."""

    def __init__(
        self, folder: str | os.PathLike[str], *, templates_dir: Path | None = None
    ) -> None:
        self.folder = Path(folder)
        self.templates_dir = templates_dir or resource_path("templates")
        self.notices: list[StoreNotice] = []

    # --- paths -----------------------------------------------------------------------------

    def _dir(self, folder: str) -> Path:
        return self.folder.joinpath(*folder.split("/")) if folder else self.folder

    def path_of(self, name: str, folder: str = "") -> Path:
        """Where a saved request of this name lives (after checking the name and folder)."""
        return self._dir(check_folder(folder)) / f"{check_name(name)}.json"

    def _existing_name(self, name: str, folder: str) -> str | None:
        """The name of a file that clashes with *name* (same name ignoring case), if any."""
        directory = self._dir(folder)
        if not directory.is_dir():
            return None
        wanted = name.casefold()
        for item in directory.iterdir():
            if item.suffix == ".json" and item.is_file() and item.stem.casefold() == wanted:
                return item.stem
        return None

    # --- reading ---------------------------------------------------------------------------

    def templates(self) -> list[SavedRequest]:
        """The built-in templates, in their shipped order."""
        result = []
        for path in sorted(self.templates_dir.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            result.append(
                SavedRequest.from_dict(
                    data, name=data.get("name", path.stem), folder=TEMPLATES_FOLDER, builtin=True
                )
            )
        return result

    def template(self, name: str) -> SavedRequest:
        for template in self.templates():
            if template.name == name:
                return template
        raise CollectionError(f"there is no built-in template named {name!r}")

    def folders(self) -> list[str]:
        """Every folder path under the collection (top level excluded), sorted."""
        if not self.folder.is_dir():
            return []
        found = []
        for root, dirs, _files in os.walk(self.folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for directory in dirs:
                relative = Path(root, directory).relative_to(self.folder).as_posix()
                found.append(relative)
        return sorted(found, key=str.casefold)

    def list(self, folder: str | None = None) -> list[SavedRequest]:
        """Saved requests in *folder* (all of them when None), by folder then name.

        Unreadable files are skipped and reported in ``notices`` (left untouched).
        """
        folders = [check_folder(folder)] if folder is not None else ["", *self.folders()]
        result = []
        for current in folders:
            directory = self._dir(current)
            if not directory.is_dir():
                continue
            for path in sorted(directory.glob("*.json"), key=lambda p: p.stem.casefold()):
                if path.stem.startswith("."):
                    continue
                try:
                    result.append(self._read(path, current))
                except CollectionError as exc:
                    self._report(path, str(exc))
        return result

    def _report(self, path: Path, reason: str) -> None:
        message = f"{path} could not be read ({reason}); it was left as it is."
        if not any(n.message == message for n in self.notices):
            self.notices.append(StoreNotice(message, path))

    def _read(self, path: Path, folder: str) -> SavedRequest:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise CollectionError(f"cannot read it: {exc}") from exc
        except ValueError as exc:
            raise CollectionError(f"not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise CollectionError("expected a JSON object")
        return SavedRequest.from_dict(data, name=path.stem, folder=folder)

    def get(self, name: str, folder: str = "") -> SavedRequest:
        """One saved request; raises :class:`CollectionError` when missing or unreadable."""
        folder = check_folder(folder)
        path = self.path_of(name, folder)
        if not path.is_file():
            where = f"folder {folder!r}" if folder else "the top level"
            raise CollectionError(f"there is no saved request {name!r} in {where}")
        try:
            return self._read(path, folder)
        except CollectionError as exc:
            raise CollectionError(f"{path}: {exc}") from exc

    def exists(self, name: str, folder: str = "") -> bool:
        return self._existing_name(check_name(name), check_folder(folder)) is not None

    # --- writing ---------------------------------------------------------------------------

    def save(self, request: SavedRequest, *, overwrite: bool = False) -> SavedRequest:
        """Write *request* as ``<folder>/<name>.json``; refuses to replace without *overwrite*."""
        if request.builtin:
            raise ReadOnlyTemplateError(
                f"{request.name!r} is a built-in template and cannot be changed; "
                "save a copy under another name"
            )
        name, folder = check_name(request.name), check_folder(request.folder)
        clash = self._existing_name(name, folder)
        if clash is not None and not overwrite:
            raise NameTakenError(f"a saved request named {clash!r} already exists in {folder!r}")
        saved = request._replace(
            name=name, folder=folder, headers=mask_headers(request.headers), builtin=False
        )
        if clash is not None and clash != name:
            (self._dir(folder) / f"{clash}.json").unlink()
        atomic_write_json(self._dir(folder) / f"{name}.json", saved.to_dict(), indent=2)
        return saved

    def save_as(
        self,
        request: SavedRequest,
        name: str,
        folder: str | None = None,
        *,
        overwrite: bool = False,
    ) -> SavedRequest:
        """Save a copy (of a template too) under a new name, in *folder* or the same one."""
        target_folder = request.folder if folder is None and not request.builtin else folder
        return self.save(
            request._replace(name=name, folder=target_folder or "", builtin=False),
            overwrite=overwrite,
        )

    def rename(
        self, name: str, new_name: str, folder: str = "", *, overwrite: bool = False
    ) -> SavedRequest:
        """Rename a saved request within its folder."""
        return self._relocate(name, folder, new_name, folder, overwrite=overwrite)

    def move(
        self, name: str, folder: str, new_folder: str, *, overwrite: bool = False
    ) -> SavedRequest:
        """Move a saved request to another folder (created when missing), keeping its name."""
        return self._relocate(name, folder, name, new_folder, overwrite=overwrite)

    def _relocate(
        self, name: str, folder: str, new_name: str, new_folder: str, *, overwrite: bool
    ) -> SavedRequest:
        folder, new_folder = check_folder(folder), check_folder(new_folder)
        name, new_name = check_name(name), check_name(new_name, what="new name")
        current = self.get(name, folder)
        source = self._dir(folder) / f"{self._existing_name(name, folder) or name}.json"
        clash = self._existing_name(new_name, new_folder)
        same_file = (
            folder == new_folder and clash is not None and clash.casefold() == name.casefold()
        )
        if clash is not None and not same_file and not overwrite:
            where = f"folder {new_folder!r}" if new_folder else "the top level"
            raise NameTakenError(f"a saved request named {clash!r} already exists in {where}")
        if clash is not None and not same_file and clash != new_name:
            (self._dir(new_folder) / f"{clash}.json").unlink()
        target = self._dir(new_folder) / f"{new_name}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        fsync_dir(target.parent)
        return current._replace(name=new_name, folder=new_folder)

    def delete(self, name: str, folder: str = "") -> None:
        """Delete a saved request (the user asked for it)."""
        folder = check_folder(folder)
        existing = self._existing_name(check_name(name), folder)
        if existing is None:
            raise CollectionError(
                f"there is no saved request {name!r} in {folder or 'the top level'!r}"
            )
        (self._dir(folder) / f"{existing}.json").unlink()

    def create_folder(self, folder: str) -> str:
        """Create a (possibly nested) folder; returns its normalised path."""
        folder = check_folder(folder)
        if not folder:
            raise CollectionError("the folder name is empty")
        self._dir(folder).mkdir(parents=True, exist_ok=True)
        return folder

    def rename_folder(self, folder: str, new_name: str) -> str:
        """Rename the last part of a folder path; refuses when the new name exists."""
        folder = check_folder(folder)
        if not folder or not self._dir(folder).is_dir():
            raise CollectionError(f"there is no folder {folder!r}")
        parent = folder.rpartition("/")[0]
        leaf = check_name(new_name, what="folder name")
        new_folder = f"{parent}/{leaf}" if parent else leaf
        if self._dir(new_folder).exists() and new_folder.casefold() != folder.casefold():
            raise NameTakenError(f"a folder {new_folder!r} already exists")
        os.replace(self._dir(folder), self._dir(new_folder))
        return new_folder

    def delete_folder(self, folder: str) -> None:
        """Delete an empty folder; refuses (saying how many requests) when it is not empty."""
        folder = check_folder(folder)
        directory = self._dir(folder)
        if not folder or not directory.is_dir():
            raise CollectionError(f"there is no folder {folder!r}")
        inside = list(directory.rglob("*"))
        if inside:
            saved = sum(1 for p in inside if p.suffix == ".json")
            raise CollectionError(
                f"the folder {folder!r} is not empty ({saved} saved request(s)); "
                "move or delete them first"
            )
        directory.rmdir()
