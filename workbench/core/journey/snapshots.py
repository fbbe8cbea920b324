"""What a snapshot holds, and how a recorded one is compared: the whole answer of a step.

The snapshot of a step is its status and its answer as the normalised debug
view reads it (session, events, profile, execution, segmentation, logs, errors,
warnings, the workflow's ux and response): the same shape for every server
generation, so a snapshot recorded against the embedded collector also checks
a real Tracardi. The verdict and notes are left out (they are derived).

``expect_snapshot`` compares it with the one recorded earlier through the shared
semantic diff (:func:`workbench.core.diff.diff`), which leaves out ids,
timestamps and durations; ids and times written *inside* text (log messages
such as "new profile 0d2d…") are blanked on both sides too. ``ignore`` takes
answer paths (``debug@logs``) or the diff's own patterns (``debug.events.**``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Final

from workbench.core.answer_paths import MISSING, AnswerPathError, AnswerRoots, parse_answer_path
from workbench.core.debug_view import SECTIONS
from workbench.core.diff import DiffResult, PathError, diff
from workbench.core.journey.expectations import Failure, describe_value

__all__ = [
    "SNAPSHOT_FORMAT",
    "SNAPSHOT_ROOTS",
    "SNAPSHOT_VERSION",
    "answer_of",
    "compare_answers",
    "diff_pattern",
    "snapshot_document",
    "snapshot_failures",
    "snapshot_file",
]

SNAPSHOT_FORMAT: Final = "workbench-journey-snapshot"
SNAPSHOT_VERSION: Final = 1
#: The answer-path roots a snapshot holds (and so may ignore).
SNAPSHOT_ROOTS: Final = ("status", "debug")
_DEBUG_KEYS: Final = ("format", "profile_less", *SECTIONS, "ux")


_UUID_IN_TEXT = re.compile(
    r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
)
_TIME_IN_TEXT = re.compile(
    r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)


def snapshot_document(roots: AnswerRoots) -> dict[str, Any]:
    """The answer of one step as a snapshot records it."""
    debug = roots.value("debug")
    return {
        "status": roots.status,
        "debug": None if debug is MISSING else {k: debug.get(k) for k in _DEBUG_KEYS},
    }


def _blank_text(value: Any) -> Any:
    """*value* with ids and times inside longer strings replaced by ``<id>``/``<time>``.

    A string that *is* an id or a time is left alone: the diff already knows it."""
    if isinstance(value, str):
        if len(value) <= 36 or ("-" not in value):
            return value
        return _TIME_IN_TEXT.sub("<time>", _UUID_IN_TEXT.sub("<id>", value))
    if isinstance(value, dict):
        return {k: _blank_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank_text(v) for v in value]
    return value


def diff_pattern(text: str) -> str:
    """An ``ignore`` entry as a diff pattern: an answer path (``debug@logs``,
    ``response#/a.b``) becomes the place it names in the snapshot; anything else
    is taken as a diff pattern (``debug.events.**``). Raises ``ValueError``."""
    if "@" in text or "#" in text:
        try:
            path = parse_answer_path(text)
        except AnswerPathError as exc:
            raise ValueError(str(exc)) from None
        if path.root not in SNAPSHOT_ROOTS:
            raise ValueError(
                f"{path.root}@ is not part of a snapshot (it holds {', '.join(SNAPSHOT_ROOTS)})"
            )
        segments = [path.root, *path.keys]
        if any(not k or any(c in k for c in ".[]*") for k in path.keys):
            raise ValueError(f"{text!r}: write keys with '.', '[', ']' or '*' as a diff pattern")
        pattern = ".".join(segments)
    else:
        pattern = text
    try:
        diff(None, None, ignore=[pattern])
    except PathError as exc:
        raise ValueError(f"{text!r} is not a path or pattern: {exc}") from None
    return pattern


def compare_answers(recorded: Any, current: Any, ignore: Iterable[str] = ()) -> DiffResult:
    """The semantic diff from the recorded answer to the current one."""
    patterns = [diff_pattern(p) for p in ignore]
    return diff(_blank_text(recorded), _blank_text(current), ignore=patterns)


def snapshot_failures(result: DiffResult, file: str) -> list[Failure]:
    """One failure per change: the path, the recorded value and the current one."""
    failures = []
    for change in result.changes:
        expected = "(absent)" if change.kind == "added" else describe_value(change.old)
        actual = "(absent)" if change.kind == "removed" else describe_value(change.new)
        failures.append(Failure(f"snapshot {file}: {change.path}", expected, actual))
    return failures


def snapshot_file(answer: dict[str, Any], *, journey: str, step: str) -> dict[str, Any]:
    """The content of a snapshot file (versioned, with where it came from)."""
    return {
        "format": SNAPSHOT_FORMAT,
        "version": SNAPSHOT_VERSION,
        "journey": journey,
        "step": step,
        "answer": answer,
    }


def answer_of(content: Any) -> dict[str, Any]:
    """The answer stored in a snapshot file's content; ``ValueError`` when it is not one."""
    if not isinstance(content, dict) or content.get("format") != SNAPSHOT_FORMAT:
        raise ValueError(f'not a journey snapshot (expected "format": "{SNAPSHOT_FORMAT}")')
    version = content.get("version")
    if not isinstance(version, int) or version > SNAPSHOT_VERSION:
        raise ValueError(
            f"snapshot version {version!r} is newer than this Workbench reads "
            f"({SNAPSHOT_VERSION}); update Workbench"
        )
    answer = content.get("answer")
    if not isinstance(answer, dict):
        raise ValueError("the snapshot holds no answer object")
    return answer
