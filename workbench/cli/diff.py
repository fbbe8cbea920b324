"""``workbench diff A B``: the semantic diff of two debug answers, exchanges or profiles.

A and B are references (see :mod:`workbench.cli.references`): files, ``FILE#N``
entries of HAR files and exports, ``history:ID``, ``profile:ID`` /
``session:ID`` read from a collector. Ids, timestamps and durations are left
out unless ``--all``. Exit codes: 0 equal, 1 different, 2 unreadable input or
bad usage (the reason on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from workbench.cli.references import ReferenceError, resolve
from workbench.core.compare import change_lines, comparable
from workbench.core.diff import PathError, diff

__all__ = ["add_target_options", "register", "run"]

EXIT_EQUAL, EXIT_DIFFERENT, EXIT_UNREADABLE = 0, 1, 2


def add_target_options(parser: argparse.ArgumentParser) -> None:
    """``--target``/``--to`` for ``profile:``/``session:`` references (and replays)."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--to", metavar="BASE_URL", help="read profiles/sessions from this URL")
    where.add_argument("--target", metavar="NAME", help="a target saved in settings.json")
    parser.set_defaults(timeout=None, insecure=False)


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "diff",
        help="compare two answers, exchanges, profiles or sessions",
        description="Semantic diff: changes by path, lists of objects paired by id/type, ids, "
        "timestamps and durations left out unless --all. A and B: a JSON file, FILE#N "
        "(entry N of a HAR or line N of a JSON-lines export), - (stdin), history:ID, "
        "profile:ID, session:ID. Exit 0 equal, 1 different, 2 unreadable input.",
    )
    parser.add_argument("a", metavar="A")
    parser.add_argument("b", metavar="B")
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="PATH",
        help="leave this path out (repeatable; * one segment, ** any depth, [*] any element)",
    )
    parser.add_argument("--all", action="store_true", help="show ids, timestamps and durations too")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--raw",
        action="store_true",
        help="compare exchanges whole instead of their request payload and answer",
    )
    add_target_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.a == "-" and args.b == "-":
        print("workbench diff: only one of A and B can be - (stdin)", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        left = resolve(args, args.a)
        right = resolve(args, args.b)
    except ReferenceError as exc:
        print(f"workbench diff: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    a = left.value if args.raw else comparable(left.value)
    b = right.value if args.raw else comparable(right.value)
    try:
        result = diff(a, b, ignore=args.ignore, include_volatile=args.all)
    except PathError as exc:
        print(f"workbench diff: --ignore: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.format == "json":
        out = {"a": left.label, "b": right.label, **result.to_dict()}
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(f"--- {left.label}")
        print(f"+++ {right.label}")
        for line in change_lines(result):
            print(line)
    return EXIT_EQUAL if result.equal else EXIT_DIFFERENT
