"""Take the README's screenshots of the support tools from the real window.

Run under an X server (Xvfb) with ImageMagick's ``import``:

    Xvfb :95 -screen 0 1440x900x24 &
    DISPLAY=:95 python docs/support_screenshots.py resources/screenshots 1440x900

It starts the app in a temporary home (its own embedded collector on a free
port), opens a HAR file a customer might send (written the way Chrome writes
one), reproduces its purchase call against the embedded collector and shoots
the compare window (customer's answer against the local one), then the same
with *Hide personal data* on. Each shot is the whole X screen, taken with
``import -window root`` once the windows have painted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from tests.support.har_files import shop_har, write_har
from workbench.app import build
from workbench.settings.paths import app_paths
from workbench.ui.compare.compare_window import Side
from workbench.ui.privacy import privacy_mask


def settle(ms: int = 400) -> None:
    """Let the window paint and background answers arrive (a script, not a test)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(condition, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the window did not get there in time")
        settle(50)


def shoot(folder: Path, name: str) -> None:
    settle(600)
    subprocess.run(["import", "-window", "root", str(folder / name)], check=True)
    print("wrote", folder / name)


def main() -> int:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "resources/screenshots")
    size = sys.argv[2] if len(sys.argv) > 2 else "1440x900"
    width, height = (int(v) for v in size.split("x"))
    suffix = "" if size == "1440x900" else f"-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="workbench-shots-"))
    os.environ["WORKBENCH_HOME"] = str(home)
    _app = QApplication(sys.argv[:1])  # kept alive until the end
    parts = build(app_paths(home), collector_port=0, collector_in_memory=True)
    window = parts.window
    window.move(0, 0)
    window.resize(width, height - 30)
    window.show()
    tools = window.support_tools
    try:
        settle(800)
        har = write_har(home / "customer-ticket.har", shop_har())
        window.opener.open_file(str(har))
        wait_for(lambda: window.panels.history.model.rowCount() == 3)
        history = window.panels.history
        history.table.selectRow(1)  # newest first: the purchase, sent to /track through a proxy
        wait_for(lambda: len(history.selected_summaries()) == 1)
        tools.reproduce()
        wait_for(lambda: tools.compare_window is not None and tools.compare_window.view.result)
        compare = tools.compare_window
        compare.move(0, 0)
        compare.resize(width, height - 30)
        compare.view.select_change(1)
        shoot(folder, f"compare-window{suffix}.png")
        # Two imported calls side by side (payload and answer), personal data hidden.
        ids = [s.id for s in history.selected_summaries()]
        history.table.selectRow(2)
        wait_for(lambda: [s.id for s in history.selected_summaries()] != ids)
        ids.append(history.selected_summaries()[0].id)
        compare.set_sides(Side("history", ids[1]), Side("history", ids[0]))
        before = compare.view.result
        compare.compare()
        wait_for(lambda: compare.view.result is not before)
        privacy_mask().set_hidden(True)
        for tree in (compare.view.tree_a, compare.view.tree_b):
            tree.select_path(("request", "events", 0, "properties", "email"))
        shoot(folder, f"compare-window-hidden{suffix}.png")
        privacy_mask().set_hidden(False)
    finally:
        parts.close()
        QCoreApplication.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
