"""Sending from the window: the Sender on the task runner, history, staleness, cancel.

The GUI thread never touches the network: :meth:`SendController.send` submits
``Sender.send`` to the :class:`~workbench.ui.tasks.TaskRunner` on the ``send``
channel, and history is written on the same worker thread right after. When an
answer comes back after a newer send started it is still in history, but it is
reported with ``stale=True`` so the window does not show it over the newer one.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from workbench.settings import TargetSettings
from workbench.ui.tasks import TaskOutcome, TaskRunner

if TYPE_CHECKING:
    from workbench.client import CancelToken, Exchange, RequestSpec, Sender
    from workbench.store.history import HistoryStore

__all__ = ["SendController", "window_hint"]

CHANNEL = "send"


class SendController(QObject):
    """Runs sends in the background and reports them.

    Signals:
        exchange_started(int): a send with this sequence number began.
        exchange_finished(object, bool): (``Exchange``, stale) on the GUI thread.
        exchange_crashed(int, str): the send raised (a bug, not a network error).
        busy_changed(bool): a send is (no longer) in flight.
        history_failed(str): a finished send could not be written to history (why).
        history_resumed(): a send was written to history again after a failure.
    """

    exchange_started = Signal(int)
    exchange_finished = Signal(object, bool)
    exchange_crashed = Signal(int, str)
    busy_changed = Signal(bool)
    history_failed = Signal(str)
    history_resumed = Signal()

    def __init__(
        self,
        sender: Sender | None,
        runner: TaskRunner,
        history: HistoryStore | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        # Not "sender": that name is QObject.sender().
        self.client = sender
        self.runner = runner
        self.history = history
        self._tokens: dict[int, CancelToken] = {}
        self._started: dict[int, float] = {}
        # The user's "record exchanges in history" switch (settings.history_enabled).
        self.recording = True
        self.last_history_error: str | None = None
        # Per send (by its cancel token): None (written) or why history refused it.
        self._history_outcomes: dict[int, str | None] = {}

    @property
    def busy(self) -> bool:
        return bool(self._tokens)

    def elapsed(self) -> float:
        """Seconds since the newest send in flight started (0 when idle)."""
        seq = self.runner.latest(CHANNEL)
        started = self._started.get(seq)
        return time.perf_counter() - started if started is not None else 0.0

    def send(self, target: TargetSettings, spec: RequestSpec) -> int:
        """Start sending; returns the sequence number. A newer send makes older ones stale."""
        from workbench.client import CancelToken

        if self.client is None:
            raise RuntimeError("the sender is not ready yet")
        token = CancelToken()
        was_busy = self.busy
        seq = self.runner.submit(
            self._send_and_record,
            target,
            spec,
            token,
            channel=CHANNEL,
            on_done=self._on_runner_done,
        )
        self._tokens[seq] = token
        self._started[seq] = time.perf_counter()
        self.exchange_started.emit(seq)
        if not was_busy:
            self.busy_changed.emit(True)
        return seq

    def cancel(self) -> bool:
        """Cancel every send in flight; each still reports a result (error kind "cancelled")."""
        for token in self._tokens.values():
            token.cancel()
        return bool(self._tokens)

    def _send_and_record(
        self, target: TargetSettings, spec: RequestSpec, token: CancelToken
    ) -> Exchange:
        """Worker thread: send, then append the exchange to history."""
        assert self.client is not None
        result = self.client.send(target, spec, cancel=token)
        if self.history is not None and self.recording:
            try:
                self.history.append(result)
                self._history_outcomes[id(token)] = None
            except Exception as exc:  # history trouble (a full disk) must not hide the answer
                import logging  # only for this warning: nothing before the first paint logs

                logging.getLogger(__name__).warning(
                    "could not record the exchange in history: %s", exc
                )
                self._history_outcomes[id(token)] = str(exc)
        return result

    def _on_runner_done(self, outcome: TaskOutcome) -> None:
        token = self._tokens.pop(outcome.seq, None)
        self._started.pop(outcome.seq, None)
        if token is not None and id(token) in self._history_outcomes:
            problem = self._history_outcomes.pop(id(token))
            if problem is not None:
                self.last_history_error = problem
                self.history_failed.emit(problem)
            elif self.last_history_error is not None:
                self.last_history_error = None
                self.history_resumed.emit()
        if outcome.error is not None:
            self.exchange_crashed.emit(
                outcome.seq, f"{type(outcome.error).__name__}: {outcome.error}"
            )
        else:
            self.exchange_finished.emit(outcome.result, outcome.stale)
        if not self._tokens:
            self.busy_changed.emit(False)


def window_hint(result: Exchange) -> str:
    """A failed send's hint in the window's words (the client's hints name CLI commands)."""
    error = result.error
    if error is None:
        return ""
    if error.kind == "connection_refused" and result.target.kind == "embedded":
        return (
            "The embedded collector is not running: press Start in the Collector dock "
            "(View → Collector), or pick another target."
        )
    return error.hint
