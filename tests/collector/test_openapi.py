"""The OpenAPI document is the app's real route table, and the docs page shows it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.routing import Route

from tests.collector.inprocess import InProcessClient
from workbench.collector import CollectorConfig, CollectorServer
from workbench.collector.openapi import OPERATIONS, openapi_document


@pytest.fixture
def server() -> Iterator[CollectorServer]:
    server = CollectorServer(CollectorConfig(port=0))
    yield server
    server.stop()


def _app_operations(server: CollectorServer) -> set[tuple[str, str]]:
    return {
        (route.path, method.lower())
        for route in server.app.routes
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    }


def test_every_route_is_documented_and_nothing_else(server: CollectorServer) -> None:
    document = openapi_document(server.app)
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert documented == _app_operations(server)


def test_every_route_is_described(server: CollectorServer) -> None:
    # A route added without an entry in OPERATIONS is still in the document, marked as such;
    # the ones the collector ships are all described.
    assert _app_operations(server) <= set(OPERATIONS)


def test_the_document_is_served_and_names_the_payload_schema(server: CollectorServer) -> None:
    client = InProcessClient(server.app)
    try:
        document = client.get("/openapi.json").json()
        assert document["openapi"].startswith("3.1")
        track = document["paths"]["/track"]["post"]
        assert track["requestBody"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/TrackerPayload"
        }
        payload = document["components"]["schemas"]["TrackerPayload"]
        assert "#/$defs/" not in str(payload)
        assert "Open to every origin" in track["description"]
        assert "421" in track["responses"]
        assert "403" not in track["responses"]
        reset = document["paths"]["/_workbench/reset"]["post"]
        assert {"401", "403", "421", "413", "422"} <= set(reset["responses"])
        page = client.get("/docs")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "/_workbench/requests" in page.text
        assert "<script" not in page.text
    finally:
        client.close()


def test_with_a_token_the_document_says_so() -> None:
    server = CollectorServer(CollectorConfig(port=0, token="a-long-token"))
    try:
        document = openapi_document(server.app)
        stats = document["paths"]["/_workbench/stats"]["get"]
        assert stats["security"] == [{"token": []}]
        assert (
            "security" not in document["paths"]["/track"]["post"]
            or document["paths"]["/track"]["post"]["security"] == []
        )
    finally:
        server.stop()
