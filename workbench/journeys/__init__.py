"""Running journeys (multi-step tracking scenarios) against a target: Qt-free.

The journey model, expectations and paths are pure (:mod:`workbench.core.journey`,
:mod:`workbench.core.answer_paths`); this package adds what needs the network,
the collector and files: the runner, a fresh embedded collector for CI, JUnit
reports, snapshot files and recording journeys from history.
"""

from workbench.journeys.embedded import FlowFileError, fresh_collector
from workbench.journeys.runner import JourneyResult, JourneyRunner, StepResult

__all__ = [
    "FlowFileError",
    "JourneyResult",
    "JourneyRunner",
    "StepResult",
    "fresh_collector",
]
