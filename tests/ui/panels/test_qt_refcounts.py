"""Guard against a PySide6 build that loses references on ``Signal.emit()``.

PySide6 6.12.0 under Python 3.11 returns ``True`` from ``emit()`` without a new
reference, so every emit whose result is discarded drops one reference to
``True``; after a few hundred emits the interpreter aborts (``bool_dealloc``).
The live traffic table emits per batch, hundreds of times a second, so the
panels cannot run on such a build: pyproject excludes it, and this test fails
loudly if one is installed anyway.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal()


def test_signal_emit_keeps_reference_counts() -> None:
    emitter = _Emitter()
    received: list[int] = []
    emitter.fired.connect(lambda: received.append(1))
    before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(50):
        emitter.fired.emit()
    after = sys.getrefcount(True), sys.getrefcount(None)
    assert len(received) == 50
    assert after[0] - before[0] > -25, "this PySide6 build loses a reference to True per emit"
    assert after[1] - before[1] > -25, "this PySide6 build loses a reference to None per emit"
