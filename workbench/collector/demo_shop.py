"""``GET /demo/``: a small shop that tracks itself into the collector that serves it.

Product list, product page, cart, checkout and a sign-up form, plus our own
tracker script (``/demo/tracker.js``, the API of Tracardi's JS snippet:
``window.tracker.track(type, properties, options)``). Clicking through sends
``page-view``, ``product-view``, ``add-to-cart``, ``checkout``,
``purchase-order`` and ``sign-up`` to ``/track`` of the same origin, with the
debugger on (``?debugger=0`` turns it off) and the source from ``?source=``
(default ``source-id``, which every collector knows). The demo flow
(``resources/demo/flow.json``) gives the events their meaning: segments
visitor → engaged → cart-abandoner → customer.

Pages are built on the server from the shipped catalogue; every dynamic text is
escaped, and the scripts put text in with ``textContent`` only.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from workbench.resources import read_json_resource, resource_path

__all__ = ["DEMO_PREFIX", "demo_routes", "products"]

DEMO_PREFIX = "/demo"
_ASSETS = {
    "tracker.js": "text/javascript; charset=utf-8",
    "shop.js": "text/javascript; charset=utf-8",
    "shop.css": "text/css; charset=utf-8",
}
_SOURCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-.:]{0,127}")
_HEADERS = {"Cache-Control": "no-store"}


@cache
def products() -> tuple[dict[str, Any], ...]:
    """The shop's catalogue (``resources/demo/shop/products.json``)."""
    data: list[dict[str, Any]] = read_json_resource("demo", "shop", "products.json")
    return tuple(data)


@cache
def _asset(name: str) -> bytes:
    return resource_path("demo", "shop", name).read_bytes()


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _tracker_settings(request: Request) -> str:
    source = request.query_params.get("source") or "source-id"
    if not _SOURCE.fullmatch(source):
        source = "source-id"
    debugger = request.query_params.get("debugger", "1").lower() not in ("0", "false", "no", "off")
    settings = {
        "tracker": {
            "url": {"script": f"{DEMO_PREFIX}/tracker.js", "api": ""},
            "source": {"id": source},
            "debugger": debugger,
        }
    }
    # </script> cannot appear: json.dumps escapes nothing, so '<' is written as \u003c.
    return json.dumps(settings).replace("<", "\\u003c")


def _page(
    request: Request, title: str, page: str, content: str, data: dict[str, str] | None = None
) -> Response:
    attributes = "".join(f' data-{k}="{_e(v)}"' for k, v in (data or {}).items())
    query = request.url.query
    keep = f"?{_e(query)}" if query else ""
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)} · Workbench demo shop</title>
<link rel="stylesheet" href="{DEMO_PREFIX}/shop.css">
<script>window.options = {_tracker_settings(request)};</script>
<script src="{DEMO_PREFIX}/tracker.js"></script>
</head><body data-page="{_e(page)}"{attributes}>
<header><a class="brand" href="{DEMO_PREFIX}/{keep}">Workbench demo shop</a>
<a id="nav-products" href="{DEMO_PREFIX}/{keep}">Products</a>
<a id="nav-cart" href="{DEMO_PREFIX}/cart{keep}">Cart
<span class="badge" id="cart-count">0</span></a>
<a id="nav-signup" href="{DEMO_PREFIX}/signup{keep}">Sign up</a></header>
<main>{content}</main>
<footer><p>Every click is sent to this collector's <code>/track</code> by
<code>window.tracker.track()</code>. Segments now: <strong id="segments">(waiting for the
first answer)</strong></p><ol id="log" reversed></ol></footer>
<script src="{DEMO_PREFIX}/shop.js"></script>
</body></html>"""
    return HTMLResponse(body, headers=_HEADERS)


def _keep(request: Request) -> str:
    return f"?{_e(request.url.query)}" if request.url.query else ""


async def shop_index(request: Request) -> Response:
    cards = "".join(
        f'<a class="card" id="product-{_e(p["id"])}" href="{DEMO_PREFIX}/product/{_e(p["id"])}'
        f'{_keep(request)}"><div class="swatch" style="background:{_e(p["colour"])}"></div>'
        f'<div>{_e(p["name"])}</div><div class="price">{_e(p["price"])} EUR</div></a>'
        for p in products()
    )
    return _page(request, "Products", "list", f'<h1>Products</h1><div class="grid">{cards}</div>')


async def shop_product(request: Request) -> Response:
    product_id = request.path_params["product_id"]
    product = next((p for p in products() if p["id"] == product_id), None)
    if product is None:
        return HTMLResponse(
            f"<!doctype html><p>No product {_e(product_id)!s} in the demo shop. "
            f'<a href="{DEMO_PREFIX}/">All products</a></p>',
            status_code=404,
        )
    content = f"""<h1>{_e(product["name"])}</h1>
