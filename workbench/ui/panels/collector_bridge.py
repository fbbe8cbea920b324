"""Turns the collector's server-thread callbacks into one Qt signal per event-loop turn.

The collector calls its listeners from the server thread after every request.
:class:`CollectorBridge` is such a listener: it appends the record to a list
under a lock and, only if no delivery is pending yet, emits a private signal
that Qt queues to the GUI thread. When the GUI thread gets to it, it takes every
record that arrived in the meantime and emits them as one batch. So at 500
requests per second the GUI does one model insert per loop turn instead of 500
and the server thread never waits for the GUI; nothing is dropped, because the
list is only emptied by the delivery that reports it. Deliveries are also at
least ``min_interval_ms`` apart (a single-shot timer holds the next one back),
so a flood repaints the table a few dozen times a second, not hundreds.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

__all__ = ["CollectorBridge"]


class CollectorBridge(QObject):
    """A collector listener that re-emits records on the GUI thread, in batches.

    Signals:
        records_received(list): the ``RequestRecord`` objects that arrived since
            the last emission, oldest first, delivered on the bridge's thread.
    """

    records_received = Signal(list)
    _records_pending = Signal()

    def __init__(self, parent: QObject | None = None, *, min_interval_ms: int = 40) -> None:
        super().__init__(parent)
        self.min_interval_ms = min_interval_ms
        self._last_delivery = 0.0
        self._holdback = QTimer(self)
        self._holdback.setSingleShot(True)
        self._holdback.timeout.connect(self._deliver)
        self._lock = threading.Lock()
        self._pending: list[Any] = []
        self._delivery_scheduled = False
        self._server: Any = None
        self.received_total = 0
        # Emitted from the server thread, so Qt queues it to this object's thread.
        self._records_pending.connect(self._on_self_records_pending)

    @property
    def server(self) -> Any:
        """The collector server currently listened to, or ``None``."""
        return self._server

    def attach(self, server: Any) -> None:
        """Listen to *server* (a ``CollectorServer``), detaching from any previous one."""
        self.detach()
        self._server = server
        server.add_listener(self.receive)

    def detach(self) -> None:
        """Stop listening; records already received are still delivered."""
        if self._server is not None:
            self._server.remove_listener(self.receive)
            self._server = None

    def receive(self, record: Any) -> None:
        """Collector listener: called from the server thread; quick and never blocking on Qt."""
        with self._lock:
            self._pending.append(record)
            if self._delivery_scheduled:
                return
            self._delivery_scheduled = True
        self._records_pending.emit()

    def flush(self) -> None:
        """Deliver what is pending now (the GUI thread calls this; tests and shutdown use it)."""
        self._holdback.stop()
        self._deliver()

    @Slot()
    def _on_self_records_pending(self) -> None:
        wait_ms = self.min_interval_ms - 1000 * (time.monotonic() - self._last_delivery)
        if wait_ms > 1:
            if not self._holdback.isActive():
                self._holdback.start(int(wait_ms))
            return
        self._deliver()

    @Slot()
    def _deliver(self) -> None:
        self._last_delivery = time.monotonic()
        with self._lock:
            batch, self._pending = self._pending, []
            self._delivery_scheduled = False
        if batch:
            self.received_total += len(batch)
            self.records_received.emit(batch)
