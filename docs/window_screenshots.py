"""Take the README's screenshots of the main window from the real window.

Run under an X server (Xvfb) with ImageMagick's ``import``, once per screen size:

    Xvfb :95 -screen 0 1440x900x24 &
    DISPLAY=:95 python docs/window_screenshots.py resources/screenshots 1440x900
    Xvfb :96 -screen 0 1280x720x24 &
    DISPLAY=:96 python docs/window_screenshots.py resources/screenshots 1280x720

It starts the app as on a first start (a temporary home, so the window takes its
first-start proportions for that screen; its own embedded collector on a free
port), loads the demo flow, sends the 'with options' example twice and shoots:

* ``window-debugger.png``: the Debugger with the demo flow's Execution section;
* ``window-body-and-panels.png``: Raw JSON, the Body tree, History and the
  collector's live traffic with the last request's details (on a short screen the
  Collector dock starts folded to its title line; the script opens it).

Sizes other than 1440x900 get the size in the file name
(``window-debugger-1280x720.png``). Each shot is the window as it opens on that
screen (the app fits its first size to the screen), cut from the X screen.
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
from PySide6.QtWidgets import QApplication, QWidget

from workbench.app import build
from workbench.settings.paths import app_paths


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


def shoot(folder: Path, name: str, window: QWidget) -> None:
    """The X screen cut to the window (no window manager: the window sits at 0,0)."""
    settle(600)
    frame = window.frameGeometry()
    crop = f"{frame.width()}x{frame.height()}+{frame.x()}+{frame.y()}"
    subprocess.run(
        ["import", "-window", "root", "-crop", crop, "+repage", str(folder / name)], check=True
    )
    print("wrote", folder / name, crop)


def main() -> int:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "resources/screenshots")
    size = sys.argv[2] if len(sys.argv) > 2 else "1440x900"
    suffix = "" if size == "1440x900" else f"-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="workbench-shots-"))
    os.environ["WORKBENCH_HOME"] = str(home)
    _app = QApplication(sys.argv[:1])  # kept alive until the end
    parts = build(app_paths(home), collector_port=0, collector_in_memory=True)
    window = parts.window  # at its own first-start size for this screen, as `workbench` opens
    window.move(0, 0)
    window.show()
    try:
        settle(800)
        import httpx

        from workbench.ui.composer.tools import example_templates

        httpx.post(f"{parts.collector.url}/_workbench/flow/packs/demo")
        template = next(t for t in example_templates() if t.name == "track-with-options")
        for _ in range(2):
            window.load_request(template.payload, "/track", "Embedded collector")
            shown = window.response_panel.exchange()
            window.send()
            wait_for(lambda shown=shown: window.response_panel.exchange() is not shown)
        panel = window.response_panel
        panel.tabs.setCurrentWidget(panel.debugger)
        panel.debugger.show_section("execution")
        shoot(folder, f"window-debugger{suffix}.png", window)

        window.composer.tabs.setCurrentIndex(1)  # Raw JSON
        panel.tabs.setCurrentWidget(panel.body_tabs)
        panel.body_tabs.setCurrentWidget(panel.body_tree)
        bar = window.dock_titles["dock-collector"]
        if bar.collapsed:  # a short screen starts with it folded: open it, as a user would
            bar.collapse_button.click()
        traffic = window.panels.collector.traffic
        wait_for(lambda: traffic.table.model().rowCount() >= 2)
        traffic.select_row(traffic.table.model().rowCount() - 1)
        shoot(folder, f"window-body-and-panels{suffix}.png", window)
    finally:
        parts.close()
        QCoreApplication.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
