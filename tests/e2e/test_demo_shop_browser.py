"""The demo shop in a real headless Chromium: clicks reach the collector and move the profile.

The page runs our tracker script exactly as a visitor's browser would (fetch
with ``x-timestamp``, cookie session, localStorage profile). The test waits on
what the page shows (the tracker's log, the thank-you page), never on time, then
reads the collector's store: every event type arrived and the demo flow put the
profile into the segments the story promises. A second tab follows
``/_workbench/live`` and must show each request's story as it arrives.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser import browser, browser_args  # noqa: F401  (the fixtures)
from workbench.collector import CollectorConfig, CollectorServer

pytestmark = pytest.mark.slow
TIMEOUT_MS = 20_000


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[CollectorServer]:
    server = CollectorServer(CollectorConfig(port=0, data_dir=tmp_path / "collector"))
    server.start()
    try:
        assert httpx.post(f"{server.url}/_workbench/flow/packs/demo").status_code == 200
        yield server
    finally:
        server.stop()


def _sent(page: Any, count: int) -> None:
    """Wait until the tracker's log shows *count* answered sends."""
    page.wait_for_function(
        f"document.querySelectorAll('#log li.sent').length >= {count}", timeout=TIMEOUT_MS
    )


def test_clicking_through_the_shop_moves_the_profile(shop: CollectorServer, browser: Any) -> None:  # noqa: F811
    context = browser.new_context()
    live = context.new_page()
    live.goto(f"{shop.url}/_workbench/live")
    live.wait_for_function(
        "document.getElementById('state').textContent === 'live'", timeout=TIMEOUT_MS
    )

    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{shop.url}/demo/")
    _sent(page, 1)  # page-view
    page.click("#product-nike-shoes")
    _sent(page, 1)  # page-view + product-view, in one request
    page.click("#add")
    page.wait_for_selector("#added:has-text('in the cart')", timeout=TIMEOUT_MS)
    live.wait_for_selector("#story li.entered:has-text('cart-abandoner')", timeout=TIMEOUT_MS)
    page.click("#nav-cart")
    page.click("#to-checkout")
    _sent(page, 1)  # page-view + checkout
    page.wait_for_selector("#segments:has-text('checkout-abandoner')", timeout=TIMEOUT_MS)
    page.click("#place")
    page.wait_for_url("**/demo/thanks", timeout=TIMEOUT_MS)
    _sent(page, 1)
    page.click("#nav-signup")
    _sent(page, 1)
    page.click("#create")
    page.wait_for_selector("#welcome:has-text('Welcome, Ann')", timeout=TIMEOUT_MS)
    live.wait_for_selector("#story li.entered:has-text('identified')", timeout=TIMEOUT_MS)

    profile_id = page.evaluate("window.tracker.profileId()")
    assert profile_id
    assert not errors
    shop.store.flush()
    profile = shop.store.get_profile(profile_id)
    assert profile is not None
    types = {e["type"] for e in shop.store.events_for_profile(profile_id)}
    assert {
        "page-view",
        "product-view",
        "add-to-cart",
        "checkout",
        "purchase-order",
        "sign-up",
    } <= types
    segments = set(profile["segments"])
    assert {"visitor", "engaged", "customer", "shoe-lover", "identified"} <= segments
    assert not segments & {"cart-abandoner", "checkout-abandoner"}  # they bought: left both
    assert profile["data"]["contact"]["email"]["main"] == "ann@example.com"
    assert profile["traits"]["viewed_products"] == ["Nike shoes"]
    # The browser's requests were real cross-page fetches with Tracardi's tracker headers.
    track = [r for r in shop.hub.recent(200) if r.path == "/track"]
    assert track
    assert all("x-timestamp" in r.request_headers for r in track)
    assert {r.session_id for r in track} == {track[0].session_id}  # one visit, one session
    live_lines = live.inner_text("#story")
    assert "sign-up: valid" in live_lines
    assert "Entered: identified" in live_lines
    context.close()
