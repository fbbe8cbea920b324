"""The GC pause guard freezes during traffic and collects fully once traffic stops."""

from __future__ import annotations

import gc

from workbench.ui.panels.gc_pauses import GcPauseGuard


def test_freezes_during_traffic_and_collects_when_idle(qtbot) -> None:
    guard = GcPauseGuard(freeze_ms=10, idle_ms=60)
    try:
        guard.note_traffic([object()])
        qtbot.waitUntil(lambda: guard.freezes == 1, timeout=2000)
        assert gc.get_freeze_count() > 0
        qtbot.waitUntil(lambda: guard.full_collections == 1, timeout=2000)
        assert gc.get_freeze_count() == 0
    finally:
        guard.stop()
        gc.unfreeze()


def test_no_traffic_no_freeze(qtbot) -> None:
    guard = GcPauseGuard(freeze_ms=10, idle_ms=20)
    guard.stop()
    assert guard.freezes == 0
    assert guard.full_collections == 0
