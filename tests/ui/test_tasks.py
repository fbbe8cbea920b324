"""The background task runner delivers results on the GUI thread with sequence numbers."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from workbench.ui.tasks import TaskOutcome, TaskRunner


def test_result_arrives_on_gui_thread(qtbot) -> None:
    runner = TaskRunner()
    seen: list[tuple[TaskOutcome, bool]] = []
    worker_threads: list[threading.Thread] = []

    def work(x: int) -> int:
        worker_threads.append(threading.current_thread())
        return x * 2

    def on_done(outcome: TaskOutcome) -> None:
        seen.append((outcome, QThread.currentThread() is runner.thread()))

    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        seq = runner.submit(work, 21, channel="calc", on_done=on_done)
    outcome, on_gui = seen[0]
    assert outcome.seq == seq
    assert outcome.result == 42
    assert outcome.ok
    assert not outcome.stale
    assert on_gui
    assert worker_threads[0] is not threading.main_thread()
    assert runner.pending == 0
    runner.wait_for_done()


def test_error_is_delivered_not_raised(qtbot) -> None:
    runner = TaskRunner()

    def boom() -> None:
        raise ValueError("bad input")

    with qtbot.waitSignal(runner.task_finished, timeout=5000) as blocker:
        runner.submit(boom, on_done=lambda o: None)
    outcome = blocker.args[0]
    assert isinstance(outcome.error, ValueError)
    assert not outcome.ok
    runner.wait_for_done()


def test_older_result_is_marked_stale(qtbot) -> None:
    runner = TaskRunner()
    release = threading.Event()
    outcomes: list[TaskOutcome] = []
    runner.task_finished.connect(outcomes.append)

    first = runner.submit(lambda: release.wait(5) and "old", channel="send")
    second = runner.submit(lambda: "new", channel="send")
    qtbot.waitUntil(lambda: len(outcomes) == 1, timeout=5000)
    release.set()
    qtbot.waitUntil(lambda: len(outcomes) == 2, timeout=5000)
    by_seq = {o.seq: o for o in outcomes}
    assert by_seq[first].stale
    assert by_seq[first].result == "old"
    assert not by_seq[second].stale
    assert runner.is_current(second, "send")
    assert runner.latest("send") == second
    runner.wait_for_done()
