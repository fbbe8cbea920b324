"""``workbench bundle export|import``: support bundles, with secrets and personal data replaced.

``export [--last N | --ids ID...] --out FILE.zip [--policy FILE]`` writes the
chosen history entries with the embedded collector's flow, sources and the
profiles, sessions and events they touch, settings without secrets, versions
and a ``manifest.json``. ``import FILE.zip`` opens a bundle read-only in a
window of its own (its own history and local data); ``--no-window`` only
unpacks it and prints where. Exit codes: 0 done, 1 nothing to export, 2 bad
usage or an unreadable bundle (the reason on stderr).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workbench.settings import SettingsFile, app_paths

__all__ = ["register", "run"]

EXIT_OK, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2
DEFAULT_LAST = 50


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "bundle",
        help="export or open a support bundle (a redacted zip to share)",
        description="Support bundles: what a colleague needs to see what you see, with every "
        "secret and personal value replaced by a consistent placeholder.",
    )
    actions = parser.add_subparsers(dest="bundle_command", metavar="ACTION")
    export = actions.add_parser("export", help="write a bundle of recent or chosen exchanges")
    which = export.add_mutually_exclusive_group()
    which.add_argument(
        "--last", type=int, metavar="N", help=f"the N newest exchanges (default {DEFAULT_LAST})"
    )
    which.add_argument("--ids", nargs="+", metavar="ID", help="these history entries (or prefixes)")
    export.add_argument("--out", required=True, metavar="FILE.zip", help="the zip to write")
    export.add_argument(
        "--policy",
        metavar="FILE.json",
        help="redaction policy (default: redaction-policy.json in the home folder, else built in)",
    )
    importing = actions.add_parser("import", help="open a bundle read-only in its own window")
    importing.add_argument("file", metavar="FILE.zip")
    importing.add_argument(
        "--no-window", action="store_true", help="only unpack it and print the folder"
    )
    parser.set_defaults(func=run, bundle_parser=parser)


def _fail(message: str) -> int:
    print(f"workbench bundle: {message}", file=sys.stderr)
    return EXIT_USAGE


def _export(args: argparse.Namespace) -> int:
    from workbench.cli.history import _open
    from workbench.store.bundle import BundleLeakError, write_bundle
    from workbench.store.bundle_sources import data_from_folder, gather
    from workbench.store.history import HistoryBusyError
    from workbench.store.redaction_policy import POLICY_FILE, PolicyError, load_policy

    paths = app_paths(getattr(args, "basedir", None))
    if args.last is not None and args.last < 1:
        return _fail("--last must be at least 1")
    out = Path(args.out)
    if out.is_dir():
        return _fail(f"{out} is a folder; give a file name such as {out / 'bundle.zip'}")
    try:
        policy = load_policy(Path(args.policy) if args.policy else paths.home / POLICY_FILE)
    except PolicyError as exc:
        return _fail(str(exc))
    if args.policy and not Path(args.policy).exists():
        return _fail(f"{args.policy}: no such policy file")
    try:
        with _open(args, write=False) as store:
            if args.ids:
                entries = []
                for wanted in args.ids:
                    entry = store.get(wanted)
                    if entry is None:
                        matches = [s.id for s in store.summaries() if s.id.startswith(wanted)]
                        if len(matches) != 1:
                            why = "no entry" if not matches else f"{len(matches)} entries"
                            return _fail(f"--ids {wanted}: {why} with that id")
                        entry = store.get(matches[0])
                    assert entry is not None
                    entries.append(entry.to_dict())
            else:
                summaries = store.page(None, 0, args.last or DEFAULT_LAST)
                entries = [e.to_dict() for s in summaries if (e := store.get(s.id)) is not None]
    except (HistoryBusyError, ValueError, OSError) as exc:
        return _fail(f"the history cannot be read: {exc}")
    if not entries:
        print("workbench bundle: the history holds no exchanges to export", file=sys.stderr)
        return EXIT_NOTHING
    entries.sort(key=lambda e: str(e.get("created_at")))
    settings = SettingsFile(paths.settings_file).load().to_dict()
    contents = gather(entries, data_from_folder(paths.collector_dir), settings)
    try:
        manifest = write_bundle(contents, out, policy)
    except BundleLeakError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{exc.strerror or exc}: {out}")
    counts = manifest["contents"]["counts"]
    replaced = manifest["redaction"]["replaced"]
    what = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
    hidden = ", ".join(f"{n} {kind}" for kind, n in sorted(replaced.items())) or "nothing"
    print(f"wrote {out}: {what}; replaced {hidden}")
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from workbench.settings.bundle_home import unpack_bundle
    from workbench.store.bundle import BundleError, read_bundle

    paths = app_paths(getattr(args, "basedir", None))
    try:
        bundle = read_bundle(args.file)
        home = unpack_bundle(bundle, paths.home)
    except BundleError as exc:
        return _fail(f"{exc}; nothing opened")
    except OSError as exc:
        return _fail(f"{exc.strerror or exc}: {exc.filename or args.file}")
    count = len(bundle.contents.entries)
    print(f"opened {Path(args.file).name}: {count} exchanges, read-only, in {home.home}")
    if args.no_window:
        return EXIT_OK
    from workbench.cli.gui import run as run_window

    window_args = argparse.Namespace(
        basedir=str(home.home),
        read_only_history=True,
        window_title=f"bundle {Path(args.file).name} (read-only)",
    )
    return run_window(window_args)


def run(args: argparse.Namespace) -> int:
    command = getattr(args, "bundle_command", None)
    if command == "export":
        return _export(args)
    if command == "import":
        return _import(args)
    args.bundle_parser.print_help(sys.stderr)
    return EXIT_USAGE
