"""The demo shop's pages and scripts: every page, escaping, unknown paths."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from tests.collector.conftest import Client, ServerFactory, connect
from workbench.collector.demo_shop import products

pytestmark = pytest.mark.in_process


@pytest.fixture
def client(make_server: ServerFactory) -> Iterator[Client]:
    with connect(make_server()) as http:
        yield http


def _settings(html: str) -> dict:
    found = re.search(r"window\.options = (\{.*?\});</script>", html)
    assert found, html[:500]
    return json.loads(found.group(1))


@pytest.mark.parametrize(
    "path", ["/demo/", "/demo/cart", "/demo/checkout", "/demo/signup", "/demo/thanks"]
)
def test_every_page_loads_the_tracker(client: Client, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<script src="/demo/tracker.js"></script>' in page.text
    assert _settings(page.text)["tracker"] == {
        "url": {"script": "/demo/tracker.js", "api": ""},
        "source": {"id": "source-id"},
        "debugger": True,
    }


def test_product_pages_and_the_catalogue(client: Client) -> None:
    listing = client.get("/demo/").text
    for product in products():
        assert f'href="/demo/product/{product["id"]}"' in listing
        page = client.get(f"/demo/product/{product['id']}")
        assert page.status_code == 200
        assert f'data-product-name="{product["name"]}"' in page.text
    assert "Nike shoes" in {p["name"] for p in products()}  # the shoe-lover segment's product
    missing = client.get("/demo/product/<b>nope</b>")
    assert missing.status_code == 404
    assert "<b>" not in missing.text


def test_settings_and_links_cannot_be_injected(client: Client) -> None:
    page = client.get(
        "/demo/", params={"source": "</script><script>alert(1)</script>", "debugger": "0"}
    )
    settings = _settings(page.text)
    assert settings["tracker"]["source"]["id"] == "source-id"  # not a usable id: the default
    assert settings["tracker"]["debugger"] is False
    assert "<script>alert(1)" not in page.text
    assert client.get("/demo/", params={"source": "shop-1"}).text.count('"id": "shop-1"') == 1


def test_scripts_and_styles(client: Client) -> None:
    tracker = client.get("/demo/tracker.js")
    assert tracker.headers["content-type"].startswith("text/javascript")
    assert "window.tracker = {" in tracker.text
    assert "x-timestamp" in tracker.text
    assert "tracardi-session-id" in tracker.text
    assert "tracardi-profile-id" in tracker.text
    assert client.get("/demo/shop.css").headers["content-type"].startswith("text/css")
    assert client.get("/demo/shop.js").status_code == 200
    assert client.get("/demo/secrets.txt").status_code == 404
    assert client.get("/demo/%2e%2e/pyproject.toml").status_code == 404
    assert client.get("/demo", follow_redirects=False).status_code in (307, 308)
