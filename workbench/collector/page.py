"""``GET /``: a small status page with a "send a page-view" button.

Trainers open it in a browser to show the collector is up, which sources it
knows and what a browser request looks like: the button sends a page-view the
way Tracardi's JS tracker does (``fetch`` with ``Content-Type:
application/json`` and an ``x-timestamp`` header) and shows the answer.
``?api=http://127.0.0.1:8686`` makes it send to that origin instead (open the
page as ``http://localhost:8686/`` and the call is cross-origin, preflight and
all); ``#send`` sends once on load. Dynamic text is inserted with
``textContent`` (never as HTML).
"""

from __future__ import annotations

import html

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from workbench.collector.contexts import store_for

__all__ = ["page_routes"]

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Workbench collector</title>
<style>
body{{font:15px system-ui,sans-serif;margin:2rem;max-width:60rem;color:#222}}
code,pre{{background:#f4f4f4;padding:.1rem .3rem;border-radius:3px}}
pre{{padding:.6rem;overflow:auto;max-height:24rem}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.2rem .6rem;text-align:left}}
button{{font-size:1rem;padding:.4rem 1rem}}
</style></head><body>
<h1>Workbench collector</h1>
<p id="status">Running. Response format <code>{format}</code>, debugger {debugger},
{events} event(s), {profiles} profile(s), {sessions} session(s) stored.</p>
<h2>Sources</h2>
<table><tr><th>id</th><th>name</th><th>type</th><th>enabled</th></tr>{rows}</table>
<h2>Try it</h2>
<p><label>Source id <select id="source">{options}</select></label>
<button id="send" type="button">Send a page-view</button></p>
<pre id="result">(no request sent yet)</pre>
<script>
// ?api=http://host:port sends to another collector origin (a cross-origin call, as a
// shop page makes); #send sends one page-view as soon as the page has loaded.
const api = new URLSearchParams(location.search).get("api") || "";
const state = {{profile: null,
  session: crypto.randomUUID ? crypto.randomUUID() : String(Date.now())}};
document.getElementById("send").addEventListener("click", async () => {{
  const out = document.getElementById("result");
  const body = {{
    source: {{id: document.getElementById("source").value}},
    session: {{id: state.session}},
    profile: state.profile ? {{id: state.profile}} : null,
    context: {{time: {{local: new Date().toISOString(),
              tz: Intl.DateTimeFormat().resolvedOptions().timeZone}}}},
    events: [{{type: "page-view", properties: {{}},
              context: {{page: {{url: location.href, title: document.title}}}}}}],
    options: {{debugger: true}}
  }};
  try {{
    const response = await fetch(api + "/track", {{method: "POST", credentials: "omit",
      headers: {{"Content-Type": "application/json", "x-timestamp": String(Date.now())}},
      body: JSON.stringify(body)}});
    const data = await response.json();
    if (data && data.profile && data.profile.id) {{ state.profile = data.profile.id; }}
    out.textContent = response.status + "\\n" + JSON.stringify(data, null, 2);
    out.dataset.status = String(response.status);
  }} catch (error) {{
    out.textContent = "request failed: " + error;
    out.dataset.status = "error";
  }}
}});
if (location.hash === "#send") {{ document.getElementById("send").click(); }}
</script></body></html>
"""


async def status_page(request: Request) -> Response:
    store = store_for(request)
    config = request.app.state.live.current
    stats = store.stats()
    sources = store.list_sources()
    rows = "".join(
        f"<tr><td><code>{html.escape(s.id)}</code></td><td>{html.escape(s.name)}</td>"
        f"<td>{html.escape(', '.join(s.type))}</td><td>{'yes' if s.enabled else 'no'}</td></tr>"
        for s in sources
    )
    options = "".join(
        f'<option value="{html.escape(s.id, quote=True)}">{html.escape(s.id)}</option>'
        for s in sources
        if "rest" in s.type
    )
    page = _TEMPLATE.format(
        format=html.escape(config.response_format),
        debugger="on" if config.debugger else "off",
        events=stats["events"],
        profiles=stats["profiles"],
        sessions=stats["sessions"],
        rows=rows,
        options=options or '<option value="source-id">source-id</option>',
    )
    return HTMLResponse(page)


def page_routes() -> list[BaseRoute]:
    return [Route("/", status_page)]
