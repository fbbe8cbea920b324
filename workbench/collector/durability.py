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
from collections.abc import Awaitable
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


class _Turn:
    """The requests one loop turn tracked into one store: they wait for one flush together."""

    __slots__ = ("store", "ticket", "waiting")

    def __init__(self, store: CollectorStore) -> None:
        self.store = store
        self.ticket = 0  # the newest ticket among them: once it is on disk, all of theirs are
        self.waiting: list[tuple[asyncio.Future[str | None], int]] = []


class _Wakeups:
    """Answers for one event loop's waiting requests, handed over once per loop turn.

    Every request the loop tracks in a turn only adds its future to the turn's
    :class:`_Turn` (per store); one callback, queued behind them, registers one wait
    with the store's writer for the newest of their tickets and wakes the writer
    once, so they share one hand-over to the writer thread and one flush. A lone
    request is kicked as soon as it is tracked (no timer). The writer reports each
    turn with one call (not one per request) and wakes the loop once for every turn
    it reports in a row; each request's own answer (None, or why its batch failed)
    is looked up by its ticket on the loop.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._lock = threading.Lock()
        self._ready: list[_Turn] = []  # reported by the writer, not yet answered
        self._turns: dict[CollectorStore, _Turn] = {}  # touched on the loop's thread only

    def wait(self, store: CollectorStore, ticket: int) -> asyncio.Future[str | None]:
        """On the loop: a future answered once *ticket* of *store* is on disk."""
        turns = self._turns
        turn = turns.get(store)
        if turn is None:
            if not turns:
                self._loop.call_soon(self._kick)
            turn = turns[store] = _Turn(store)
        if ticket > turn.ticket:
            turn.ticket = ticket
        future: asyncio.Future[str | None] = self._loop.create_future()
        turn.waiting.append((future, ticket))
        return future

    def _kick(self) -> None:
        turns, self._turns = self._turns, {}
        for turn in turns.values():

            def written(error: str | None, turn: _Turn = turn) -> None:  # on the writer thread
                self.add(turn)

            if turn.store.when_durable(turn.ticket, written, wake=False):
                turn.store.kick_writer()
            else:  # nothing to wait for: on disk already, or it failed
                self._answer(turn)

    def add(self, turn: _Turn) -> None:
        """On the writer thread: *turn*'s requests are answered on the loop, soon."""
        with self._lock:
            self._ready.append(turn)
            if len(self._ready) > 1:
                return  # a wake-up is already on its way and will take this one too
        try:
            self._loop.call_soon_threadsafe(self._drain)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    def _drain(self) -> None:
        with self._lock:
            ready, self._ready = self._ready, []
        for turn in ready:
            self._answer(turn)

    @staticmethod
    def _answer(turn: _Turn) -> None:
        ticket_error = turn.store.ticket_error
        for future, ticket in turn.waiting:
            if not future.done():  # a request cancelled meanwhile needs no answer
                future.set_result(ticket_error(ticket))


_WAKEUPS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Wakeups] = (
    weakref.WeakKeyDictionary()
)
_WAKEUPS_LOCK = threading.Lock()
#: The loop that asked last and its hand-over: one identity check instead of a weak
#: dictionary look-up per request (a tuple, replaced whole, so threads never mix two).
_last_wakeups: tuple[asyncio.AbstractEventLoop | None, _Wakeups | None] = (None, None)


def _wakeups(loop: asyncio.AbstractEventLoop) -> _Wakeups:
    global _last_wakeups
    last_loop, last = _last_wakeups
    if last_loop is loop and last is not None:
        return last
    try:
        wakeups = _WAKEUPS.get(loop)
        if wakeups is None:
            with _WAKEUPS_LOCK:
                wakeups = _WAKEUPS.setdefault(loop, _Wakeups(loop))
    except TypeError:  # a loop that cannot be weakly referenced: its own, unshared
        return _Wakeups(loop)
    _last_wakeups = (loop, wakeups)
    return wakeups


def until_durable(store: CollectorStore, ticket: int) -> Awaitable[str | None]:
    """Await it, without blocking the loop, until *ticket* is on disk: None, or why it failed.

    A plain function returning the future (not a coroutine): one object less per request.
    """
    loop = asyncio.get_running_loop()
    if ticket <= 0:
        done: asyncio.Future[str | None] = loop.create_future()
        done.set_result(None)
        return done
    return _wakeups(loop).wait(store, ticket)


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
