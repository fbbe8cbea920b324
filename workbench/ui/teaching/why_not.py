"""Collector → Why not?…: every segment's verdict for a profile, and why, in plain words.

Asks the collector's ``/_workbench/flow/evaluate`` (which changes nothing) for
the profile in view or any profile id. Each segment shows whether the profile
is in it; for one it is not in, the parts of the condition that failed with
the actual values (``profile@stats.views is 2, and the condition needs it to
be at least 3``). With an event type the rules for that type are judged the
same way, against the profile as it is now.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.client.flow_api import FlowApi, FlowApiError
from workbench.core.flow.explain import Verdict
from workbench.ui.tasks import TaskOutcome, TaskRunner
from workbench.ui.teaching.wrap import wrap_rows
from workbench.ui.widgets.profile_id_edit import ProfileIdEdit
from workbench.ui.widgets.tree_items import child_at, top_level_at

__all__ = ["WhyNotDialog", "verdict_rows"]

_NO_EVENT = "(segments only)"


def verdict_rows(answer: dict[str, Any]) -> list[tuple[str, bool, list[str]]]:
    """``(line, holds, reasons)`` per segment then per rule, as the dialog shows them."""
    rows: list[tuple[str, bool, list[str]]] = []
    for segment in answer.get("segments") or []:
        name = segment.get("name") or segment.get("id")
        if not segment.get("enabled", True):
            rows.append((f"– {name}: disabled (never evaluated for profiles)", False, []))
            continue
        holds = bool(segment.get("holds"))
        why = segment.get("why") or {}
        sentence = str(why.get("sentence") or "")
        if holds:
            line = f"✓ In {name} — {sentence or 'its condition holds'}"
            # The parts that made it hold, from the verdict tree (core.flow.explain).
            reasons = [v.sentence for v in Verdict.from_dict(why).reasons()] if why else []
        else:
            line = f"✗ Not in {name} — {sentence or 'its condition does not hold'}"
            reasons = [str(p.get("because")) for p in segment.get("failed") or []]
        reasons = [r for r in reasons if r and r != sentence]
        reasons += [f"problem: {e}" for e in segment.get("errors") or []]
        rows.append((line, holds, reasons))
    for rule in answer.get("rules") or []:
        name = rule.get("name") or rule.get("id")
        if not rule.get("enabled", True):
            rows.append((f"– Rule {name}: disabled", False, []))
        elif rule.get("matches"):
            rows.append((f"✓ Rule {name} would run", True, []))
        else:
            reasons = [str(p.get("because")) for p in rule.get("failed") or []]
            rows.append((f"✗ Rule {name} would not run", False, reasons))
    return rows


class WhyNotDialog(QDialog):
    """The "Why not?" view; ``api_factory`` gives the running collector's :class:`FlowApi`.

    Signals:
        explained(dict): the collector's answer for the profile asked about.
    """

    explained = Signal(dict)

    def __init__(
        self,
        api_factory: Callable[[], FlowApi | None],
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Why (not)? — segments and rules for a profile")
        self.setObjectName("whyNotDialog")
        self.resize(900, 600)
        self._api_factory = api_factory
        self._runner = runner
        self.answer: dict[str, Any] | None = None
        self.profile_edit = ProfileIdEdit("whyProfile", self)
        self.event_type = QComboBox(self)
        self.event_type.setEditable(True)
        self.event_type.addItem(_NO_EVENT)
        self.properties_edit = QLineEdit(self)
        self.properties_edit.setPlaceholderText('event properties, e.g. {"quantity": 2}')
        self.explain_button = QPushButton("Explain", self)
        self.explain_button.setObjectName("explain")
        self.explain_button.setDefault(True)
        self.explain_button.clicked.connect(self.explain)
        self.summary = QLabel(self)
        self.summary.setObjectName("whySummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("whyTree")
        self.tree.setHeaderHidden(True)
        wrap_rows(self.tree)  # a long "because …" wraps instead of being cut
        form = QFormLayout()
        form.addRow("Profile", self.profile_edit)
        event_row = QHBoxLayout()
        event_row.addWidget(self.event_type, 1)
        event_row.addWidget(self.properties_edit, 2)
        form.addRow("And rules for", event_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.explain_button)
        layout.addLayout(buttons)
        layout.addWidget(self.tree, 1)

    def set_profile_id(self, profile_id: str | None) -> None:
        self.profile_edit.set_profile_id(profile_id)

    def set_event_types(self, types: list[str]) -> None:
        current = self.event_type.currentText()
        self.event_type.clear()
        self.event_type.addItems([_NO_EVENT, *sorted(set(types))])
        self.event_type.setCurrentText(current)

    def explain(self) -> None:
        profile_id = self.profile_edit.profile_id()
        if not profile_id:
            self.summary.setText(self.profile_edit.MISSING)
            return
        event: dict[str, Any] | None = None
        event_type = self.event_type.currentText().strip()
        if event_type and event_type != _NO_EVENT:
            text = self.properties_edit.text().strip() or "{}"
            try:
                properties = json.loads(text)
            except ValueError:
                self.summary.setText('The event properties are not JSON, e.g. {"quantity": 2}.')
                return
            event = {"type": event_type, "properties": properties}
        api = self._api_factory()
        if api is None:
            self.summary.setText("The embedded collector is not running.")
            return
        self.summary.setText("Asking the collector…")
        self._runner.submit(
            lambda: api.evaluate(profile_id=profile_id, event=event),
            channel="why-not",
            on_done=self._on_explained,
        )

    def _on_explained(self, outcome: TaskOutcome) -> None:
        if outcome.stale:
            return
        if outcome.error is not None:
            error = outcome.error
            text = str(error) if isinstance(error, FlowApiError) else repr(error)
            self.summary.setText(f"No answer: {text}")
            self.tree.clear()
            return
        self.show_answer(outcome.result)

    def show_answer(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.tree.clear()
        segments = [s for s in answer.get("segments") or [] if s.get("enabled", True)]
        inside = [s for s in segments if s.get("holds")]
        self.summary.setText(
            f"Profile {answer.get('profile_id')} is in {len(inside)} of {len(segments)} "
            "segments (judged now, without changing anything)."
        )
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for line, holds, reasons in verdict_rows(answer):
            item = QTreeWidgetItem(self.tree, [line])
            item.setFont(0, bold)
            item.setForeground(0, QBrush(QColor("#2e7d32" if holds else "#c62828")))
            if line.startswith("–"):
                item.setForeground(0, QBrush(QColor("#757575")))
            for reason in reasons:
                QTreeWidgetItem(item, [f"because {reason}"])
        self.tree.expandAll()
        self.explained.emit(answer)

    def lines(self) -> list[str]:
        out = []
        for index in range(self.tree.topLevelItemCount()):
            item = top_level_at(self.tree, index)
            out.append(item.text(0))
            out.extend(f"  {child_at(item, i).text(0)}" for i in range(item.childCount()))
        return out
