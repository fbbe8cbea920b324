"""A journey run's results as a tree: a line per step (PASS, FAIL or SKIP, its time),
under a failed step each expectation's path, and under that what was expected and
what came. One column, so it reads in a narrow dock.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from workbench.journeys.runner import StepResult

__all__ = ["JourneyResultsTree"]

_COLOURS = {
    "passed": QColor(30, 130, 60),
    "failed": QColor(200, 40, 40),
    "skipped": QColor(120, 120, 120),
}
_PATH_ROLE = Qt.ItemDataRole.UserRole + 1  # a failure row's answer path
_WORDS = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}


class JourneyResultsTree(QTreeWidget):
    """The results of one run, in the order the steps finished (:attr:`results`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setUniformRowHeights(True)
        self.results: list[StepResult] = []

    def clear_results(self) -> None:
        self.results = []
        self.clear()

    def add_result(self, result: StepResult) -> None:
        """Append a finished step; a step that did not pass opens to show why."""
        self.results.append(result)
        word = result.status_word
        timing = "" if result.skipped else f"  {result.duration_ms:.0f} ms"
        item = QTreeWidgetItem([f"{_WORDS[word]}  {result.index + 1}. {result.step.name}{timing}"])
        item.setData(0, Qt.ItemDataRole.UserRole, result.index)
        item.setForeground(0, QBrush(_COLOURS[word]))
        exchange = result.exchange
        if exchange is not None and exchange.view is not None:
            item.setToolTip(0, exchange.view.verdict())
        for problem in result.problems:
            child = QTreeWidgetItem([problem])
            child.setFirstColumnSpanned(True)
            child.setForeground(0, QBrush(_COLOURS["failed"]))
            item.addChild(child)
        for failure in result.failures:
            child = QTreeWidgetItem([failure.path])
            child.setData(0, _PATH_ROLE, failure.path)
            child.setForeground(0, QBrush(_COLOURS["failed"]))
            child.setToolTip(
                0, f"{failure.path}\nexpected {failure.expected}\nactual   {failure.actual}"
            )
            for side, text in (("expected", failure.expected), ("actual", failure.actual)):
                line = QTreeWidgetItem([f"{side}  {text}"])
                line.setData(0, _PATH_ROLE, failure.path)
                line.setToolTip(0, text)
                child.addChild(line)
            item.addChild(child)
        for note in result.notes:
            child = QTreeWidgetItem([f"note: {note}"])
            child.setFirstColumnSpanned(True)
            item.addChild(child)
        self.addTopLevelItem(item)
        item.setFirstColumnSpanned(True)
        if not result.passed:
            item.setExpanded(True)
            for row in range(item.childCount()):
                if (under := item.child(row)) is not None:
                    under.setExpanded(True)

    def result_of(self, item: QTreeWidgetItem | None) -> StepResult | None:
        """The step result *item* (or a row under it) shows."""
        while item is not None and item.parent() is not None:
            item = item.parent()
        if item is None:
            return None
        index = item.data(0, Qt.ItemDataRole.UserRole)
        for result in self.results:
            if result.index == index:
                return result
        return None

    @staticmethod
    def failure_path(item: QTreeWidgetItem) -> str | None:
        """The answer path of a failed expectation's row (or its expected/actual line)."""
        path = item.data(0, _PATH_ROLE)
        return path if isinstance(path, str) and path else None
