"""A small background task runner: slow I/O off the GUI thread, results back by queued signal.

Modelled on git-cola's runner: each submitted call gets a sequence number, and
each *channel* ("send", "history", "sources"...) remembers its newest one. When
a result arrives it is delivered on the GUI thread as a :class:`TaskOutcome`
whose ``stale`` flag says a newer task on the same channel was submitted after
it. Callers decide what stale means (the window records a stale send in history
but does not show it over the newer one).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any, NamedTuple

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

__all__ = ["TaskOutcome", "TaskRunner"]

log = logging.getLogger(__name__)

OutcomeCallback = Callable[["TaskOutcome"], None]


class TaskOutcome(NamedTuple):
    """What came back from one background call.

    ``error`` is the exception the call raised (``result`` is then None);
    ``stale`` is True when a newer task was submitted on the same channel.
    """

    seq: int
    channel: str
    result: Any = None
    error: BaseException | None = None
    stale: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


class _Job(QRunnable):
    """Runs one call on a pool thread and hands the outcome to the runner's queued signal."""

    def __init__(self, runner: TaskRunner, seq: int, channel: str, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._runner = runner
        self._seq = seq
        self._channel = channel
        self._fn = fn

    def run(self) -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = self._fn()
        except BaseException as exc:  # delivered to the GUI thread, never lost
            error = exc
        self._runner._delivered.emit((self._seq, self._channel, result, error))


class TaskRunner(QObject):
    """Runs callables on its own ``QThreadPool`` and delivers outcomes on the GUI thread.

    Signals:
        task_finished(TaskOutcome): every outcome, stale or not, after the
            per-task callback (if any) ran.
        busy_changed(bool): True when the first task starts, False when the last ends.
    """

    task_finished = Signal(object)
    busy_changed = Signal(bool)
    _delivered = Signal(object)

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._seq = itertools.count(1)
        self._latest: dict[str, int] = {}
        self._callbacks: dict[int, OutcomeCallback] = {}
        self._pending = 0
        self._delivered.connect(self._on_self_delivered, Qt.ConnectionType.QueuedConnection)

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        channel: str = "default",
        on_done: OutcomeCallback | None = None,
        **kwargs: Any,
    ) -> int:
        """Run ``fn(*args, **kwargs)`` in the background; return the task's sequence number."""
        seq = next(self._seq)
        self._latest[channel] = seq
        if on_done is not None:
            self._callbacks[seq] = on_done
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Job(self, seq, channel, lambda: fn(*args, **kwargs)))
        return seq

    def latest(self, channel: str = "default") -> int:
        """The newest sequence number submitted on *channel* (0 when none)."""
        return self._latest.get(channel, 0)

    def is_current(self, seq: int, channel: str = "default") -> bool:
        return self._latest.get(channel, 0) == seq

    @property
    def pending(self) -> int:
        """Tasks submitted whose outcome has not been delivered yet."""
        return self._pending

    def wait_for_done(self, msecs: int = 30_000) -> bool:
        """Block until every running call returned (for shutdown; outcomes stay queued)."""
        return bool(self._pool.waitForDone(msecs))

    @Slot(object)
    def _on_self_delivered(self, packed: tuple[int, str, Any, BaseException | None]) -> None:
        seq, channel, result, error = packed
        outcome = TaskOutcome(
            seq=seq,
            channel=channel,
            result=result,
            error=error,
            stale=self._latest.get(channel, 0) != seq,
        )
        self._pending -= 1
        callback = self._callbacks.pop(seq, None)
        try:
            if callback is not None:
                callback(outcome)
        finally:
            self.task_finished.emit(outcome)
            if self._pending == 0:
                self.busy_changed.emit(False)
        if error is not None and callback is None:
            log.warning("background task %s on %r failed: %r", seq, channel, error)
