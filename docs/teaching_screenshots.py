"""Take the README's screenshots of the teaching screens from the real window.

Run under an X server (Xvfb) with a window manager (the dialogs' title bars say
which screen is which) and ImageMagick's ``import``, once per screen size:

    Xvfb :95 -screen 0 1440x900x24 & DISPLAY=:95 openbox &
    DISPLAY=:95 python docs/teaching_screenshots.py resources/screenshots 1440x900

It starts the app as on a first start (a temporary home, so the window takes its
first-start size for that screen; its own embedded collector on a free port),
loads the demo flow, sends the demo story's first steps, and shoots the Story
tab, the flow editor (with a condition mistake marked), "Why (not)?", the
profile timeline and presenter mode (the demo story, then the demo journey with
its checks). Each shot is the window with its dialog on top, cut from the X
screen; sizes other than 1440x900 get the size in the file name.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from PySide6.QtWidgets import QWidget

from docs.shots import running_app, shoot, shot_args, wait_for
from workbench.resources import resource_path


def place(dialog: QWidget, window: QWidget, width: int, height: int, x: int, y: int) -> None:
    """Put *dialog* at *x*, *y* at most *width* x *height*, inside the window's frame
    (the shot is cut to the window), with the window's bottom rows still in view."""
    frame = window.frameGeometry()
    title = dialog.frameGeometry().height() - dialog.height() or 30  # the title bar
    dialog.resize(min(width, frame.width() - 2 * x), min(height, frame.height() - y - title - 40))
    dialog.move(frame.x() + x, frame.y() + y)


def main() -> int:
    args = shot_args()
    folder, suffix = args.folder, args.suffix
    # At its own first-start size for this screen, as `workbench` opens.
    with running_app() as parts:
        window = parts.window
        teaching = window.panels.teaching
        assert parts.collector is not None
        httpx.post(f"{parts.collector.url}/_workbench/flow/packs/demo")
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
        shoot(folder, f"story-view{suffix}.png", window)

        editor = teaching.open_flow_editor()
        place(editor, window, 1060, 680, 40, 60)
        wait_for(lambda: bool(editor.flow["segments"]))
        editor.tabs.setCurrentIndex(2)
        page = editor.pages["segments"]
        for row in range(page.list.count()):
            if page.list.item(row).data(0x0100) == "engaged":
                page.list.setCurrentRow(row)
        page.form.condition.set_text("profile@stats.views >= 3 or profile@stats.counters. >= 1")
        shoot(folder, f"flow-editor{suffix}.png", window)
        page.form.condition.set_text("profile@stats.views >= 5")
        editor.apply("segments")
        wait_for(lambda: not editor.busy)
        editor.close()

        why = teaching.open_why_not()
        place(why, window, 900, 600, 60, 80)
        wait_for(lambda: why.answer is not None)
        shoot(folder, f"why-not{suffix}.png", window)
        why.close()
        editor.undo()
        wait_for(lambda: not editor.busy)

        timeline = teaching.open_timeline()
        place(timeline, window, 900, 620, 60, 60)
        wait_for(lambda: bool(timeline.steps))
        shoot(folder, f"profile-timeline{suffix}.png", window)
        timeline.close()

        presenter.set_active(True)
        presenter.restart()
        for _ in range(5):
            before = presenter.panel.story.story
            presenter.next_step()
            wait_for(lambda before=before: presenter.panel.story.story is not before)
            wait_for(lambda: presenter.panel.profile.topLevelItemCount() > 0)
        shoot(folder, f"presenter-mode{suffix}.png", window)
        # The demo journey, presented: each answer checked against the step's expect.
        teaching.open_story_file(str(resource_path("demo", "shop-visit.journey.yaml")))
        for index in range(3):
            presenter.next_step()
            wait_for(lambda index=index: index in presenter.verdicts)
            wait_for(lambda: presenter.panel.profile.topLevelItemCount() > 0)
        shoot(folder, f"presenter-journey{suffix}.png", window)
        presenter.set_active(False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
