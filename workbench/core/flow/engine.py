"""Run the event flow for one request: validate, map into the profile, recompute segments.

:func:`run_flow` is pure apart from changing the profile and events it is
given (the collector stores them afterwards). It never raises for anything a
client or a rule author can cause: failures become log records and entries in
the execution trace, and the rest of the request still completes. The result
holds exactly what the debugger shows: per-event validity, which rules ran and
what they changed (before → after, duration), which did not match and why,
segments entered and left, and a profile diff for the whole request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import compress
from typing import Any

from workbench.core.flow.explain import failed_parts
from workbench.core.flow.model import FlowConfig, MappingRule
from workbench.core.flow.operations import Change, OperationFailed, OperationSkipped
from workbench.core.flow.paths import MISSING, detach_path

__all__ = ["FlowResult", "log_record", "run_flow"]

_MODULE = "workbench.core.flow"


@dataclass(slots=True)
class FlowResult:
    """What one request's flow did (JSON-ready dicts, shaped for the ``debugging`` block)."""

    #: Set in strict mode when an event is invalid: the request must be answered 406 with it.
    rejected: str | None = None
    #: Per event: ``{"id", "type", "valid", "errors": [issue dicts]}``.
    events: list[dict[str, Any]] = field(default_factory=list)
    #: The ``execution`` section (``{}`` when no flow is configured).
    execution: dict[str, Any] = field(default_factory=dict)
    #: The ``segmentation`` section: ``{"errors", "ids", "entered", "left"}``.
    segmentation: dict[str, Any] = field(default_factory=lambda: {"errors": [], "ids": []})
    #: Console records in Tracardi's shape.
    logs: list[dict[str, Any]] = field(default_factory=list)
    #: ``{"added": [...], "changed": [...], "removed": [...]}`` for this request.
    profile_diff: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {"added": [], "changed": [], "removed": []}
    )

    @property
    def profile_changed(self) -> bool:
        return any(self.profile_diff.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "rejected": self.rejected,
            "events": self.events,
            "execution": self.execution,
            "segmentation": self.segmentation,
            "logs": self.logs,
            "profile_diff": self.profile_diff,
        }


def log_record(
    message: str,
    *,
    level: str = "warning",
    origin: str,
    class_name: str,
    event_id: str | None = None,
    profile_id: str | None = None,
    timestamp: str | None = None,
) -> dict[str, Any]:
    """A console record in Tracardi's shape, so remote and embedded logs read alike."""
    return {
        "metadata": {"timestamp": timestamp or _now()},
        "event_id": event_id,
        "flow_id": None,
        "node_id": None,
        "profile_id": profile_id,
        "origin": origin,
        "class_name": class_name,
        "module": _MODULE,
        "type": level,
        "message": message,
        "traceback": [],
    }


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 3)


