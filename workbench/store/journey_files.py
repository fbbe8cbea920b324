"""Journey files kept in the collections folder, beside the saved payloads.

A journey is one YAML file, ``<folder>/<name>.journey.yaml``, in the same folder
tree as the saved requests (:mod:`workbench.store.collections`), so a journey can
name a saved payload of its folder with ``send: {file: "My payload.json"}`` and
both are reviewed and versioned together. Names and folders are checked with the
collections' rules before anything touches the disk; nothing is overwritten
unless asked (:class:`~workbench.store.collections.NameTakenError`); files are
written atomically. The journeys the app ships (``resources/journeys``) are
listed too, read-only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from workbench.resources import resource_path
from workbench.store.atomic import atomic_write_bytes
from workbench.store.collections import (
    CollectionError,
    NameTakenError,
    ReadOnlyTemplateError,
    check_folder,
    check_name,
)

__all__ = ["JOURNEY_SUFFIX", "JourneyFile", "JourneyFiles"]

JOURNEY_SUFFIX = ".journey.yaml"
EXAMPLES_FOLDER = "Examples"


@dataclass(frozen=True)
class JourneyFile:
    """Where one journey lives; ``read_only`` for the shipped examples."""

    name: str
    folder: str
    path: Path
    read_only: bool = False

    @property
    def label(self) -> str:
        return f"{self.folder}/{self.name}" if self.folder else self.name


class JourneyFiles:
    """The journeys under *folder* (the collections folder) plus the shipped examples."""

    def __init__(self, folder: str | os.PathLike[str], *, examples_dir: Path | None = None) -> None:
        self.folder = Path(folder)
        self.examples_dir = examples_dir or resource_path("journeys")

    def path_of(self, name: str, folder: str = "") -> Path:
        folder = check_folder(folder)
        directory = self.folder.joinpath(*folder.split("/")) if folder else self.folder
        return directory / f"{check_name(name)}{JOURNEY_SUFFIX}"

    def examples(self) -> list[JourneyFile]:
        if not self.examples_dir.is_dir():
            return []
        return [
            JourneyFile(p.name.removesuffix(".yaml"), EXAMPLES_FOLDER, p, read_only=True)
            for p in sorted(self.examples_dir.glob("*.yaml"))
        ]

    def list(self) -> list[JourneyFile]:
        """The user's journeys (sorted by folder, then name), then the shipped examples."""
        found: list[JourneyFile] = []
        if self.folder.is_dir():
            for path in self.folder.rglob(f"*{JOURNEY_SUFFIX}"):
                relative = path.parent.relative_to(self.folder)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                name = path.name[: -len(JOURNEY_SUFFIX)]
                found.append(JourneyFile(name, "/".join(relative.parts), path))
        found.sort(key=lambda f: (f.folder.casefold(), f.name.casefold()))
        return [*found, *self.examples()]

    def read(self, file: JourneyFile) -> str:
        return file.path.read_text(encoding="utf-8")

    def save(self, name: str, folder: str, text: str, *, overwrite: bool = False) -> JourneyFile:
        """Write a journey (atomically); :class:`NameTakenError` when it exists and not
        *overwrite*; :class:`CollectionError` for a bad name or folder."""
        path = self.path_of(name, folder)
        if path.exists() and not overwrite:
            raise NameTakenError(f"a journey named {name!r} exists already in this folder")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, text.encode("utf-8"))
        except OSError as exc:
            raise CollectionError(f"cannot save {path}: {exc.strerror or exc}") from exc
        return JourneyFile(check_name(name), check_folder(folder), path)

    def delete(self, file: JourneyFile) -> None:
        if file.read_only:
            raise ReadOnlyTemplateError("the shipped example journeys cannot be deleted")
        try:
            file.path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise CollectionError(f"cannot delete {file.path}: {exc.strerror or exc}") from exc
