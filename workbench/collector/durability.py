"""When the collector may answer: after a request's changes are on disk, or at once.

``durable`` (the default): a tracking request (and a source or reset written
through the API) is answered only once the change it made is written and
fsync'ed. The handler awaits :func:`until_durable`, a future that the store's
writer thread resolves through ``loop.call_soon_threadsafe``, so the event loop
keeps serving other requests meanwhile. The writer groups whatever has gathered
into one ``write`` + ``fsync`` (group commit, see
:mod:`workbench.store.collector.journal`): a lone request is flushed at once,
concurrent ones share a flush.

``relaxed``: the answer goes out as soon as the change is in memory, and the
writer batches changes for up to 50 ms. Faster under heavy load, but a crash
(SIGKILL, power cut) can lose the last ~50 ms of changes that were already
answered 200. For load tests, never for proving what a CI run tracked.

A write that fails (a full disk) is not acknowledged in durable mode: the
request gets 503 saying so. Once a stop has begun, tracking requests get 503
("the collector is stopping") instead of an answer nothing would back; answers
to requests already in flight are still durable, because the store is closed
only after the server has finished them.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import threading
import weakref
from typing import Literal

from starlette.requests import Request
from starlette.responses import Response

from workbench.collector.contexts import store_for
from workbench.collector.rejections import Rejected
from workbench.store.collector.store import CollectorStore

__all__ = [
    "DURABILITY_CHOICES",
    "QUICK_SWITCH_SECONDS",
    "RELAXED_RISK",
    "SERVING_GC_THRESHOLD",
    "Durability",
    "answer_when_durable",
    "hold_quick_handoffs",
    "not_durable",
    "refuse_while_stopping",
    "release_quick_handoffs",
    "stopping",
    "until_durable",
]

Durability = Literal["durable", "relaxed"]
DURABILITY_CHOICES: tuple[Durability, ...] = ("durable", "relaxed")

#: What ``relaxed`` trades away, in the words the CLI, the panel and the README use.
RELAXED_RISK = (
    "answers before the data is on disk: a crash or power cut can lose up to the last "
    "~50 ms of events that were already answered 200"
)


#: The interpreter's thread switch interval while a collector serves (Python's default: 5 ms).
QUICK_SWITCH_SECONDS = 0.0005
#: The garbage collector's youngest-generation threshold while a collector serves
#: (Python's default: 700 allocations).
SERVING_GC_THRESHOLD = 10_000

_handoffs_lock = threading.Lock()
_handoffs_held = 0
_switch_before = 0.0
_gc_threshold_before: tuple[int, ...] = ()


def hold_quick_handoffs() -> None:
    """Tune the interpreter for waiting answers while a collector serves.

    **The thread switch interval** is shortened. A durable answer crosses threads
    twice per flush: the event loop hands the batch to the store's writer, whose
    ``fsync`` returns and must take the GIL back to report it. While the loop is
    busy with other requests, a thread that wants the GIL waits up to the switch
    interval (5 ms by default) before the holder is asked to let go, which is 25
    times an fsync here; every request of the flush waits that long too. Measured
    with 16 connections: the time from the loop's hand-over to the writer starting
    its write halved (8.8 to 4.5 ms, 6.6 to 4.0 ms, on a loaded machine).

    **The garbage collector's youngest generation** may grow to
    :data:`SERVING_GC_THRESHOLD` objects. A request waiting for its fsync keeps its
    containers alive (coroutines, the middleware's closures and cells, the parsed
    payload, its record: about 75 per request): 16 of them in flight are more than
    the default threshold of 700, so nearly every wave of requests ran a young
    collection that found them alive and promoted them, and the promotions drove
    full collections of the whole heap (about 50 ms each here). Measured with 16
    durable connections (the server's own ``gc.callbacks``): 55 young and 0.5 full
    collections per 1,000 requests, 38 µs of collecting per request; at 10,000,
    1 young and no full one, 3-8 µs. Relaxed answers (nothing waits) collected 9
    young per 1,000 before and gain less.

    Both settings are process-wide; they are restored when the last collector stops
    (:func:`release_quick_handoffs`), unless something else changed them meanwhile.
    """
    global _handoffs_held, _switch_before, _gc_threshold_before
    with _handoffs_lock:
        if _handoffs_held == 0:
            _switch_before = sys.getswitchinterval()
            if _switch_before > QUICK_SWITCH_SECONDS:
                sys.setswitchinterval(QUICK_SWITCH_SECONDS)
            _gc_threshold_before = gc.get_threshold()
            if _gc_threshold_before[0] < SERVING_GC_THRESHOLD:
                gc.set_threshold(SERVING_GC_THRESHOLD, *_gc_threshold_before[1:])
        _handoffs_held += 1


def release_quick_handoffs() -> None:
    """Undo one :func:`hold_quick_handoffs`; the last one restores what it changed."""
    global _handoffs_held
    with _handoffs_lock:
        if _handoffs_held == 0:
            return
        _handoffs_held -= 1
        if _handoffs_held:
            return
        if sys.getswitchinterval() == QUICK_SWITCH_SECONDS:
            sys.setswitchinterval(_switch_before)
        if gc.get_threshold()[0] == SERVING_GC_THRESHOLD and _gc_threshold_before:
            gc.set_threshold(*_gc_threshold_before)


class _Wakeups:
    """Answers for one event loop's waiting requests, handed over with one wake-up per batch.

    The writer thread resolves every request of a flush in a row; waking the loop
    once for all of them (instead of a ``call_soon_threadsafe`` each) spares a
    self-pipe write and a thread switch per request.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._lock = threading.Lock()
        self._ready: list[tuple[asyncio.Future[str | None], str | None]] = []
        self._to_kick: list[CollectorStore] = []  # touched on the loop's thread only

    def kick_soon(self, store: CollectorStore) -> None:
        """On the loop: wake *store*'s writer once the requests ready to run have run.

        Every request the loop tracks in a row registers its wait without waking the
        writer; one callback, queued behind them, wakes it once for all of them, so
        they share one hand-over to the writer thread and one flush. A lone request
        is kicked as soon as it is tracked (no timer).
        """
        if not self._to_kick:
            self._loop.call_soon(self._kick)
        if store not in self._to_kick:
            self._to_kick.append(store)

    def _kick(self) -> None:
        stores, self._to_kick = self._to_kick, []
        for store in stores:
            store.kick_writer()

    def add(self, future: asyncio.Future[str | None], error: str | None) -> None:
        """On the writer thread: *future* is answered with *error* on the loop, soon."""
        with self._lock:
            self._ready.append((future, error))
            if len(self._ready) > 1:
                return  # a wake-up is already on its way and will take this one too
        try:
            self._loop.call_soon_threadsafe(self._drain)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    def _drain(self) -> None:
        with self._lock:
            ready, self._ready = self._ready, []
        for future, error in ready:
            if not future.done():
                future.set_result(error)


_WAKEUPS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Wakeups] = (
    weakref.WeakKeyDictionary()
)
_WAKEUPS_LOCK = threading.Lock()


