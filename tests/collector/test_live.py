"""``/_workbench/live``: requests and their stories pushed by server-sent events (real socket)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx

from tests.collector.conftest import ServerFactory
from workbench.collector.live import LiveFeed


def _events(lines: Iterator[str]) -> Iterator[tuple[str, Any]]:
    """(event, data) pairs from an SSE line stream (comments skipped)."""
    name, data = "message", ""
    for line in lines:
        if line.startswith(":"):
            continue
        if not line:
            if data:
                yield name, json.loads(data)
            name, data = "message", ""
        elif line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            data += line[6:]


def test_the_page_is_served(make_server: ServerFactory) -> None:
    server = make_server()
    page = httpx.get(f"{server.url}/_workbench/live")
    assert page.status_code == 200
    assert "EventSource" in page.text
    assert "innerHTML" not in page.text  # collector text goes in with textContent only


def test_requests_and_stories_arrive_as_they_happen(make_server: ServerFactory) -> None:
    server = make_server()
    base = server.url
    httpx.post(f"{base}/_workbench/flow/packs/demo")
    body = {
        "source": {"id": "source-id"},
        "session": {"id": "live-1"},
        "events": [{"type": "add-to-cart", "properties": {"product": "Nike shoes"}}],
        "options": {"debugger": True},
    }
    with (
        httpx.Client(timeout=10) as http,
        http.stream("GET", f"{base}/_workbench/live/stream") as stream,
    ):
        assert stream.headers["content-type"].startswith("text/event-stream")
        events = _events(stream.iter_lines())
        name, hello = next(events)
        assert name == "hello"
        assert hello["latest"] is None
        assert hello["profile"] is None
        threading.Thread(target=lambda: httpx.post(f"{base}/track", json=body), daemon=True).start()
        name, message = next(events)
        assert name == "request"
        assert message["request"]["path"] == "/track"
        assert message["follows"] is True
        story = message["story"]
        assert "Entered: visitor, engaged, cart-abandoner" in story["lines"]
        assert story["events"][0]["rules"][0]["id"] == "demo-add-to-cart"
    # A new viewer gets the latest story at once, and can follow one profile.
    profile = message["request"]["profile_id"]
    with (
        httpx.Client(timeout=10) as http,
        http.stream("GET", f"{base}/_workbench/live/stream", params={"profile": profile}) as stream,
    ):
        name, hello = next(_events(stream.iter_lines()))
        assert hello["profile"] == profile
        assert "Entered: visitor, engaged, cart-abandoner" in hello["latest"]["story"]["lines"]
        assert [r["path"] for r in hello["traffic"]] == ["/track"]


def test_stopping_the_collector_ends_open_streams(make_server: ServerFactory) -> None:
    server = make_server()
    feed: LiveFeed = server.app.state.live_feed
    seen: list[str] = []
    connected = threading.Event()

    def follow() -> None:
        with (
            httpx.Client(timeout=20) as http,
            http.stream("GET", f"{server.url}/_workbench/live/stream") as stream,
        ):
            for name, _data in _events(stream.iter_lines()):
                seen.append(name)
                connected.set()

    reader = threading.Thread(target=follow)
    reader.start()
    assert connected.wait(10)
    assert feed.stream_count == 1
    server.stop()  # must not wait for the browser tab
    reader.join(10)
    assert not reader.is_alive()
    assert seen == ["hello", "bye"]
    assert feed.stream_count == 0


def test_a_slow_viewer_loses_the_oldest_records_and_is_told() -> None:
    import asyncio

    from workbench.collector.records import RequestRecord

    async def run() -> tuple[int, int]:
        feed = LiveFeed()
        stream = feed.open()
        record = RequestRecord("r", "t", "POST", "/track", "", 200, 1.0)
        for _ in range(600):
            feed.publish(record)
        await asyncio.sleep(0)  # let the loop run the queued hand-overs
        while stream.queue.qsize() < 500 and stream.dropped < 100:
            await asyncio.sleep(0)
        return stream.queue.qsize(), stream.dropped

    size, dropped = asyncio.run(run())
    assert (size, dropped) == (500, 100)
