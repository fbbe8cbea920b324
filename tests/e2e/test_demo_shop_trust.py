"""The teaching pages behind the trust boundary, in a real headless Chromium.

A collector with a token and an allowed host name (``shop.test``, which
Chromium resolves to 127.0.0.1 by a resolver rule, so the browser sends
``Host: shop.test:<port>`` exactly as it would for a real name): the demo shop
is an open page, so a class opens it without the token and its clicks still
reach ``/track`` and move the profile; the live page needs the token (it shows
captured traffic) and works when opened with ``?token=`` as the window's
"Open live view" does; a host name the collector was not told about is refused
with 421 before any page or data is served.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser import browser  # noqa: F401  (the fixture)
from workbench.collector import CollectorConfig, CollectorServer

pytestmark = pytest.mark.slow
TIMEOUT_MS = 20_000
TOKEN = "class-token-1234"


@pytest.fixture
def browser_args() -> list[str]:
    return ["--host-resolver-rules=MAP shop.test 127.0.0.1, MAP elsewhere.test 127.0.0.1"]


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[CollectorServer]:
    server = CollectorServer(
        CollectorConfig(
            port=0,
            data_dir=tmp_path / "collector",
            token=TOKEN,
            allowed_hosts=("shop.test",),
        )
    )
    server.start()
    try:
        loaded = httpx.post(
            f"{server.url}/_workbench/flow/packs/demo",
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert loaded.status_code == 200, loaded.text
        yield server
    finally:
        server.stop()


def test_shop_and_live_page_with_a_token_and_an_allowed_host(
    guarded: CollectorServer,
    browser: Any,  # noqa: F811
) -> None:
    base = f"http://shop.test:{guarded.port}"
    context = browser.new_context()
    # Without the token the live page is refused, and says how to get in.
    refused = context.new_page()
    answer = refused.goto(f"{base}/_workbench/live")
    assert answer is not None
    assert answer.status == 401
    assert "token" in refused.inner_text("body")
    live = context.new_page()
    live.goto(f"{base}/_workbench/live?token={TOKEN}")
    live.wait_for_function(
        "document.getElementById('state').textContent === 'live'", timeout=TIMEOUT_MS
    )

    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    shop = page.goto(f"{base}/demo/")  # no token: the shop is an open page
    assert shop is not None
    assert shop.status == 200
    page.wait_for_function(
        "document.querySelectorAll('#log li.sent').length >= 1", timeout=TIMEOUT_MS
    )
    page.click("#product-nike-shoes")
    page.click("#add")
    page.wait_for_selector("#added:has-text('in the cart')", timeout=TIMEOUT_MS)
    page.wait_for_selector("#segments:has-text('cart-abandoner')", timeout=TIMEOUT_MS)
    live.wait_for_selector("#story li.entered:has-text('cart-abandoner')", timeout=TIMEOUT_MS)
    assert not errors
    assert "failed" not in page.inner_text("#log")

    profile_id = page.evaluate("window.tracker.profileId()")
    guarded.store.flush()
    profile = guarded.store.get_profile(profile_id)
    assert profile is not None
    assert "cart-abandoner" in profile["segments"]
    track = [r for r in guarded.hub.recent(50) if r.path == "/track"]
    assert track
    assert all(r.status == 200 for r in track)
    # The token never shows in what the collector recorded of the page loads.
    assert all(TOKEN not in r.path + str(getattr(r, "query", "")) for r in guarded.hub.recent(50))

    # A name the collector was not told about: refused before anything is served.
    other = context.new_page()
    answer = other.goto(f"http://elsewhere.test:{guarded.port}/demo/")
    assert answer is not None
    assert answer.status == 421
    assert "--allow-host elsewhere.test" in other.inner_text("body")
    context.close()
