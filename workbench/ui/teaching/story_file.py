"""Story files for presenter mode: a demo-style story, or any journey file.

A story file is ``{"title", "steps": [{"title", "explain", "events", "context"?}]}``
(the demo pack's ``resources/demo/story.json`` has that shape); anything else is
read as a journey (YAML or JSON, the format ``workbench run`` runs).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workbench.core.flow.demo import DemoStep
from workbench.core.journey.model import parse_journey
from workbench.core.journey.presenting import JourneyScene, journey_scenes

__all__ = ["PresenterStep", "load_story_file"]

#: A step the presenter can tell: one of a story file's or one of a journey's.
PresenterStep = DemoStep | JourneyScene


def _is_story(data: Any) -> bool:
    """A story file's steps have ``events``; a journey's have ``send``."""
    steps = data.get("steps") if isinstance(data, dict) else None
    if not isinstance(steps, list):
        return False
    return not any(isinstance(s, dict) and ("send" in s or "expect" in s) for s in steps)


def load_story_file(path: str | Path) -> tuple[str, tuple[PresenterStep, ...]]:
    """A story file (``{"title", "steps": [{"title", "explain", "events", "context"?}]}``)
    or a journey file (YAML or JSON). ``ValueError`` says what is wrong and where."""
    path = Path(path)
    raw = path.read_bytes()
    try:
        data: Any = json.loads(raw)
    except ValueError:
        data = None  # not JSON: a YAML journey, or nothing we read
    if not _is_story(data):
        journey = parse_journey(raw.decode("utf-8"), base_dir=path.parent, source=str(path))
        if not journey.steps:
            raise ValueError(f"{path.name}: the journey has no steps")
        return journey.name, journey_scenes(journey)
    if not data["steps"]:
        raise ValueError("a story file is a JSON object with a non-empty 'steps' list")
    steps = []
    for index, step in enumerate(data["steps"]):
        events = step.get("events") if isinstance(step, dict) else None
        if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
            raise ValueError(f"steps[{index}].events: expected a list of event objects")
        steps.append(
            DemoStep(
                title=str(step.get("title") or f"Step {index + 1}"),
                explain=str(step.get("explain", "")),
                events=tuple(events),
                context=step.get("context") if isinstance(step.get("context"), dict) else None,
            )
        )
    return str(data.get("title") or Path(path).stem), tuple(steps)
