"""A real headless Chromium for page tests, or a skip that says how to get one.

Debian's ``chromium`` driven by Playwright's Python package (``executable_path``:
no browser download). Launch flags keep it quiet and offline: no sandbox (CI
runs as root), no GPU, no background networking, component updates or sync.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = (
    "install a browser to run it: `apt-get install chromium` (Debian/Ubuntu) and "
    "`pip install '.[test]'` (Playwright's Python package); or set WORKBENCH_CHROMIUM "
    "to a Chromium executable"
)


def chromium_path() -> str | None:
    """Debian's Chromium, or the one WORKBENCH_CHROMIUM names."""
    wanted = os.environ.get("WORKBENCH_CHROMIUM")
    if wanted:
        return wanted if os.access(wanted, os.X_OK) else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture
def browser_args() -> list[str]:
    """Extra Chromium flags; a test module overrides this fixture to add some."""
    return []


@pytest.fixture
def browser(browser_args: list[str]) -> Iterator[Any]:
    """A headless Chromium (Playwright ``Browser``); the test skips when there is none."""
    executable = chromium_path()
    if executable is None:
        pytest.skip(f"no Chromium found: {INSTALL_HINT}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(f"Playwright is not installed: {INSTALL_HINT}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS + browser_args
        )
        try:
            yield chromium
        finally:
            chromium.close()
