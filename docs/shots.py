"""What the README's screenshot scripts share.

Each script takes ``FOLDER [WIDTHxHEIGHT]`` (:func:`shot_args`), starts the app as
on a first start (:func:`running_app`: a temporary ``WORKBENCH_HOME``, its own
embedded collector in memory on a free port, the window at 0,0), waits for the
window to get where it shows something (:func:`wait_for`) and shoots the X screen
with ImageMagick's ``import`` (:func:`shoot`). Run them under an X server (Xvfb).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from workbench.app import AppParts, build
from workbench.settings.paths import app_paths

__all__ = ["ShotArgs", "running_app", "settle", "shoot", "shot_args", "wait_for"]


@dataclass(frozen=True)
class ShotArgs:
    """Where the shots go and for which screen; ``suffix`` names sizes but the first."""

    folder: Path
    width: int
    height: int
    suffix: str


def shot_args(default_size: str = "1440x900", *, named_size: str = "1440x900") -> ShotArgs:
    """``FOLDER [WIDTHxHEIGHT]`` from the command line; the folder is made.

    A size other than *named_size* goes into the file names (``-1280x720``).
    """
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "resources/screenshots")
    size = sys.argv[2] if len(sys.argv) > 2 else default_size
    width, height = (int(v) for v in size.split("x"))
    folder.mkdir(parents=True, exist_ok=True)
    return ShotArgs(folder, width, height, "" if size == named_size else f"-{size}")


def settle(ms: int = 400) -> None:
    """Let the window paint and background answers arrive (a script, not a test)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(condition: Callable[[], object], timeout: float = 15.0) -> None:
    """Run the event loop until *condition* holds; TimeoutError after *timeout* seconds."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the window did not get there in time")
        settle(50)


def shoot(folder: Path, name: str, window: QWidget | None = None) -> None:
    """The X screen into *folder*/*name*; cut to *window* when one is given.

    There is no window manager under Xvfb: a window moved to 0,0 sits there.
    """
    settle(600)
    command = ["import", "-window", "root"]
    if window is not None:
        frame = window.frameGeometry()
        crop = f"{frame.width()}x{frame.height()}+{frame.x()}+{frame.y()}"
        command += ["-crop", crop, "+repage"]
    subprocess.run([*command, str(folder / name)], check=True)
    print("wrote", folder / name)


@contextmanager
def running_app(size: tuple[int, int] | None = None) -> Iterator[AppParts]:
    """The app as on a first start, shown at 0,0, closed on the way out.

    *size*: the window's size; ``None`` keeps the size the app picks for the screen
    on a first start (what a user sees when ``workbench`` opens).
    """
    home = Path(tempfile.mkdtemp(prefix="workbench-shots-"))
    os.environ["WORKBENCH_HOME"] = str(home)
    _app = QApplication.instance() or QApplication(sys.argv[:1])  # alive until the end
    parts = build(app_paths(home), collector_port=0, collector_in_memory=True)
    window = parts.window
    window.move(0, 0)
    if size is not None:
        window.resize(*size)
    window.show()
    try:
        settle(800)
        wait_for(lambda: parts.collector is not None)
        yield parts
    finally:
        parts.close()
        QCoreApplication.processEvents()
