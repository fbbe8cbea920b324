"""What a snapshot holds: the whole answer of a step, in one stable shape.

``expect_snapshot`` compares this document with the one recorded earlier, through
the shared semantic diff (:mod:`workbench.core.diff`), which ignores ids,
timestamps and durations; the step may ignore more paths. The document holds
the status, the body as answered and the normalised debug view's sections (not
its verdict or notes, which are derived from them).
"""

from __future__ import annotations

from typing import Any, Final

from workbench.core.answer_paths import MISSING, AnswerRoots
from workbench.core.debug_view import SECTIONS

__all__ = ["SNAPSHOT_FORMAT", "SNAPSHOT_VERSION", "answer_of", "snapshot_document", "snapshot_file"]

SNAPSHOT_FORMAT: Final = "workbench-journey-snapshot"
SNAPSHOT_VERSION: Final = 1
_DEBUG_KEYS: Final = ("format", "profile_less", *SECTIONS, "ux")


def snapshot_document(roots: AnswerRoots) -> dict[str, Any]:
    """The answer of one step as a snapshot compares it."""
    debug = roots.value("debug")
    response = roots.value("response")
    return {
        "status": roots.status,
        "response": None if response is MISSING else response,
        "debug": None if debug is MISSING else {k: debug.get(k) for k in _DEBUG_KEYS},
    }


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
