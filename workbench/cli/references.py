"""Names for the things a command compares or replays, resolved to JSON documents.

``FILE`` (a debug answer, a profile, an exchange, a history export, a HAR),
``FILE#N`` (entry N of a HAR, line N of a JSON-lines export), ``-`` (standard
input), ``history:ID`` (an entry of the history, a unique id prefix is enough),
``profile:ID`` / ``session:ID`` / ``event:ID`` (read from the embedded
collector, or from the target given with ``--target``/``--to``).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import Any

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


def _from_file(text: str) -> Reference:
    from workbench.store.document_files import DocumentError, read_document, read_document_bytes

    try:
        if text == "-":
            label, value = read_document_bytes("stdin", sys.stdin.buffer.read())
        else:
            label, value = read_document(text)
    except DocumentError as exc:
        raise ReferenceError(str(exc)) from None
    return Reference(label, value)


def resolve(args: argparse.Namespace, text: str) -> Reference:
    """Resolve one reference (see the module docstring). Raises :class:`ReferenceError`."""
    scheme, sep, rest = text.partition(":")
    if sep and scheme == "history" and rest:
        return _history_entry(args, rest)
    if sep and scheme in _ENTITY_PATHS and rest:
        return _entity(args, scheme, rest)
    return _from_file(text)
