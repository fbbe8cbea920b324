"""``/_workbench/live``: the collector's traffic and the current profile's story, pushed live.

A page for an audience to follow on their own screens: every request the
collector answers appears as it arrives (server-sent events from
``/_workbench/live/stream``), and the story of the newest tracking request
(validation → rules → changes → segments, as :mod:`workbench.core.story` tells
it) replaces the previous one. ``?profile=<id>`` follows one profile instead of
whichever sent last.

:class:`LiveFeed` is a request listener of the collector's hub: it keeps the
last tracking requests and hands each new record to every open stream's
queue (thread-safe, bounded: a stream that cannot keep up loses the oldest
records and is told how many). :meth:`LiveFeed.close` ends every stream, so
stopping the collector never waits on an open browser tab.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from workbench.collector.records import RequestRecord
from workbench.core.story import build_story

__all__ = ["LIVE_PATH", "LiveFeed", "live_routes", "record_message"]

LIVE_PATH = "/_workbench/live"
_STREAM_PATH = f"{LIVE_PATH}/stream"
_HEARTBEAT_SECONDS = 15.0
_QUEUE_SIZE = 500
_KEEP = 50


def _is_tracking(record: RequestRecord) -> bool:
    return record.path == "/track" or record.path.startswith("/collect/")


def _json_or_none(text: str) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def record_message(record: RequestRecord) -> dict[str, Any]:
    """What the stream sends for one request: its summary and, for tracking, its story."""
    message: dict[str, Any] = {"request": record.summary()}
    if _is_tracking(record):
        body = _json_or_none(record.response_body)
        story = build_story(body, status=record.status, request=_json_or_none(record.request_body))
        message["story"] = story.to_dict()
        if record.profile_id is None and story.profile_id:
            message["request"]["profile_id"] = story.profile_id
    return message


@dataclass
class _Stream:
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[RequestRecord | None] = field(
        default_factory=lambda: asyncio.Queue(_QUEUE_SIZE)
    )
    dropped: int = 0

    def offer(self, record: RequestRecord | None) -> None:
        """Runs on the stream's loop: queue *record*, dropping the oldest when full."""
        if self.queue.full():
            self.queue.get_nowait()
            self.dropped += 1
        self.queue.put_nowait(record)


class LiveFeed:
    """The recent tracking requests and the open live streams (see the module docstring)."""

    def __init__(self, keep: int = _KEEP) -> None:
        self._recent: deque[RequestRecord] = deque(maxlen=keep)
        # Replaced, never changed in place (open/release swap in a new tuple), so that
        # publishing, once per request, reads it without taking the lock.
        self._streams: tuple[_Stream, ...] = ()
        self._lock = threading.Lock()
        self.closed = False

    @property
    def stream_count(self) -> int:
        with self._lock:
            return len(self._streams)

    def publish(self, record: RequestRecord) -> None:
        """A hub listener: remember tracking requests, pass every request to the streams."""
        if record.path.startswith(LIVE_PATH):
            return  # the live page itself is not traffic worth showing
        if _is_tracking(record):
            self._recent.append(record)  # a bounded deque: append is atomic
        for stream in self._streams:
            self._hand(stream, record)

    @staticmethod
    def _hand(stream: _Stream, record: RequestRecord | None) -> None:
        try:
            stream.loop.call_soon_threadsafe(stream.offer, record)
        except RuntimeError:  # that loop is closed: the stream is gone
            pass

    def recent(self) -> list[RequestRecord]:
        """The kept tracking requests, oldest first."""
        with self._lock:
            return list(self._recent)

    def open(self) -> _Stream:
        stream = _Stream(asyncio.get_running_loop())
        with self._lock:
            self._streams = (*self._streams, stream)
            if self.closed:
                self._hand(stream, None)
        return stream

    def release(self, stream: _Stream) -> None:
        with self._lock:
            self._streams = tuple(s for s in self._streams if s is not stream)

    def close(self) -> None:
        """End every stream now (the collector is stopping). Thread-safe."""
        with self._lock:
            self.closed = True
            streams = list(self._streams)
        for stream in streams:
            self._hand(stream, None)


def _sse(event: str, data: Any) -> bytes:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return f"event: {event}\ndata: {text}\n\n".encode()


def _follows(record: RequestRecord, profile: str | None) -> bool:
    return profile is None or record.profile_id == profile


async def live_stream(request: Request) -> Response:
    feed: LiveFeed = request.app.state.live_feed
    profile = request.query_params.get("profile") or None
    stream = feed.open()

    async def events() -> AsyncIterator[bytes]:
        try:
            recent = feed.recent()
            latest = next((r for r in reversed(recent) if _follows(r, profile)), None)
            yield _sse(
                "hello",
                {
                    "profile": profile,
                    "traffic": [r.summary() for r in recent[-20:]],
                    "latest": record_message(latest) if latest is not None else None,
                },
            )
            while True:
                try:
                    record = await asyncio.wait_for(stream.queue.get(), _HEARTBEAT_SECONDS)
                except TimeoutError:
                    yield b": still here\n\n"
                    continue
                if record is None:
                    yield _sse("bye", {"reason": "the collector is stopping"})
                    return
                message = record_message(record)
                message["follows"] = _follows(record, profile)
                if stream.dropped:
                    message["dropped"] = stream.dropped
                    stream.dropped = 0
                yield _sse("request", message)
        finally:
            feed.release(stream)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Workbench live</title>
