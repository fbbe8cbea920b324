"""The status bar's permanent part: the collector's state; the last answer's status, time,
size; and, while history cannot be written, a red notice saying so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QStatusBar

if TYPE_CHECKING:
    from workbench.core.exchange import Exchange

__all__ = ["ExchangeStatus", "size_text"]


def size_text(size: int | None) -> str:
    """``1536`` → ``1.5 KB``; ``None`` → ``–``."""
    if size is None:
        return "–"
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


class ExchangeStatus(QObject):
    """Four plain-text labels, permanent widgets of *bar* (status messages never hide them)."""

    def __init__(self, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.collector_label = QLabel(bar)
        self.status_code_label = QLabel("Status –", bar)
        self.time_label = QLabel("Time –", bar)
        self.size_label = QLabel("Size –", bar)
        for label in (
            self.collector_label,
            self.status_code_label,
            self.time_label,
            self.size_label,
        ):
            label.setTextFormat(Qt.TextFormat.PlainText)
            bar.addPermanentWidget(label)
        # Shown while history cannot be written (a full disk): the answer is still shown.
        self.history_notice = QLabel(bar)
        self.history_notice.setTextFormat(Qt.TextFormat.PlainText)
        self.history_notice.setStyleSheet("color: rgb(200, 40, 40);")
        self.history_notice.setWordWrap(False)
        self.history_notice.hide()
        bar.addPermanentWidget(self.history_notice)

    def set_collector(self, text: str) -> None:
        self.collector_label.setText(text)
        self.collector_label.setToolTip(text)

    def history_failed(self, problem: str) -> None:
        self.history_notice.setText("Not saved in history")
        self.history_notice.setToolTip(
            f"The last answer is shown but could not be written to history: {problem}. "
            "Free some disk space; the next send is saved again."
        )
        self.history_notice.show()

    def history_resumed(self) -> None:
        self.history_notice.hide()

    def show_exchange(self, exchange: Exchange) -> None:
        """Status code (or the error kind), total time and size of *exchange*."""
        status = exchange.status
        total = exchange.total_ms
        kind = exchange.error.kind if exchange.error is not None else "none"
        self.status_code_label.setText(
            f"Status {status}" if status is not None else f"Status – ({kind})"
        )
        self.time_label.setText(f"Time {total:.0f} ms" if total is not None else "Time –")
        self.size_label.setText(f"Size {size_text(exchange.size)}")