def _wakeups(loop: asyncio.AbstractEventLoop) -> _Wakeups:
    try:
        wakeups = _WAKEUPS.get(loop)
        if wakeups is None:
            with _WAKEUPS_LOCK:
                wakeups = _WAKEUPS.setdefault(loop, _Wakeups(loop))
    except TypeError:  # a loop that cannot be weakly referenced: its own, unshared
        return _Wakeups(loop)
    return wakeups


async def until_durable(store: CollectorStore, ticket: int) -> str | None:
    """Wait, without blocking the loop, until *ticket* is on disk; None, or why it failed."""
    if ticket <= 0:
        return None
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str | None] = loop.create_future()
    wakeups = _wakeups(loop)

    def written(error: str | None) -> None:  # on the store's writer thread
        wakeups.add(future, error)

    if not store.when_durable(ticket, written, wake=False):
        return store.ticket_error(ticket)
    wakeups.kick_soon(store)
    return await future


def not_durable(error: str) -> Rejected:
    """The 503 for a change that is in memory but could not be written to disk."""
    return Rejected(
        503,
        f"The collector could not write this request's data to disk ({error}); it is held "
        "in memory only and would be lost by a restart. Free some disk space and send again.",
        headers={"Retry-After": "1"},
    )


def stopping() -> Rejected:
    """The 503 for a tracking request that arrives once the collector has begun to stop."""
    return Rejected(
        503,
        "The collector is stopping: this request was not tracked. Send it again once the "
        "collector runs.",
        headers={"Retry-After": "1"},
    )


def refuse_while_stopping(request: Request) -> None:
    """503 once the collector has begun to stop (nothing would back a 200 any more)."""
    if request.app.state.stopping:
        raise stopping()


async def answer_when_durable(
    request: Request, response: Response, store: CollectorStore | None = None
) -> Response:
    """*response* once *store*'s (the request's data set's) latest change is on disk
    (durable mode), else a 503."""
    if request.app.state.live.current.durability == "durable":
        store = store or store_for(request)
        error = await until_durable(store, store.last_ticket)
        if error is not None:
            raise not_durable(error)
    return response
