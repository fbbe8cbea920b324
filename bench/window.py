"""Benchmark of the window: start-up time and opening a 50 MB debug JSON.

Run: ``python bench/window.py`` (offscreen; about a minute). Every measurement runs
in a fresh interpreter so imports and peak memory are counted honestly, and the
two sides of each ratio alternate in the same run (the machine is noisy):

* **start**: from the child's first line to a shown main window whose event loop
  went idle once (a zero-timer fired after ``show()``), bytecode cached as in an
  installed app: what ``workbench`` does (``workbench.app.start``: settings,
  collections, the window; the sender, history and embedded collector then load on
  the task runner, and the time until they are attached is printed too) against a
  bare ``QMainWindow``. Goal ≤ 2×.
* **open 50 MB**: from nothing to the first rows of the Debugger and Body trees
  painted (``load_json_file`` + ``ResponsePanel.open_document`` + a repaint)
  against ``json.loads`` of the same file's bytes. Goal ≤ 1.5×. Peak RSS of each
  child is printed as well.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5
TARGET_BYTES = 50 * 1024 * 1024


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss would include the parent's peak)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_bare() -> dict[str, float]:
    start = time.perf_counter()
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication([])
    window = QMainWindow()
    window.setWindowTitle("bare")
    window.resize(1280, 800)
    window.show()
    # A local loop: QApplication.quit() would close (and so wait for) the windows.
    loop = QEventLoop()
    QTimer.singleShot(0, loop.quit)
    loop.exec()
    assert app is not None
    elapsed = time.perf_counter() - start
    window.close()
    return {"seconds": elapsed, "peak_mb": _peak_rss_mb()}


def child_workbench() -> dict[str, float]:
    start = time.perf_counter()
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from workbench.app import start as start_app
    from workbench.settings.paths import app_paths

    app = QApplication([])
    with tempfile.TemporaryDirectory() as home:
        # What `workbench` does: the window shows, the services load on the task runner.
        parts = start_app(app_paths(home), collector_port=0, collector_in_memory=True)
        loop = QEventLoop()
        QTimer.singleShot(0, loop.quit)
        loop.exec()
        shown = time.perf_counter() - start
        parts.window.services_attached.connect(loop.quit)
        if not parts.window.ready:
            loop.exec()
        assert app is not None
        ready = time.perf_counter() - start
        assert parts.collector is not None
        assert parts.collector.running
        parts.close()
    return {"seconds": shown, "ready_seconds": ready, "peak_mb": _peak_rss_mb()}


def child_json_loads(path: str) -> dict[str, float]:
    start = time.perf_counter()
    document = json.loads(Path(path).read_bytes())
    elapsed = time.perf_counter() - start
    assert isinstance(document, dict)
    return {"seconds": elapsed, "peak_mb": _peak_rss_mb()}


def child_open(path: str) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    from workbench.ui.response_panel import ResponsePanel, load_json_file

    app = QApplication([])
    panel = ResponsePanel()
    panel.resize(900, 700)
    panel.show()
    app.processEvents()
    base_mb = _peak_rss_mb()
    start = time.perf_counter()
    document = load_json_file(path)
    panel.open_document(document, title="big.json")
    panel.repaint()
    elapsed = time.perf_counter() - start
    rows = panel.debugger.trees["execution"].proxy.rowCount()
    assert rows > 0, "the execution tree shows no rows"
    panel.tabs.setCurrentWidget(panel.body_tabs)
    panel.repaint()
    assert panel.body_tree.proxy.rowCount() > 0
    panel.close()
    return {"seconds": elapsed, "peak_mb": _peak_rss_mb(), "gui_base_mb": base_mb}


def make_debug_json(path: Path) -> int:
    """A documented-format debug response of about 50 MB: big execution log and profile."""
    rng = random.Random(7)
    node_runs = []
    size = 0
    i = 0
    while size < TARGET_BYTES:
        run = {
            "id": f"node-{i}",
            "name": rng.choice(["Copy data", "Increase views", "Segment", "Webhook"]),
            "run": {"start": "2024-01-01T00:00:00Z", "end": "2024-01-01T00:00:01Z", "ms": i % 97},
            "input": {"payload": {"value": rng.random(), "text": "x" * rng.randint(10, 200)}},
            "output": [{"port": "payload", "value": {"n": i, "ok": i % 3 == 0}}],
            "errors": [] if i % 50 else [f"node {i} failed: timeout"],
        }
        node_runs.append(run)
        size += len(json.dumps(run)) + 2 + (60 if i % 4 == 0 else 0)  # + its share of logs
        i += 1
    document = {
        "debugging": {
            "session": {"saved": 1, "errors": [], "ids": ["s-1"], "types": []},
            "events": {"saved": 2, "errors": [], "ids": ["e-1", "e-2"], "types": []},
            "profile": {"saved": 1, "errors": [], "ids": ["p-1"], "types": []},
            "execution": {"flow-1": {"nodes": node_runs}},
            "segmentation": {"errors": [], "ids": []},
            "logs": [
                {"type": "info", "message": f"log line {n}", "module": "flow"}
                for n in range(len(node_runs) // 4)
            ],
        },
        "profile": {"id": "p-1"},
        "source": {"consent": False},
    }
    text = json.dumps(document)
    path.write_text(text, encoding="utf-8")
    return len(text.encode())


PYCACHE = Path(tempfile.mkdtemp(prefix="workbench-bench-pycache-"))


def run_child(mode: str, *args: str) -> dict[str, float]:
    # Children keep compiled bytecode (in a temporary folder), as an installed app does;
    # a warm-up run of each child fills it before anything is timed.
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT),
        "PYTHONPYCACHEPREFIX": str(PYCACHE),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    result = subprocess.run(
        [sys.executable, __file__, "--child", mode, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"child {mode} failed:\n{result.stderr}")
    line = result.stdout.strip().splitlines()[-1]
    data: dict[str, float] = json.loads(line)
    return data


def main() -> None:
    began = time.perf_counter()
    for mode in ("bare", "workbench"):
        run_child(mode)  # warm-up: compiles the bytecode both sides then reuse
    start: dict[str, list[dict[str, float]]] = {"bare": [], "workbench": []}
    for _ in range(RUNS):
        for mode in ("bare", "workbench"):
            start[mode].append(run_child(mode))
    bare_s = statistics.median(r["seconds"] for r in start["bare"])
    ours_s = statistics.median(r["seconds"] for r in start["workbench"])
    start_ratio = ours_s / bare_s

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big-debug.json"
        size = make_debug_json(path)
        opened: dict[str, list[dict[str, float]]] = {"json": [], "open": []}
        for _ in range(3):
            opened["json"].append(run_child("json_loads", str(path)))
            opened["open"].append(run_child("open", str(path)))
    loads_s = statistics.median(r["seconds"] for r in opened["json"])
    open_s = statistics.median(r["seconds"] for r in opened["open"])
    open_ratio = open_s / loads_s
    loads_mb = max(r["peak_mb"] for r in opened["json"])
    open_mb = max(r["peak_mb"] for r in opened["open"])
    gui_base = max(r["gui_base_mb"] for r in opened["open"])

    print(f"start to shown idle window, median of {RUNS} fresh processes (offscreen):")
    bare_mb = start["bare"][0]["peak_mb"]
    print(f"  bare QMainWindow:  {bare_s * 1000:7.0f} ms  (peak RSS {bare_mb:.0f} MB)")
    ready_s = statistics.median(r["ready_seconds"] for r in start["workbench"])
    print(
        f"  Workbench window:  {ours_s * 1000:7.0f} ms  "
        f"(peak RSS {start['workbench'][0]['peak_mb']:.0f} MB)"
    )
    print(
        f"  ... ready to send: {ready_s * 1000:7.0f} ms  (sender, history and the embedded "
        "collector loaded on the task runner after the window showed)"
    )
    print(f"open a {size / 1024 / 1024:.1f} MB debug JSON, median of 3 fresh processes:")
    print(f"  json.loads(bytes): {loads_s * 1000:7.0f} ms  (peak RSS {loads_mb:.0f} MB)")
    print(
        f"  first rows shown:  {open_s * 1000:7.0f} ms  (peak RSS {open_mb:.0f} MB, "
        f"of which {gui_base:.0f} MB is Qt and the empty panel before opening)"
    )
    shutil.rmtree(PYCACHE, ignore_errors=True)
    print(f"(benchmark took {time.perf_counter() - began:.0f} s)")
    print()
    for name, value, target in (
        ("window_start_vs_bare", start_ratio, 2.0),
        ("open_50mb_vs_json_loads", open_ratio, 1.5),
    ):
        verdict = "met" if value <= target else "missed"
        print(f"goal {name}: {value:.2f}x (target {target:.1f}x) {verdict}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        mode, rest = sys.argv[2], sys.argv[3:]
        children = {
            "bare": child_bare,
            "workbench": child_workbench,
            "json_loads": child_json_loads,
            "open": child_open,
        }
        print(json.dumps(children[mode](*rest)))
    else:
        main()
