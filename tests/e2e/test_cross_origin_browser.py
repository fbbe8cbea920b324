"""A page on another origin, in a real headless Chromium, against a real collector.

The page at ``https://evil.example/`` (served by the browser's request routing, so
nothing leaves the machine) runs the attacks a web page the user happens to visit
could run: read the captured requests, events, profiles and the flow; reset the
collector; replace the flow; add an event source; follow the live stream. It may
still track (trackers run on any site). The collector's store is then read
directly: nothing the page sent beyond tracking changed anything.

Chromium (142 and later) asks the user before a public site may reach a loopback
address at all (Local Network Access). The test grants that permission: the worst
case, a user who clicked "Allow", so the collector's own rules are what is tested.

A second test is DNS rebinding: a name the attacker controls resolves to
127.0.0.1 (``--host-resolver-rules``), so the page's own origin is the collector's
address. The collector refuses its ``Host`` with 421 and the page reads nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser import CHROMIUM_ARGS, INSTALL_HINT, browser, browser_args, chromium_path
from workbench.collector import CollectorConfig, CollectorServer

__all__ = ["browser", "browser_args"]

pytestmark = pytest.mark.slow
EVIL = "https://evil.example"
TIMEOUT_MS = 20_000

# Each attack resolves to what the page could learn: "read:<status>:<text>" when it could
# read the answer, "blocked:<error>" when the browser refused it (no CORS grant), or
# "opaque" for a no-cors request whose answer the page cannot see.
ATTACKS = """
async (base) => {
  const out = {};
  async function attempt(name, url, init) {
    try {
      const r = await fetch(base + url, init);
      if (r.type === "opaque") { out[name] = "opaque"; return; }
      out[name] = "read:" + r.status + ":" + (await r.text()).slice(0, 200);
    } catch (e) { out[name] = "blocked:" + e.name; }
  }
  const track = JSON.stringify({source: {id: "shop"}, session: {id: "s-evil"},
    events: [{type: "page-view", properties: {from: "evil"}}]});
  await attempt("track", "/track", {method: "POST", body: track,
    headers: {"content-type": "application/json"}});
  await attempt("requests", "/_workbench/requests?full=true", {});
  await attempt("events", "/_workbench/events", {});
  await attempt("profiles", "/_workbench/profiles", {});
  await attempt("flow", "/_workbench/flow", {});
  await attempt("sources", "/event-sources", {});
  await attempt("credentialed", "/_workbench/events", {credentials: "include"});
  // Changes: a preflighted JSON request, and the "simple" requests that need no preflight.
  await attempt("flow_put", "/_workbench/flow", {method: "PUT",
    headers: {"content-type": "application/json"},
    body: JSON.stringify({schemas: [], rules: [], segments: []})});
  await attempt("reset_cors", "/_workbench/reset", {method: "POST"});
  await attempt("reset_simple", "/_workbench/reset", {method: "POST", mode: "no-cors"});
  await attempt("source_simple", "/event-source", {method: "POST", mode: "no-cors",
    headers: {"content-type": "text/plain"},
    body: JSON.stringify({id: "evil-source", name: "evil", type: "rest", enabled: true})});
  await attempt("pack_simple", "/_workbench/flow/packs/demo", {method: "POST", mode: "no-cors"});
  await attempt("delete_source", "/event-source/shop", {method: "DELETE"});
  out.live = await new Promise((resolve) => {
    const source = new EventSource(base + "/_workbench/live/stream");
    source.onmessage = (e) => { source.close(); resolve("read:" + e.data.slice(0, 100)); };
    source.onerror = () => { source.close(); resolve("blocked:error"); };
  });
  return out;
}
"""


@pytest.fixture
def collector(tmp_path: Path) -> Iterator[CollectorServer]:
    server = CollectorServer(CollectorConfig(port=0, data_dir=tmp_path / "collector"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _seed(server: CollectorServer) -> dict[str, Any]:
    """Something worth stealing: a source, a flow, a tracked event with an e-mail."""
    with httpx.Client(base_url=server.url, timeout=10) as http:
        source = {"id": "shop", "name": "Shop", "type": "rest", "enabled": True}
        assert http.post("/event-source", json=source).status_code == 200
        payload = {
            "source": {"id": "shop"},
            "session": {"id": "s-secret"},
            "events": [{"type": "identify", "properties": {"email": "secret@customer.test"}}],
        }
        assert http.post("/track", json=payload).status_code == 200
        return _state(http)


def _state(http: httpx.Client) -> dict[str, Any]:
    stats = http.get("/_workbench/stats").json()
    return {
        "flow": http.get("/_workbench/flow").json(),
        "sources": sorted(s["id"] for s in _sources(http.get("/event-sources").json())),
        "shop_events": stats["events_by_source"].get("shop", 0),
    }


def _sources(answer: Any) -> list[dict[str, Any]]:
    if isinstance(answer, dict) and "result" in answer:
        return list(answer["result"])
    if isinstance(answer, dict) and "grouped" in answer:
        return [s for group in answer["grouped"].values() for s in group]
    return list(answer)


def test_another_origin_can_track_but_not_read_or_change_anything(
    collector: CollectorServer,
    browser: Any,
) -> None:
    before = _seed(collector)
    context = browser.new_context()
    try:
        context.grant_permissions(["local-network-access"], origin=EVIL)
        granted = True
    except Exception:  # an older Chromium without the permission lets the page through anyway
        granted = False
    context.route(
        f"{EVIL}/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<!doctype html><title>evil</title>"
        ),
    )
    page = context.new_page()
    page.goto(f"{EVIL}/")
    results: dict[str, str] = page.evaluate(ATTACKS, collector.url)
    context.close()
    print("\n" + "\n".join(f"  {k}: {v[:90]}" for k, v in sorted(results.items())))

    if granted:
        assert results["track"].startswith("read:200:"), results["track"]  # tracking is open
    for name in ("requests", "events", "profiles", "flow", "sources", "credentialed"):
        assert results[name].startswith("blocked:"), (name, results[name])
    for name in ("flow_put", "reset_cors", "delete_source", "live"):
        assert results[name].startswith("blocked:"), (name, results[name])
    for name in ("reset_simple", "source_simple", "pack_simple"):
        assert results[name] in ("opaque", "blocked:TypeError"), (name, results[name])
    assert "secret@customer.test" not in json.dumps(results)

    with httpx.Client(base_url=collector.url, timeout=10) as http:
        after = _state(http)
        tracked = 1 if results["track"].startswith("read:200:") else 0
        # Nothing reset, no source added or deleted, the flow unchanged; the track counted.
        assert after == {**before, "shop_events": before["shop_events"] + tracked}
        log = http.get("/_workbench/requests?limit=200").json()["requests"]
    refused = [r for r in log if r.get("status") == 403]
    paths = {r.get("path") for r in refused}
    assert {"/_workbench/reset", "/event-source", "/_workbench/flow/packs/demo"} <= paths, paths


def test_dns_rebinding_gets_421_and_reads_nothing(collector: CollectorServer) -> None:
    executable = chromium_path()
    if executable is None:
        pytest.skip(f"no Chromium found: {INSTALL_HINT}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(f"Playwright is not installed: {INSTALL_HINT}")
    _seed(collector)
    rules = "--host-resolver-rules=MAP rebind.example 127.0.0.1"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=[*CHROMIUM_ARGS, rules]
        )
        try:
            page = chromium.new_page()
            origin = f"http://rebind.example:{collector.port}"
            answer = page.goto(f"{origin}/_workbench/requests?full=true")
            assert answer is not None
            assert answer.status == 421
            text = page.content()
            assert "rebind.example" in text
            assert "--allow-host" in text
            assert "secret@customer.test" not in text
            # The page is now same-origin with the collector's address: still nothing.
            results = page.evaluate(
                """async () => {
                  const r = await fetch("/_workbench/events");
                  const t = await fetch("/track", {method: "POST", body: "{}",
                    headers: {"content-type": "application/json"}});
                  return [r.status, await r.text(), t.status];
                }"""
            )
        finally:
            chromium.close()
    status, body, track_status = results
    assert status == 421
    assert track_status == 421
    assert "secret@customer.test" not in body
