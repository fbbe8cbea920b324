"""Between the places an answer is shown in and its answer paths.

A window shows one exchange in several *places*: a tree per debugger section
(the normalised debug view), the Body tree (the answer as received) and the
Headers table. Every row of those places has one answer path in the vocabulary
of :mod:`workbench.core.answer_paths`, and every answer path names at most one
row:

* a row of a debugger section is ``debug@SECTION.…`` — except rows inside the
  stored profile or session the section carries (``data``), which are
  ``profile@…`` / ``session@…``, the fields as Tracardi's dot notation names them;
* a row of the Body tree is ``response@…``, or as a JSON Pointer into the
  answer as received (``/debugging/profile/ids/0``);
* a header is ``headers@NAME``; ``status`` and ``time_ms`` are plain values.

:func:`row_path` gives the path of a row, :func:`place_of` the row of a path, and
:func:`search_path` tells a search text that is a path from one that is words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from workbench.core.answer_paths import (
    SCALAR_ROOTS,
    AnswerPath,
    AnswerPathError,
    AnswerRoots,
    as_path,
    format_answer_path,
    json_pointer,
    parse_answer_path,
)
from workbench.core.debug_view import SECTIONS

__all__ = [
    "DOCUMENT_SECTIONS",
    "Place",
    "answer_row",
    "answer_row_path",
    "place_of",
    "row_path",
    "search_path",
]

Key = str | int
PlaceKind = Literal["section", "body", "headers", "value"]

#: Debugger sections whose ``data`` is a stored document with its own root.
DOCUMENT_SECTIONS: Final = ("profile", "session")


@dataclass(frozen=True)
class Place:
    """Where a path's value is shown.

    ``kind`` is ``section`` (``name`` is the section, ``keys`` the row in its tree),
    ``body`` (``keys`` the row of the Body tree), ``headers`` (``name`` the header as
    received) or ``value`` (no tree shows it: ``name`` is the root, ``keys`` the
    position in it; e.g. ``status``, ``debug@verdict``).
    """

    kind: PlaceKind
    name: str = ""
    keys: tuple[Key, ...] = ()


def row_path(place: str, keys: Sequence[Key], *, pointer: bool = False) -> str:
    """The answer path of the row at *keys* of *place* (``body`` or a section name).

    ``row_path("profile", ("data", "traits", "email"))`` → ``profile@traits.email``;
    ``row_path("events", ("saved",))`` → ``debug@events.saved``;
    ``row_path("body", ("profile", "id"))`` → ``response@profile.id``.
    With *pointer*, the keys are written as a JSON Pointer: for the body that is a
    pointer into the answer as received (``/profile/id``), elsewhere it follows the
    root (``profile#/traits/email``). Every result parses back to the same row.
    """
    if place == "body":
        if pointer and keys:
            return json_pointer(keys)
        return format_answer_path("response", keys)
    if place not in SECTIONS:
        raise ValueError(f"unknown place {place!r}: expected body or one of {', '.join(SECTIONS)}")
    root, below = "debug", (place, *keys)
    if place in DOCUMENT_SECTIONS and keys and keys[0] == "data":
        root, below = place, tuple(keys[1:])
    if pointer and below:
        return AnswerPath(root, tuple(str(k) for k in below), "pointer").text
    return format_answer_path(root, below)


def answer_row_path(keys: Sequence[Key], *, pointer: bool = False) -> str:
    """The answer path of a row of an answer shown whole, ``{"status", "headers", "body"}``
    (the collector's record of what it answered): ``status``, ``headers@NAME``,
    ``response@…`` (or, with *pointer*, ``/…`` into the body as received)."""
    if not keys:
        return "response"
    head, rest = keys[0], tuple(keys[1:])
    if head == "status" and not rest:
        return "status"
    if head == "headers":
        if pointer and rest:
            return AnswerPath("headers", tuple(str(k) for k in rest), "pointer").text
        return format_answer_path("headers", rest)
    if head == "body":
        return row_path("body", rest, pointer=pointer)
    raise ValueError(f"no answer path for a row under {head!r}: expected status, headers or body")


def answer_row(answer: Mapping[str, Any], path: AnswerPath | str) -> tuple[Key, ...] | None:
    """The row of ``{"status", "headers", "body"}`` that *path* names, or ``None``."""
    path = as_path(path)
    headers = answer.get("headers")
    roots = AnswerRoots(
        status=answer.get("status"),
        headers=headers if isinstance(headers, Mapping) else None,
        response=answer.get("body"),
        has_response="body" in answer,
    )
    if path.root == "status":
        return ("status",) if roots.available("status") else None
    if path.root not in ("headers", "response"):
        return None
    position = roots.locate(path)
    if position is None:
        return None
    return ("headers" if path.root == "headers" else "body", *position)


def search_path(text: str) -> AnswerPath | None:
    """The answer path a search text spells, or ``None`` when it is words to look for.

    Only text written as a path counts: a root with ``@`` or ``#`` (``profile@traits``,
    ``debug#/logs/0``) or a JSON Pointer (``/profile/id``). A bare word such as
    ``status`` or ``profile`` is a search for that word.
    """
    text = text.strip()
    if not text or not (text.startswith("/") or "@" in text or "#" in text):
        return None
    try:
        return parse_answer_path(text)
    except AnswerPathError:
        return None


def place_of(roots: AnswerRoots, path: AnswerPath | str) -> Place | None:
    """The place showing *path*'s value in one exchange, or ``None`` when nothing is there."""
    path = as_path(path)
    if path.root in SCALAR_ROOTS:
        return Place("value", path.root) if roots.available(path.root) else None
    position = roots.locate(path)
    if position is None:
        if path.root in DOCUMENT_SECTIONS and not roots.available(path.root):
            # The view's ``data`` when it is no document of its own (it is shown as it came).
            inner = roots.locate(AnswerPath("debug", (path.root, "data", *path.keys)))
            if inner is not None:
                return Place("section", path.root, inner[1:])
        return None
    if path.root == "response":
        return Place("body", keys=position)
    if path.root == "headers":
        if not position:
            return Place("value", "headers")
        return Place("headers", str(position[0]), position[1:])
    if path.root == "debug":
        if position and position[0] in SECTIONS:
            return Place("section", str(position[0]), position[1:])
        return Place("value", "debug", position)
    # profile@ / session@: shown inside the section when the debug view carries that document.
    if _section_data(roots.debug, path.root) is roots.value(path.root) or _same_document(
        roots, path.root
    ):
        return Place("section", path.root, ("data", *position))
    return Place("value", path.root, position)


def _section_data(debug: Mapping[str, Any] | None, name: str) -> Any:
    section = debug.get(name) if isinstance(debug, Mapping) else None
    return section.get("data") if isinstance(section, Mapping) else None


def _same_document(roots: AnswerRoots, name: str) -> bool:
    data = _section_data(roots.debug, name)
    return isinstance(data, Mapping) and data == roots.value(name)
