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

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docs.shots import running_app, shoot, shot_args, wait_for
from tests.support.har_files import shop_har, write_har
from workbench.ui.compare.compare_window import Side
from workbench.ui.privacy import privacy_mask


def main() -> int:
    args = shot_args()
    folder, width, height, suffix = args.folder, args.width, args.height, args.suffix
    with running_app((width, height - 30)) as parts:
        window = parts.window
        tools = window.panels.support
        home = parts.paths.home
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
