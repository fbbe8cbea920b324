"""The history watcher starts off the caller's thread and still misses nothing."""

from __future__ import annotations

import threading
from pathlib import Path

from tests.store.history_helpers import make_exchange
from workbench.store.history import HistoryStore
from workbench.store.history.watch import HistoryWatcher


def _watcher_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "history-watcher"]


class _Seen:
    def __init__(self) -> None:
        self.kinds: list[str] = []
        self._cond = threading.Condition()

    def __call__(self, kind: str) -> None:
        with self._cond:
            self.kinds.append(kind)
            self._cond.notify_all()

    def wait_any(self) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: bool(self.kinds), 10)


def test_a_change_made_right_after_watch_returns_is_told(tmp_path: Path) -> None:
    with (
        HistoryStore(tmp_path, retention=None) as window,
        HistoryStore(tmp_path, retention=None) as other,
    ):
        seen = _Seen()
        window.watch(seen)
        # Written before the watcher's thread has (probably) started its observer.
        other.append(make_exchange())
        assert seen.wait_any(), "the change by the other store was never told"
        assert window.count() == 1


def test_a_change_made_before_the_observer_started_is_caught_up(tmp_path: Path) -> None:
    changes = tmp_path / "changes"
    changes.write_text("0")
    refreshed = threading.Event()

    def refresh() -> str | None:
        refreshed.set()
        return None

    watcher = HistoryWatcher(changes, refresh)
    watcher.start()
    try:
        # Nobody touched the file: the one refresh is the watcher catching up by itself.
        assert refreshed.wait(10), "the watcher did not look once its observer was ready"
    finally:
        watcher.stop()


def test_stopping_at_once_leaves_no_thread_behind(tmp_path: Path) -> None:
    changes = tmp_path / "changes"
    changes.write_text("0")

    def observers() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if "Inotify" in type(t).__name__]

    before, observers_before = len(_watcher_threads()), len(observers())
    for _ in range(5):
        watcher = HistoryWatcher(changes, lambda: None)
        watcher.start()
        watcher.stop()  # most likely while its thread still starts the observer
    assert len(_watcher_threads()) == before
    assert len(observers()) == observers_before, f"observer threads left: {observers()}"
