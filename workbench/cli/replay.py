"""``workbench replay REF``: reproduce a customer's exchange against the local flow.

REF is an exchange: ``history:ID``, a HAR entry ``file.har#N``, an exchange or
export-line file, or with ``--bundle FILE.zip`` an exchange id of the bundle
(the bundle's only or newest exchange when REF is left out). The profile and
session the exchange refers to come from the bundle, from the exchange itself,
or from a target (``--from-target NAME`` / ``--from URL``, admin reads). They
are loaded into an embedded collector started for the replay (in memory, on a
free port) with the local flow — the bundle's with ``--bundle``, else the one
saved in this Workbench's collector folder — and the payload is sent to it.
An exchange sent with ``x-context: production`` is replayed in the production
data set: its profile, session and event source are looked up in the bundle's
(or the collector folder's) production data, loaded into the replay collector's
production data set, and the payload is sent with the same header.
Prints what was loaded and the diff customer → local. Exit codes: 0 the same
answer, 1 different, 2 unreadable input or the replay could not run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from workbench.cli.references import ReferenceError, resolve
from workbench.core.compare import change_lines

__all__ = ["register", "run"]

EXIT_SAME, EXIT_DIFFERENT, EXIT_FAILED = 0, 1, 2


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "replay",
        help="reproduce a customer's exchange locally and diff the answers",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    parser.add_argument("ref", metavar="REF", nargs="?", help="history:ID, file.har#N, a file")
    parser.add_argument("--bundle", metavar="FILE.zip", help="take REF and its data from a bundle")
    remote = parser.add_mutually_exclusive_group()
    remote.add_argument("--from-target", metavar="NAME", help="read profile/session from a target")
    remote.add_argument("--from", dest="from_url", metavar="BASE_URL", help="… from this URL")
    parser.add_argument("--ignore", action="append", default=[], metavar="PATH")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(func=run, to=None, target=None, timeout=None, insecure=False)


def _fail(message: str) -> int:
    print(f"workbench replay: {message}", file=sys.stderr)
    return EXIT_FAILED


def _from_bundle(args: argparse.Namespace) -> tuple[dict[str, Any], Any]:
    from workbench.store.bundle import BundleError, read_bundle

    try:
        bundle = read_bundle(args.bundle)
    except BundleError as exc:
        raise ReferenceError(str(exc)) from None
    entries = bundle.contents.entries
    if not entries:
        raise ReferenceError(f"{args.bundle} holds no exchanges")
    if args.ref:
        chosen = [e for e in entries if str(e.get("id", "")).startswith(args.ref)]
        if len(chosen) != 1:
            raise ReferenceError(
                f"{args.ref}: {len(chosen)} exchanges of the bundle have that id "
                f"(it has {', '.join(str(e.get('id'))[:8] for e in entries)})"
            )
        return chosen[0], bundle
    return entries[-1], bundle


def _remote_reader(args: argparse.Namespace, context: str) -> Any:
    if not (args.from_target or args.from_url):
        return None
    import httpx

    from workbench.cli.send import UsageError, _target
    from workbench.client.admin import AdminReader

    lookup = argparse.Namespace(**{**vars(args), "target": args.from_target, "to": args.from_url})
    try:
        target = _target(lookup)
    except UsageError as exc:
        raise ReferenceError(str(exc)) from None
    if not target.x_context and context == "production":
        # A target that names no data set is read in the one the exchange used.
        target = target.replace(x_context=context)
    reader = AdminReader()

    def read(kind: str, entity_id: str) -> Any:
        with httpx.Client(verify=target.verify_tls) as client:
            return reader.get(client, target, f"/{kind}/{entity_id}")

    return read


def _by_id(documents: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {d["id"]: d for d in documents if isinstance(d.get("id"), str)}


def run(args: argparse.Namespace) -> int:
    from workbench.client import Sender, embedded_target
    from workbench.client.replay import PRODUCTION, ReplayError, plan_replay, replay, replay_context
    from workbench.collector import CollectorConfig, CollectorServer
    from workbench.settings import app_paths
    from workbench.store.bundle_sources import data_from_folder

    if not args.ref and not args.bundle:
        return _fail("name the exchange to replay (history:ID, file.har#N, a file) or --bundle")
    exchange: object  # a bundle's entry or whatever the reference points at
    context_notes: list[str] = []
    try:
        if args.bundle:
            exchange, bundle = _from_bundle(args)
            label = f"{Path(args.bundle).name}:{exchange.get('id')}"
        else:
            ref = resolve(args, args.ref)
            exchange, label = ref.value, ref.label
        if not isinstance(exchange, dict):
            return _fail(f"{label} is not an exchange (a request and its answer)")
        context = replay_context(exchange)
        if args.bundle:
            data = bundle.contents
            flow = data.flow
            data_set = data.production if context == PRODUCTION else data
            if data_set is None:
                context_notes.append(
                    "the exchange was sent with x-context: production, and the bundle "
                    "holds no production data set"
                )
                profiles, sessions, sources = {}, {}, []
            else:
                profiles, sessions = _by_id(data_set.profiles), _by_id(data_set.sessions)
                sources = data_set.sources
        else:
            local = data_from_folder(app_paths(getattr(args, "basedir", None)).collector_dir)
            profiles, sessions = {}, {}
            flow = local.flow
            local_set = local.production if context == PRODUCTION else local
            sources = local_set.sources if local_set is not None else []
        plan = plan_replay(
            exchange,
            profiles=profiles,
            sessions=sessions,
            sources=sources,
            remote=_remote_reader(args, context),
            context=context,
        )
    except (ReferenceError, ReplayError) as exc:
        return _fail(str(exc))

    server = CollectorServer(CollectorConfig(port=0, data_dir=None))
    try:
        server.start()
        if flow:
            try:
                server.app.state.flow.replace(flow)
            except ValueError as exc:
                print(
                    f"workbench replay: note: the flow could not be loaded: {exc}", file=sys.stderr
                )
        with Sender() as sender:
            outcome = replay(
                plan,
                store=server.contexts.get("production") if context == PRODUCTION else server.store,
                sender=sender,
                target=embedded_target(server.url),
                ignore=tuple(args.ignore),
            )
    except Exception as exc:  # the replay's own collector failed: say so, exit 2
        return _fail(f"the replay could not run: {exc}")
    finally:
        server.stop()
    result = outcome.diff
    notes = [*context_notes, *plan.notes]
    if args.format == "json":
        report = {
            "exchange": label,
            "context": plan.context,
            "notes": notes,
            "loaded": list(outcome.loaded),
            "local_status": outcome.local.status,
            **result.to_dict(),
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for note in notes:
            print(f"note: {note}")
        for what in outcome.loaded:
            print(f"loaded: {what}")
        status = outcome.local.status if outcome.local.status is not None else "no answer"
        where = " in the production data set" if plan.context == PRODUCTION else ""
        print(f"replayed {label} against the local flow{where}: HTTP {status}")
        print(f"--- customer ({label})")
        print("+++ local")
        for line in change_lines(result):
            print(line)
    return EXIT_SAME if result.equal else EXIT_DIFFERENT
