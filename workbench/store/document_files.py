"""Reading a document someone opened to compare or replay: a JSON file, a HAR entry, an export line.

``FILE`` is a JSON document (a debug answer, a profile, an exchange, a history
export line); ``FILE#N`` is entry N of a HAR file or line N of a JSON-lines
export. A HAR file with exactly one Tracardi call needs no ``#N``.
:class:`DocumentError` says what cannot be read and why.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workbench.core.har_import import HarError, read_har

__all__ = ["DocumentError", "read_document", "read_document_bytes"]


class DocumentError(Exception):
    """A document that cannot be read; the message names it and the reason."""


def _pick(text: str) -> tuple[str, int | None]:
    name, sep, number = text.rpartition("#")
    if sep and number.isdigit() and name:
        return name, int(number)
    return text, None


def _from_har(name: str, data: bytes, index: int | None) -> tuple[str, Any]:
    try:
        har = read_har(data, name)
    except HarError as exc:
        raise DocumentError(str(exc)) from None
    if index is None:
        if len(har.calls) != 1:
            listing = ", ".join(f"#{c.index}" for c in har.calls) or "none"
            raise DocumentError(
                f"{name} holds {len(har.calls)} Tracardi calls ({listing}); name one as {name}#N"
            )
        return f"{name}#{har.calls[0].index}", har.calls[0].exchange.to_dict()
    for call in har.calls:
        if call.index == index:
            return f"{name}#{index}", call.exchange.to_dict()
    raise DocumentError(f"{name}: entry #{index} is not a Tracardi call")


def _from_lines(name: str, text: str, index: int) -> tuple[str, Any]:
    lines = [line for line in text.splitlines() if line.strip()]
    if not 1 <= index <= len(lines):
        raise DocumentError(f"{name}: there is no line {index} (it has {len(lines)})")
    try:
        return f"{name}#{index}", json.loads(lines[index - 1])
    except ValueError as exc:
        raise DocumentError(f"{name}, line {index}: not JSON: {exc}") from None


def read_document_bytes(
    name: str, data: bytes, index: int | None = None, *, suffix: str = ""
) -> tuple[str, Any]:
    """(label, value) of a document given as bytes; *index* picks a HAR entry or a line."""
    suffix = suffix.lower()
    if suffix == ".har" or (data.lstrip()[:1] == b"{" and b'"log"' in data[:200]):
        return _from_har(name, data, index)
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError(f"{name}: not UTF-8 text") from None
    if index is not None:
        return _from_lines(name, decoded, index)
    try:
        return name, json.loads(decoded)
    except json.JSONDecodeError as exc:
        if suffix == ".jsonl":
            raise DocumentError(f"{name} has several lines; name one as {name}#N") from None
        raise DocumentError(
            f"{name}: not JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None


def read_document(text: str) -> tuple[str, Any]:
    """(label, value) of ``FILE`` or ``FILE#N`` (see the module docstring)."""
    path, index = Path(text), None
    if not path.exists():
        name, index = _pick(text)
        path = Path(name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{text}: {exc.strerror or exc}") from None
    return read_document_bytes(path.name, data, index, suffix=path.suffix)
