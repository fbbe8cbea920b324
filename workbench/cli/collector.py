"""``workbench collector``: run the embedded collector headless until Ctrl+C or SIGTERM.

Prints the URL and the sources it knows, one line per request, and stops
cleanly (everything stored is flushed) on Ctrl+C / SIGTERM. Binding beyond
loopback always needs a token (``--token``, or one is generated and printed):
reading and changing the collector then takes ``Authorization: Bearer``, while
tracking stays open. ``--allow-host`` names extra ``Host`` values to answer
(see :mod:`workbench.collector.trust`). ``--forward URL`` sends every tracking
request on to a real Tracardi and answers with its answer, keeping each exchange
in history (``workbench journey from-history`` makes a journey of them).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from workbench.collector import CollectorConfig, CollectorServer, CollectorStartError
from workbench.collector.config import DEFAULT_PORT
from workbench.collector.durability import DURABILITY_CHOICES, RELAXED_RISK
from workbench.collector.flow_routes import flow_store_of
from workbench.collector.forward import ForwardedExchange, Forwarder
from workbench.collector.records import RequestRecord
from workbench.collector.trust import is_loopback_host
from workbench.journeys.recording import exchange_from_forwarded
from workbench.settings import SettingsFile
from workbench.settings.paths import app_paths
from workbench.store.history import HistoryBusyError, HistoryStore

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "collector",
        help="run the embedded Tracardi-compatible collector (headless)",
        description="Run the embedded collector: POST /track, /collect/..., reads and "
        "/_workbench/* on http://HOST:PORT until Ctrl+C.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port to listen on (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--data-dir",
        metavar="DIR",
        help="keep the collector's data in DIR (default: the collector folder under the "
        "Workbench home)",
    )
    where.add_argument(
        "--memory", action="store_true", help="keep everything in memory (nothing written)"
    )
    parser.add_argument(
        "--format",
        choices=("documented", "counters", "current", "0.7.3", "0.8.1", "0.8.2"),
        default="documented",
        help="which Tracardi the collector answers as: 'documented' or 0.7.3 (the docs' "
        "shape with the debugging block, default), 'counters' or 0.8.1 (0.7.4-0.8.1: "
        "saved counters), 'current' or 0.8.2 (0.8.2+: ids only); /info/version reports "
        "that release",
    )
    parser.add_argument(
        "--accept-any-source",
        action="store_true",
        help="accept any source id (Tracardi's ENABLE_EVENT_SOURCE_CHECK=no)",
    )
    parser.add_argument(
        "--no-debugger",
        action="store_true",
        help="ignore options.debugger, like a production Tracardi (TRACK_DEBUG=no)",
    )
    parser.add_argument(
        "--strict-validation",
        action="store_true",
        help="fail loudly (for CI): answer 406 when an event breaks its event schema, and 422 "
        "for payloads Tracardi would quietly accept (e.g. non-boolean options)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="load the demo event flow (schemas, rules, segments: visitor -> engaged -> "
        "customer), replacing the stored one",
    )
    parser.add_argument(
        "--durability",
        choices=DURABILITY_CHOICES,
        default="durable",
        help="'durable' (default): answer a tracking request only once its events are "
        f"written and fsync'ed; 'relaxed': {RELAXED_RISK} (for load tests)",
    )
    parser.add_argument(
        "--production",
        action="store_true",
        help="production mode (Tracardi's PRODUCTION=yes): every request uses the production "
        "data set; without it x-context: production selects production, anything else staging",
    )
    parser.add_argument(
        "--token",
        metavar="TOKEN",
        help="require this token (Authorization: Bearer TOKEN) for everything but tracking; "
        "binding a non-loopback --host always requires one (generated and printed if not given)",
    )
    parser.add_argument(
        "--allow-host",
        metavar="NAME",
        action="append",
        default=[],
        help="also answer requests whose Host header is NAME (e.g. a name for this machine "
        "on the LAN); loopback names, IP addresses the collector binds and --host are always "
        "allowed. Repeatable.",
    )
    parser.add_argument(
        "--forward",
        metavar="URL",
        help="send every tracking request (/track, /collect/...) on to the Tracardi at URL and "
        "answer with its answer; each exchange is kept in history, for 'workbench journey "
        "from-history'",
    )
    parser.add_argument("--quiet", action="store_true", help="do not print a line per request")
    parser.set_defaults(func=run)


def start_forwarding(server: CollectorServer, url: str, history: HistoryStore | None) -> Forwarder:
    """Make *server* forward tracking requests to *url*, recording each one in *history*."""

    def record(forwarded: ForwardedExchange) -> None:
        if history is not None:
            history.append(exchange_from_forwarded(forwarded, url))

    forwarder = Forwarder(url, on_exchange=record)
    server.app.state.forwarder = forwarder
    return forwarder


def _open_history(args: argparse.Namespace) -> HistoryStore | None:
    paths = app_paths(getattr(args, "basedir", None))
    try:
        retention = SettingsFile(paths.settings_file).load().history_retention
        return HistoryStore(paths.history_dir, retention=retention)
    except (HistoryBusyError, OSError) as exc:
        print(
            f"notice: forwarded exchanges are not kept in history ({exc})",
            file=sys.stderr,
        )
        return None


def _data_dir(args: argparse.Namespace) -> Path | None:
    if args.memory:
        return None
    if args.data_dir:
        return Path(args.data_dir).expanduser()
    return app_paths(getattr(args, "basedir", None)).collector_dir


def run(args: argparse.Namespace) -> int:
    try:
        config = CollectorConfig(
            host=args.host,
            port=args.port,
            data_dir=_data_dir(args),
            response_format=args.format,
            accept_any_source=args.accept_any_source,
            debugger=not args.no_debugger,
            strict_validation=args.strict_validation,
            durability=args.durability,
            token=args.token or None,
            allowed_hosts=tuple(args.allow_host),
            production=args.production,
        )
    except ValueError as exc:
        print(f"workbench collector: {exc}", file=sys.stderr)
        return 2

    def print_request(record: RequestRecord) -> None:
        print(record.log_line(), flush=True)

    try:
        server = CollectorServer(config, None if args.quiet else print_request)
    except OSError as exc:
        print(f"workbench collector: cannot open the data folder: {exc}", file=sys.stderr)
        return 2
    forwarder: Forwarder | None = None
    history: HistoryStore | None = None
    if args.forward:
        history = _open_history(args)
        try:
            forwarder = start_forwarding(server, args.forward, history)
        except ValueError as exc:
            print(f"workbench collector: --forward: {exc}", file=sys.stderr)
            server.stop()
            if history is not None:
                history.close()
            return 2
    flow = flow_store_of(server.app)
    if args.demo:
        flow.load_pack("demo")
    if flow.notice is not None:
        print(f"notice: {flow.notice.message}", file=sys.stderr)
    for notice in server.store.notices:
        print(f"notice: {notice.message}", file=sys.stderr)
    try:
        server.start()
    except CollectorStartError as exc:
        server.stop()
        _stop_forwarding(forwarder, history)
        print(f"workbench collector: {exc}", file=sys.stderr)
        return 1
    if forwarder is not None:
        print(f"forwarding tracking requests to {forwarder.base_url}", flush=True)

    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        _print_banner(server, server.config)
        while not stop.wait(3600):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        print("stopping the collector…", file=sys.stderr, flush=True)
        server.stop()
        _stop_forwarding(forwarder, history)
        stats = server.store.stats()
        print(
            f"stopped; {stats['events']} events, {stats['profiles']} profiles, "
            f"{stats['sessions']} sessions "
            + ("kept in memory only (discarded)" if config.data_dir is None else "stored"),
            file=sys.stderr,
            flush=True,
        )
    return 0


def _stop_forwarding(forwarder: Forwarder | None, history: HistoryStore | None) -> None:
    if forwarder is not None:
        forwarder.close()
    if history is not None:
        history.close()


def _print_banner(server: CollectorServer, config: CollectorConfig) -> None:
    if not is_loopback_host(config.host):
        print(
            f"NOTE: listening on {config.host}: the collector is reachable from the network. "
            "Tracking (/track, /collect/...) is open to anyone who can reach it; everything "
            "else needs the token below.",
            file=sys.stderr,
            flush=True,
        )
    print(f"Workbench collector listening on {server.url}")
    print(f"  POST {server.url}/track   (status page: {server.url}/)")
    if config.token is not None:
        print(f"  token: {config.token}")
        print(
            f"    send 'Authorization: Bearer {config.token}' to read or change the collector; "
            f"open pages as {server.url}/?token={config.token}"
        )
    where = config.data_dir if config.data_dir is not None else "memory only (--memory)"
    print(f"  data: {where}")
    if config.data_dir is not None:
        if config.durability == "durable":
            print("  durability: durable (answered only once written and fsync'ed)")
        else:
            print(f"  durability: relaxed: {RELAXED_RISK}")
    if config.production:
        print("  production mode: every request uses the production data set")
    else:
        print("  data sets: staging (default), production (x-context: production)")
    print(
        f"  response format: {config.response_format}; debugger: "
        f"{'on' if config.debugger else 'off'}; source check: "
        f"{'off (any source accepted)' if config.accept_any_source else 'on'}"
    )
    flow = flow_store_of(server.app).config
    print(
        f"  event flow: {len(flow.schemas)} event schemas, {len(flow.rules)} rules, "
        f"{len(flow.segments)} segments (GET {server.url}/_workbench/flow); strict validation: "
        f"{'on' if config.strict_validation else 'off'}"
    )
    print("  sources:")
    for source in server.store.list_sources():
        state = "" if source.enabled else " (disabled)"
        print(f"    {source.id:<24} {'/'.join(source.type):<8} {source.name}{state}")
    print("Press Ctrl+C to stop.", flush=True)
