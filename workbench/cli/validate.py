"""``workbench validate FILE|-``: check a payload against the tracker schema."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from workbench.core.validation import validate_payload

__all__ = ["read_json_argument", "register", "run"]


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "validate",
        help="validate a tracker payload against the schema",
        description="Validate a tracker payload (a file, or - for standard input). "
        "Prints one line per issue; exit 0 when valid, 1 when not, 2 on unreadable input.",
    )
    parser.add_argument("file", metavar="FILE|-", help="payload file, or - for stdin")
    parser.add_argument("--format", choices=("pretty", "json"), default="pretty")
    parser.set_defaults(func=run)


class InputError(Exception):
    """A file or stream that could not be read as JSON; the message says why."""


def read_json_argument(name: str) -> Any:
    """Read JSON from a path or ``-`` (stdin); raise :class:`InputError` with a clear reason."""
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{name} is not UTF-8 text: {exc.reason}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = "standard input" if name == "-" else name
        raise InputError(
            f"{where} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc


def run(args: argparse.Namespace) -> int:
    try:
        payload = read_json_argument(args.file)
    except InputError as exc:
        print(f"workbench validate: {exc}", file=sys.stderr)
        return 2
    issues = validate_payload(payload)
    if args.format == "json":
        print(json.dumps({"valid": not issues, "issues": [i.as_dict() for i in issues]}, indent=2))
    elif issues:
        for issue in issues:
            print(f"{issue.text} [{issue.keyword}]")
    else:
        print("valid")
    return 1 if issues else 0
