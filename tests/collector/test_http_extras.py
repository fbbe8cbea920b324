"""CORS (§3.3/§8.5), X-Process-Time, X-Context, /healthcheck, the status page."""

from __future__ import annotations

import pytest

from tests.collector.conftest import Client

from .helpers import minimal

pytestmark = pytest.mark.in_process

ORIGIN = "https://shop.example"


def test_preflight_with_x_timestamp(client: Client) -> None:
    response = client.options(
        "/track",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-timestamp",
        },
    )
    assert response.status_code == 200
    assert response.text == "OK"
    headers = response.headers
    assert headers["access-control-allow-origin"] == ORIGIN
    assert headers["access-control-allow-credentials"] == "true"
    assert "POST" in headers["access-control-allow-methods"]
    assert headers["access-control-allow-headers"] == "content-type,x-timestamp"
    assert headers["access-control-max-age"] == "600"
    assert headers["vary"] == "Origin"


def test_preflight_for_collect(client: Client) -> None:
    response = client.options(
        "/collect/x/webhook-source-id",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN


def test_credentialed_request_echoes_the_origin(client: Client) -> None:
    response = client.post(
        "/track",
        json=minimal(),
        headers={"Origin": ORIGIN, "Cookie": "tracardi-session-id=abc", "x-timestamp": "1"},
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["vary"] == "Origin"


def test_rejections_carry_cors_headers_too(client: Client) -> None:
    response = client.post("/track", json={}, headers={"Origin": ORIGIN})
    assert response.status_code == 422
    assert response.headers["access-control-allow-origin"] == ORIGIN


def test_process_time_and_context_headers(client: Client) -> None:
    response = client.post("/track", json=minimal(), headers={"x-context": "production"})
    assert float(response.headers["x-process-time"]) >= 0
    assert response.headers["x-context"] == "production"
    assert "x-context" not in client.get("/healthcheck").headers


def test_healthcheck_echoes(client: Client) -> None:
    response = client.post("/healthcheck", json={"a": 1}, headers={"x-test": "yes"})
    body = response.json()
    assert body["json"] == {"a": 1}
    assert body["headers"]["x-test"] == "yes"
    assert body["body"] == '{"a":1}' or body["body"].replace(" ", "") == '{"a":1}'
    assert client.get("/healthcheck").status_code == 200


def test_status_page_lists_sources_as_text(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "source-id" in response.text
    assert "x-timestamp" in response.text
