"""A journey told to a class: its steps as presenter mode shows, sends and checks them.

Presenter mode steps through a journey file the way ``workbench run`` does, one
key press per step, but in front of people: each :class:`JourneyScene` has a
title (the step's name) and a sentence saying what it sends and what the
journey expects of the answer. :func:`render_payload` expands the step's
``{{variables}}`` (the journey's, then the values earlier steps captured, then
the built-ins ``{{profile.id}}``, ``{{uuid}}``…) just before the send, and
:func:`check_scene` reads the answer the window received: every expectation as a
line (✓ or ✗ with what was there) and the values the step captures for the
steps after it. ``wait`` and ``expect_snapshot`` are for CI runs and are not
checked here: a scene that has them says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workbench.core.answer_paths import MISSING, AnswerRoots
from workbench.core.journey.expectations import _expected_text  # a failure's own wording
from workbench.core.journey.model import Journey, Step
from workbench.core.variables import VariableContext, VariableError, expand, has_variables

__all__ = ["JourneyScene", "SceneVerdict", "check_scene", "journey_scenes", "render_payload"]


@dataclass(frozen=True)
class JourneyScene:
    """One journey step as the presenter shows it."""

    title: str
    explain: str
    step: Step
    index: int
    variables: Mapping[str, str] = field(default_factory=dict)

    @property
    def route(self) -> str:
        """``track``, ``profile-less`` or ``collect``."""
        return self.step.route.kind


@dataclass(frozen=True)
class SceneVerdict:
    """What the answer showed: a line per expectation and the values captured."""

    lines: tuple[str, ...] = ()
    passed: bool = True
    captured: Mapping[str, Any] = field(default_factory=dict)


def _event_types(payload: Any) -> list[str]:
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        return []
    return [str(e.get("type")) for e in payload["events"] if isinstance(e, dict) and e.get("type")]


def _explain(step: Step) -> str:
    types = _event_types(step.payload)
    if step.route.kind == "collect":
        sends = f"Sends one {step.route.event_type or 'event'} to {step.route.text}"
    elif types:
        sends = f"Sends {', '.join(types)}"
        if step.route.kind == "profile-less":
            sends += " without a profile"
    else:
        sends = "Sends the request"
    if step.forget_profile:
        sends += ", as a new visitor (the profile is forgotten)"
    elif step.new_visit:
        sends += ", in a new visit"
    parts = [sends + "."]
    if step.expect:
        parts.append(f"The journey expects {len(step.expect)} thing(s) of the answer.")
    if step.capture:
        parts.append(f"It keeps {', '.join(sorted(step.capture))} for the next steps.")
    if step.wait is not None or step.snapshot is not None or step.headers:
        parts.append("(Its wait, snapshot and header settings apply in `workbench run`, not here.)")
    return " ".join(parts)


def journey_scenes(journey: Journey) -> tuple[JourneyScene, ...]:
    """Every step of *journey*, in order, with a title and a sentence for a class."""
    scenes = []
    for index, step in enumerate(journey.steps):
        explain = _explain(step)
        if index == 0 and journey.description:
            explain = f"{journey.description.strip()}\n{explain}"
        scenes.append(JourneyScene(step.name, explain, step, index, journey.variables))
    return tuple(scenes)


def render_payload(
    scene: JourneyScene,
    variables: Mapping[str, Any],
    *,
    profile_id: str | None = None,
    session_id: str | None = None,
) -> Any:
    """The step's payload with every ``{{placeholder}}`` expanded.

    Raises :class:`~workbench.core.variables.VariableError` naming the placeholder
    and where it is when a value is unknown (e.g. a capture of a step not yet run).
    """
    payload = scene.step.payload
    if not has_variables(payload):
        return payload
    context = VariableContext(
        profile_id=profile_id,
        session_id=session_id,
        user={str(k): v for k, v in variables.items()},
    )
    return expand(payload, context, location=f"steps[{scene.index}].send")


def check_scene(
    scene: JourneyScene,
    exchange: Mapping[str, Any],
    variables: Mapping[str, Any],
    *,
    profile: Mapping[str, Any] | None = None,
) -> SceneVerdict:
    """Check the step's expectations against *exchange* (its dict form) and capture.

    *profile* is the profile as stored after the request (``profile@…``); without
    it the debug view's copy is used.
    """
    roots = AnswerRoots.from_exchange_dict(exchange, profile=profile)
    context = VariableContext(user={str(k): v for k, v in variables.items()})
    lines: list[str] = []
    passed = True
    for expectation in scene.step.expect:
        where = expectation.path.text
        if has_variables(expectation.raw):
            try:
                expectation = expectation.with_raw(expand(expectation.raw, context, location=where))
            except (VariableError, ValueError) as exc:
                lines.append(f"✗ {where}: {exc}")
                passed = False
                continue
        failure = expectation.check(roots.resolve(expectation.path))
        if failure is None:
            wanted = " and ".join(_expected_text(check) for check in expectation.checks)
            lines.append(f"✓ {where}: {wanted}")
        else:
            lines.append(f"✗ {failure}")
            passed = False
    captured: dict[str, Any] = {}
    for name, path in scene.step.capture.items():
        value = roots.resolve(path)
        if value is MISSING:
            lines.append(f"✗ capture {name}: {path.text} has no value")
            passed = False
        else:
            captured[name] = value
    return SceneVerdict(tuple(lines), passed, captured)
