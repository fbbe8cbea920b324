"""Noticing that another process changed the history, without polling.

:class:`HistoryWatcher` watches the folder's ``history.changes`` file (every
change by any process rewrites it in place; see
:mod:`workbench.store.history.lock`) with watchdog, which uses the operating
system's file notifications (inotify, FSEvents, ReadDirectoryChangesW): nothing
runs while nobody writes. A notification wakes one thread that calls the store's
``refresh()`` (which reads what changed, under the folder's lock) and, when
something did, tells the listeners. Bursts coalesce: notifications that arrive
while a refresh runs cause one more refresh, not one each. Where the operating
system offers no notifications, the thread falls back to a cheap check (two
small reads) every half second. Why watchdog: it is the well-kept,
cross-platform library for exactly this, and keeps the store free of Qt (the
window's ``QFileSystemWatcher`` would tie the store to the GUI thread).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["HistoryWatcher"]

log = logging.getLogger(__name__)

#: How often the fallback checks when the platform gives no file notifications.
FALLBACK_SECONDS = 0.5


class HistoryWatcher:
    """Calls ``refresh()`` when *path* changes and hands its non-None result to listeners."""

    def __init__(self, path: Path, refresh: Callable[[], str | None]) -> None:
        self.path = path
        self._refresh = refresh
        self._listeners: tuple[Callable[[str], None], ...] = ()
        self._poke = threading.Event()
        self._stopped = threading.Event()
        self._observer: Any = None
        self._starting = threading.Lock()  # the observer is set, or stop() has run, not both
        self._thread: threading.Thread | None = None
        self.polling = False  # True when the fallback is in use

    def add_listener(self, callback: Callable[[str], None]) -> None:
        self._listeners = (*self._listeners, callback)

    def remove_listener(self, callback: Callable[[str], None]) -> None:
        self._listeners = tuple(cb for cb in self._listeners if cb != callback)

    def start(self) -> None:
        """Start watching; returns at once.

        The watcher's thread imports watchdog and starts the observer itself (about 20 ms
        that the caller, often the GUI thread opening the History panel, does not wait
        for), then refreshes once, so a change made before the observer was ready is
        not missed.
        """
        self._thread = threading.Thread(target=self._run, name="history-watcher", daemon=True)
        self._thread.start()

    def _start_observer(self) -> Any:
        try:
            from watchdog.events import FileSystemEvent, FileSystemEventHandler
            from watchdog.observers import Observer
        except ImportError:  # pragma: no cover - watchdog is a dependency
            return None
        poke, target = self._poke, str(self.path)

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.event_type in ("modified", "created", "closed") and (
                    event.src_path == target or event.is_directory
                ):
                    poke.set()

        try:
            observer = Observer()
            observer.schedule(Handler(), str(self.path), recursive=False)
            observer.start()
        except (OSError, RuntimeError) as exc:
            log.info(
                "no file notifications for %s (%s); checking every %ss",
                target,
                exc,
                FALLBACK_SECONDS,
            )
            return None
        return observer

    def _run(self) -> None:
        observer = self._start_observer()
        with self._starting:
            if self._stopped.is_set():  # stopped while the observer started
                if observer is not None:
                    observer.stop()
                    observer.join(5)
                return
            self._observer = observer
        self.polling = observer is None
        self._poke.set()  # catch up with changes made while the observer was not there yet
        timeout = FALLBACK_SECONDS if self.polling else None
        while not self._stopped.is_set():
            self._poke.wait(timeout)
            if self._stopped.is_set():
                return
            self._poke.clear()
            try:
                kind = self._refresh()
            except Exception:  # a damaged folder must not kill the watcher; the store says why
                log.exception("refreshing the history after a change failed")
                continue
            if kind is None:
                continue
            for callback in self._listeners:
                try:
                    callback(kind)
                except Exception:
                    log.exception("a history change listener failed")

    def stop(self) -> None:
        """Stop the notifications and the thread (idempotent)."""
        with self._starting:
            self._stopped.set()
            observer, self._observer = self._observer, None
        self._poke.set()
        if observer is not None:
            observer.stop()
            observer.join(5)
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(5)
