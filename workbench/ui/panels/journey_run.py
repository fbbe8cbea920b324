"""One journey run at a time, in the background, with its steps reported as they finish.

:class:`JourneyRun` submits ``run_journey`` (supplied by the composition root: it
knows the targets and the collector) to the task runner, relays each finished step
to the GUI thread, and cancels between steps or inside a send. The names of the
places a journey can run besides a saved target are here too.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from workbench.client import CancelToken
from workbench.core.journey.model import Journey
from workbench.journeys.runner import JourneyResult, StepResult
from workbench.ui.tasks import TaskOutcome, TaskRunner

__all__ = ["DEMO_COLLECTOR", "FRESH_COLLECTOR", "WINDOW_COLLECTOR", "JourneyRun", "RunJourney"]

FRESH_COLLECTOR = "Fresh collector"
DEMO_COLLECTOR = "Fresh + demo flow"
WINDOW_COLLECTOR = "This window's collector"

RunJourney = Callable[[Journey, str, CancelToken, Callable[[StepResult], None]], JourneyResult]


class JourneyRun(QObject):
    """Runs journeys through *run_journey* on *runner*.

    Signals:
        step_finished(StepResult): a step finished (on the GUI thread, in order).
        finished(TaskOutcome): the run ended; its result is the :class:`JourneyResult`
            (cancelled ones too), its error what stopped it.
    """

    step_finished = Signal(object)
    finished = Signal(object)

    def __init__(
        self, runner: TaskRunner, run_journey: RunJourney, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.run_journey = run_journey
        self._cancel: CancelToken | None = None

    @property
    def running(self) -> bool:
        return self._cancel is not None

    def start(self, journey: Journey, where: str) -> None:
        """Run *journey* against *where* (a place named above or a saved target)."""
        token = CancelToken()
        self._cancel = token
        self.runner.submit(
            self.run_journey,
            journey,
            where,
            token,
            self.step_finished.emit,  # queued: emitted on the run's thread
            channel="journey",
            on_done=self._on_done,
        )

    def cancel(self) -> bool:
        """Ask the run to stop; False when none runs."""
        if self._cancel is None:
            return False
        self._cancel.cancel()
        return True

    def _on_done(self, outcome: TaskOutcome) -> None:
        self._cancel = None
        self.finished.emit(outcome)
