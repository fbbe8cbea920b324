"""One path vocabulary for everything a send produced: ``debug@profile.new``, ``status``.

A path starts with a named *root* (see :data:`ROOTS`):

* ``status`` and ``time_ms`` are numbers and take no keys;
* ``headers@content-type`` reads a response header (names match case-insensitively);
* ``response@profile.id`` reads the body as the server answered it;
* ``debug@events.saved`` reads the normalised debug view
  (:class:`workbench.core.debug_view.DebugView`, the same for every server generation);
* ``profile@stats.visits`` / ``session@context.browser`` read the stored documents
  after the send (from the embedded collector, or by admin reads from a remote target).

Below the root, keys follow Tracardi's dot notation (letters, digits, ``_``, ``-``,
``$``; a key made only of digits also indexes a list). Keys that dot notation
cannot spell (a dot, a space, an empty key…) are written as an RFC 6901 JSON
Pointer after ``#``: ``response#/weird key/a~1b``. A path that *is* a JSON Pointer
(``/profile/id``) points into the answer as received, i.e. ``response``.

:func:`parse_answer_path` names the exact character where a path goes wrong;
:func:`format_answer_path` turns a root and a tree position (keys and list
indexes) into the shortest path that reads back to the same place; reading
(:meth:`AnswerRoots.resolve`) never raises and gives :data:`MISSING` for
anything absent.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Final, Literal

from workbench.core.exchange import Exchange
from workbench.core.flow.paths import MISSING, PathError

__all__ = [
    "DOCUMENT_ROOTS",
    "MISSING",
    "ROOTS",
    "SCALAR_ROOTS",
    "AnswerPath",
    "AnswerPathError",
    "AnswerRoots",
    "as_path",
    "format_answer_path",
    "json_pointer",
    "parse_answer_path",
    "parse_json_pointer",
]

#: Every root, with the words a help text or a completer shows for it.
ROOTS: Final[Mapping[str, str]] = {
    "status": "the HTTP status code of the answer",
    "time_ms": "how long the send took, in milliseconds",
    "headers": "the response headers (names match case-insensitively)",
    "response": "the response body as the server answered it",
    "debug": "the normalised debug view: session, events, profile, execution, "
    "segmentation, logs, errors, warnings",
    "profile": "the stored profile after the send",
    "session": "the stored session after the send",
}
SCALAR_ROOTS: Final = ("status", "time_ms")
DOCUMENT_ROOTS: Final = ("headers", "response", "debug", "profile", "session")

_KEY = re.compile(r"[A-Za-z0-9_\-$]+")
_ROOT = re.compile(r"[A-Za-z_]+")

Key = str | int


class AnswerPathError(PathError):
    """A malformed answer path; ``position`` is the 0-based character where it goes wrong."""


@dataclass(frozen=True)
class AnswerPath:
    """A parsed path: ``root`` is one of :data:`ROOTS`, ``keys`` the chain below it.

    ``notation`` remembers how it was written (``dot`` or ``pointer``); it does not
    take part in equality, so ``debug@profile.new == debug#/profile/new``.
    """

    root: str
    keys: tuple[str, ...] = ()
    notation: Literal["dot", "pointer"] = field(default="dot", compare=False)

    def __post_init__(self) -> None:
        if self.root not in ROOTS:
            raise ValueError(f"unknown root {self.root!r}")
        if self.root in SCALAR_ROOTS and self.keys:
            raise ValueError(f"{self.root} is a number and has no fields")

    def __str__(self) -> str:
        return self.text

    @cached_property
    def text(self) -> str:
        """The canonical spelling: dot notation when it can spell the keys, else a pointer."""
        if self.notation == "pointer" and self.keys:
            return _pointer_text(self.root, self.keys)
        return format_answer_path(self.root, self.keys)

    @property
    def dotted(self) -> str:
        """The keys below the root in dot notation, e.g. ``profile.new`` (may be ambiguous
        for keys dot notation cannot spell; use :attr:`pointer` for those)."""
        return ".".join(self.keys)

    @property
    def pointer(self) -> str:
        """The keys below the root as an RFC 6901 JSON Pointer, e.g. ``/profile/new``."""
        return json_pointer(self.keys)

    def child(self, key: Key) -> AnswerPath:
        """The path one level down (an ``int`` is a list index)."""
        return AnswerPath(self.root, (*self.keys, str(key)), self.notation)

    def is_within(self, other: AnswerPath) -> bool:
        """True when this path equals *other* or lies below it."""
        return self.root == other.root and self.keys[: len(other.keys)] == other.keys


# -- formatting -----------------------------------------------------------------------


def json_pointer(keys: Iterable[Key]) -> str:
    """RFC 6901: ``("profile", "traits", 0)`` → ``/profile/traits/0`` (``~`` and ``/`` escaped)."""
    return "".join("/" + str(k).replace("~", "~0").replace("/", "~1") for k in keys)


def _pointer_text(root: str, keys: Sequence[str]) -> str:
    return f"{root}#{json_pointer(keys)}"


def format_answer_path(root: str, keys: Iterable[Key] = ()) -> str:
    """The path of a tree position: *root* and the keys (``int`` for list items) down to it.

    ``format_answer_path("debug", ["profile", "new"])`` → ``debug@profile.new``;
    no keys → just the root; keys that dot notation cannot spell → a JSON Pointer
    after ``#`` (``response#/a.b``). The result always parses back to the same place.
    """
    if root not in ROOTS:
        raise ValueError(f"unknown root {root!r}: expected one of {', '.join(ROOTS)}")
    parts = [str(k) for k in keys]
    if not parts:
        return root
    if root in SCALAR_ROOTS:
        raise ValueError(f"{root} is a number and has no fields")
    if all(_KEY.fullmatch(p) for p in parts):
        return f"{root}@{'.'.join(parts)}"
    return _pointer_text(root, parts)


# -- parsing --------------------------------------------------------------------------


def parse_json_pointer(text: str, *, offset: int = 0, whole: str | None = None) -> tuple[str, ...]:
    """The keys of an RFC 6901 pointer (``""`` is the whole document).

    *offset* and *whole* place error positions inside a longer path text.
    """
    source = whole if whole is not None else text
    if text == "":
        return ()
    if not text.startswith("/"):
        raise AnswerPathError("a JSON Pointer starts with '/'", source, offset)
    keys: list[str] = []
    pos = 1
    current: list[str] = []
    while pos <= len(text):
        if pos == len(text) or text[pos] == "/":
            keys.append("".join(current))
            current = []
            pos += 1
            continue
        char = text[pos]
        if char == "~":
            nxt = text[pos + 1] if pos + 1 < len(text) else ""
            if nxt not in ("0", "1"):
                raise AnswerPathError(
                    "'~' in a JSON Pointer must be followed by 0 (for '~') or 1 (for '/')",
                    source,
                    offset + pos,
                )
            current.append("~" if nxt == "0" else "/")
            pos += 2
            continue
        current.append(char)
        pos += 1
    return tuple(keys)


def _unknown_root(root: str, text: str) -> AnswerPathError:
    close = difflib.get_close_matches(root, list(ROOTS), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return AnswerPathError(
        f"unknown root {root!r}: expected one of {', '.join(ROOTS)}{hint}", text, 0
    )


def parse_answer_path(text: str) -> AnswerPath:
    """Parse ``root``, ``root@key.key``, ``root#/pointer`` or ``/pointer`` (into ``response``).

    Raises :class:`AnswerPathError` with the position of the first wrong character.
    """
    if not isinstance(text, str):
        raise AnswerPathError(f"a path must be a string, got {type(text).__name__}", str(text), 0)
    if text == "":
        raise AnswerPathError(
            "empty path: write e.g. status, response@profile.id or debug@events.saved", text, 0
        )
    if text.startswith("/"):
        return AnswerPath("response", parse_json_pointer(text, whole=text), "pointer")
    match = _ROOT.match(text)
    if match is None:
        raise AnswerPathError(
            f"unexpected character {text[0]!r}: a path starts with a root "
            f"({', '.join(ROOTS)}) or '/'",
            text,
            0,
        )
    root = match.group()
    pos = match.end()
    if root not in ROOTS:
        raise _unknown_root(root, text)
    if pos == len(text):
        return AnswerPath(root)
    if root in SCALAR_ROOTS:
        raise AnswerPathError(f"{root} is a number and has no fields", text, pos)
    sep = text[pos]
    if sep == "#":
        keys = parse_json_pointer(text[pos + 1 :], offset=pos + 1, whole=text)
        return AnswerPath(root, keys, "pointer")
    if sep != "@":
        raise AnswerPathError(
            f"unexpected character {sep!r}: expected '@' (dot notation) or '#' (a JSON "
            f"Pointer) after {root!r}",
            text,
            pos,
        )
    return AnswerPath(root, _dot_keys(text, pos + 1, root), "dot")


def _dot_keys(text: str, pos: int, root: str) -> tuple[str, ...]:
    keys: list[str] = []
    while True:
        match = _KEY.match(text, pos)
        if match is None:
            if pos >= len(text):
                if not keys:
                    raise AnswerPathError(
                        f"expected a field name after '@' (write just {root!r} for all of it)",
                        text,
                        pos,
                    )
                raise AnswerPathError("expected a field name after '.'", text, pos)
            if text[pos] == "." and keys:
                raise AnswerPathError("expected a field name after '.', found '.'", text, pos)
            raise AnswerPathError(
                f"unexpected character {text[pos]!r}: field names use letters, digits, "
                f"'_', '-' and '$', separated by '.' (write {root}#/… for other keys)",
                text,
                pos,
            )
        keys.append(match.group())
        pos = match.end()
        if pos == len(text):
            return tuple(keys)
        if text[pos] != ".":
            raise AnswerPathError(
                f"unexpected character {text[pos]!r}: expected '.' between field names",
                text,
                pos,
            )
        pos += 1


def as_path(path: AnswerPath | str) -> AnswerPath:
    """*path* itself, or parsed when it is text."""
    return path if isinstance(path, AnswerPath) else parse_answer_path(path)


# -- resolving ------------------------------------------------------------------------


def _step(container: Any, key: str, *, fold_case: bool) -> tuple[Any, Key | None]:
    if isinstance(container, dict):
        if key in container:
            return container[key], key
        if fold_case:
            lowered = key.lower()
            for name, value in container.items():
                if isinstance(name, str) and name.lower() == lowered:
                    return value, name
        return MISSING, None
    if isinstance(container, list) and key.isdigit():
        index = int(key)
        if index < len(container):
            return container[index], index
    return MISSING, None


@dataclass(frozen=True)
class AnswerRoots:
    """The values the roots name for one send. ``None`` for a document root means
    "not available" (e.g. no stored profile could be read), which reads as missing."""

    status: int | None = None
    time_ms: float | None = None
    headers: Mapping[str, str] | None = None
    response: Any = None
    debug: Mapping[str, Any] | None = None
    profile: Mapping[str, Any] | None = None
    session: Mapping[str, Any] | None = None
    has_response: bool = True

    def value(self, root: str) -> Any:
        """The whole value of *root* (:data:`MISSING` when not available)."""
        if root not in ROOTS:
            raise KeyError(f"unknown root {root!r}")
        if root == "response":
            return self.response if self.has_response else MISSING
        value = getattr(self, root)
        return MISSING if value is None else value

    def available(self, root: str) -> bool:
        return self.value(root) is not MISSING

    def locate(self, path: AnswerPath | str) -> tuple[Key, ...] | None:
        """The tree position *path* names in its root's document (list indexes as
        ``int``, header names as stored), or ``None`` when nothing is there."""
        found = self._walk(as_path(path))
        return None if found is None else found[1]

    def resolve(self, path: AnswerPath | str) -> Any:
        """The value at *path*, or :data:`MISSING`; never raises for a valid path."""
        found = self._walk(as_path(path))
        return MISSING if found is None else found[0]

    def _walk(self, path: AnswerPath) -> tuple[Any, tuple[Key, ...]] | None:
        current = self.value(path.root)
        if current is MISSING:
            return None
        position: list[Key] = []
        for depth, key in enumerate(path.keys):
            current, actual = _step(current, key, fold_case=path.root == "headers" and depth == 0)
            if actual is None:
                return None
            position.append(actual)
        return current, tuple(position)

    @classmethod
    def from_exchange(
        cls,
        exchange: Exchange,
        *,
        profile: Mapping[str, Any] | None = None,
        session: Mapping[str, Any] | None = None,
    ) -> AnswerRoots:
        """The roots of *exchange*.

        Without *profile*/*session*, the stored documents come from the debug view's
        ``data`` (filled by admin reads or the embedded collector's debugger answer).
        """
        view = exchange.view.to_dict() if exchange.view is not None else None
        if profile is None and view is not None:
            profile = _data_of(view.get("profile"))
        if session is None and view is not None:
            session = _data_of(view.get("session"))
        body: Any = exchange.json
        if body is None and exchange.body_text:
            body = exchange.body_text
        answered = exchange.status is not None
        return cls(
            status=exchange.status,
            time_ms=exchange.total_ms,
            headers=dict(exchange.headers) if exchange.headers or answered else None,
            response=body,
            has_response=answered,
            debug=view,
            profile=profile,
            session=session,
        )

    @classmethod
    def from_exchange_dict(
        cls,
        exchange: Mapping[str, Any],
        *,
        profile: Mapping[str, Any] | None = None,
        session: Mapping[str, Any] | None = None,
    ) -> AnswerRoots:
        """The roots of an exchange in its dict form (a stored or hand-written document;
        :meth:`from_exchange` reads a typed :class:`~workbench.core.exchange.Exchange`).

        Without *profile*/*session*, the stored documents come from the debug view's
        ``data`` (filled by admin reads or the embedded collector's debugger answer).
        """
        response = exchange.get("response") or {}
        timings = exchange.get("timings") or {}
        view = exchange.get("view")
        view = view if isinstance(view, Mapping) else None
        if profile is None and view is not None:
            profile = _data_of(view.get("profile"))
        if session is None and view is not None:
            session = _data_of(view.get("session"))
        total = timings.get("total_ms") if isinstance(timings, Mapping) else None
        headers = response.get("headers") if isinstance(response, Mapping) else None
        return cls(
            status=response.get("status") if isinstance(response, Mapping) else None,
            time_ms=float(total) if isinstance(total, int | float) else None,
            headers=dict(headers) if isinstance(headers, Mapping) else None,
            response=_body_of(response) if isinstance(response, Mapping) else None,
            has_response=isinstance(response, Mapping) and response.get("status") is not None,
            debug=dict(view) if view is not None else None,
            profile=profile,
            session=session,
        )


def _body_of(response: Mapping[str, Any]) -> Any:
    """The parsed JSON body; the text when the body was not JSON."""
    parsed = response.get("json")
    if parsed is None and response.get("body_text"):
        return response.get("body_text")
    return parsed


def _data_of(section: Any) -> Mapping[str, Any] | None:
    if isinstance(section, Mapping):
        data = section.get("data")
        if isinstance(data, Mapping):
            return data
    return None
