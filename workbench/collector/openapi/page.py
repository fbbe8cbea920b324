"""``/openapi.json`` and ``/docs``: the document as JSON and as a plain HTML page."""

from __future__ import annotations

import html
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from workbench.collector.openapi.document import openapi_document
from workbench.store.collector.codec import dumps

__all__ = ["docs_routes"]

_DOCS_STYLE = """
body{font:15px system-ui,sans-serif;margin:2rem auto;max-width:62rem;color:#222;padding:0 1rem}
h2{margin-top:2rem;border-bottom:1px solid #ddd}
.op{border:1px solid #ddd;border-radius:4px;margin:.6rem 0;padding:.5rem .8rem}
.m{display:inline-block;min-width:4.5rem;font-weight:bold;font-family:monospace}
.p{font-family:monospace}
.who{color:#555;font-size:.9rem;margin:.2rem 0}
table{border-collapse:collapse;margin:.3rem 0}td,th{border:1px solid #ddd;padding:.1rem .5rem;
text-align:left;font-size:.9rem}
code{background:#f4f4f4;padding:.05rem .3rem;border-radius:3px}
"""


async def openapi_endpoint(request: Request) -> Response:
    return Response(dumps(openapi_document(request.app)), media_type="application/json")


def _docs_html(document: dict[str, Any]) -> str:
    esc = html.escape
    by_tag: dict[str, list[str]] = {}
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            rows = "".join(
                f"<tr><td><code>{esc(p['name'])}</code></td><td>{esc(p['in'])}</td>"
                f"<td>{esc(dumps(p.get('schema', {})).decode())}</td>"
                f"<td>{esc(p.get('description', ''))}</td></tr>"
                for p in op.get("parameters", [])
            )
            params = (
                "<table><tr><th>parameter</th><th>in</th><th>schema</th><th></th></tr>"
                f"{rows}</table>"
                if rows
                else ""
            )
            body = op.get("requestBody")
            body_text = (
                f"<div>Body ({esc(', '.join(body['content']))}): "
                f"{esc(body.get('description', ''))}</div>"
                if body
                else ""
            )
            answers = ", ".join(
                f"<b>{esc(code)}</b> {esc(answer['description'])}"
                for code, answer in sorted(op["responses"].items())
            )
            block = (
                f'<div class="op"><span class="m">{esc(method.upper())}</span>'
                f'<span class="p">{esc(path)}</span> — {esc(op.get("summary", ""))}'
                f'<div class="who">{esc(op.get("description", ""))}</div>{params}{body_text}'
                f"<details><summary>Answers</summary>{answers}</details></div>"
            )
            by_tag.setdefault((op.get("tags") or ["other"])[0], []).append(block)
    sections = "".join(f"<h2>{esc(tag)}</h2>{''.join(blocks)}" for tag, blocks in by_tag.items())
    info = document["info"]
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(info['title'])} API</title><style>{_DOCS_STYLE}</style></head><body>"
        f"<h1>{esc(info['title'])} API <small>{esc(info['version'])}</small></h1>"
        f"<p>{esc(info['description'])}</p>"
        '<p>Machine-readable: <a href="/openapi.json"><code>/openapi.json</code></a> '
        "(OpenAPI 3.1). The tracker payload schema is under "
        "<code>components.schemas.TrackerPayload</code>.</p>"
        f"{sections}</body></html>"
    )


async def docs_endpoint(request: Request) -> Response:
    return HTMLResponse(_docs_html(openapi_document(request.app)))


def docs_routes() -> list[BaseRoute]:
    """``GET /openapi.json`` and ``GET /docs``."""
    return [
        Route("/openapi.json", openapi_endpoint, methods=["GET"]),
        Route("/docs", docs_endpoint, methods=["GET"]),
    ]
