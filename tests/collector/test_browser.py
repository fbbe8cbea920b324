"""A real browser sends through the status page, cross-origin (preflight with x-timestamp)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from workbench.collector import CollectorServer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")
def test_status_page_sends_a_page_view_cross_origin(server: CollectorServer) -> None:
    # The page comes from localhost, the call goes to 127.0.0.1: another origin.
    url = f"http://localhost:{server.port}/?api=http://127.0.0.1:{server.port}#send"
    assert CHROMIUM is not None
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=8000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    shown = re.search(r'<pre id="result" data-status="(\d+)">', result.stdout)
    assert shown is not None, result.stdout[-2000:] + result.stderr[-2000:]
    assert shown.group(1) == "200"
    records = [r for r in reversed(server.hub.recent(50)) if r.path == "/track"]
    preflight, post = records[0], records[1]
    assert preflight.method == "OPTIONS"
    assert preflight.status == 200
    assert "x-timestamp" in preflight.request_headers["access-control-request-headers"]
    assert post.method == "POST"
    assert post.status == 200
    assert post.request_headers["origin"] == f"http://localhost:{server.port}"
    assert post.request_headers["x-timestamp"].isdigit()
    assert server.store.count_events(type="page-view") == 1
