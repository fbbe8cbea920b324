"""Benchmark the panels: a 50,000-entry history, and the live traffic table under load.

Run: ``python bench/panels.py`` (offscreen unless a display is set; about a minute).

1. History: 50,000 exchanges in a real ``HistoryStore`` (in a temporary folder).
   Time from creating the history panel to its first page painted (goal < 300 ms),
   and from ``scrollToBottom`` to the last rows painted (goal < 500 ms). For
   scale, the store's own ``page()`` call at offset 0 and at the end is printed.
2. Live traffic: the embedded collector in this process (GUI on the main thread,
   server on its thread) receives 500 requests/s for 10 s from another process.
   A 5 ms ``QTimer`` records every event-loop tick; the largest gap between ticks
   is the GUI's worst stall (goal < 100 ms). Every request the client got an
   answer for must be a row in the live table (goal: none lost).
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from tests.ui.panels.history_data import make_exchange
from workbench.collector import CollectorConfig
from workbench.store.history import HistoryStore
from workbench.store.history.entries import HistoryQuery
from workbench.ui.panels.collector_control import CollectorController
from workbench.ui.panels.collector_panel import CollectorPanel
from workbench.ui.panels.history_panel import HistoryPanel

HISTORY_ENTRIES = 50_000
RATE = 500
SECONDS = 10


def wait_until(app: QApplication, condition: Callable[[], bool], timeout_s: float) -> bool:
    """Run a real event loop until *condition* holds (checked every 2 ms), or time out.

    A busy ``processEvents`` loop would compete for the GIL with the collector's
    server thread and distort the very stalls being measured.
    """
    if condition():
        return True
    loop = QEventLoop()
    checker = QTimer()
    checker.setInterval(2)
    deadline = time.perf_counter() + timeout_s

    def check() -> None:
        if condition() or time.perf_counter() > deadline:
            loop.quit()

    checker.timeout.connect(check)
    checker.start()
    loop.exec()
    checker.stop()
    return condition()


def goal(name: str, value: str, target: str, met: bool) -> str:
    return f"goal {name}: {value} (target {target}) {'met' if met else 'missed'}"


def bench_history(app: QApplication, folder: Path) -> list[str]:
    with HistoryStore(folder, retention=None) as store:
        started = time.perf_counter()
        batch = 5_000
        for first in range(0, HISTORY_ENTRIES, batch):
            store.append_many(make_exchange(i) for i in range(first, first + batch))
        print(f"history: wrote {store.count():,} entries in {time.perf_counter() - started:.1f} s")
        for offset in (0, HISTORY_ENTRIES - 50):
            t = time.perf_counter()
            store.page(HistoryQuery(), offset, 200)
            print(
                f"history: store.page(offset={offset:,}) {1000 * (time.perf_counter() - t):.1f} ms"
            )

        clock = QElapsedTimer()
        clock.start()
        panel = HistoryPanel(store)
        panel.resize(1100, 700)
        panel.show()
        model, table = panel.model, panel.table
        shown = wait_until(
            app, lambda: model.rowCount() == HISTORY_ENTRIES and model.is_loaded(0), 30
        )
        app.processEvents()  # paint the first page
        first_ms = clock.elapsed()
        assert shown
        assert table.indexAt(table.viewport().rect().topLeft()).row() == 0

        clock.restart()
        table.scrollToBottom()
        last = HISTORY_ENTRIES - 1
        wait_until(app, lambda: model.is_loaded(last), 30)
        app.processEvents()
        end_ms = clock.elapsed()
        bottom = table.indexAt(
            table.viewport().rect().bottomLeft() - table.viewport().rect().topLeft()
        )
        visible_last = table.rowAt(table.viewport().height() - 1)
        print(
            f"history: first page painted in {first_ms} ms; scrolled to the end in {end_ms} ms "
            f"(last visible row {visible_last if visible_last >= 0 else bottom.row()}, "
            f"text {model.index(last, 1).data()!r})"
        )
        panel.close()
        panel.runner.wait_for_done()
        panel.deleteLater()
        app.processEvents()
    return [
        goal("history_first_page_ms", f"{first_ms} ms", "< 300 ms", first_ms < 300),
        goal("history_scroll_to_end_ms", f"{end_ms} ms", "< 500 ms", end_ms < 500),
    ]


LOAD_SCRIPT = textwrap.dedent(
    """
    import json, sys, threading, time
    import httpx

    url, rate, seconds, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), 8
    body = {"source": {"id": "source-id"}, "session": {"id": "bench-session"},
            "events": [{"type": "page-view", "properties": {"n": 1}}],
            "options": {"debugger": True}}
    total = rate * seconds
    answered = [0] * threads
    statuses = {}
    lock = threading.Lock()
    start = time.perf_counter() + 0.2

    def worker(k):
        with httpx.Client(timeout=30) as client:
            for i in range(k, total, threads):
                delay = start + i / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                try:
                    status = client.post(url + "/track", json=body).status_code
                    answered[k] += 1
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1

    pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    took = time.perf_counter() - start
    print(json.dumps({"answered": sum(answered), "statuses": statuses, "seconds": took}))
    """
)


def run_load(app: QApplication, with_panel: bool) -> dict[str, Any]:
    """Serve 500 req/s for 10 s from another process; tick gaps and rows seen."""
    controller = CollectorController(CollectorConfig(port=0))
    panel = CollectorPanel(controller) if with_panel else None
    if panel is not None:
        panel.resize(1200, 800)
        panel.show()
    controller.start()
    assert wait_until(app, lambda: controller.server is not None, 30), controller.reason

    ticks: list[float] = []
    ticker = QTimer()
    ticker.setInterval(5)
    ticker.timeout.connect(lambda: ticks.append(time.perf_counter()))
    ticker.start()
    loader = subprocess.Popen(
        [sys.executable, "-c", LOAD_SCRIPT, controller.url, str(RATE), str(SECONDS)],
        stdout=subprocess.PIPE,
        text=True,
    )
    finished = wait_until(app, lambda: loader.poll() is not None, SECONDS * 6)
    result = json.loads(loader.stdout.read() if loader.stdout else "{}") if finished else {}
    if loader.stdout:
        loader.stdout.close()
    answered = int(result.get("answered", 0))

    def rows() -> int:
        return panel.traffic.model.rowCount() if panel else controller.bridge.received_total

    wait_until(app, lambda: rows() >= answered, 10)
    ticker.stop()
    gaps = sorted(b - a for a, b in itertools.pairwise(ticks))
    outcome = {
        "answered": answered,
        "rows": rows(),
        "ticks": len(ticks),
        "worst_ms": 1000 * gaps[-1] if gaps else float("inf"),
        "p99_ms": 1000 * gaps[int(len(gaps) * 0.99)] if gaps else float("inf"),
    }
    label = "with the collector panel" if panel else "baseline, no panel"
    print(
        f"traffic ({label}): client got {answered:,} answers in {result.get('seconds', 0):.1f} s "
        f"{result.get('statuses')}; rows {outcome['rows']:,}; {len(ticks):,} ticks; "
        f"worst gap {outcome['worst_ms']:.1f} ms, p99 {outcome['p99_ms']:.1f} ms"
    )
    controller.shutdown()
    if panel is not None:
        panel.close()
        panel.deleteLater()
    app.processEvents()
    return outcome


def bench_traffic(app: QApplication) -> list[str]:
    baseline = run_load(app, with_panel=False)
    loaded = run_load(app, with_panel=True)
    worst, lost = loaded["worst_ms"], loaded["answered"] - loaded["rows"]
    print(
        f"traffic: the panel's worst gap is {worst / baseline['worst_ms']:.2f}x the baseline's "
        f"(the same load with the collector in-process and no panel: GIL and CPU contention)"
    )
    return [
        goal("traffic_max_tick_gap_ms", f"{worst:.1f} ms", "< 100 ms", worst < 100),
        goal(
            "traffic_requests_lost",
            f"{lost} of {loaded['answered']}",
            f"0 of {RATE * SECONDS}",
            lost == 0 and loaded["answered"] == RATE * SECONDS,
        ),
    ]


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory(prefix="bench-panels-") as home:
        os.environ["WORKBENCH_HOME"] = home
        lines = bench_history(app, Path(home) / "history")
        lines += bench_traffic(app)
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
