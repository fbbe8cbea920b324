"""What a comparison looks at, for any value a user can open, and how it reads as text.

A debug answer or profile is compared as it is. An exchange (what history
stores and HAR import produces) is compared as ``{"status", "request",
"response"}``: the payload sent and the answer's body, the two things support
staff ask about; a history export line (``{"id", "exchange"}``) as its exchange.
:func:`change_lines` renders a :class:`~workbench.core.diff.DiffResult` as the
``~ + -`` lines the command line and the window's copy action share.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from workbench.core.diff import Change, DiffResult, PathError, Segment, Selector, resolve_path
from workbench.core.exchange import Exchange

__all__ = [
    "change_lines",
    "comparable",
    "concrete_path",
    "is_exchange",
    "short_value",
]

_MARKS = {"changed": "~", "added": "+", "removed": "-"}


def is_exchange(value: Any) -> bool:
    """An exchange dict: a request and a response (or an error) object."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("request"), dict)
        and (isinstance(value.get("response"), dict) or "error" in value)
    )


def comparable(value: Any) -> Any:
    """The document a comparison looks at for *value* (see the module docstring)."""
    if isinstance(value, Exchange):
        value = value.to_dict()
    if isinstance(value, dict) and is_exchange(value.get("exchange")) and "id" in value:
        value = value["exchange"]
    if not is_exchange(value):
        return value
    request = value["request"]
    response = value.get("response") if isinstance(value.get("response"), dict) else {}
    body = request.get("body")
    if body is None and request.get("body_text"):
        body = request.get("body_text")
    answer = response.get("json")
    if answer is None:
        answer = response.get("body_text")
    return {"status": response.get("status"), "request": body, "response": answer}


def short_value(value: Any, limit: int = 80) -> str:
    """A value as one line of JSON, cut to *limit* characters."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _line(change: Change, limit: int) -> str:
    path = change.path or "(the whole document)"
    mark = _MARKS[change.kind]
    if change.kind == "changed":
        return f"{mark} {path}: {short_value(change.old, limit)} → {short_value(change.new, limit)}"
    value = change.new if change.kind == "added" else change.old
    return f"{mark} {path}: {short_value(value, limit)}"


def change_lines(result: DiffResult, *, limit: int = 80) -> list[str]:
    """One line per shown change (``~`` changed, ``+`` added, ``-`` removed), then the summary."""
    return [*(_line(change, limit) for change in result.changes), result.summary()]


def concrete_path(document: Any, segments: Sequence[Segment]) -> tuple[str | int, ...] | None:
    """*segments* with each list selector (``[id=ev-1]``) replaced by its index in *document*.

    ``None`` when the path is not in *document* (an added change seen on side A)."""
    out: list[str | int] = []
    node = document
    for segment in segments:
        try:
            child = resolve_path(node, (segment,))
        except PathError:
            return None
        if isinstance(segment, Selector):
            out.append(next(i for i, item in enumerate(node) if item is child))
        else:
            out.append(segment)
        node = child
    return tuple(out)
