"""A journey: named steps, each a payload to send and what its answer must show.

:func:`parse_journey` turns journey text into a :class:`Journey`, or raises
:class:`JourneyError` listing every problem with its field path
(``steps[1].expect.debug@profile.new``) and line. The text is checked against
``resources/schemas/journey.schema.json`` first, then each path, operator,
route and payload file is checked, so an invalid journey is rejected before
anything is sent. The model is pure: files named by ``send: {file: …}`` are read
through the *read_file* callable the caller passes (the journey's folder by
default).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final

from jsonschema import Draft202012Validator

from workbench.core.answer_paths import AnswerPath, AnswerPathError, parse_answer_path
from workbench.core.journey.expectations import (
    Expectation,
    ExpectationError,
    parse_expectation,
)
from workbench.core.journey.snapshots import diff_pattern
from workbench.core.journey.source import FieldPath, LoadedText, SourceError, load_text
from workbench.core.validation import Issue, format_path, validate_with
from workbench.resources import read_json_resource

__all__ = [
    "DEFAULT_WAIT_TIMEOUT",
    "JOURNEY_SCHEMA_FILE",
    "Journey",
    "JourneyError",
    "JourneyIssue",
    "Route",
    "Snapshot",
    "Step",
    "Wait",
    "journey_schema",
    "load_journey",
    "parse_journey",
    "parse_route",
]

JOURNEY_SCHEMA_FILE: Final = ("schemas", "journey.schema.json")
DEFAULT_WAIT_TIMEOUT: Final = 10.0


@dataclass(frozen=True, order=True)
class JourneyIssue:
    """One problem in a journey file: where (field path and line) and what."""

    path: FieldPath
    message: str
    line: int = 0

    @property
    def location(self) -> str:
        return format_path(self.path)

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line else ""
        return f"{self.location}{where}: {self.message}"


class JourneyError(ValueError):
    """A journey that cannot run; ``issues`` lists every problem found."""

    def __init__(self, issues: Sequence[JourneyIssue], source: str = "") -> None:
        self.issues = tuple(issues)
        self.source = source
        head = f"{source}: " if source else ""
        super().__init__(head + "; ".join(str(i) for i in self.issues))


@dataclass(frozen=True)
class Route:
    """Where a step sends: ``track``, ``profile-less`` or ``collect/TYPE/SOURCE[/SESSION]``."""

    kind: str = "track"
    event_type: str | None = None
    source_id: str | None = None
    session_id: str | None = None

    @property
    def text(self) -> str:
        if self.kind != "collect":
            return self.kind
        parts = [p for p in (self.event_type, self.source_id, self.session_id) if p]
        return "collect/" + "/".join(parts)


def parse_route(text: str) -> Route:
    """``track``, ``profile-less`` or ``collect/TYPE/SOURCE[/SESSION]``; ``ValueError`` else."""
    if text in ("track", "profile-less"):
        return Route(text)
    parts = text.split("/")
    if parts[0] == "collect" and len(parts) in (3, 4) and all(p.strip() for p in parts[1:]):
        return Route("collect", parts[1], parts[2], parts[3] if len(parts) == 4 else None)
    raise ValueError(
        f"unknown route {text!r}: expected track, profile-less or collect/TYPE/SOURCE[/SESSION]"
    )


@dataclass(frozen=True)
class Wait:
    """Wait until ``count`` events (of ``event_type``) are stored, at most ``timeout`` s."""

    count: int
    event_type: str | None = None
    timeout: float = DEFAULT_WAIT_TIMEOUT


@dataclass(frozen=True)
class Snapshot:
    """Compare the answer with the recorded one in ``file`` (relative to the journey)."""

    file: str
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """One send and its checks. ``payload`` is what is sent (read from ``send_file``
    when the journey names a file); ``capture`` maps variable names to paths."""

    name: str
    payload: Any
    route: Route = field(default_factory=Route)
    send_file: str | None = None
    new_visit: bool = False
    forget_profile: bool = False
    debugger: bool = True
    headers: Mapping[str, str] = field(default_factory=dict)
    capture: Mapping[str, AnswerPath] = field(default_factory=dict)
    expect: tuple[Expectation, ...] = ()
    wait: Wait | None = None
    snapshot: Snapshot | None = None

    @property
    def expects_status(self) -> bool:
        """True when an expectation names ``status`` (a non-2xx answer may be the point)."""
        return any(e.path.root == "status" for e in self.expect)

    def uses_root(self, root: str) -> bool:
        """True when an expectation or capture reads *root* (e.g. a stored ``profile``)."""
        return any(e.path.root == root for e in self.expect) or any(
            p.root == root for p in self.capture.values()
        )


@dataclass(frozen=True)
class Journey:
    """A parsed journey file. ``document`` is the file's content as read (for editors
    and for saving back); ``base_dir`` is where relative files are looked up."""

    name: str
    steps: tuple[Step, ...]
    target: str | None = None
    flow: str | None = None
    variables: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    source: str = ""
    base_dir: Path | None = None
    document: Mapping[str, Any] = field(default_factory=dict)

    def flow_source(self) -> str | None:
        """What the fresh embedded collector loads: ``"demo"``, a flow file's path, or None."""
        if self.flow is None or self.flow == "demo":
            return self.flow
        return str(self.resolve(self.flow))

    def resolve(self, relative: str) -> Path:
        """A path named in the journey (a payload or snapshot file), relative to it."""
        path = Path(relative).expanduser()
        if path.is_absolute() or self.base_dir is None:
            return path
        return self.base_dir / path


