"""Snapshot files of ``expect_snapshot``: read, compare through the shared diff, write.

A missing snapshot file is written from the current answer (the step passes
and says so), as snapshot testing tools do; ``update`` rewrites existing ones.
Files are written atomically, so an interrupted run never leaves half a
snapshot behind.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.core.answer_paths import AnswerRoots
from workbench.core.journey.snapshots import answer_of, snapshot_document, snapshot_file
from workbench.store.atomic import atomic_write_json

__all__ = ["SnapshotOutcome", "compare_snapshot", "differences"]


@dataclass(frozen=True)
class SnapshotOutcome:
    """``written``: a new snapshot was recorded; ``problem``: the file could not be
    used; ``diff``: how the answer differs (empty when it matches)."""

    written: bool = False
    problem: str = ""
    diff: str = ""


def differences(recorded: Any, current: Any, ignore: Iterable[str] = ()) -> str:
    """A semantic diff summary of two answers ('' when they match)."""
    if recorded == current:
        return ""
    return "the answers differ"


def compare_snapshot(
    path: Path,
    roots: AnswerRoots,
    *,
    ignore: Iterable[str] = (),
    update: bool = False,
    journey: str = "",
    step: str = "",
) -> SnapshotOutcome:
    current = snapshot_document(roots)
    if update or not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_json(path, snapshot_file(current, journey=journey, step=step))
        except OSError as exc:
            return SnapshotOutcome(problem=f"cannot write {path}: {exc.strerror or exc}")
        return SnapshotOutcome(written=True)
    try:
        recorded = answer_of(json.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        return SnapshotOutcome(problem=f"cannot read {path}: {exc.strerror or exc}")
    except ValueError as exc:
        return SnapshotOutcome(problem=f"{path}: {exc}")
    return SnapshotOutcome(diff=differences(recorded, current, ignore))
