"""Replays of Tracardi's admin API cases that tracking clients use for set-up and checks.

Event sources, version, profile/session/event reads and deletes, the event
count and the healthcheck echo; the rules did not change between 0.7.3 and
0.8.2, so each replay runs against all three formats and follows the three
upstream versions of the case.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.compat.catalogue import follows
from tests.compat.conftest import TracardiApi
from workbench.collector.config import FORMAT_VERSIONS

_TAGS = ("0.7.3", "0.8.1", "0.8.2")


def _all(path: str) -> list[str]:
    """The case *path* (``file::function``) at each of the three tracardi-api releases."""
    return [f"tracardi-api@{tag}:{path}" for tag in _TAGS]


_SOURCES = "test/api/endpoints/test_event_source_endpoint.py::"
_INFO = "test/api/endpoints/test_info_endpoint.py::"
_PROFILE = "test/api/endpoints/test_profile.py::"
_SESSION = "test/api/endpoints/test_session.py::"
_EVENTS = "test/api/endpoints/test_event_endpoint.py::"

# A read or delete of an id nobody stored: (method, path, the upstream case).
_UNKNOWN_IDS = [
    ("GET", "/event-source/{id}", _SOURCES + "test_should_return_404_on_get_event_source_if_none"),
    (
        "DELETE",
        "/event-source/{id}",
        _SOURCES + "test_should_return_404_on_delete_event_source_if_none",
    ),
    ("GET", "/profile/{id}", _PROFILE + "test_should_return_404_on_get_profile_if_none"),
    ("DELETE", "/profile/{id}", _PROFILE + "test_should_return_404_on_delete_profile_if_none"),
    ("GET", "/session/{id}", _SESSION + "test_should_return_404_on_get_session_if_none"),
    ("DELETE", "/session/{id}", _SESSION + "test_should_return_404_on_delete_session_if_none"),
    ("GET", "/event/{id}", _EVENTS + "test_should_response_404_none"),
]

# Refreshes and flushes that answer 200 and nothing more: (path, the upstream case).
_REFRESHES = [
    ("/event-sources/refresh", _SOURCES + "test_should_refresh_event_sources"),
    ("/events/refresh", _EVENTS + "test_should_refresh_data"),
    ("/events/flush", _EVENTS + "test_should_flash_data"),
]


@follows(*(case for _method, _path, name in _UNKNOWN_IDS for case in _all(name)))
@pytest.mark.parametrize(
    ("method", "path"),
    [(method, path) for method, path, _name in _UNKNOWN_IDS],
    ids=[f"{method} {path}" for method, path, _name in _UNKNOWN_IDS],
)
def test_unknown_id_answers_404_null(api: Any, method: str, path: str) -> None:
    _tag, client = api
    response = client.http.request(method, path.format(id=uuid.uuid4()))
    assert response.status_code == 404
    assert response.json() is None


@follows(*(case for _path, name in _REFRESHES for case in _all(name)))
@pytest.mark.parametrize("path", [path for path, _name in _REFRESHES])
def test_refresh_and_flush_answer_200(api: Any, path: str) -> None:
    _tag, client = api
    assert client.get(path).status_code == 200


@follows(*_all(_SOURCES + "test_should_return_event_sources_by_tag"))
def test_sources_by_type_are_grouped(api: Any) -> None:
    _tag, client = api
    response = client.get("/event-sources/by_type")
    assert response.status_code == 200
    assert {"total", "grouped"} <= set(response.json())


@follows(*_all(_SOURCES + "test_should_return_event_sources_types"))
def test_source_types_by_name_and_configuration(api: Any) -> None:
    _tag, client = api
    names = client.get("/event-sources/type/name")
    assert names.status_code == 200
    assert {"total", "result"} <= set(names.json())
    assert "rest" in names.json()["result"]
    configuration = client.get("/event-sources/type/configuration").json()
    assert "tags" in configuration["result"]["rest"]


@follows(*_all(_SOURCES + "test_unknown_event_source_type"))
def test_unknown_source_type_is_refused(api: Any) -> None:
    _tag, client = api
    assert client.create_event_source("2", "unknown-type").status_code == 422


@follows(*_all(_SOURCES + "test_event_source_create_ok"))
def test_source_create_answers_the_save_result(api: Any) -> None:
    _tag, client = api
    source_id = str(uuid.uuid4())
    response = client.create_event_source(source_id, "rest")
    assert response.status_code == 200
    assert response.json() == {"errors": [], "ids": [source_id], "saved": 1}
    assert client.get("/event-sources/refresh").status_code == 200
    read = client.get(f"/event-source/{source_id}")
    assert read.status_code == 200
    assert read.json() is not None
    assert client.delete(f"/event-source/{source_id}").status_code == 200


@follows(*_all(_SOURCES + "test_should_return_list_of_event_sources"))
def test_source_entities_list(api: Any) -> None:
    _tag, client = api
    source_id = client.new_source()
    response = client.get("/event-sources/entity")
    assert response.status_code == 200
    body = response.json()
    assert {"total", "result"} <= set(body)
    assert len(body["result"]) > 0
    assert client.delete(f"/event-source/{source_id}").status_code == 200


@follows(*_all(_INFO + "test_should_return_version"))
def test_version_is_the_release_string(api: Any) -> None:
    tag, client = api
    response = client.get("/info/version")
    assert response.status_code == 200
    assert response.json() == tag
    assert tag in FORMAT_VERSIONS.values()


@follows(*_all(_INFO + "test_should_return_detailed_version"))
def test_detailed_version_fits_tracardis_version_model(api: Any) -> None:
    """Upstream builds its ``Version`` model from the answer: ``version`` (a string,
    required), ``name``, ``upgrades`` (a list) and ``production`` (a bool)."""
    tag, client = api
    details = client.get("/info/version/details").json()
    assert details["version"] == tag
    assert isinstance(details.get("name"), str)
    assert details["upgrades"] == []
    assert details["production"] is False


@follows(*_all(_PROFILE + "test_should_load_profile"))
def test_imported_profile_can_be_read_and_deleted(api: Any) -> None:
    _tag, client = api
    profile_id = str(uuid.uuid4())
    assert client.get(f"/profile/{profile_id}").status_code == 404
    response = client.post("/profiles/import", [{"id": profile_id}])
    assert response.status_code == 200
    assert response.json()["saved"] == 1
    assert client.get("/profiles/refresh").status_code == 200
    assert client.get(f"/profile/{profile_id}").status_code == 200
    assert client.delete(f"/profile/{profile_id}").status_code == 200


def _make_event(client: TracardiApi, event_type: str) -> tuple[dict[str, Any], list[str], str]:
    """What upstream's ``_make_event`` helper does: one event with the debugger on."""
    source_id = client.new_source()
    payload = {
        "source": {"id": source_id},
        "session": {"id": str(uuid.uuid4())},
        "events": [
            {
                "type": event_type,
                "properties": {"color": "red", "size": 3},
                "options": {"save": True},
                "context": {"test": 1},
            }
        ],
        "options": {"debugger": True},
    }
    result = client.track(payload).json()
    if "debugging" in result:
        ids = list(result["debugging"]["events"]["ids"])
    elif "event" in result:
        ids = list(result["event"]["ids"])
    else:
        ids = list(result["events"])
    return payload, ids, result["profile"]["id"]


