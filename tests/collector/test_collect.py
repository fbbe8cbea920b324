"""The webhook routes of §4: with and without a session, JSON, form and query properties."""

from __future__ import annotations

import pytest

from tests.collector.conftest import Client, connect
from workbench.collector import CollectorServer

pytestmark = pytest.mark.in_process

HOOK = "/collect/coupon-received/webhook-source-id"


def _only_event(server: CollectorServer) -> dict:
    events = server.store.list_events(type="coupon-received")
    assert len(events) == 1
    return events[0]


def test_post_json_without_session_is_profile_less(client: Client, server: CollectorServer) -> None:
    response = client.post(HOOK, json={"voucher": "V-1"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "profile" not in body  # documented format omits the profile when profile-less
    event = _only_event(server)
    assert event["properties"] == {"voucher": "V-1"}
    assert event["session"] is None
    assert event["profile"] is None
    stats = server.store.stats()
    assert (stats["sessions"], stats["profiles"]) == (0, 0)


def test_current_format_answers_null_ids(make_server) -> None:  # type: ignore[no-untyped-def]
    server = make_server(response_format="current", data_dir=None)
    with connect(server) as http:
        body = http.post(HOOK, json={}).json()
    assert body["profile"] == {"id": None}
    assert body["session"] == {"id": None}


def test_post_form(client: Client, server: CollectorServer) -> None:
    response = client.post(HOOK, data={"a": "1", "b": ["x", "y"]})
    assert response.status_code == 200
    assert _only_event(server)["properties"] == {"a": "1", "b": ["x", "y"]}


def test_get_query_string(client: Client, server: CollectorServer) -> None:
    assert client.get(HOOK + "?a=1&b=x&b=y").status_code == 200
    assert _only_event(server)["properties"] == {"a": "1", "b": ["x", "y"]}


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_with_session_creates_session_and_profile(
    client: Client, server: CollectorServer, method: str
) -> None:
    url = HOOK + "/sess-1" + ("?a=1" if method == "GET" else "")
    kwargs = {} if method == "GET" else {"content": b'{"a": "1"}'}  # any content type
    first = client.request(method, url, **kwargs)
    assert first.status_code == 200
    profile_id = first.json()["profile"]["id"]
    session = server.store.get_session("sess-1")
    assert session is not None
    assert session["profile"]["id"] == profile_id
    assert _only_event(server)["properties"] == {"a": "1"}
    again = client.request(method, url, **kwargs)
    assert again.json()["profile"]["id"] == profile_id


def test_rest_source_on_collect_is_401(client: Client, server: CollectorServer) -> None:
    response = client.post("/collect/x/source-id", json={})
    assert response.status_code == 401
    assert "allows only bridges of types ['webhook']" in response.json()["detail"]
    assert server.store.stats()["events"] == 0


def test_unknown_source_on_collect_is_401(client: Client) -> None:
    assert client.get("/collect/x/nope").status_code == 401


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b"{broken", "application/json", 422),
        (b"[1, 2]", "application/json", 422),
        (b"raw bytes", "text/plain", 415),
        (b"--b\r\n", "multipart/form-data; boundary=b", 415),
    ],
)
def test_bad_collect_bodies_are_4xx_not_500(
    client: Client, server: CollectorServer, content: bytes, content_type: str, status: int
) -> None:
    response = client.post(HOOK, content=content, headers={"content-type": content_type})
    assert response.status_code == status
    assert response.json()["detail"]
    assert server.store.stats()["events"] == 0


def test_empty_body_means_no_properties(client: Client, server: CollectorServer) -> None:
    assert client.post(HOOK).status_code == 200
    assert _only_event(server)["properties"] == {}


def test_blank_event_type_is_422(client: Client) -> None:
    response = client.get("/collect/%20/webhook-source-id")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "event_type"]
