"""``workbench send FILE|-``: send a payload to a collector and show what happened.

Exit codes: 0 when the server answered 2xx; 1 on an HTTP or network error (the
message and a hint on stderr); 2 on bad usage or an invalid payload (the
schema issues on stderr, nothing sent). The exchange is recorded in history
unless ``--no-history``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from workbench.cli.validate import InputError, read_json_argument
from workbench.client import (
    DEFAULT_EMBEDDED_URL,
    Exchange,
    RequestSpec,
    Sender,
    embedded_target,
    target_from_url,
)
from workbench.client.report import format_error, format_result
from workbench.core.validation import validate_payload
from workbench.core.variables import VariableError
from workbench.settings import SettingsFile, TargetSettings, app_paths
from workbench.store.history import HistoryStore

__all__ = ["register", "run"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad options or input; the message says which."""


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "send",
        help="send a tracker payload and print the normalised answer",
        description=(
            "Send a tracker payload (a file, or - for standard input) to /track and print "
            "the normalised answer. Without --to/--target it sends to the embedded "
            f"collector at {DEFAULT_EMBEDDED_URL}. Exit 0 on a 2xx answer, 1 on an HTTP "
            "or network error, 2 on bad usage or an invalid payload."
        ),
    )
    parser.add_argument("file", metavar="FILE|-", help="payload file, or - for stdin")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--to", metavar="BASE_URL", help="base URL, e.g. http://localhost:8686")
    where.add_argument("--target", metavar="NAME", help="a target saved in settings.json")
    parser.add_argument(
        "--profile-less", action="store_true", help="send to /track?profile_less=true"
    )
    parser.add_argument(
        "--collect",
        metavar="TYPE/SOURCE[/SESSION]",
        help="send the JSON to the webhook route /collect/TYPE/SOURCE[/SESSION] instead",
    )
    parser.add_argument(
        "--debugger", action="store_true", help="set options.debugger = true in the payload"
    )
    parser.add_argument(
        "--var", action="append", default=[], metavar="NAME=VALUE", help="a {{NAME}} variable"
    )
    parser.add_argument(
        "--header", action="append", default=[], metavar="'Name: value'", help="extra header"
    )
    parser.add_argument("--timeout", type=float, metavar="S", help="seconds (default: target's)")
    parser.add_argument(
        "--insecure", action="store_true", help="do not verify the server's TLS certificate"
    )
    parser.add_argument("--no-validate", action="store_true", help="send even if invalid")
    parser.add_argument("--no-history", action="store_true", help="do not record in history")
    parser.add_argument("--format", choices=("pretty", "json"), default="pretty")
    parser.set_defaults(func=run)


def _pairs(values: list[str], sep: str, what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw in values:
        name, found, value = raw.partition(sep)
        if not found or not name.strip():
            raise UsageError(f"{what} {raw!r} must look like NAME{sep}VALUE")
        out[name.strip()] = value.strip() if sep == ":" else value
    return out


def _target(args: argparse.Namespace) -> TargetSettings:
    if args.target:
        settings_file = SettingsFile(app_paths(getattr(args, "basedir", None)).settings_file)
        settings = settings_file.load()
        found = settings.target(args.target)
        if found is None:
            names = ", ".join(repr(t.name) for t in settings.targets) or "none saved"
            raise UsageError(
                f"no target named {args.target!r} in {settings_file.path} (known: {names})"
            )
        target = found
    elif args.to:
        try:
            target = target_from_url(args.to)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    else:
        target = embedded_target()
    if args.timeout is not None:
        if args.timeout <= 0:
            raise UsageError("--timeout must be a positive number of seconds")
        target = target.replace(timeout=args.timeout)
    if args.insecure:
        target = target.replace(verify_tls=False)
    return target


def _spec(args: argparse.Namespace, payload: Any) -> RequestSpec:
    headers = _pairs(args.header, ":", "--header")
    variables = _pairs(args.var, "=", "--var")
    if args.collect:
        parts = [p for p in args.collect.strip("/").split("/") if p]
        if len(parts) not in (2, 3):
            raise UsageError(
                "--collect must be EVENT_TYPE/SOURCE_ID or EVENT_TYPE/SOURCE_ID/SESSION"
            )
        if args.profile_less:
            raise UsageError("--profile-less applies to /track only")
        return RequestSpec(
            payload=payload,
            route="collect",
            collect_event_type=parts[0],
            collect_source_id=parts[1],
            collect_session_id=parts[2] if len(parts) == 3 else None,
            headers=headers,
            variables=variables,
        )
    return RequestSpec(
        payload=payload,
        profile_less=args.profile_less,
        debugger=args.debugger,
        headers=headers,
        variables=variables,
    )


def _record(result: Exchange, args: argparse.Namespace) -> str | None:
    """Append the exchange to history; returns a warning text when that failed."""
    paths = app_paths(getattr(args, "basedir", None))
    try:
        settings = SettingsFile(paths.settings_file).load()
        if not settings.history_enabled:  # the user turned history off
            return None
        store = HistoryStore(paths.history_dir, retention=settings.history_retention)
        try:
            store.append(result)
        finally:
            store.close()
    except Exception as exc:  # a history problem must not hide the send's outcome
        return f"could not record the exchange in history: {exc}"
    return None


def run(args: argparse.Namespace) -> int:
    try:
        payload = read_json_argument(args.file)
        target = _target(args)
        spec = _spec(args, payload)
    except (InputError, UsageError) as exc:
        print(f"workbench send: {exc}", file=sys.stderr)
        return EXIT_USAGE
    with Sender() as sender:
        try:
            prepared = sender.prepare(target, spec)
        except (VariableError, ValueError) as exc:
            print(f"workbench send: {exc}", file=sys.stderr)
            return EXIT_USAGE
        if spec.route == "track" and not args.no_validate:
            issues = validate_payload(prepared.body)
            if issues:
                print("workbench send: the payload is not valid (nothing sent):", file=sys.stderr)
                for issue in issues:
                    print(f"  {issue.text} [{issue.keyword}]", file=sys.stderr)
                print("  hint: fix it, or send anyway with --no-validate", file=sys.stderr)
                return EXIT_USAGE
        result = sender.send(target, spec, prepared=prepared)
    if args.format == "json":
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_result(result, include_error=False))
    if not args.no_history:
        warning = _record(result, args)
        if warning:
            print(f"workbench send: {warning}", file=sys.stderr)
    if result.error is not None:
        print(f"workbench send: {format_error(result)}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
