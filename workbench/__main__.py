"""The ``workbench`` command: the window by default, subcommands for headless use."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from workbench import __version__
from workbench.cli import COMMANDS

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Workbench: compose, send and debug Tracardi tracker payloads. "
        "Without a subcommand it opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    parser.add_argument(
        "--basedir",
        metavar="DIR",
        help="keep every file Workbench writes under DIR (default: $WORKBENCH_HOME, "
        "else the platform's user data folder)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from workbench.cli import gui

        return gui.run(args)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