<div class="swatch" style="background:{_e(product["colour"])};max-width:24rem"></div>
<p>{_e(product["blurb"])}</p><p class="price">{_e(product["price"])} EUR</p>
<p><label>Quantity <input id="quantity" type="number" min="1" value="1"></label>
<button id="add" type="button">Add to cart</button> <span id="added" role="status"></span></p>
<p><a href="{DEMO_PREFIX}/cart{_keep(request)}">Go to the cart</a></p>"""
    data = {
        "product-id": product["id"],
        "product-name": product["name"],
        "product-price": str(product["price"]),
    }
    return _page(request, product["name"], "product", content, data)


async def shop_cart(request: Request) -> Response:
    content = f"""<h1>Cart</h1><ul id="lines"></ul><p>Total: <strong id="total"></strong></p>
<p><a id="to-checkout" href="{DEMO_PREFIX}/checkout{_keep(request)}">Checkout</a></p>"""
    return _page(request, "Cart", "cart", content)


async def shop_checkout(request: Request) -> Response:
    content = """<h1>Checkout</h1><p>To pay: <strong id="total"></strong></p>
<form id="order"><label>Name <input name="name" value="Ann Example"></label>
<label>Card <input name="card" value="4242 4242 4242 4242"></label>
<button id="place" type="submit">Place order</button></form>"""
    return _page(request, "Checkout", "checkout", content)


async def shop_thanks(request: Request) -> Response:
    content = f"""<h1 id="thanks">Thank you for your order</h1>
<p><a href="{DEMO_PREFIX}/{_keep(request)}">Back to the products</a></p>"""
    return _page(request, "Thank you", "thanks", content)


async def shop_signup(request: Request) -> Response:
    content = """<h1>Sign up</h1><form id="signup">
<label>E-mail <input name="email" type="email" value="ann@example.com" required></label>
<label>First name <input name="firstname" value="Ann"></label>
<label>Last name <input name="lastname" value="Example"></label>
<button id="create" type="submit">Create account</button></form>
<p id="welcome" role="status"></p>"""
    return _page(request, "Sign up", "signup", content)


async def shop_asset(request: Request) -> Response:
    name = request.path_params["name"]
    media = _ASSETS.get(name)
    if media is None:
        return Response(f"no {name} in the demo shop", status_code=404, media_type="text/plain")
    return Response(_asset(name), media_type=media, headers=_HEADERS)


def demo_routes() -> list[BaseRoute]:
    """The shop's pages and its scripts."""
    return [
        Route(f"{DEMO_PREFIX}/", shop_index, methods=["GET"]),
        Route(f"{DEMO_PREFIX}/product/{{product_id}}", shop_product, methods=["GET"]),
        Route(f"{DEMO_PREFIX}/cart", shop_cart, methods=["GET"]),
        Route(f"{DEMO_PREFIX}/checkout", shop_checkout, methods=["GET"]),
        Route(f"{DEMO_PREFIX}/thanks", shop_thanks, methods=["GET"]),
        Route(f"{DEMO_PREFIX}/signup", shop_signup, methods=["GET"]),
        Route(f"{DEMO_PREFIX}/{{name}}", shop_asset, methods=["GET"]),
    ]
