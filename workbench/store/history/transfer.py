"""Moving entries in: reading and checking an import file.

An import is checked as a whole before anything is stored, so a file with a bad
line adds nothing and the error names the line. Each line is either an entry as
``export_jsonl`` writes it (``{"id", "created_at", "starred", "exchange"}``) or a
bare exchange dict; both are masked again on the way in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workbench.store.history.entries import make_stored_entry

__all__ = ["HistoryImportError", "read_import_file"]


class HistoryImportError(ValueError):
    """An import file could not be read; the message names the file and line."""


def read_import_file(source: Path) -> list[dict[str, Any]]:
    """Read and check a JSON-lines file; return stored-entry dicts (masked), in file order."""
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise HistoryImportError(f"cannot read {source}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise HistoryImportError(f"{source} is not UTF-8 text: {exc.reason}") from exc
    return _parse_lines(source, text)


def _parse_lines(source: Path, text: str) -> list[dict[str, Any]]:
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise HistoryImportError(
                f"{source}, line {number}: not valid JSON ({exc.msg} at column {exc.colno})"
                if isinstance(exc, json.JSONDecodeError)
                else f"{source}, line {number}: not valid JSON"
            ) from exc
        if not isinstance(record, dict):
            raise HistoryImportError(
                f"{source}, line {number}: expected a JSON object (an exchange or an exported "
                f"entry), got {type(record).__name__}"
            )
        if "exchange" in record:
            exchange = record["exchange"]
            if not isinstance(exchange, dict):
                raise HistoryImportError(f"{source}, line {number}: 'exchange' must be an object")
            created = record.get("created_at")
            try:
                entry = make_stored_entry(
                    dict(exchange, id=record.get("id") or exchange.get("id")),
                    starred=bool(record.get("starred")),
                    created_at=created if isinstance(created, str) else None,
                )
            except ValueError as exc:
                raise HistoryImportError(f"{source}, line {number}: {exc}") from exc
        else:
            if not any(key in record for key in ("request", "response", "target")):
                raise HistoryImportError(
                    f"{source}, line {number}: not a history entry (no 'exchange', "
                    "'request', 'response' or 'target' key)"
                )
            entry = make_stored_entry(record)
        entries.append(entry)
    return entries
