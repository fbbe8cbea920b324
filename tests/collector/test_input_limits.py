"""Malformed input gets a 4xx that says what is wrong, on the fast path and the ordinary routes."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.collector.inprocess import InProcessClient
from workbench.collector import CollectorConfig, CollectorServer
from workbench.collector.json_limits import MAX_JSON_DEPTH


@pytest.fixture
def client() -> Iterator[InProcessClient]:
    server = CollectorServer(CollectorConfig(port=0, accept_any_source=True))
    client = InProcessClient(server.app)
    yield client
    client.close()
    server.stop()


def _payload(properties: str) -> bytes:
    return (
        '{"source":{"id":"s"},"session":{"id":"x"},'
        f'"events":[{{"type":"page-view","properties":{properties}}}]}}'
    ).encode()


DEEP = _payload('{"a":' * 300 + "1" + "}" * 300)
ROUTES = [
    "/track",
    "/track?profile_less=true",
    "/collect/page-view/s",
    "/event-source",
    "/_workbench/flow/check",
]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_deep_nesting_is_a_422_naming_the_limit_and_where(
    client: InProcessClient, route: str, content_type: str
) -> None:
    body = DEEP if route.startswith("/track") else b"[" * 5000 + b"]" * 5000
    response = client.post(route, content=body, headers={"content-type": content_type})
    assert response.status_code in (415, 422), response.text
    if response.status_code == 422 and content_type == "application/json":
        item = response.json()["detail"][0]
        assert item["type"] == "json_too_deep"
        assert str(MAX_JSON_DEPTH) in item["msg"]
        if route.startswith("/track"):
            assert item["loc"][:5] == ["body", "events", 0, "properties", "a"]
            assert "events[0].properties.a" in item["msg"]


def test_nesting_up_to_the_limit_is_accepted(client: InProcessClient) -> None:
    depth = MAX_JSON_DEPTH - 4  # the payload itself takes four levels
    body = _payload('{"a":' * depth + "1" + "}" * depth)
    assert client.post("/track", content=body).status_code == 200


@pytest.mark.parametrize(
    "value, words",
    [
        ("9" * 5000, "digits"),
        ("1e999", "too large"),
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ('"\\ud800"', "surrogate"),
    ],
)
def test_numbers_and_strings_nothing_can_hold_are_refused(
    client: InProcessClient, value: str, words: str
) -> None:
    for route in ("/track", "/collect/page-view/s"):
        body = (
            _payload('{"n":' + value + "}")
            if route == "/track"
            else ('{"n":' + value + "}").encode()
        )
        response = client.post(route, content=body, headers={"content-type": "application/json"})
        assert response.status_code == 422, (route, response.text)
        assert words in json.dumps(response.json()), response.text


def test_duplicate_keys_keep_the_last_value(client: InProcessClient) -> None:
    body = b'{"source":{"id":"s"},"source":{"id":"s"},"events":[{"type":"a","type":"b"}]}'
    assert client.post("/track", content=body).status_code == 200


def test_the_healthcheck_echoes_a_deep_body_without_parsing_it(client: InProcessClient) -> None:
    response = client.post("/healthcheck", content=b"[" * 5000)
    assert response.status_code == 200
    assert response.json()["json"] is None


def test_huge_limits_are_a_422(client: InProcessClient) -> None:
    response = client.get("/_workbench/events?limit=" + "9" * 30)
    assert response.status_code == 422
    assert "limit" in response.json()["detail"][0]["msg"]
