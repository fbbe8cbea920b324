"""Take the README's screenshot of the Journeys dock from the real window.

Run under an X server (Xvfb) with ImageMagick's ``import``, once per screen size:

    Xvfb :95 -screen 0 1440x900x24 &
    DISPLAY=:95 python docs/journeys_screenshots.py resources/screenshots 1440x900

It starts the app as on a first start (a temporary home, its own embedded
collector on a free port), opens the shipped ``demo-story`` journey in the
Journeys dock, runs it against the window's own collector, which has no demo
flow loaded (so the segment expectations fail and show expected against actual),
clicks the first failed expectation (its answer opens in the Debugger) and shoots
``journeys-panel.png``, then the Steps tab's form as ``journeys-steps.png``
(other sizes get the size in the name, e.g. ``journeys-panel-1280x720.png``).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docs.shots import running_app, shoot, shot_args, wait_for
from workbench.ui.panels.journeys_panel import WINDOW_COLLECTOR


def main() -> int:
    args = shot_args()
    folder, suffix = args.folder, args.suffix
    with running_app() as parts:
        window = parts.window
        panel = window.panels.journeys
        dock = window.docks["dock-journeys"]
        dock.show()
        dock.raise_()
        combo = panel.journey_combo
        index = next(
            i for i in range(combo.count()) if combo.itemText(i).startswith("Examples/demo-story")
        )
        combo.setCurrentIndex(index)
        combo.activated.emit(index)
        panel.target_combo.setCurrentText(WINDOW_COLLECTOR)
        panel.run_button.click()
        wait_for(lambda: panel.last_result is not None)
        failed = next(
            i
            for i in range(panel.results_tree.topLevelItemCount())
            if panel.results_tree.topLevelItem(i).text(0).startswith("FAIL")
        )
        item = panel.results_tree.topLevelItem(failed)
        line = item.child(0).child(1)  # the first failed expectation's "actual" row
        panel.results_tree.setCurrentItem(line)
        panel.results_tree.itemClicked.emit(line, 0)
        shoot(folder, f"journeys-panel{suffix}.png", window)
        panel.tabs.setCurrentIndex(0)  # the step form
        panel.step_list.setCurrentRow(4)
        shoot(folder, f"journeys-steps{suffix}.png", window)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
