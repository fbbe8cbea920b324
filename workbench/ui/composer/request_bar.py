"""The request line: target picker, route, the /collect path fields, Send and Cancel.

Targets are :class:`~workbench.settings.TargetSettings`: the embedded collector
first, then the remote ones from settings (and any imported from a pasted curl).
The route is ``/track``, ``/track?profile_less=true`` or
``/collect/{type}/{source}[/{session}]``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QWidget,
)

from workbench.settings import TargetSettings
from workbench.ui.widgets.text_only import push_button

__all__ = ["ROUTES", "RequestBar", "parse_route"]

ROUTE_TRACK = "/track"
ROUTE_PROFILE_LESS = "/track?profile_less=true"
ROUTE_COLLECT = "/collect/{type}/{source}[/{session}]"
ROUTES = (ROUTE_TRACK, ROUTE_PROFILE_LESS, ROUTE_COLLECT)


class _ElidedLabel(QLabel):
    """Plain text cut with an ellipsis in the middle when short of room (full text as tooltip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        metrics = self.fontMetrics()
        self.setText(metrics.elidedText(self._full, Qt.TextElideMode.ElideMiddle, self.width()))


def parse_route(route: str) -> tuple[str, list[str]]:
    """``("/track" | "/track?profile_less=true" | "collect", [type, source, session])``."""
    route = route.strip()
    if route.startswith("/collect/"):
        parts = [p for p in route[len("/collect/") :].split("?")[0].split("/") if p]
        return "collect", [*parts, "", "", ""][:3]
    if "profile_less=true" in route:
        return ROUTE_PROFILE_LESS, []
    return ROUTE_TRACK, []


class RequestBar(QWidget):
    """Target, route, collect fields and the Send/Cancel buttons.

    Signals:
        target_changed(object): the chosen :class:`TargetSettings`.
        route_changed(str): one of :data:`ROUTES`.
        send_clicked(): Send was pressed.
        cancel_clicked(): Cancel was pressed.
    """

    target_changed = Signal(object)
    route_changed = Signal(str)
    send_clicked = Signal()
    cancel_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._targets: list[TargetSettings] = []
        self.target_combo = QComboBox(self)
        self.target_combo.setAccessibleName("target")
        self.target_combo.setMinimumContentsLength(12)
        self.target_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.target_combo.currentIndexChanged.connect(self._on_target_combo_changed)
        self.route_combo = QComboBox(self)
        self.route_combo.addItems(ROUTES)
        self.route_combo.setAccessibleName("route")
        self.route_combo.setMinimumContentsLength(10)
        self.route_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.route_combo.currentTextChanged.connect(self._on_route_combo_changed)
        self.collect_type = QLineEdit(self)
        self.collect_type.setPlaceholderText("event type")
        self.collect_source = QLineEdit(self)
        self.collect_source.setPlaceholderText("source id (webhook)")
        self.collect_session = QLineEdit(self)
        self.collect_session.setPlaceholderText("session id (optional)")
        # The full URL, elided rather than widen the window; the composer places it.
        self.url_label = _ElidedLabel(self)
        self.send_button = push_button("Send", self)
        self.send_button.setToolTip("Send the request (Ctrl+Enter)")
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.send_clicked)
        self.cancel_button = push_button("Cancel", self)
        self.cancel_button.setToolTip("Cancel the request in flight (Esc)")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_clicked)
        for edit in (self.collect_type, self.collect_source, self.collect_session):
            edit.textChanged.connect(self._update_url)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Target", self))
        layout.addWidget(self.target_combo)
        layout.addWidget(self.route_combo)
        for edit in (self.collect_type, self.collect_source, self.collect_session):
            layout.addWidget(edit)
        layout.addStretch(1)
        layout.addWidget(self.send_button)
        layout.addWidget(self.cancel_button)
        self._on_route_combo_changed(self.route_combo.currentText())

    # --- targets -------------------------------------------------------------------------
    def set_targets(self, targets: list[TargetSettings], *, select: str | None = None) -> None:
        """Offer *targets* (embedded ones sorted first); keep the selection by name."""
        keep = select or (self.current_target().name if self._targets else None)
        self._targets = sorted(targets, key=lambda t: t.kind != "embedded")
        self.target_combo.blockSignals(True)
        self.target_combo.clear()
        for target in self._targets:
            self.target_combo.addItem(target.name)
        names = [t.name for t in self._targets]
        self.target_combo.setCurrentIndex(names.index(keep) if keep in names else 0)
        self.target_combo.blockSignals(False)
        self._update_url()
        if self._targets:
            self.target_changed.emit(self.current_target())

    def targets(self) -> list[TargetSettings]:
        return list(self._targets)

    def current_target(self) -> TargetSettings:
        index = max(0, self.target_combo.currentIndex())
        return self._targets[index]

    def select_target(self, name: str) -> bool:
        index = self.target_combo.findText(name)
        if index >= 0:
            self.target_combo.setCurrentIndex(index)
        return index >= 0

    # --- route ---------------------------------------------------------------------------
    @property
    def route(self) -> str:
        return self.route_combo.currentText()

    @property
    def is_collect(self) -> bool:
        return self.route == ROUTE_COLLECT

    def set_route(self, route: str) -> None:
        """Accept a label (``/track``...) or a concrete ``/collect/type/source[/session]`` path."""
        kind, parts = parse_route(route)
        if kind == "collect":
            self.collect_type.setText(parts[0])
            self.collect_source.setText(parts[1])
            self.collect_session.setText(parts[2])
            self.route_combo.setCurrentText(ROUTE_COLLECT)
        else:
            self.route_combo.setCurrentText(kind)

    def route_label(self) -> str:
        """The concrete route, e.g. ``/collect/page-view/web/s1``."""
        if not self.is_collect:
            return self.route
        parts = [self.collect_type.text().strip(), self.collect_source.text().strip()]
        session = self.collect_session.text().strip()
        if session:
            parts.append(session)
        return "/collect/" + "/".join(parts)

    def set_busy(self, busy: bool) -> None:
        self.cancel_button.setEnabled(busy)

    def _on_target_combo_changed(self, _index: int) -> None:
        self._update_url()
        if self._targets:
            self.target_changed.emit(self.current_target())

    def _on_route_combo_changed(self, route: str) -> None:
        collect = route == ROUTE_COLLECT
        for edit in (self.collect_type, self.collect_source, self.collect_session):
            edit.setVisible(collect)
        self._update_url()
        self.route_changed.emit(route)

    def _update_url(self, *_args: Any) -> None:
        if not self._targets:
            self.url_label.set_full_text("")
            return
        self.url_label.set_full_text(
            self.current_target().base_url.rstrip("/") + self.route_label()
        )
