"""``workbench send``: placeholder until its issue lands (replaced by its owner)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    parser = sub.add_parser("send", help="(not built yet)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print("workbench send: not built yet", file=sys.stderr)
    return 2