class _Run:
    def __init__(
        self,
        config: FlowConfig,
        profile: dict[str, Any] | None,
        session: dict[str, Any] | None,
        now: str | None,
        trace: bool = True,
    ) -> None:
        self.trace = trace
        self.config = config
        self.profile = profile
        self.session = session
        self.now = now  # None: the time of the first log record (most requests log nothing)
        self.profile_id = profile.get("id") if isinstance(profile, dict) else None
        self.result = FlowResult()
        self.changes: list[Change] = []
        # Containers of the profile this run has copied (copy-on-write; see detach_path).
        self.owned: set[int] = set()

    def _log_condition_errors(
        self, rule: MappingRule, errors: list[str], event: dict[str, Any]
    ) -> None:
        for error in errors:
            self.log(
                f"rule {rule.id!r}: condition could not be fully evaluated: {error}",
                origin="mapping",
                class_name="MappingRule",
                event_id=event.get("id"),
            )

    def log(
        self,
        message: str,
        *,
        origin: str,
        class_name: str,
        level: str = "warning",
        event_id: str | None = None,
    ) -> None:
        self.result.logs.append(
            log_record(
                message,
                level=level,
                origin=origin,
                class_name=class_name,
                event_id=event_id,
                profile_id=self.profile_id,
                timestamp=self._timestamp(),
            )
        )

    def _timestamp(self) -> str:
        if self.now is None:
            self.now = _now()
        return self.now

    # -- validation -----------------------------------------------------------------------

    def validate(self, events: list[dict[str, Any]]) -> list[bool]:
        verdicts = []
        reports = self.result.events
        schema_for = self.config.schema_for
        for index, event in enumerate(events):
            event_type = event.get("type", "")
            if type(event_type) is not str:
                event_type = str(event_type)
            schema = schema_for(event_type)
            issues = schema.validate(event) if schema is not None else ()
            valid = not issues
            verdicts.append(valid)
            metadata = event.get("metadata", MISSING)
            if metadata is MISSING:
                metadata = event["metadata"] = {}
            if isinstance(metadata, dict):
                metadata["valid"] = valid
            reports.append(
                {
                    "id": event.get("id"),
                    "type": event_type,
                    "index": index,
                    "valid": valid,
                    "validated": schema is not None,
                    "errors": [issue.as_dict() for issue in issues] if issues else [],
                }
            )
            if valid:
                continue
            for issue in issues:
                self.log(
                    f"event {event_type!r} (events[{index}]) is invalid: {issue.message} "
                    f"[rule: {issue.keyword}]",
                    origin="validation",
                    class_name="EventValidator",
                    event_id=event.get("id"),
                )
        return verdicts

    def rejection(self) -> str:
        parts = []
        for report in self.result.events:
            if report["valid"]:
                continue
            messages = "; ".join(error["message"] for error in report["errors"])
            parts.append(f"events[{report['index']}] ({report['type']}): {messages}")
        return "Validation failed with error: " + " | ".join(parts)

    # -- mapping --------------------------------------------------------------------------

    def map_event(self, event: dict[str, Any], valid: bool) -> dict[str, Any]:
        event_type = str(event.get("type", ""))
        trace: dict[str, Any] = {
            "id": event.get("id"),
            "type": event_type,
            "valid": valid,
            "rules": [],
        }
        if not valid:
            trace["skipped"] = "the event is invalid, so mapping rules were not run"
            return trace
        if self.profile is None:
            trace["skipped"] = "profile-less request: there is no profile to map into"
            return trace
        roots = {"event": event, "session": self.session, "profile": self.profile}
        ran: list[str] = []
        for rule in self.config.rules_for(event_type):
            entry = self.run_rule(rule, roots, event)
            trace["rules"].append(entry)
            if entry["matched"]:
                ran.append(rule.id)
        _note_rules(event, ran)
        return trace

    def map_event_quietly(self, event: dict[str, Any], valid: bool) -> None:
        """:meth:`map_event` without the trace (no debugger): same effects, same failure logs.

        The rules' conditions and operations run as compiled for the quiet path
        (:attr:`MappingRule.quick_condition`, :attr:`MappingRule.quick_operations`).
        """
        profile = self.profile
        if not valid or profile is None:
            return
        rules = self.config.rules_for(str(event.get("type", "")))
        if not rules:
            return
        owned = self.owned
        roots = {"event": event, "session": self.session, "profile": profile}
        ran: list[str] = []
        for rule in rules:
            if not rule.enabled:
                continue
            quick = rule.quick_condition
            if quick is not None:
                holds = quick(roots)[0]
                if holds is None:  # not sure: the evaluator decides and says why
                    assert rule.condition is not None
                    errors: list[str] = []
                    holds = rule.condition.holds(roots, errors)
                    self._log_condition_errors(rule, errors, event)
                if not holds:
                    continue
            for operation, apply in rule.quick_operations:
                try:
                    apply(profile, roots, owned)
                except OperationFailed as exc:
                    self.log(
                        f"rule {rule.id!r}: {operation.describe()} failed: {exc}",
                        level="error",
                        origin="mapping",
                        class_name="MappingRule",
                        event_id=event.get("id"),
                    )
            ran.append(rule.id)
        if ran:
            _note_rules(event, ran)

    def run_rule(
        self, rule: MappingRule, roots: dict[str, Any], event: dict[str, Any]
    ) -> dict[str, Any]:
        start = time.perf_counter()
        entry: dict[str, Any] = {"id": rule.id, "name": rule.name or rule.id, "matched": False}
        if not rule.enabled:
            entry["reason"] = "the rule is disabled"
            entry["duration_ms"] = _ms(start)
            return entry
        if rule.condition is not None:
            holds, errors = rule.condition.evaluate(roots)
            if errors:
                entry["errors"] = errors
                self._log_condition_errors(rule, errors, event)
            if not holds:
                entry["reason"] = f"condition is false: {rule.condition.text}"
                # Which parts failed, with the values: what a "nearest miss" is made of.
                entry["failed"] = failed_parts(rule.condition, roots)
                entry["duration_ms"] = _ms(start)
                return entry
        entry["matched"] = True
        changes: list[dict[str, Any]] = []
        skipped: list[dict[str, Any]] = []
        failures: list[dict[str, Any]] = []
        assert self.profile is not None
        for operation in rule.operations:
            detach_path(self.profile, operation.target.keys, self.owned)
            try:
                change = operation.apply(self.profile, roots)
            except OperationSkipped as exc:
                skipped.append({"operation": operation.describe(), "reason": str(exc)})
                continue
            except OperationFailed as exc:
                failures.append({"operation": operation.describe(), "error": str(exc)})
                self.log(
                    f"rule {rule.id!r}: {operation.describe()} failed: {exc}",
                    level="error",
                    origin="mapping",
                    class_name="MappingRule",
                    event_id=event.get("id"),
                )
                continue
            if change is None:
                skipped.append({"operation": operation.describe(), "reason": "value unchanged"})
            else:
                self.changes.append(change)
                changes.append(change.to_dict())
        entry["changes"] = changes
        if skipped:
            entry["skipped"] = skipped
        if failures:
            entry["failures"] = failures
        entry["duration_ms"] = _ms(start)
        return entry

    # -- segmentation ---------------------------------------------------------------------

    def segment(self) -> None:
        profile = self.profile
        if profile is None:
            self.result.segmentation = {
                "errors": [],
                "ids": [],
                "entered": [],
                "left": [],
                "skipped": "profile-less request: no profile to segment",
            }
            return
        current = profile.get("segments")
        roots = {"profile": profile}
        errors: list[str] = []
        answers = self.config.segment_predicates(roots)
        if None not in answers:  # every answer is sure (the usual case)
            matched = list(compress(self.config.enabled_segment_order, answers))
        else:
            matched = self._segments_with_evaluators(roots, answers, errors)
        if type(current) is list and current == matched:
            # The usual request: the profile stays in the segments it was in (all of
            # them evaluated here), so nothing is entered, left or written.
            self.result.segmentation = {"errors": errors, "ids": matched, "entered": [], "left": []}
            return
        before = [s for s in current if isinstance(s, str)] if isinstance(current, list) else []
        managed = self.config.enabled_segment_ids
        after = [s for s in before if s not in managed] + matched
        entered = [s for s in matched if s not in before]
        left = [s for s in before if s in managed and s not in matched]
        if after != before or not isinstance(current, list):
            profile["segments"] = after
            self.changes.append(Change("profile@segments", before, list(after), "segmentation"))
        self.result.segmentation = {
            "errors": errors,
            "ids": after,
            "entered": entered,
            "left": left,
        }
        if not self.trace:
            return
        for segment_id in entered:
            self.log(
                f"profile entered segment {segment_id!r}",
                level="info",
                origin="segmentation",
                class_name="Segmentation",
            )
        for segment_id in left:
            self.log(
                f"profile left segment {segment_id!r}",
                level="info",
                origin="segmentation",
                class_name="Segmentation",
            )

    def _segments_with_evaluators(
        self, roots: dict[str, Any], answers: tuple[bool | None, ...], errors: list[str]
    ) -> list[str]:
        """The matched segments when some answers are not sure: their evaluators decide,
        and what they report goes into *errors* and the log."""
        matched: list[str] = []
        problems: list[str] = []
        for (segment_id, holds), answer in zip(self.config.segment_checks, answers, strict=True):
            if answer is None:
                answer = holds(roots, problems)
            if answer:
                matched.append(segment_id)
            if problems:
                for problem in problems:
                    message = f"segment {segment_id!r}: {problem}"
                    errors.append(message)
                    self.log(message, origin="segmentation", class_name="Segmentation")
                problems.clear()
        return matched

    # -- diff -----------------------------------------------------------------------------

    def diff(self) -> dict[str, list[dict[str, Any]]]:
        first: dict[str, Any] = {}
        last: dict[str, Any] = {}
        for change in self.changes:
            first.setdefault(change.path, change.before)
            last[change.path] = change.after
        out: dict[str, list[dict[str, Any]]] = {"added": [], "changed": [], "removed": []}
        for path, before in first.items():
            after = last[path]
            if before is MISSING and after is not MISSING:
                out["added"].append({"path": path, "value": after})
            elif after is MISSING and before is not MISSING:
                out["removed"].append({"path": path, "value": before})
            elif before is not MISSING and (before != after or type(before) is not type(after)):
                out["changed"].append({"path": path, "before": before, "after": after})
        return out


