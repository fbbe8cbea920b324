"""Running a journey: send each step, wait, read the stored documents, check, capture.

:class:`JourneyRunner` is Qt-free and blocking (the window runs it in its task
runner, ``workbench run`` calls it directly). Each run starts as a first visit:
it has its own :class:`workbench.client.IdentityMemory`, so the profile id the
server returns is filled into the next step's payload and the session is kept
until a step says ``new_visit`` (or ``forget_profile``), as Tracardi's JS
tracker does. Variables are the journey's, then the caller's (``--var``), then
the values captured by earlier steps.

Reading ``profile@…``/``session@…`` costs a read, so it happens only for steps
that use those roots: from the collector's store when the runner was handed one
(the embedded collector), else from the debug view's stored data, else by an
admin read from the target.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Protocol

import httpx

from workbench.client import CancelToken, IdentityMemory, RequestSpec, Sender, SendResult
from workbench.core.answer_paths import MISSING, AnswerRoots
from workbench.core.journey.expectations import Failure
from workbench.core.journey.model import Journey, Step
from workbench.core.journey.snapshots import snapshot_failures
from workbench.core.variables import VariableContext, VariableError, expand, has_variables
from workbench.journeys.snapshots import compare_snapshot
from workbench.settings import TargetSettings

__all__ = [
    "DocumentReader",
    "JourneyResult",
    "JourneyRunner",
    "StepResult",
]


class DocumentReader(Protocol):
    """Where stored profiles and sessions are read (the embedded collector's store)."""

    def get_profile(self, profile_id: str) -> dict[str, Any] | None: ...

    def get_session(self, session_id: str) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class StepResult:
    """The outcome of one step. ``failures`` are expectations that did not hold;
    ``problems`` are reasons the step could not be checked (the request failed,
    a wait timed out, a capture found nothing). ``exchange`` is what was sent
    and answered (``None`` when nothing was sent)."""

    index: int
    step: Step
    failures: tuple[Failure, ...] = ()
    problems: tuple[str, ...] = ()
    exchange: SendResult | None = None
    captured: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    duration_ms: float = 0.0
    skipped: bool = False

    @property
    def passed(self) -> bool:
        return not self.skipped and not self.failures and not self.problems

    @property
    def status_word(self) -> str:
        return "skipped" if self.skipped else "passed" if self.passed else "failed"

    def messages(self) -> list[str]:
        """Every reason the step failed, one line each."""
        return [*self.problems, *(str(f) for f in self.failures)]


@dataclass(frozen=True)
class JourneyResult:
    """The outcome of a journey run, step by step."""

    journey: Journey
    steps: tuple[StepResult, ...]
    duration_ms: float = 0.0
    cancelled: bool = False

    @property
    def passed(self) -> bool:
        return not self.cancelled and all(s.passed for s in self.steps)

    @property
    def counts(self) -> dict[str, int]:
        out = {"passed": 0, "failed": 0, "skipped": 0}
        for step in self.steps:
            out[step.status_word] += 1
        return out


StepCallback = Callable[[StepResult], None]


class JourneyRunner:
    """Runs journeys against one target with one :class:`Sender` per run.

    ``documents``: a store to read ``profile@``/``session@`` from (the embedded
    collector's); ``variables``: values for ``{{name}}`` that override the
    journey's (the CLI's ``--var``); ``update_snapshots``: rewrite snapshot files
    with the new answers instead of comparing.
    """

    def __init__(
        self,
        target: TargetSettings,
        *,
        documents: DocumentReader | None = None,
        variables: Mapping[str, str] | None = None,
        update_snapshots: bool = False,
        sender_factory: Callable[[IdentityMemory], Sender] | None = None,
    ) -> None:
        self.target = target
        self.documents = documents
        self.variables = dict(variables or {})
        self.update_snapshots = update_snapshots
        self._sender_factory = sender_factory or (lambda identity: Sender(identity=identity))

    def run(
        self,
        journey: Journey,
        *,
        cancel: CancelToken | None = None,
        on_step: StepCallback | None = None,
        bail: bool = False,
    ) -> JourneyResult:
        """Run every step in order; with *bail*, the steps after a failure are skipped."""
        start = time.perf_counter()
        identity = IdentityMemory()
        results: list[StepResult] = []
        captured: dict[str, Any] = {}
        variables: dict[str, Any] = {**journey.variables, **self.variables}
        stop = False
        cancelled = False
        with self._sender_factory(identity) as sender:
            for index, step in enumerate(journey.steps):
                if cancel is not None and cancel.cancelled:
                    cancelled = True
                if stop or cancelled:
                    result = StepResult(index, step, skipped=True)
                else:
                    result = _StepRun(self, sender, identity, journey, step, index).run(
                        {**variables, **captured}, cancel
                    )
                    captured.update(result.captured)
                    if cancel is not None and cancel.cancelled:
                        cancelled = True
                    stop = bail and not result.passed
                results.append(result)
                if on_step is not None:
                    on_step(result)
        return JourneyResult(
            journey, tuple(results), (time.perf_counter() - start) * 1000.0, cancelled
        )


def _debug_dict(result: SendResult) -> dict[str, Any] | None:
    view = result.view
    if view is None:
        return None
    # Field by field, without DebugView.to_dict()'s deep copy (answers can be large).
    data = {f.name: getattr(view, f.name) for f in fields(view)}
    data["verdict"] = view.verdict()
    return data


class _StepRun:
    """One step's run: the state it builds up, in order."""

    def __init__(
        self,
        runner: JourneyRunner,
        sender: Sender,
        identity: IdentityMemory,
        journey: Journey,
        step: Step,
        index: int,
    ) -> None:
        self.runner = runner
        self.sender = sender
        self.identity = identity
        self.journey = journey
        self.step = step
        self.index = index
        self.problems: list[str] = []
        self.notes: list[str] = []

    def run(self, variables: dict[str, Any], cancel: CancelToken | None) -> StepResult:
        start = time.perf_counter()
        step, target = self.step, self.runner.target
        try:
            spec = self.spec(variables)
        except (VariableError, ValueError) as exc:
            return self.done(start, problems=[f"cannot build the request: {exc}"])
        if step.forget_profile:
            self.identity.forget_profile(target, spec.source_id)
        elif step.new_visit:
            self.identity.new_visit(target, spec.source_id)
        result = self.sender.send(target, spec, cancel=cancel)
        if result.error is not None:
            if result.error.kind == "cancelled":
                return self.done(start, exchange=result, problems=["cancelled"])
            if result.status is None or not step.expects_status:
                self.problems.append(f"request failed: {result.error}")
        if step.wait is not None and result.error is None:
            self.wait(cancel)
        roots = self.roots(result)
        failures: list[Failure] = []
        if result.status is not None:
            context = self.context(variables)
            for expectation in step.expect:
                if has_variables(expectation.raw):
                    where = expectation.path.text
                    try:
                        expectation = expectation.with_raw(
                            expand(expectation.raw, context, location=where)
                        )
                    except (VariableError, ValueError) as exc:
                        self.problems.append(f"{expectation.path.text}: {exc}")
                        continue
                failure = expectation.check(roots.resolve(expectation.path))
                if failure is not None:
                    failures.append(failure)
        captured: dict[str, Any] = {}
        for name, path in step.capture.items():
            value = roots.resolve(path)
            if value is MISSING:
                self.problems.append(f"capture {name}: {path.text} has no value")
            else:
                captured[name] = value
        if step.snapshot is not None and result.status is not None:
            failures.extend(self.snapshot(roots))
        return self.done(start, exchange=result, failures=failures, captured=captured)

    def done(
        self,
        start: float,
        *,
        exchange: SendResult | None = None,
        problems: list[str] | None = None,
        failures: list[Failure] | None = None,
        captured: dict[str, Any] | None = None,
    ) -> StepResult:
        return StepResult(
            index=self.index,
            step=self.step,
            failures=tuple(failures or ()),
            problems=tuple([*self.problems, *(problems or [])]),
            exchange=exchange,
            captured=captured or {},
            notes=tuple(self.notes),
            duration_ms=(time.perf_counter() - start) * 1000.0,
        )

    # -- building the request ------------------------------------------------------------

    def context(self, variables: Mapping[str, Any]) -> VariableContext:
        return VariableContext(user=variables)

    def spec(self, variables: dict[str, Any]) -> RequestSpec:
        step = self.step
        route = step.route
        headers = dict(step.headers)
        if route.kind == "collect":
            context = self.context(variables)
            parts = [
                str(expand(p, context, location="route")) if p else None
                for p in (route.event_type, route.source_id, route.session_id)
            ]
            return RequestSpec(
                payload=step.payload,
                route="collect",
                collect_event_type=parts[0],
                collect_source_id=parts[1],
                collect_session_id=parts[2],
                headers=headers,
                variables=variables,
            )
        return RequestSpec(
            payload=step.payload,
            profile_less=route.kind == "profile-less",
            debugger=step.debugger,
            headers=headers,
            variables=variables,
        )

    # -- after the send ------------------------------------------------------------------

    def wait(self, cancel: CancelToken | None) -> None:
        wait = self.step.wait
        assert wait is not None
        target = self.runner.target
        params: dict[str, str] = {"count": str(wait.count), "timeout": f"{wait.timeout:g}"}
        if wait.event_type:
            params["type"] = wait.event_type
        url = target.base_url.rstrip("/") + "/_workbench/wait"
        try:
            response = self.sender.client_for(target).get(
                url, params=params, timeout=wait.timeout + max(5.0, target.timeout)
            )
        except httpx.HTTPError as exc:
            self.problems.append(f"wait: {exc}")
            return
        if response.status_code == 200:
            return
        if response.status_code == 404:
            self.problems.append(
                "wait needs a Workbench collector (GET /_workbench/wait answered 404)"
            )
            return
        try:
            detail = response.json().get("detail")
        except (ValueError, AttributeError):
            detail = None
        self.problems.append(f"wait: {detail or f'HTTP {response.status_code}'}")

    def roots(self, result: SendResult) -> AnswerRoots:
        debug = _debug_dict(result)
        profile = session = None
        if self.step.uses_root("profile"):
            profile = self.document("profile", result)
        if self.step.uses_root("session"):
            session = self.document("session", result)
        return AnswerRoots(
            status=result.status,
            time_ms=result.timings.get("total_ms"),
            headers=result.headers if result.status is not None else None,
            response=result.json if result.json is not None else result.body_text,
            has_response=result.status is not None,
            debug=debug,
            profile=profile,
            session=session,
        )

    def document(self, kind: str, result: SendResult) -> dict[str, Any] | None:
        view = result.view
        ident = None if view is None else view.profile_id if kind == "profile" else view.session_id
        if not ident:
            self.notes.append(f"{kind}@ has no value: the answer named no {kind} id")
            return None
        store = self.runner.documents
        if store is not None:
            found = store.get_profile(ident) if kind == "profile" else store.get_session(ident)
            if found is None:
                self.notes.append(f"{kind}@ has no value: {kind} {ident} is not stored")
            return found
        section = view.profile if kind == "profile" else view.session  # type: ignore[union-attr]
        data = section.get("data") if isinstance(section, dict) else None
        if isinstance(data, dict):
            return data
        try:
            read = self.sender.read(self.runner.target, kind, ident)
        except Exception as exc:  # any failure of an admin read is reported, not raised
            self.notes.append(f"{kind}@ has no value: reading {kind} {ident} failed: {exc}")
            return None
        return read if isinstance(read, dict) else None

    def snapshot(self, roots: AnswerRoots) -> list[Failure]:
        """Compare with (or record) the step's snapshot; one failure per difference."""
        snapshot = self.step.snapshot
        assert snapshot is not None
        path = self.journey.resolve(snapshot.file)
        outcome = compare_snapshot(
            path,
            roots,
            ignore=snapshot.ignore,
            update=self.runner.update_snapshots,
            journey=self.journey.name,
            step=self.step.name,
        )
        if outcome.written:
            self.notes.append(f"snapshot written to {path}")
        elif outcome.problem:
            self.problems.append(f"snapshot {snapshot.file}: {outcome.problem}")
        elif outcome.diff is not None and not outcome.diff.equal:
            self.notes.append(f"snapshot {snapshot.file}: {outcome.diff.summary()}")
            return snapshot_failures(outcome.diff, snapshot.file)
        return []