@cache
def journey_schema() -> dict[str, Any]:
    """The journey file's JSON Schema (draft 2020-12), loaded once."""
    schema: dict[str, Any] = read_json_resource(*JOURNEY_SCHEMA_FILE)
    Draft202012Validator.check_schema(schema)
    return schema


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(journey_schema())


ReadFile = Callable[[Path], str]


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def load_journey(path: Path, *, read_file: ReadFile = _read_text) -> Journey:
    """Read and parse the journey file at *path* (``OSError`` when it cannot be read)."""
    text = read_file(path)
    return parse_journey(text, base_dir=path.parent, source=str(path), read_file=read_file)


def parse_journey(
    text: str,
    *,
    base_dir: Path | None = None,
    source: str = "",
    read_file: ReadFile = _read_text,
) -> Journey:
    """Parse journey text; raise :class:`JourneyError` with every issue found."""
    try:
        loaded = load_text(text)
    except SourceError as exc:
        raise JourneyError([JourneyIssue((), exc.message, exc.line)], source) from None
    return _Builder(loaded, base_dir, source, read_file).build()


class _Builder:
    def __init__(
        self, loaded: LoadedText, base_dir: Path | None, source: str, read_file: ReadFile
    ) -> None:
        self.loaded = loaded
        self.base_dir = base_dir
        self.source = source
        self.read_file = read_file
        self.issues: list[JourneyIssue] = []

    def issue(self, path: FieldPath, message: str) -> None:
        self.issues.append(JourneyIssue(path, message, self.loaded.line_of(path)))

    def fail(self) -> JourneyError:
        return JourneyError(sorted(set(self.issues), key=lambda i: (i.line, i.path)), self.source)

    def build(self) -> Journey:
        document = self.loaded.document
        if not isinstance(document, dict):
            kind = "empty" if document is None else f"a {type(document).__name__}"
            self.issue((), f"a journey is a mapping with name and steps; this file is {kind}")
            raise self.fail()
        for problem in _useful(validate_with(_validator(), document)):
            self.schema_issue(problem)
        raw_steps = document.get("steps")
        steps = tuple(
            self.step(i, raw)
            for i, raw in enumerate(raw_steps if isinstance(raw_steps, list) else [])
            if isinstance(raw, dict)
        )
        if self.issues:
            raise self.fail()
        variables = {str(k): _text(v) for k, v in (document.get("variables") or {}).items()}
        name = document.get("name") or (Path(self.source).stem if self.source else "journey")
        return Journey(
            name=str(name),
            steps=steps,
            target=document.get("target"),
            flow=document.get("flow"),
            variables=variables,
            description=str(document.get("description") or ""),
            source=self.source,
            base_dir=self.base_dir,
            document=document,
        )

    def schema_issue(self, problem: Issue) -> None:
        path, keyword = problem.path, problem.keyword
        if keyword == "additionalProperties":
            known = _STEP_FIELDS if path[:1] == ("steps",) else _JOURNEY_FIELDS
            for name in _quoted(problem.message):
                self.issue((*path, name), f"unknown field {name!r} (known: {known})")
            return
        if keyword == "pattern" and path[-1:] == ("route",):
            value = _at(self.loaded.document, path)
            try:
                parse_route(str(value))
            except ValueError as exc:
                self.issue(path, str(exc))
            return
        self.issue(path, _schema_message(problem.message, path))

    def step(self, index: int, raw: dict[str, Any]) -> Step:
        here: FieldPath = ("steps", index)
        route = Route()
        if isinstance(raw.get("route"), str):
            try:
                route = parse_route(raw["route"])
            except ValueError:
                pass  # reported by the schema check
        send = raw.get("send")
        payload, send_file = self.payload(here, send) if isinstance(send, dict) else (None, None)
        capture: dict[str, AnswerPath] = {}
        raw_capture = raw.get("capture")
        for var, text in (raw_capture if isinstance(raw_capture, dict) else {}).items():
            if not isinstance(text, str):
                continue
            try:
                capture[var] = parse_answer_path(text)
            except AnswerPathError as exc:
                self.issue((*here, "capture", var), str(exc))
        expect: list[Expectation] = []
        raw_expect = raw.get("expect")
        for path_text, spec in (raw_expect if isinstance(raw_expect, dict) else {}).items():
            try:
                expect.append(parse_expectation(path_text, spec))
            except AnswerPathError as exc:
                self.issue((*here, "expect", path_text), str(exc))
            except ExpectationError as exc:
                self.issue((*here, "expect", path_text, *exc.field), exc.message)
        snapshot = raw.get("expect_snapshot")
        ignore = snapshot.get("ignore") if isinstance(snapshot, dict) else None
        for position, pattern in enumerate(ignore if isinstance(ignore, list) else []):
            if not isinstance(pattern, str):
                continue
            try:
                diff_pattern(pattern)
            except ValueError as exc:
                self.issue((*here, "expect_snapshot", "ignore", position), str(exc))
        if raw.get("new_visit") and raw.get("forget_profile"):
            self.issue(
                (*here, "forget_profile"),
                "forget_profile already starts a new visit; drop new_visit",
            )
        return Step(
            name=str(raw.get("name") or f"step {index + 1}"),
            payload=payload,
            route=route,
            send_file=send_file,
            new_visit=bool(raw.get("new_visit", False)),
            forget_profile=bool(raw.get("forget_profile", False)),
            debugger=bool(raw.get("debugger", True)),
            headers=dict(raw.get("headers") or {}),
            capture=capture,
            expect=tuple(expect),
            wait=_wait(raw.get("wait")) if not self.issues else None,
            snapshot=_snapshot(raw.get("expect_snapshot")) if not self.issues else None,
        )

    def payload(self, here: FieldPath, send: dict[str, Any]) -> tuple[Any, str | None]:
        if "file" not in send:
            return send, None
        where = (*here, "send", "file")
        name = send["file"]
        if len(send) > 1 or not isinstance(name, str) or not name.strip():
            self.issue(
                (*here, "send"),
                "send is either a payload or {file: PATH} alone (a payload field named "
                "'file' is not supported)",
            )
            return None, None
        path = Path(name).expanduser()
        if not path.is_absolute() and self.base_dir is not None:
            path = self.base_dir / path
        try:
            text = self.read_file(path)
        except OSError as exc:
            self.issue(where, f"cannot read {path}: {exc.strerror or exc}")
            return None, name
        try:
            payload = json.loads(text) if text.lstrip().startswith(("{", "[")) else None
            if payload is None:
                payload = load_text(text).document
        except (json.JSONDecodeError, SourceError) as exc:
            self.issue(where, f"{path} is not a JSON or YAML payload: {exc}")
            return None, name
        if isinstance(payload, dict) and payload.get("format") == "workbench-saved-request":
            payload = payload.get("payload")  # a request saved in a collection
        if not isinstance(payload, dict):
            self.issue(where, f"{path} must hold a JSON object (a tracker payload)")
            return None, name
        return payload, name


