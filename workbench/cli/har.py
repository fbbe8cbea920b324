"""``workbench har import FILE [--list]``: the Tracardi calls of a browser's HAR export.

Without ``--list`` the calls go into the history, marked as imported (file, page,
time); with it they are only listed. Exit codes: 0 when calls were found, 1
when the file holds no Tracardi call, 2 for an unreadable file or bad usage
(the reason on stderr, nothing imported).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from workbench.core.har_import import HarCall, HarError, HarImport, read_har

__all__ = ["register", "run"]

EXIT_OK, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "har",
        help="import the Tracardi calls of a HAR file (a browser's network export)",
        description="Read a HAR 1.2 file as Chrome, Firefox or Safari devtools export it.",
    )
    actions = parser.add_subparsers(dest="har_command", metavar="ACTION")
    importing = actions.add_parser(
        "import",
        help="put the file's /track and /collect calls into the history",
        description="Every /track and /collect/... call (whatever the host) becomes a history "
        "entry with its debugger view, marked as imported; other requests are counted and "
        "skipped. A bad or truncated file is refused whole.",
    )
    importing.add_argument("file", metavar="FILE", help="a .har file")
    importing.add_argument(
        "--list", action="store_true", help="only list the calls found; import nothing"
    )
    importing.add_argument("--json", action="store_true", help="with --list: one JSON line each")
    parser.set_defaults(func=run, har_parser=parser)


def load_har(path: Path) -> HarImport:
    """Read a HAR file from disk; OSError and HarError carry the reason."""
    return read_har(path.read_bytes(), path.name)


def call_line(call: HarCall) -> str:
    exchange = call.exchange
    request = exchange.request
    status = exchange.status
    types = ",".join(exchange.event_types) or "-"
    page = f"  page: {call.page}" if call.page else ""
    when = exchange.started_at[:19].replace("T", " ")
    sent = f"{request.method} {request.url}" if request is not None else "-"
    return (
        f"#{call.index:<4} {when}  {status if status is not None else 'none':>4}  "
        f"{sent}  {types}{page}"
    )


def _list(har: HarImport, as_json: bool) -> None:
    for call in har.calls:
        if as_json:
            print(json.dumps(call.exchange.to_dict(), ensure_ascii=False))
        else:
            print(call_line(call))
    reasons = ", ".join(f"{n} {why}" for why, n in sorted(har.skipped.items()))
    print(f"({har.summary()}{': ' + reasons if reasons else ''})", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    if getattr(args, "har_command", None) is None:
        args.har_parser.print_help(sys.stderr)
        return EXIT_USAGE
    path = Path(args.file)
    try:
        har = load_har(path)
    except HarError as exc:
        print(f"workbench har: {exc}; nothing imported", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"workbench har: {exc.strerror or exc}: {path}", file=sys.stderr)
        return EXIT_USAGE
    if args.list:
        _list(har, args.json)
        return EXIT_OK if har.calls else EXIT_NOTHING
    if not har.calls:
        print(f"workbench har: {path.name}: {har.summary()}; nothing imported", file=sys.stderr)
        return EXIT_NOTHING
    from workbench.cli.history import _open
    from workbench.store.har_history import add_har_calls
    from workbench.store.history import HistoryBusyError

    try:
        with _open(args, write=True) as store:
            report = add_har_calls(store, har)
    except HistoryBusyError as exc:
        print(f"workbench har: {exc}; nothing imported", file=sys.stderr)
        return EXIT_USAGE
    for call in har.calls:
        print(call_line(call))
    print(report.message(path.name))
    return EXIT_OK
