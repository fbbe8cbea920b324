"""``CollectorServer``: the collector app under uvicorn, in a background thread.

``start()`` binds the socket itself (so "port in use" is an immediate
:class:`CollectorStartError`, port 0 is known at once and ``port_fallback``
can try the following ports), then serves it from a thread with its own event
loop and returns once uvicorn accepts connections. ``stop()`` first makes new
tracking requests answer 503, asks uvicorn to finish the requests in flight
(their answers still wait until their changes are on disk), joins the thread,
closes the socket and only then flushes and closes the store.
The CLI and the GUI both use this class; the GUI calls ``reconfigure`` and
listens through ``add_listener``.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import socket
import threading
from dataclasses import replace
from typing import Any

import uvicorn

from workbench.collector.app import create_app
from workbench.collector.config import CollectorConfig, LiveConfig
from workbench.collector.contexts import PRODUCTION, ContextStores, production_folder
from workbench.collector.durability import hold_quick_handoffs, release_quick_handoffs
from workbench.collector.processing import Processor
from workbench.collector.records import RequestHub, RequestListener
from workbench.collector.trust import generate_token, is_loopback_host
from workbench.collector.user_agent import preload as preload_agent_rules
from workbench.store.collector.store import CollectorStore

__all__ = ["CollectorServer", "CollectorStartError", "bind_socket", "uvicorn_config"]

log = logging.getLogger(__name__)


class CollectorStartError(RuntimeError):
    """The collector could not start; the message says why (e.g. the port is in use)."""


class _Uvicorn(uvicorn.Server):
    """uvicorn's server that tells us when it is up (and never touches signal handlers)."""

    def __init__(self, config: uvicorn.Config, started: threading.Event) -> None:
        super().__init__(config)
        self._started_event = started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self._started_event.set()

    @contextlib.contextmanager
    def capture_signals(self) -> Any:
        # The owner (CLI or GUI) handles Ctrl+C / SIGTERM and calls stop().
        yield


def uvicorn_config(app: Any) -> uvicorn.Config:
    """The uvicorn settings the collector runs under (the benchmark's baseline uses them too)."""
    return uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=3,
        ws="none",
        loop="asyncio",
        proxy_headers=False,  # the client address is the socket's; X-Forwarded-For is data
        http="httptools" if _has_httptools() else "h11",
    )


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening, non-blocking TCP socket on *host*:*port* (raises ``OSError``)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets whose
    # proto is TCP, and without it every answer waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