<style>
body{font:20px/1.45 system-ui,sans-serif;margin:0;background:#111;color:#f4f4f4}
header{padding:.6rem 1.2rem;background:#000;display:flex;gap:1rem;align-items:baseline}
header h1{font-size:1.3rem;margin:0}#state{color:#9ad}
main{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1.2rem;padding:1rem 1.2rem}
h2{font-size:1.1rem;color:#9ad;margin:.2rem 0 .6rem}
#story{list-style:none;padding:0;margin:0}#story li{padding:.15rem 0}
#story .headline{font-weight:700;font-size:1.2rem}
#story .event{font-weight:700;margin-top:.5rem}#story .rule{color:#8f8}
#story .change{color:#ddd;padding-left:1.5rem;font-family:ui-monospace,monospace;font-size:.9em}
#story .miss{color:#fc6}#story .entered{color:#6f6;font-weight:700}
#story .left{color:#f88;font-weight:700}#story .missing{color:#aaa;font-style:italic}
#story .invalid,#story .rejected{color:#f66;font-weight:700}
table{border-collapse:collapse;width:100%;font-size:.8rem}
td,th{padding:.2rem .4rem;border-bottom:1px solid #333;text-align:left;white-space:nowrap}
td.path{max-width:14rem;overflow:hidden;text-overflow:ellipsis}
td.events{white-space:normal;overflow-wrap:anywhere;min-width:6rem}
#story li{overflow-wrap:anywhere}
tr.bad td{color:#f88}
</style></head><body>
<header><h1>Workbench live</h1><span id="state">connecting…</span>
<span id="following"></span></header>
<main><section><h2>Story of the latest request</h2>
<ul id="story"><li class="missing">No tracking request yet: send one, or click through
<a href="/demo/" style="color:#9ad">the demo shop</a>.</li></ul></section>
<section><h2>Traffic</h2><table><thead><tr><th>time</th><th>method</th><th>path</th>
<th>status</th><th>events</th></tr></thead><tbody id="traffic"></tbody></table></section></main>
<script>
// Every text from the collector goes in with textContent, never as HTML.
const story = document.getElementById("story");
const traffic = document.getElementById("traffic");
const state = document.getElementById("state");
function classOf(line) {
  const t = line.trimStart();
  if (t.startsWith("✓")) return "rule";
  if (t.startsWith("✗")) return "miss";
  if (t.startsWith("Entered:")) return "entered";
  if (t.startsWith("Left:")) return "left";
  if (t.startsWith("Not reported:")) return "missing";
  if (t.startsWith("Rejected:")) return "rejected";
  if (/^\\d+\\. .*: invalid/.test(t)) return "invalid";
  if (/^\\d+\\. /.test(t)) return "event";
  if (line.startsWith("       ")) return "change";
  return "";
}
function showStory(data) {
  if (!data || !data.lines) return;
  story.replaceChildren();
  data.lines.forEach((line, index) => {
    const li = document.createElement("li");
    li.textContent = line.trim();
    li.className = index === 0 ? "headline" : classOf(line);
    story.appendChild(li);
  });
}
function addRow(request) {
  const tr = document.createElement("tr");
  if (request.status >= 400) tr.className = "bad";
  const cells = [request.time.slice(11, 19), request.method, request.path, String(request.status),
                 (request.event_types || []).join(", ")];
  cells.forEach((value, i) => {
    const td = document.createElement("td");
    td.textContent = value;
    if (i === 2) td.className = "path";
    if (i === 4) td.className = "events";
    tr.appendChild(td);
  });
  traffic.insertBefore(tr, traffic.firstChild);
  while (traffic.children.length > 200) traffic.removeChild(traffic.lastChild);
}
const source = new EventSource("/_workbench/live/stream" + location.search);
source.addEventListener("hello", (e) => {
  const data = JSON.parse(e.data);
  state.textContent = "live";
  document.getElementById("following").textContent =
    data.profile ? "following profile " + data.profile : "following the latest visitor";
  data.traffic.forEach(addRow);
  if (data.latest) showStory(data.latest.story);
});
source.addEventListener("request", (e) => {
  const data = JSON.parse(e.data);
  addRow(data.request);
  if (data.story && data.follows) showStory(data.story);
});
source.addEventListener("bye", () => {
  state.textContent = "the collector stopped";
  source.close();
});
source.onerror = () => { state.textContent = "reconnecting…"; };
</script></body></html>
"""


async def live_page(request: Request) -> Response:
    return HTMLResponse(_PAGE, headers={"Cache-Control": "no-store"})


def live_routes() -> list[BaseRoute]:
    """``/_workbench/live`` (the page) and ``/_workbench/live/stream`` (server-sent events)."""
    return [
        Route(LIVE_PATH, live_page, methods=["GET"]),
        Route(f"{LIVE_PATH}/", live_page, methods=["GET"]),
        Route(_STREAM_PATH, live_stream, methods=["GET"]),
    ]
