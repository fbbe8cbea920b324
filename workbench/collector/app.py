"""The collector's Starlette app: ``create_app(store, config, on_request)``.

This module only assembles: routes grouped by purpose in small modules (tracking
in :mod:`workbench.collector.tracking_routes`, Tracardi-shaped reads and the
``/_workbench/*`` API in :mod:`workbench.collector.read_routes`, the event flow
in :mod:`workbench.collector.flow_routes`, the status page in
:mod:`workbench.collector.page`, the demo shop in :mod:`workbench.collector.demo_shop`,
the live page in :mod:`workbench.collector.live`), the observing middleware with
the fast path of ``POST /track`` (:mod:`workbench.collector.track_fast`) and the exception
handlers of :mod:`workbench.collector.rejections`. Every route reads its body
through :mod:`workbench.collector.inputs`. To add routes, pass ``extra_routes``
or append to ``app.router.routes`` before serving; handlers find the store,
live config and hub on ``request.app.state``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import State
from starlette.middleware import Middleware
from starlette.routing import BaseRoute
from starlette.types import Receive, Scope, Send

from workbench.collector.config import CollectorConfig, LiveConfig
from workbench.collector.contexts import ContextName, ContextStores
from workbench.collector.demo_shop import demo_routes
from workbench.collector.flow_routes import install_flow
from workbench.collector.forward import is_tracking_request
from workbench.collector.live import LiveFeed, live_routes
from workbench.collector.openapi import docs_routes
from workbench.collector.page import page_routes
from workbench.collector.processing import Processor, process
from workbench.collector.read_routes import read_routes
from workbench.collector.records import ObserverMiddleware, RequestHub, RequestListener
from workbench.collector.rejections import EXCEPTION_HANDLERS
from workbench.collector.track_fast import is_fast_track, serve_track
from workbench.collector.tracking_routes import tracking_routes
from workbench.collector.trust import TrustMiddleware, TrustPolicy
from workbench.collector.waiting import EventWaiters
from workbench.store.collector.store import CollectorStore

__all__ = ["AppState", "CollectorApp", "create_app"]


class AppState(State):
    """Starlette's ``app.state``, whose attributes are read without a failed look-up first.

    Starlette's :class:`~starlette.datastructures.State` keeps its values in a dict
    behind ``__getattr__``, so every ``app.state.x`` first fails the ordinary
    attribute look-up (building an ``AttributeError`` and its message) and then
    runs a Python method: about ten times per tracked request. This one also keeps
    each value as an ordinary attribute; both are written together, by attribute
    or by key, so they always agree.
    """

    def __setattr__(self, key: Any, value: Any) -> None:
        super().__setattr__(key, value)
        object.__setattr__(self, key, value)

    def __delattr__(self, key: Any) -> None:
        super().__delattr__(key)
        object.__delattr__(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        self.__setattr__(key, value)

    def __delitem__(self, key: str) -> None:
        self.__delattr__(key)


class CollectorApp(Starlette):
    """The collector's Starlette app, which answers the plain ``POST /track`` itself.

    That request (:func:`~workbench.collector.track_fast.is_fast_track`, while
    nothing is forwarded) goes to :func:`~workbench.collector.track_fast.serve_track`
    before any middleware: it records, checks the Host, tracks and answers as the
    middleware stack and the route would (the module docstring there says why).
    Everything else goes through the stack.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_fast_track(scope) and self.state.forwarder is None:
            scope["app"] = self
            await serve_track(self, scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def _takes_shortcut(scope: Scope) -> bool:
    """Every tracking request while forwarding."""
    return scope["app"].state.forwarder is not None and is_tracking_request(scope)


async def _shortcut(scope: Scope, receive: Receive, send: Send) -> None:
    await scope["app"].state.forwarder(scope, receive, send)


def create_app(
    store: CollectorStore,
    config: CollectorConfig | LiveConfig | None = None,
    on_request: RequestListener | None = None,
    *,
    processor: Processor | None = None,
    hub: RequestHub | None = None,
    extra_routes: Sequence[BaseRoute] = (),
    open_production: Callable[[], CollectorStore] | None = None,
) -> Starlette:
    """Build the collector app around *store*.

    *config* may be a :class:`LiveConfig` shared with a server (so ``reconfigure``
    reaches the app); *on_request* is called with a ``RequestRecord`` after every
    request; *processor* replaces :func:`workbench.collector.processing.process`.
    *store* holds the staging data set; *open_production* opens the production one
    when a request first asks for it, or at once in production mode (an in-memory
    store when not given; see :mod:`workbench.collector.contexts`).
    """
    live = config if isinstance(config, LiveConfig) else LiveConfig(config or CollectorConfig())
    hub = hub or RequestHub()
    if on_request is not None:
        hub.add_listener(on_request)
    current = live.current
    policy = TrustPolicy(current.host, current.allowed_hosts, current.token)
    app = CollectorApp(
        routes=[
            *tracking_routes(),
            *read_routes(),
            *page_routes(),
            *demo_routes(),
            *live_routes(),
            *docs_routes(),
            *extra_routes,
        ],
        middleware=[
            Middleware(ObserverMiddleware, hub=hub),
            Middleware(TrustMiddleware, policy=policy, shortcut=(_takes_shortcut, _shortcut)),
        ],
        exception_handlers=dict(EXCEPTION_HANDLERS),
    )
    app.state = AppState()
    app.state.trust = policy
    app.state.store = store  # the staging data set
    contexts = ContextStores(
        store,
        open_production or (lambda: CollectorStore(None)),
        eager=current.production,
    )
    app.state.contexts = contexts
    app.state.live = live
    app.state.hub = hub
    app.state.processor = processor or process
    app.state.forwarder = None  # a Forwarder: tracking requests go on to a real Tracardi
    app.state.stopping = False  # set by the server when a stop begins (tracking answers 503)
    feed = LiveFeed()
    hub.add_listener(feed.publish)
    app.state.live_feed = feed
    install_flow(app, custom_processor=processor is not None)
    app.state.context_waiters = {}

    def attach_waiters(name: ContextName, context_store: CollectorStore) -> None:
        waiters = EventWaiters(context_store)
        context_store.add_observer(waiters.on_store_changed)
        app.state.context_waiters[name] = waiters

    contexts.on_open(attach_waiters)
    app.state.waiters = app.state.context_waiters["staging"]
    return app
