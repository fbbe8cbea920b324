"""Snapshot files of ``expect_snapshot``: read, compare through the shared diff, write.

A missing snapshot file is written from the current answer (the step passes
and says so), as snapshot testing tools do; ``update`` rewrites existing ones.
Files are written atomically, so an interrupted run never leaves half a
snapshot behind.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.answer_paths import AnswerRoots
from workbench.core.diff import DiffResult
from workbench.core.journey.snapshots import (
    answer_of,
    compare_answers,
    snapshot_document,
    snapshot_file,
)
from workbench.store.atomic import atomic_write_json

__all__ = ["SnapshotOutcome", "compare_snapshot"]


@dataclass(frozen=True)
class SnapshotOutcome:
    """``written``: a new snapshot was recorded; ``problem``: the file could not be
    used; ``diff``: how the current answer differs from the recorded one."""

    written: bool = False
    problem: str = ""
    diff: DiffResult | None = field(default=None)

    @property
    def equal(self) -> bool:
        return self.diff is None or self.diff.equal


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
    return SnapshotOutcome(diff=compare_answers(recorded, current, ignore))
