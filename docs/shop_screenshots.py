"""Take the README's screenshots of the demo shop and the live page in Debian's Chromium.

    python docs/shop_screenshots.py resources/screenshots [1280x800]

It starts an embedded collector (in memory, a free port), loads the demo flow,
opens ``/_workbench/live`` in one tab and ``/demo/`` in another, views a product
and puts it in the cart (the clicks a class would see), and shoots the shop's
product page and the live page with Playwright driving ``/usr/bin/chromium``
(no browser download: ``executable_path``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright

from tests.browser import CHROMIUM_ARGS, chromium_path
from workbench.collector import CollectorConfig, CollectorServer

TIMEOUT_MS = 20_000


def main() -> int:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "resources/screenshots")
    width, height = (int(v) for v in (sys.argv[2] if len(sys.argv) > 2 else "1280x800").split("x"))
    folder.mkdir(parents=True, exist_ok=True)
    executable = chromium_path()
    if executable is None:
        print("no Chromium: apt-get install chromium", file=sys.stderr)
        return 1
    server = CollectorServer(CollectorConfig(port=0, data_dir=None))
    server.start()
    try:
        httpx.post(f"{server.url}/_workbench/flow/packs/demo").raise_for_status()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            context = browser.new_context(viewport={"width": width, "height": height})
            live = context.new_page()
            live.goto(f"{server.url}/_workbench/live")
            live.wait_for_function(
                "document.getElementById('state').textContent === 'live'", timeout=TIMEOUT_MS
            )
            page = context.new_page()
            page.goto(f"{server.url}/demo/")
            page.wait_for_selector("#log li.sent", timeout=TIMEOUT_MS)
            page.click("#product-nike-shoes")
            page.click("#add")
            page.wait_for_selector("#added:has-text('in the cart')", timeout=TIMEOUT_MS)
            page.wait_for_selector("#segments:has-text('cart-abandoner')", timeout=TIMEOUT_MS)
            page.screenshot(path=str(folder / "demo-shop.png"))
            print("wrote", folder / "demo-shop.png")
            live.wait_for_selector(
                "#story li.entered:has-text('cart-abandoner')", timeout=TIMEOUT_MS
            )
            live.bring_to_front()
            live.screenshot(path=str(folder / "live-view.png"))
            print("wrote", folder / "live-view.png")
            browser.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