def _note_rules(event: dict[str, Any], ran: list[str]) -> None:
    """Add *ran* to the event's ``metadata.processed_by.rules``.

    The ``processed_by`` object is replaced, not changed: the event's metadata
    is the caller's own copy, but what it holds may be shared with a stored event.
    """
    metadata = event.get("metadata")
    if not ran or not isinstance(metadata, dict):
        return
    processed = metadata.setdefault("processed_by", {})
    if not isinstance(processed, dict):
        return
    own = dict(processed)
    rules = own.get("rules")
    if isinstance(rules, list):
        own["rules"] = [*rules, *ran]
    else:
        own.setdefault("rules", []).extend(ran)
    metadata["processed_by"] = own


def run_flow(
    config: FlowConfig,
    profile: dict[str, Any] | None,
    session: dict[str, Any] | None,
    events: list[dict[str, Any]],
    *,
    strict: bool = False,
    now: str | None = None,
    trace: bool = True,
) -> FlowResult:
    """Validate *events*, apply *config*'s rules to *profile*, recompute its segments.

    *profile* and the events are changed in place (``metadata.valid``,
    ``metadata.processed_by.rules``, the mapped fields, ``segments``), but
    only the top level of *profile*: nested objects are copied before they are
    written (copy-on-write), so a shallow copy of a stored profile is enough. In
    *strict* mode an invalid event stops everything before any change to the
    profile and :attr:`FlowResult.rejected` holds the 406 message. Without
    *trace* (no debugger) rules and segments have the same effects and failures
    are still logged, but no execution trace, info records or profile diff are
    built (``execution`` stays ``{}``): that keeps the request cheap.
    """
    run = _Run(config, profile, session, now, trace)
    result = run.result
    verdicts = run.validate(events)
    if strict and not all(verdicts):
        result.rejected = run.rejection()
        return result
    if config.empty:
        if isinstance(profile, dict) and isinstance(profile.get("segments"), list):
            result.segmentation["ids"] = list(profile["segments"])
        return result
    start = time.perf_counter() if trace else 0.0
    traces: list[dict[str, Any]] = []
    if trace:
        for event, valid in zip(events, verdicts, strict=True):
            traces.append(run.map_event(event, valid))
    else:
        for event, valid in zip(events, verdicts, strict=True):
            run.map_event_quietly(event, valid)
    if config.segments:
        run.segment()
    else:
        segments = profile.get("segments") if isinstance(profile, dict) else None
        ids = list(segments) if isinstance(segments, list) else []
        result.segmentation = {"errors": [], "ids": ids, "entered": [], "left": []}
    if not trace:
        return result
    result.profile_diff = run.diff()
    result.execution = {
        "events": traces,
        "rules_matched": sum(1 for t in traces for r in t["rules"] if r["matched"]),
        "profile_diff": result.profile_diff,
        "duration_ms": _ms(start),
    }
    return result