class CollectorServer:
    """A running (or stoppable) collector. See the module docstring.

    ``store`` may be given (e.g. shared with tests); otherwise one is created for
    ``config.data_dir`` (None: in memory). A store this server created is closed by
    :meth:`stop`; a given one is only flushed.
    """

    def __init__(
        self,
        config: CollectorConfig | None = None,
        on_request: RequestListener | None = None,
        *,
        store: CollectorStore | None = None,
        processor: Processor | None = None,
    ) -> None:
        config = config or CollectorConfig()
        if config.token is None and not is_loopback_host(config.host):
            # Beyond loopback the collector is never open: a token is made up if none given.
            config = replace(config, token=generate_token())
        self.config = config
        self._live = LiveConfig(self.config)
        self._owns_store = store is None
        self.store = store or CollectorStore(self.config.data_dir, retention=self.config.retention)
        # The production data set (x-context: production) beside the staging one, opened
        # by the first request that asks for it (at once in production mode).
        production_dir = production_folder(
            self.store.folder if store is not None else self.config.data_dir
        )
        retention = self.store.retention
        self.hub = RequestHub()
        if on_request is not None:
            self.hub.add_listener(on_request)
        self.app = create_app(
            self.store,
            self._live,
            processor=processor,
            hub=self.hub,
            open_production=lambda: CollectorStore(production_dir, retention=retention),
        )
        self.contexts: ContextStores = self.app.state.contexts
        self.port_note: str | None = None
        self._port: int | None = None
        self._socket: socket.socket | None = None
        self._server: _Uvicorn | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._stopped = False
        self._quick_handoffs = False
        self._lock = threading.Lock()

    # -- properties ---------------------------------------------------------------------

    @property
    def production_store(self) -> CollectorStore | None:
        """The production data set's store, once a request opened it (else None)."""
        return self.contexts.opened(PRODUCTION)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the collector has not been started")
        return self._port

    @property
    def url(self) -> str:
        host = self.config.host
        if host in ("0.0.0.0", ""):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def token(self) -> str | None:
        """The token admin and ``/_workbench/*`` routes require (None: loopback only)."""
        return self.config.token

    @property
    def current_config(self) -> CollectorConfig:
        """The configuration in force now (after any :meth:`reconfigure`)."""
        return self._live.current

    # -- listeners and settings ---------------------------------------------------------

    def add_listener(self, callback: RequestListener) -> None:
        self.hub.add_listener(callback)

    def remove_listener(self, callback: RequestListener) -> None:
        self.hub.remove_listener(callback)

    def reconfigure(self, **fields: Any) -> CollectorConfig:
        """Change format/debugger/accept_any_source/strict_validation/max_body_bytes live."""
        return self._live.update(**fields)

    # -- lifecycle ----------------------------------------------------------------------

    def _bind_with_fallback(self) -> socket.socket:
        host, first = self.config.host, self.config.port
        tries = 1 + (self.config.port_fallback if first else 0)
        last_error: OSError | None = None
        for offset in range(tries):
            port = first + offset
            if port > 65535:
                break
            try:
                sock = bind_socket(host, port)
            except OSError as exc:
                last_error = exc
                if exc.errno not in (errno.EADDRINUSE, errno.EACCES):
                    break
                continue
            if offset:
                self.port_note = f"port {first} was taken; using {port}"
            return sock
        reason = last_error.strerror if last_error and last_error.strerror else str(last_error)
        if last_error is not None and last_error.errno == errno.EADDRINUSE:
            span = f"ports {first}-{first + tries - 1} are" if tries > 1 else f"port {first} is"
            reason = f"{span} already in use (is another collector running?)"
        raise CollectorStartError(f"cannot listen on {host}:{first}: {reason}")

    def start(self, timeout: float = 15.0) -> None:
        """Listen and serve; returns when connections are accepted, else raises."""
        with self._lock:
            if self.running:
                return
            if self._stopped:
                raise CollectorStartError("this collector was stopped; create a new one")
            sock = self._bind_with_fallback()
            self._socket = sock
            self._port = sock.getsockname()[1]
            started = threading.Event()
            self._server = _Uvicorn(uvicorn_config(self.app), started)
            self._thread = threading.Thread(
                target=self._serve, args=(sock, started), name="collector-server", daemon=True
            )
            self._thread.start()
            hold_quick_handoffs()  # durable answers cross threads: see there
            self._quick_handoffs = True
        finished = started.wait(timeout)
        if self._error is not None or not finished:
            reason = self._error or "it did not start in time"
            self._shutdown(close_store=False)  # the store stays readable; stop() closes it
            raise CollectorStartError(f"the collector failed to start: {reason}")
        preload_agent_rules()  # in the background: the first new session need not wait

    def _serve(self, sock: socket.socket, started: threading.Event) -> None:
        assert self._server is not None
        try:
            asyncio.run(self._server.serve(sockets=[sock]))
        except BaseException as exc:  # SystemExit from uvicorn's startup failure, or a bug
            self._error = exc
            log.exception("the collector's server thread failed")
        finally:
            started.set()

    def stop(self) -> None:
        """Stop serving, join the thread, flush the store. Safe to call twice."""
        with self._lock:
            self._stopped = True
        self._shutdown(close_store=True)

    def _shutdown(self, *, close_store: bool) -> None:
        if self._server is not None:
            self.app.state.stopping = True  # from now on tracking answers 503
            for waiters in list(self.app.state.context_waiters.values()):
                waiters.release_all()  # no /_workbench/wait holds the stop up
            feed = getattr(self.app.state, "live_feed", None)
            if feed is not None:
                feed.close()  # nor a browser following /_workbench/live
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._quick_handoffs:
            self._quick_handoffs = False
            release_quick_handoffs()
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        if not close_store:
            return
        for waiters in list(self.app.state.context_waiters.values()):
            waiters.store.remove_observer(waiters.on_store_changed)
        self.contexts.close()  # the production store, if a request ever opened it
        if self._owns_store:
            self.store.close()
        else:
            self.store.flush()

    def __enter__(self) -> CollectorServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _has_httptools() -> bool:
    try:
        import httptools  # noqa: F401
    except ImportError:
        return False
    return True
