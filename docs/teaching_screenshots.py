"""Take the README's screenshots of the teaching screens from the real window.

Run under an X server (Xvfb) with ImageMagick's ``import``:

    Xvfb :95 -screen 0 1440x900x24 &
    DISPLAY=:95 python docs/teaching_screenshots.py resources/screenshots 1440x900

It starts the app in a temporary home (its own embedded collector on a free
port), loads the demo flow, sends the demo story's first steps, and shoots the
Story tab, the flow editor (with a condition mistake marked), "Why (not)?",
the profile timeline and presenter mode (the demo story, then the demo
journey with its checks). Each shot is the whole X screen,
taken with ``import -window root`` once the window has painted.
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


def shoot(folder: Path, name: str) -> None:
    settle(500)
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
    teaching = window.teaching
    try:
        settle(800)
        import httpx

        base = parts.collector.url
        httpx.post(f"{base}/_workbench/flow/packs/demo")
        presenter = teaching.presenter
        # The story's first steps through the window, as a trainer would send them.
        for _ in range(5):
            step = presenter.story_steps[presenter.index + 1]
            presenter.index += 1
            payload = step.payload(
                source_id="source-id",
                session_id=presenter.session_id,
                profile_id=presenter.profile_id,
            )
            window.load_request(payload, "/track", "Embedded collector")
            before = teaching.story_view.story
            window.send()
            wait_for(lambda before=before: teaching.story_view.story is not before)
            presenter.profile_id = teaching.profile_id
        window.response_panel.tabs.setCurrentWidget(teaching.story_view)
        shoot(folder, f"story-view{suffix}.png")

        editor = teaching.open_flow_editor()
        editor.resize(min(1060, width - 80), min(680, height - 120))
        editor.move(40, 60)
        wait_for(lambda: bool(editor.flow["segments"]))
        editor.tabs.setCurrentIndex(2)
        page = editor.pages["segments"]
        for row in range(page.list.count()):
            if page.list.item(row).data(0x0100) == "engaged":
                page.list.setCurrentRow(row)
        page.form.condition.set_text("profile@stats.views >= 3 or profile@stats.counters. >= 1")
        shoot(folder, f"flow-editor{suffix}.png")
        page.form.condition.set_text("profile@stats.views >= 5")
        editor.apply("segments")
        wait_for(lambda: not editor.busy)
        editor.close()

        why = teaching.open_why_not()
        why.resize(min(900, width - 80), min(600, height - 120))
        why.move(60, 80)
        wait_for(lambda: why.answer is not None)
        shoot(folder, f"why-not{suffix}.png")
        why.close()
        editor.undo()
        wait_for(lambda: not editor.busy)

        timeline = teaching.open_timeline()
        timeline.resize(min(900, width - 80), min(620, height - 120))
        timeline.move(60, 60)
        wait_for(lambda: bool(timeline.steps))
        shoot(folder, f"profile-timeline{suffix}.png")
        timeline.close()

        presenter.set_active(True)
        presenter.restart()
        for _ in range(5):
            before = presenter.panel.story.story
            presenter.next_step()
            wait_for(lambda before=before: presenter.panel.story.story is not before)
            wait_for(lambda: presenter.panel.profile.topLevelItemCount() > 0)
        shoot(folder, f"presenter-mode{suffix}.png")
        # The demo journey, presented: each answer checked against the step's expect.
        from workbench.resources import resource_path

        teaching.open_story_file(str(resource_path("demo", "shop-visit.journey.yaml")))
        for index in range(3):
            presenter.next_step()
            wait_for(lambda index=index: index in presenter.verdicts)
            wait_for(lambda: presenter.panel.profile.topLevelItemCount() > 0)
        shoot(folder, f"presenter-journey{suffix}.png")
        presenter.set_active(False)
    finally:
        parts.close()
        QCoreApplication.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