@follows(*_all(_EVENTS + "test_should_count_events"))
def test_event_count_grows_by_what_one_request_writes(api: Any) -> None:
    tag, client = api
    before = client.get("/event/count").json()["count"]
    assert isinstance(before, int)
    _payload, ids, _profile = _make_event(client, "test")
    after = client.get("/event/count").json()["count"]
    # the event, plus profile-created and session-opened from 0.8.1, plus visit-started in 0.8.2
    assert after == before + {"0.7.3": 1, "0.8.1": 3, "0.8.2": 4}[tag] == before + len(ids)


@follows(*_all(_EVENTS + "test_should_get_one_event"))
def test_one_event_reads_back_as_sent(api: Any) -> None:
    _tag, client = api
    event_type = str(uuid.uuid4())
    payload, ids, profile_id = _make_event(client, event_type)
    response = client.get(f"/event/{ids[0]}")
    assert response.status_code == 200
    event = response.json()["event"]
    assert event["id"] in ids
    assert event["profile"]["id"] == profile_id
    assert event["properties"] == payload["events"][0]["properties"]
    assert event["type"] == event_type
    assert client.delete(f"/event/{ids[0]}").status_code == 200
    session_id = payload["session"]["id"]
    assert client.delete(f"/profile/{profile_id}").status_code == 200
    assert client.delete(f"/session/{session_id}").status_code == 200
    assert client.delete(f"/event-source/{payload['source']['id']}").status_code == 200


