"""Subcommands of the ``workbench`` command, one module each.

Each module has ``register(subparsers)``, which adds its parser and sets
``func`` to a ``run(args) -> int`` callable.
"""

from workbench.cli import (
    bundle,
    collector,
    diff,
    gui,
    har,
    history,
    journey,
    replay,
    run,
    send,
    validate,
)

__all__ = ["COMMANDS"]

COMMANDS = (collector, send, validate, history, har, diff, bundle, replay, run, journey, gui)
