"""The default command: open the window (placeholder until the window issue lands)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    parser = sub.add_parser("gui", help="open the Workbench window (the default)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print("workbench: the window is not built yet; use 'workbench collector'", file=sys.stderr)
    return 2
