"""A journey document made to run from another folder: payload files inlined.

A step may send ``{"file": "payload.json"}``, read relative to the journey's folder.
Saved elsewhere, the reference would break, so the payload is put in the step.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from workbench.core.journey.model import JourneyError, parse_journey
from workbench.core.journey.source import dump_text

__all__ = ["portable_document"]


def portable_document(
    document: dict[str, Any], base_dir: Path | None, target_dir: Path | None
) -> dict[str, Any]:
    """A copy of *document* (read from *base_dir*) that runs from *target_dir*.

    Steps whose payload file cannot be read are left as written (a run reports them).
    """
    moved = copy.deepcopy(document)
    if base_dir is None or target_dir is None or base_dir == target_dir:
        return moved
    for step in moved.get("steps") or []:
        send = step.get("send") if isinstance(step, dict) else None
        if isinstance(send, dict) and set(send) == {"file"} and isinstance(send["file"], str):
            try:
                parsed = parse_journey(dump_text({"steps": [{"send": send}]}), base_dir=base_dir)
            except JourneyError:
                continue
            step["send"] = parsed.steps[0].payload
    return moved