@follows(*_all("test/api/test_tracardi_http_client.py::test_tracardi_http_client"))
@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
def test_healthcheck_echoes_headers(api: Any, method: str) -> None:
    _tag, client = api
    response = client.http.request(method, "/healthcheck", json={}, headers={"some-header": "1"})
    assert response.status_code == 200
    assert response.json()["headers"]["some-header"] == "1"
    assert client.get("/this-endpoint-does-not-exist").status_code == 404


#: Tracardi 0.8.2's predefined event types (``tracardi/service/setup/events``).
PREDEFINED_082 = (
    "consent-update",
    "profile-update",
    "order-awaiting-pickup",
    "order-delivered",
    "order-dispatch-in-transit",
    "order-dispatched",
    "order-waiting-for-dispatch",
    "basket-viewed",
    "checkout-completed",
    "checkout-started",
    "checkout-status",
    "delivery-info-entered",
    "order-completed",
    "order-started",
    "order-status-change",
    "payment-info-entered",
    "product-added-to-basket",
    "product-clicked",
    "product-details-page-view",
    "product-removed-from-basket",
    "product-returned",
    "product-reviewed",
    "product-shared",
    "sale-completed",
    "account-payable",
    "account-receivable",
    "payable-overdue",
    "payment-received",
    "payment-sent",
    "receivable-overdue",
    "account-deleted",
    "identification",
    "sign-in",
    "sign-up",
    "decrease-interest",
    "increase-interest",
    "reset-interest",
    "profile-archived",
    "profile-created",
    "profile-inactive",
    "session-opened",
    "visit-ended",
    "visit-started",
    "loyalty-card-added",
    "loyalty-card-removed",
    "promotion-clicked",
    "promotion-viewed",
    "message-opened",
    "message-received",
    "message-sent",
    "message-status",
    "messaging-ended",
    "messaging-started",
    "rating",
    "location",
    "page-print",
    "page-view",
    "product-search-result",
    "screen-view",
    "search",
)


@follows("tracardi-api@0.8.2:test/api/endpoints/test_events.py::test_collection_of_default_events")
def test_every_predefined_event_type_is_accepted(api_082: TracardiApi) -> None:
    source_id = api_082.new_source()
    for event_type in PREDEFINED_082:
        payload = {
            "source": {"id": source_id},
            "session": {"id": str(uuid.uuid4())},
            "events": [{"type": event_type, "properties": {"id": "1", "value": 10.5}}],
        }
        response = api_082.track(payload)
        assert response.status_code == 200, (event_type, response.text)
    assert api_082.delete(f"/event-source/{source_id}").status_code == 200


def test_x_context_picks_the_data_set_staging_by_default(api_082: TracardiApi) -> None:
    # tracardi-api 0.8.2 test/api/endpoints/test_event_source_endpoint.py (and the other
    # endpoint tests) set up their data in the staging context (Context(production=False)),
    # which is what a server not in production mode uses without an x-context header.
    written = api_082.http.post(
        "/track",
        json={"source": {"id": "source-id"}, "events": [{"type": "page-view"}]},
        headers={"x-context": "staging"},
    )
    assert written.status_code == 200
    assert written.headers["x-context"] == "staging"
    profile_id = written.json()["profile"]["id"]
    assert api_082.get(f"/profile/{profile_id}").status_code == 200  # no header: staging
    read = api_082.get(f"/profile/{profile_id}", headers={"x-context": "production"})
    assert read.status_code == 404
    assert read.headers["x-context"] == "production"
    source_id = api_082.new_source()  # made in staging, unknown to production
    assert api_082.get(f"/event-source/{source_id}").status_code == 200
    assert (
        api_082.get(f"/event-source/{source_id}", headers={"x-context": "production"}).status_code
        == 404
    )
