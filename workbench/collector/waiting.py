"""``GET /_workbench/wait``: answer as soon as N matching events are stored, without polling.

Each waiting request parks an asyncio future; the store calls
:meth:`EventWaiters.on_store_changed` after every change (from whichever thread
made it), which re-checks the counts on the event loop and resolves the
futures whose condition holds. Counting is O(1) (index sizes), and with nobody
waiting the observer returns at once, so it costs the tracking path nothing.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass

from workbench.store.collector.store import CollectorStore

__all__ = ["EventWaiters"]


@dataclass
class _Waiter:
    count: int
    event_type: str | None
    future: asyncio.Future[None]


class EventWaiters:
    """The requests waiting for events; attach with ``store.add_observer(w.on_store_changed)``."""

    def __init__(self, store: CollectorStore) -> None:
        self.store = store
        self._waiting: list[_Waiter] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self.stopping = False
        #: Set whenever a request starts waiting (lets tests and tools know it is parked).
        self.waiter_added = threading.Event()

    def on_store_changed(self) -> None:
        loop = self._loop
        if not self._waiting or loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._check()
        else:
            loop.call_soon_threadsafe(self._check)

    def _check(self) -> None:
        still: list[_Waiter] = []
        for waiter in self._waiting:
            if waiter.future.done():
                continue
            if self.store.count_events(type=waiter.event_type) >= waiter.count:
                waiter.future.set_result(None)
            else:
                still.append(waiter)
        self._waiting = still

    def release_all(self) -> None:
        """Answer every waiting request now (the collector is stopping). Thread-safe."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return

        def release() -> None:
            self.stopping = True
            for waiter in self._waiting:
                if not waiter.future.done():
                    waiter.future.set_result(None)
            self._waiting = []

        loop.call_soon_threadsafe(release)

    async def wait(self, count: int, event_type: str | None, timeout: float) -> bool:
        """True once *count* events (of *event_type*) are stored; False after *timeout* s.

        Also returns (True) when :meth:`release_all` ends the wait; ``stopping`` says so.
        """
        if self.store.count_events(type=event_type) >= count:
            return True
        self._loop = asyncio.get_running_loop()
        waiter = _Waiter(count, event_type, self._loop.create_future())
        self._waiting.append(waiter)
        self.waiter_added.set()
        try:
            await asyncio.wait_for(waiter.future, timeout)
            return True
        except TimeoutError:
            return False
        finally:
            if waiter in self._waiting:
                self._waiting.remove(waiter)
