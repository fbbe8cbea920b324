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

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from docs.shots import running_app, shoot, shot_args, wait_for
from workbench.ui.composer.tools import example_templates


def main() -> int:
    args = shot_args()
    folder, suffix = args.folder, args.suffix
    # At its own first-start size for this screen, as `workbench` opens.
    with running_app() as parts:
        window = parts.window
        assert parts.collector is not None
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
