"""The two data sets of one collector, production and staging, chosen per request.

Tracardi keeps a production and a staging copy of its data and picks one for the
whole request from the ``x-context`` header: exactly ``production`` or ``staging``
selects it; any other value, or no header, means staging. A server started in
production mode (Tracardi's ``PRODUCTION=yes``, the collector's ``--production``)
ignores the header and always uses production.

The observer (:mod:`workbench.collector.records`) already reads the header for
its echo, so it decides the context once per request and leaves it in
``scope["workbench"]["context"]``; every route takes its store from there with
:func:`store_for`. The staging store lives in the collector's data folder itself
(where all data lived before there were two), the production store in its
``production`` subfolder: each has its own journal and snapshot.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal

from starlette.requests import Request
from starlette.types import Scope

from workbench.store.collector.store import CollectorStore

__all__ = [
    "CONTEXTS",
    "PRODUCTION",
    "STAGING",
    "ContextName",
    "ContextStores",
    "choose_context",
    "context_of",
    "production_folder",
    "store_for",
]

ContextName = Literal["staging", "production"]
STAGING: Final = "staging"
PRODUCTION: Final = "production"
CONTEXTS: Final[tuple[ContextName, ContextName]] = (STAGING, PRODUCTION)


def choose_context(header: bytes | None, production_mode: bool) -> ContextName:
    """The data set a request with ``x-context: header`` uses (module docstring)."""
    if production_mode or header == b"production":
        return PRODUCTION
    return STAGING


def production_folder(folder: Path | None) -> Path | None:
    """Where the production data set of a collector keeping *folder* lives."""
    return None if folder is None else Path(folder) / PRODUCTION


class ContextStores:
    """The staging and the production store of one collector."""

    def __init__(self, staging: CollectorStore, production: CollectorStore) -> None:
        self.staging = staging
        self.production = production

    def get(self, name: ContextName) -> CollectorStore:
        return self.production if name == PRODUCTION else self.staging

    def items(self) -> tuple[tuple[ContextName, CollectorStore], ...]:
        return ((STAGING, self.staging), (PRODUCTION, self.production))


def context_of(scope: Scope) -> ContextName:
    """The context the observer chose for this request (staging if none was chosen)."""
    info = scope.get("workbench")
    name = info.get("context") if isinstance(info, dict) else None
    return PRODUCTION if name == PRODUCTION else STAGING


def store_for(request: Request) -> CollectorStore:
    """The store of the request's data set."""
    stores: ContextStores = request.app.state.contexts
    return stores.get(context_of(request.scope))
