"""The status bar's permanent part: the collector's state; the last answer's status, time, size."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QStatusBar

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

    def set_collector(self, text: str) -> None:
        self.collector_label.setText(text)
        self.collector_label.setToolTip(text)

    def show_exchange(self, exchange: dict[str, Any]) -> None:
        """Status code (or the error kind), total time and size of *exchange*."""
        response = exchange.get("response") or {}
        status = response.get("status")
        total = (exchange.get("timings") or {}).get("total_ms")
        error = exchange.get("error") or {}
        self.status_code_label.setText(
            f"Status {status}" if status is not None else f"Status – ({error.get('kind', 'none')})"
        )
        self.time_label.setText(
            f"Time {total:.0f} ms" if isinstance(total, int | float) else "Time –"
        )
        self.size_label.setText(f"Size {size_text(response.get('size'))}")
