"""Names for the things a command compares or replays, resolved to JSON documents.

``FILE`` (a debug answer, a profile, an exchange, a history export, a HAR),
``FILE#N`` (entry N of a HAR, line N of a JSON-lines export), ``-`` (standard
input), ``history:ID`` (an entry of the history, a unique id prefix is enough),
``profile:ID`` / ``session:ID`` / ``event:ID`` (read from the embedded
collector, or from the target given with ``--target``/``--to``).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.core.har_import import HarError, read_har

__all__ = ["Reference", "ReferenceError", "resolve"]

_ENTITY_PATHS = {"profile": "/profile/{}", "session": "/session/{}", "event": "/event/{}"}


class ReferenceError(Exception):
    """A reference that cannot be read; the message says which and why."""


@dataclass(frozen=True)
class Reference:
    """A resolved reference: a label for humans and the value it names."""

    label: str
    value: Any


def _history_entry(args: argparse.Namespace, prefix: str) -> Reference:
    from workbench.cli.history import _open
    from workbench.store.history import HistoryBusyError

    try:
        store = _open(args, write=False)
    except (HistoryBusyError, ValueError, OSError) as exc:
        raise ReferenceError(f"history:{prefix}: the history cannot be read: {exc}") from None
    with store:
        entry = store.get(prefix)
        if entry is None:
            matches = [s.id for s in store.summaries() if s.id.startswith(prefix)]
            if len(matches) > 1:
                raise ReferenceError(f"history:{prefix} matches {len(matches)} entries")
            entry = store.get(matches[0]) if matches else None
        if entry is None:
            raise ReferenceError(f"history:{prefix}: no history entry with that id")
        return Reference(f"history:{entry.id[:8]}", entry.to_dict())


def _entity(args: argparse.Namespace, kind: str, entity_id: str) -> Reference:
    import httpx

    from workbench.cli.send import UsageError, _target
    from workbench.client.admin import AdminError, AdminReader

    try:
        target = _target(args)
    except UsageError as exc:
        raise ReferenceError(str(exc)) from None
    path = _ENTITY_PATHS[kind].format(entity_id)
    try:
        with httpx.Client(verify=target.verify_tls) as client:
            value = AdminReader().get(client, target, path)
    except AdminError as exc:
        raise ReferenceError(f"{kind}:{entity_id} on {target.base_url}: {exc}") from None
    except httpx.HTTPError as exc:
        raise ReferenceError(
            f"{kind}:{entity_id}: {target.base_url} cannot be reached ({exc}); start the "
            "collector (workbench collector) or name a target with --target/--to"
        ) from None
    if value is None:
        raise ReferenceError(f"{kind}:{entity_id}: {target.base_url} has no such {kind}")
    return Reference(f"{kind}:{entity_id} @ {target.name}", value)


def _pick(text: str) -> tuple[str, int | None]:
    name, sep, number = text.rpartition("#")
    if sep and number.isdigit() and name:
        return name, int(number)
    return text, None


def _from_har(path: Path, data: bytes, index: int | None) -> Reference:
    try:
        har = read_har(data, path.name)
    except HarError as exc:
        raise ReferenceError(str(exc)) from None
    if index is None:
        if len(har.calls) != 1:
            listing = ", ".join(f"#{c.index}" for c in har.calls) or "none"
            raise ReferenceError(
                f"{path.name} holds {len(har.calls)} Tracardi calls ({listing}); "
                f"name one as {path.name}#N"
            )
        return Reference(f"{path.name}#{har.calls[0].index}", har.calls[0].exchange)
    for call in har.calls:
        if call.index == index:
            return Reference(f"{path.name}#{index}", call.exchange)
    raise ReferenceError(f"{path.name}: entry #{index} is not a Tracardi call")


def _from_lines(label: str, text: str, index: int) -> Reference:
    lines = [line for line in text.splitlines() if line.strip()]
    if not 1 <= index <= len(lines):
        raise ReferenceError(f"{label}: there is no line {index} (it has {len(lines)})")
    try:
        return Reference(f"{label}#{index}", json.loads(lines[index - 1]))
    except ValueError as exc:
        raise ReferenceError(f"{label}, line {index}: not JSON: {exc}") from None


def _from_file(text: str) -> Reference:
    if text == "-":
        data = sys.stdin.buffer.read()
        label, path, index = "stdin", Path("stdin"), None
    else:
        path, index = Path(text), None
        if not path.exists():
            name, index = _pick(text)
            path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ReferenceError(f"{text}: {exc.strerror or exc}") from None
        label = path.name
    if path.suffix.lower() == ".har" or (data.lstrip()[:1] == b"{" and b'"log"' in data[:200]):
        return _from_har(path, data, index)
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReferenceError(f"{label}: not UTF-8 text") from None
    if index is not None:
        return _from_lines(label, decoded, index)
    try:
        return Reference(label, json.loads(decoded))
    except json.JSONDecodeError as exc:
        if path.suffix.lower() == ".jsonl":
            raise ReferenceError(f"{label} has several lines; name one as {label}#N") from None
        raise ReferenceError(
            f"{label}: not JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None


def resolve(args: argparse.Namespace, text: str) -> Reference:
    """Resolve one reference (see the module docstring). Raises :class:`ReferenceError`."""
    scheme, sep, rest = text.partition(":")
    if sep and scheme == "history" and rest:
        return _history_entry(args, rest)
    if sep and scheme in _ENTITY_PATHS and rest:
        return _entity(args, scheme, rest)
    return _from_file(text)
