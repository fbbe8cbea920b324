"""Payload options (§2.1): JSON booleans only, each with its effect on storage and answer."""

from __future__ import annotations

import pytest

from workbench.collector import CollectorServer

from .conftest import Client, ServerFactory, connect
from .helpers import minimal

pytestmark = pytest.mark.in_process


def test_save_events_false_stores_no_event(client: Client, server: CollectorServer) -> None:
    body = client.post(
        "/track", json=minimal(options={"saveEvents": False, "debugger": True})
    ).json()
    assert server.store.stats()["events"] == 0
    assert body["debugging"]["events"]["saved"] == 0
    assert server.store.stats()["profiles"] == 1


def test_save_session_false(client: Client, server: CollectorServer) -> None:
    body = client.post(
        "/track",
        json=minimal(session={"id": "s1"}, options={"saveSession": False, "debugger": True}),
    ).json()
    assert server.store.get_session("s1") is None
    assert body["debugging"]["session"]["saved"] == 0
    assert body["debugging"]["events"]["types"] == ["page-view"]  # 0.7.3: no system events
    assert server.store.list_events(type="page-view")[0]["session"] is None


def test_save_profile_false(client: Client, server: CollectorServer) -> None:
    body = client.post(
        "/track", json=minimal(options={"saveProfile": False, "debugger": True})
    ).json()
    assert "profile" not in body
    assert server.store.stats()["profiles"] == 0
    assert server.store.list_events(type="page-view")[0]["profile"] is None


def test_profile_option_returns_the_full_profile(client: Client) -> None:
    plain = client.post("/track", json=minimal()).json()
    assert set(plain["profile"]) == {"id"}
    full = client.post("/track", json=minimal(options={"profile": True})).json()
    assert {"id", "metadata", "stats", "traits"} <= set(full["profile"])


def test_debugger_option_is_ignored_when_the_setting_is_off(make_server: ServerFactory) -> None:
    server = make_server(debugger=False, data_dir=None)
    with connect(server) as http:
        body = http.post("/track", json=minimal(options={"debugger": True})).json()
    assert "debugging" not in body


@pytest.mark.parametrize("value", ["false", 0, None, "yes"])
def test_non_boolean_options_are_ignored_with_a_warning(
    client: Client, server: CollectorServer, value: object
) -> None:
    response = client.post("/track", json=minimal(options={"saveEvents": value, "debugger": True}))
    assert response.status_code == 200
    assert server.store.stats()["events"] > 0  # the default (save) applies
    warnings = [log for log in response.json()["debugging"]["logs"] if log["type"] == "warning"]
    assert any("options.saveEvents" in log["message"] for log in warnings)


def test_strict_validation_rejects_non_boolean_options(make_server: ServerFactory) -> None:
    server = make_server(strict_validation=True, data_dir=None)
    with connect(server) as http:
        response = http.post("/track", json=minimal(options={"saveEvents": "false"}))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "options", "saveEvents"]
    assert server.store.stats()["events"] == 0
