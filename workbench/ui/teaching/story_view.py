"""The Story tab: what happened to each event of an answer, readable at a glance.

It renders a :class:`~workbench.core.story.Story` (built in ``core``, so the
logic is tested without Qt) as a tree: per event its validation, the rules
that ran with each change (path: before → after) and the nearest misses; then
the segments entered, left and held; then what this server generation does
not report. All text is plain (payload strings are never rich text).

With *Follow the collector* on, every tracking request the embedded collector
receives (the demo shop in a browser, a script, another tool) replaces the
story, so a class watches clicks turn into segments as they happen.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.exchange import Exchange
from workbench.core.story import EventStory, Story, build_story, story_of_exchange
from workbench.ui.teaching.wrap import wrap_rows
from workbench.ui.widgets.tree_items import child_at, top_level_at

__all__ = ["StoryView"]

GREEN, RED, AMBER, GREY = "#2e7d32", "#c62828", "#b26a00", "#757575"


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


class StoryView(QWidget):
    """The story of one answer.

    Signals:
        story_shown(object): a :class:`Story` is now shown.
    """

    story_shown = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storyView")
        self.story: Story | None = None
        self.high_contrast = False
        self.headline = QLabel("Send a request: its story appears here.", self)
        self.headline.setObjectName("storyHeadline")
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.headline.setWordWrap(True)
        bold = self.headline.font()
        bold.setBold(True)
        self.headline.setFont(bold)
        self.follow_box = QCheckBox("Follow the collector's traffic", self)
        self.follow_box.setObjectName("followCollector")
        self.follow_box.setToolTip(
            "Show the story of every tracking request the embedded collector receives "
            "(e.g. the demo shop in a browser), not only of what this window sends"
        )
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("storyTree")
        self.tree.setHeaderHidden(True)
        self.tree.setIndentation(18)
        wrap_rows(self.tree)  # long rows wrap at the width the tree has now
        top = QHBoxLayout()
        top.addWidget(self.headline, 1)
        top.addWidget(self.follow_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)

    @property
    def following(self) -> bool:
        return self.follow_box.isChecked()

    # -- inputs -------------------------------------------------------------------------

    def show_exchange(self, exchange: Exchange) -> None:
        self.show_story(story_of_exchange(exchange))

    def show_records(self, records: list[Any]) -> None:
        """Collector records (``RequestRecord``): the newest tracking one, when following."""
        if not self.following:
            return
        for record in reversed(records):
            path = getattr(record, "path", "")
            if path == "/track" or path.startswith("/collect/"):
                self.show_record(record)
                return

    def show_record(self, record: Any) -> None:
        body = _json_or_none(record.response_body)
        request = _json_or_none(record.request_body)
        self.show_story(build_story(body, status=record.status, request=request))

    # -- rendering ----------------------------------------------------------------------

    def _item(
        self,
        parent: QTreeWidget | QTreeWidgetItem,
        text: str,
        colour: str | None = None,
        *,
        bold: bool = False,
        italic: bool = False,
    ) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [text])
        if colour is not None:
            shade = {GREEN: "#7CFC00", RED: "#FF6E6E", AMBER: "#FFD54F", GREY: "#BDBDBD"}.get(
                colour, colour
            )
            item.setForeground(0, QBrush(QColor(shade if self.high_contrast else colour)))
        if bold or italic:
            font = QFont(self.tree.font())
            font.setBold(bold)
            font.setItalic(italic)
            item.setFont(0, font)
        item.setToolTip(0, text)
        return item

    def show_story(self, story: Story) -> None:
        self.story = story
        self.tree.clear()
        self.headline.setText(story.headline)
        if story.rejected:
            rejected = self._item(self.tree, f"✗ Rejected: {story.rejected}", RED, bold=True)
            for problem in story.problems:
                self._item(rejected, problem, RED)
        own = story.own_events
        for event in own:
            self._event(event)
        system = [e for e in story.events if e.system]
        if system:
            self._item(
                self.tree,
                "The collector added: " + ", ".join(e.type for e in system),
                GREY,
                italic=True,
            )
        if not story.rejected:
            self._segments(story)
            if story.problems:
                problems = self._item(self.tree, "Problems", RED, bold=True)
                for problem in story.problems:
                    self._item(problems, problem, RED)
        if story.not_reported:
            missing = self._item(self.tree, "Not reported by this answer", GREY, bold=True)
            for item in story.not_reported:
                self._item(missing, item, GREY, italic=True)
        self.tree.expandAll()
        self.story_shown.emit(story)

    def _event(self, event: EventStory) -> None:
        ok = event.valid is not False
        mark = "✓" if event.valid else ("✗" if event.valid is False else "•")
        node = self._item(
            self.tree,
            f"{event.index + 1}. {event.type} — {event.validation_text.split(':')[0]}",
            GREEN if event.valid else (RED if event.valid is False else None),
            bold=True,
        )
        node.setText(0, f"{mark} {node.text(0)}")
        for problem in event.problems:
            self._item(node, f"Invalid: {problem}", RED)
        if event.skipped:
            self._item(node, event.skipped, GREY, italic=True)
        for rule in event.rules:
            rule_node = self._item(node, f"Rule ran: {rule.name}", GREEN)
            for change in rule.changes:
                self._item(rule_node, change.text)
            for note in rule.notes:
                self._item(rule_node, note, GREY, italic=True)
        for miss in event.misses:
            miss_node = self._item(node, f"Nearly ran: {miss.name}", AMBER)
            for part in miss.failed or (miss.reason,):
                self._item(miss_node, part, AMBER)
        if ok and event.valid is not None and not (event.rules or event.misses or event.skipped):
            self._item(node, "No rule for this event type", GREY, italic=True)

    def _segments(self, story: Story) -> None:
        if not (story.entered or story.left or story.segments is not None):
            return
        node = self._item(self.tree, "Segments", bold=True)
        if story.entered:
            self._item(node, "Entered: " + ", ".join(story.entered), GREEN, bold=True)
        if story.left:
            self._item(node, "Left: " + ", ".join(story.left), RED, bold=True)
        if (
            not story.entered
            and not story.left
            and "which segments were entered or left" not in (story.not_reported)
        ):
            self._item(node, "No segment entered or left", GREY, italic=True)
        if story.segments is not None:
            self._item(node, "Now in: " + (", ".join(story.segments) or "no segment"))

    def lines(self) -> list[str]:
        """Every row's text, depth-first (tests and the presenter's summary)."""
        out: list[str] = []

        def walk(item: QTreeWidgetItem, depth: int) -> None:
            out.append("  " * depth + item.text(0))
            for index in range(item.childCount()):
                walk(child_at(item, index), depth + 1)

        for index in range(self.tree.topLevelItemCount()):
            walk(top_level_at(self.tree, index), 0)
        return out

    def set_high_contrast(self, on: bool) -> None:
        self.high_contrast = on
        if self.story is not None:
            self.show_story(self.story)