_STEP_FIELDS = (
    "name, send, route, new_visit, forget_profile, debugger, headers, capture, expect, "
    "wait, expect_snapshot"
)
_JOURNEY_FIELDS = "name, description, target, flow, variables, steps"


def _schema_message(message: str, path: FieldPath) -> str:
    # validate_with's messages start with the dotted location; ours carry it separately.
    location = format_path(path)
    prefix = f"{location}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def _quoted(message: str) -> list[str]:
    inside = message[message.find("(") :] if "(" in message else message
    return re.findall(r"'([^']*)'", inside) or ["?"]


def _at(document: Any, path: FieldPath) -> Any:
    for key in path:
        document = document[key]
    return document


def _useful(issues: list[Issue]) -> list[Issue]:
    """Drop an alternative's "wrong type" when another alternative explains more.

    ``wait: {count: 0}`` fails both "an integer" and "an object with count ≥ 1";
    only the second helps.
    """
    kept = []
    for issue in issues:
        if issue.keyword == "type" and any(
            other is not issue
            and other.path[: len(issue.path)] == issue.path
            and (len(other.path) > len(issue.path) or other.keyword != "type")
            for other in issues
        ):
            continue
        kept.append(issue)
    return kept


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _wait(raw: Any) -> Wait | None:
    if raw is None:
        return None
    if isinstance(raw, int):
        return Wait(raw)
    return Wait(int(raw["count"]), raw.get("type"), float(raw.get("timeout", DEFAULT_WAIT_TIMEOUT)))


def _snapshot(raw: Any) -> Snapshot | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        return Snapshot(raw)
    return Snapshot(str(raw["file"]), tuple(raw.get("ignore") or ()))
