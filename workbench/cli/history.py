"""``workbench history``: list, search, show, export, import and clear recorded exchanges.

Reads work while the window has the history open (they fall back to a read-only
view); ``import`` and ``clear`` need the history to themselves. Exit codes: 0 on
success, 1 when nothing matched (``show`` of an unknown id), 2 on bad usage or an
unreadable file (the reason on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from workbench.settings import SettingsFile, app_paths
from workbench.store.history import (
    HistoryBusyError,
    HistoryImportError,
    HistoryQuery,
    HistoryStore,
    HistorySummary,
    HistoryVersionError,
)
from workbench.store.history.entries import STATUS_CLASSES

__all__ = ["register", "run"]

EXIT_OK, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "history",
        help="list, search, export and import recorded exchanges",
        description="Work with the history of exchanges (kept under --basedir / $WORKBENCH_HOME).",
    )
    actions = parser.add_subparsers(dest="history_command", metavar="ACTION")

    listing = actions.add_parser("list", help="list exchanges, newest first")
    _add_listing_options(listing)

    search = actions.add_parser(
        "search", help="full-text search in request URLs and request/response bodies"
    )
    search.add_argument("text", metavar="TEXT", help="text to look for (case-insensitive)")
    _add_listing_options(search)

    show = actions.add_parser("show", help="print one exchange as JSON")
    show.add_argument("id", metavar="ID", help="the entry id (a unique prefix is enough)")

    export = actions.add_parser("export", help="export the history as JSON lines or HAR 1.2")
    export.add_argument("--format", choices=("jsonl", "har"), default="jsonl")
    export.add_argument("--starred", action="store_true", help="only starred entries")
    export.add_argument("file", metavar="FILE", help="the file to write (replaced atomically)")

    importing = actions.add_parser("import", help="import a JSON-lines export")
    importing.add_argument("file", metavar="FILE", help="a file written by 'history export'")

    clear = actions.add_parser("clear", help="delete every entry (starred ones too)")
    clear.add_argument("--yes", action="store_true", help="confirm: really delete everything")

    parser.set_defaults(func=run, history_parser=parser)


def _add_listing_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=_positive, default=20, metavar="N", help="default 20")
    parser.add_argument("--offset", type=_not_negative, default=0, metavar="N")
    parser.add_argument("--type", dest="event_type", metavar="EVENT_TYPE")
    parser.add_argument("--status", choices=STATUS_CLASSES, help="status class")
    parser.add_argument("--target", metavar="NAME", help="target name or base URL")
    parser.add_argument("--source", metavar="SOURCE_ID")
    parser.add_argument("--profile", dest="profile_id", metavar="PROFILE_ID")
    parser.add_argument("--session", dest="session_id", metavar="SESSION_ID")
    parser.add_argument("--since", metavar="ISO_TIME")
    parser.add_argument("--until", metavar="ISO_TIME")
    parser.add_argument("--starred", action="store_true", help="only starred entries")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")


def _positive(text: str) -> int:
    value = _not_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _not_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def _open(args: argparse.Namespace, *, write: bool) -> HistoryStore:
    paths = app_paths(getattr(args, "basedir", None))
    retention = SettingsFile(paths.settings_file).load().history_retention
    try:
        return HistoryStore(paths.history_dir, retention=retention)
    except HistoryBusyError:
        if write:
            raise
        return HistoryStore(paths.history_dir, retention=retention, read_only=True)


def _query(args: argparse.Namespace, text: str | None = None) -> HistoryQuery:
    return HistoryQuery(
        text=text,
        event_type=args.event_type,
        status_class=args.status,
        target=args.target,
        source=args.source,
        profile_id=args.profile_id,
        session_id=args.session_id,
        since=args.since,
        until=args.until,
        starred_only=args.starred,
    )


def _line(summary: HistorySummary) -> str:
    status = str(summary.status) if summary.status is not None else (summary.error_kind or "error")
    star = "*" if summary.starred else " "
    duration = f"{summary.duration_ms:.0f}ms" if summary.duration_ms is not None else "-"
    events = ",".join(summary.event_types) or "-"
    return (
        f"{star} {summary.created_at[:19].replace('T', ' ')}  {status:>5}  {duration:>7}  "
        f"{summary.method} {summary.route}  [{summary.target_name or '-'}]  {events}  "
        f"{summary.id}"
    )


def _print_summaries(store: HistoryStore, args: argparse.Namespace, text: str | None) -> int:
    query = _query(args, text)
    summaries = store.page(query, args.offset, args.limit)
    if args.json:
        for summary in summaries:
            print(json.dumps(asdict(summary)))
        return EXIT_OK
    total = store.count(query)
    for summary in summaries:
        print(_line(summary))
    noun = "matches" if not query.is_empty else "entries"
    if summaries:
        shown = f"{args.offset + 1}-{args.offset + len(summaries)} of {total} {noun}"
    else:
        shown = f"no {noun}" if total == 0 else f"nothing after {args.offset} of {total} {noun}"
    # The rows go to stdout (often a pipe, block-buffered), the footer to stderr: flush
    # first, or in a terminal or a `2>&1` log the footer lands inside the rows.
    sys.stdout.flush()
    print(f"({shown})", file=sys.stderr)
    return EXIT_OK


def _show(store: HistoryStore, prefix: str) -> int:
    entry = store.get(prefix)
    if entry is None:
        matches = [s.id for s in store.summaries() if s.id.startswith(prefix)]
        if len(matches) > 1:
            print(f"workbench history: {prefix!r} matches {len(matches)} entries", file=sys.stderr)
            return EXIT_USAGE
        entry = store.get(matches[0]) if matches else None
    if entry is None:
        print(f"workbench history: no entry with id {prefix!r}", file=sys.stderr)
        return EXIT_NOTHING
    print(json.dumps(entry.to_dict(), indent=2, ensure_ascii=False))
    return EXIT_OK


def _export(store: HistoryStore, args: argparse.Namespace) -> int:
    ids = [s.id for s in store.summaries(HistoryQuery(starred_only=True))] if args.starred else None
    target = Path(args.file)
    if target.is_dir():
        print(f"workbench history: {target} is a folder; give a file name", file=sys.stderr)
        return EXIT_USAGE
    count = (
        store.export_har(target, ids) if args.format == "har" else store.export_jsonl(target, ids)
    )
    print(f"exported {count} entries to {target} ({args.format})")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    command = getattr(args, "history_command", None)
    if command is None:
        args.history_parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        with _open(args, write=command in ("import", "clear")) as store:
            for notice in store.notices:
                print(f"workbench history: note: {notice.message}", file=sys.stderr)
            if command == "list":
                return _print_summaries(store, args, None)
            if command == "search":
                return _print_summaries(store, args, args.text)
            if command == "show":
                return _show(store, args.id)
            if command == "export":
                return _export(store, args)
            if command == "import":
                added = store.import_jsonl(args.file)
                print(f"imported {added} entries from {args.file}")
                return EXIT_OK
            if not args.yes:
                print(
                    f"workbench history: this deletes all {store.count()} entries; "
                    "repeat with --yes to confirm",
                    file=sys.stderr,
                )
                return EXIT_USAGE
            store.clear()
            print("history cleared")
            return EXIT_OK
    except (HistoryBusyError, HistoryImportError, HistoryVersionError, ValueError) as exc:
        print(f"workbench history: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"workbench history: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return EXIT_USAGE
