"""``workbench journey from-history``: turn recorded exchanges into a journey file to edit and run.

Exit codes: 0 when the journey was written; 1 when history holds no matching
exchange; 2 on bad usage (an existing file without ``--force``, an unreadable
history).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workbench.core.journey.recording import journey_from_exchanges
from workbench.core.journey.source import dump_text
from workbench.journeys.recording import last_exchanges
from workbench.settings import app_paths
from workbench.store.atomic import atomic_write_bytes
from workbench.store.history import HistoryQuery, HistoryStore

__all__ = ["register", "run"]

EXIT_OK, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "journey",
        help="make journeys from recorded exchanges",
        description="Make journeys (for 'workbench run') from what was recorded.",
    )
    actions = parser.add_subparsers(dest="journey_command", metavar="ACTION")
    history = actions.add_parser(
        "from-history",
        help="a journey from the last N exchanges in history, with expectations from the answers",
    )
    history.add_argument("--last", type=_positive, default=10, metavar="N", help="how many (10)")
    history.add_argument("--out", required=True, metavar="FILE", help="the journey file to write")
    history.add_argument("--name", help="the journey's name (default: the file's name)")
    history.add_argument("--starred", action="store_true", help="only starred exchanges")
    history.add_argument("--target", metavar="NAME", help="only exchanges sent to this target")
    history.add_argument("--force", action="store_true", help="replace FILE if it exists")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if getattr(args, "journey_command", None) != "from-history":
        print(
            "workbench journey: say what to do, e.g. 'from-history --last 5 --out j.yaml'",
            file=sys.stderr,
        )
        return EXIT_USAGE
    out = Path(args.out)
    if out.exists() and not args.force:
        print(f"workbench journey: {out} exists; use --force to replace it", file=sys.stderr)
        return EXIT_USAGE
    paths = app_paths(getattr(args, "basedir", None))
    query = HistoryQuery(starred_only=args.starred, target=args.target)
    try:
        with HistoryStore(paths.history_dir, read_only=True) as store:
            exchanges = last_exchanges(store, args.last, query)
    except Exception as exc:  # an unreadable or busy history: say so, write nothing
        print(f"workbench journey: cannot read the history: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not exchanges:
        print("workbench journey: no matching exchange in history", file=sys.stderr)
        return EXIT_NOTHING
    document = journey_from_exchanges(exchanges, name=args.name or out.name.split(".")[0])
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(out, dump_text(document).encode("utf-8"))
    except OSError as exc:
        print(f"workbench journey: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    steps = len(document["steps"])
    print(
        f"wrote {out}: {steps} step{'s' if steps != 1 else ''} from history; "
        f"run it with: workbench run {out}"
    )
    return EXIT_OK
