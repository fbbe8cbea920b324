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
``production`` subfolder: each has its own journal and snapshot. The production
store is opened by the first request that uses it (the observer has
:meth:`ContextStores.ready` load it off the event loop before the route runs), or
at once in production mode; a collector that never sees production makes nothing
for it. Any request that uses production opens it, reads too: a read then answers
as an empty data set from the one real store, and a ``/_workbench/wait`` parked
before the first write is attached to it. The window looks without opening
(:meth:`ContextStores.peek`).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Final, Literal

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.types import Scope

from workbench.collector.rejections import Rejected
from workbench.store.collector import PRODUCTION_FOLDER
from workbench.store.collector.store import CollectorStore

__all__ = [
    "CONTEXTS",
    "PRODUCTION",
    "STAGING",
    "ContextName",
    "ContextStores",
    "asks_for_production",
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
    return None if folder is None else Path(folder) / PRODUCTION_FOLDER


class ContextStores:
    """The staging store of one collector, and its production store once something asks.

    The production store is opened on first use (:meth:`get` in the calling thread,
    :meth:`ready` in a worker thread so the event loop keeps serving while it loads),
    once: concurrent first uses wait for the one opening under a lock and share its
    store. *eager* opens it now (production mode, where every request uses it).
    :meth:`peek` shows it without opening it (an empty in-memory store stands in), for
    readers such as the window that must not create its files. :meth:`close` closes
    it if it was ever opened; after that, nothing opens it again.
    """

    def __init__(
        self,
        staging: CollectorStore,
        open_production: Callable[[], CollectorStore],
        *,
        eager: bool = False,
    ) -> None:
        self.staging = staging
        self._open_production = open_production
        self._production: CollectorStore | None = None
        self._stand_in: CollectorStore | None = None
        self._listeners: list[Callable[[ContextName, CollectorStore], None]] = []
        self._lock = threading.Lock()
        self._closed = False
        if eager:  # at start: a folder that cannot be opened fails the start, as staging's
            self._production = open_production()

    def get(self, name: ContextName) -> CollectorStore:
        """The store of data set *name*, opened now if it was not yet."""
        if name != PRODUCTION:
            return self.staging
        store = self._production
        return store if store is not None else self._open()

    async def ready(self, name: ContextName) -> None:
        """Have *name*'s store open, loading it off the event loop if it was not.

        A failure is left for :meth:`get` to report to the request."""
        if name == PRODUCTION and self._production is None and not self._closed:
            with contextlib.suppress(Rejected):
                await asyncio.to_thread(self._open)

    def opened(self, name: ContextName) -> CollectorStore | None:
        """*name*'s store if it is open (None: nothing has asked for production yet)."""
        return self._production if name == PRODUCTION else self.staging

    def peek(self, name: ContextName) -> CollectorStore:
        """*name*'s store if it is open, else an empty in-memory one; never opens it."""
        store = self.opened(name)
        if store is not None:
            return store
        with self._lock:
            if self._stand_in is None:
                self._stand_in = CollectorStore(None)
            return self._stand_in

    def on_open(self, listener: Callable[[ContextName, CollectorStore], None]) -> None:
        """Call *listener(name, store)* for every store, now for the open ones, and for a
        store opened later before anyone can use it (from the thread that opens it)."""
        with self._lock:
            self._listeners.append(listener)
            opened = self.items()
        for name, store in opened:
            listener(name, store)

    def items(self) -> tuple[tuple[ContextName, CollectorStore], ...]:
        """The open stores, by name (staging always, production once opened)."""
        production = self._production
        if production is None:
            return ((STAGING, self.staging),)
        return ((STAGING, self.staging), (PRODUCTION, production))

    def close(self) -> None:
        """Close the production store if it was opened (the staging one is its owner's)."""
        with self._lock:
            self._closed = True
            production = self._production
        if production is not None:
            production.close()

    def _open(self) -> CollectorStore:
        with self._lock:
            if self._production is not None:
                return self._production
            if self._closed:
                raise Rejected(503, "the collector is stopping: the production data set is closed")
            try:
                store = self._open_production()
            except OSError as exc:
                raise Rejected(
                    503,
                    f"the production data set cannot be opened: {exc.strerror or exc}"
                    + (f" ({exc.filename})" if exc.filename else ""),
                ) from None
            for listener in self._listeners:
                listener(PRODUCTION, store)
            self._production = store  # published only once every listener is attached
            return store


def asks_for_production(scope: Scope) -> bool:
    """Whether the request uses the production data set: its context (as the observer
    chose it) or, on ``/_workbench/*``, a ``?context=production`` query."""
    if context_of(scope) == PRODUCTION:
        return True
    path: str = scope.get("path", "")
    if not path.startswith("/_workbench/") or b"context=" not in scope.get("query_string", b""):
        return False
    return QueryParams(scope["query_string"]).get("context") == PRODUCTION


def context_of(scope: Scope) -> ContextName:
    """The context the observer chose for this request (staging if none was chosen)."""
    info = scope.get("workbench")
    name = info.get("context") if isinstance(info, dict) else None
    return PRODUCTION if name == PRODUCTION else STAGING


def store_for(request: Request) -> CollectorStore:
    """The store of the request's data set."""
    stores: ContextStores = request.app.state.contexts
    return stores.get(context_of(request.scope))
