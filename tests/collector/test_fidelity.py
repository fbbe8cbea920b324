"""Where the collector must answer as the Tracardi release its format imitates.

Each format (documented = 0.7.3, counters = 0.7.4–0.8.1, current = 0.8.2) is
driven through a real collector on 127.0.0.1; the compatibility suite in
``tests/compat`` replays Tracardi's own test cases, these tests try the edges.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from workbench.collector import CollectorConfig, CollectorServer
from workbench.collector.config import FORMAT_VERSIONS, FORMATS, format_name
from workbench.collector.user_agent import describe

from .conftest import Client, ServerFactory, connect
from .helpers import minimal

pytestmark = pytest.mark.in_process

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)
SAFARI_IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/16.6 Mobile/15E148 Safari/604.1"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture(params=FORMATS)
def any_format(request: pytest.FixtureRequest, make_server: ServerFactory) -> Iterator[Any]:
    server = make_server(response_format=request.param, data_dir=None)
    with connect(server) as http:
        yield request.param, server, http


def _saved_event_ids(fmt: str, body: dict[str, Any]) -> list[str]:
    if fmt == "documented":
        return list(body["debugging"]["events"]["ids"])
    if fmt == "counters":
        return list(body["event"]["ids"])
    return list(body["events"])


def test_every_format_has_its_release_version(any_format: Any) -> None:
    fmt, _server, http = any_format
    assert http.get("/info/version").json() == FORMAT_VERSIONS[fmt]
    details = http.get("/info/version/details").json()
    assert details["version"] == FORMAT_VERSIONS[fmt]
    assert details["response_format"] == fmt


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("0.7.3", "documented"),
        ("0.8.1", "counters"),
        ("0.8.2", "current"),
        ("Counters", "counters"),
    ],
)
def test_release_numbers_name_formats(name: str, expected: str) -> None:
    assert format_name(name) == expected
    assert CollectorConfig(response_format=name).response_format == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["0.9.0", "", None, 82, "legacy"])
def test_unknown_format_names_are_refused_by_name(bad: object) -> None:
    with pytest.raises(ValueError, match="response_format must be one of 'documented'"):
        format_name(bad)


def test_event_save_false_is_processed_not_stored(any_format: Any) -> None:
    fmt, server, http = any_format
    payload = minimal(
        session={"id": "s"},
        events=[{"type": "kept"}, {"type": "dropped", "options": {"save": False}}],
        options={"debugger": True},
    )
    body = http.post("/track", json=payload).json()
    ids = _saved_event_ids(fmt, body)
    stored_types = {server.store.get_event(i)["type"] for i in ids}
    assert "dropped" not in stored_types
    assert "kept" in stored_types
    assert server.store.count_events(type="dropped") == 0
    assert server.store.count_events(type="kept") == 1
    assert server.store.count_events() == len(ids)  # nothing stored that the answer hides


def test_event_save_must_be_a_json_false(any_format: Any) -> None:
    _fmt, server, http = any_format
    payload = minimal(events=[{"type": "kept", "options": {"save": "false"}}])
    assert http.post("/track", json=payload).status_code == 200
    assert server.store.count_events(type="kept") == 1


def test_documented_counts_only_what_was_sent(make_server: ServerFactory) -> None:
    server = make_server(data_dir=None)
    with connect(server) as http:
        body = http.post(
            "/track",
            json=minimal(
                session={"id": "s"},
                events=[{"type": "a"}, {"type": "b"}],
                options={"debugger": True},
            ),
        ).json()
    assert body["debugging"]["events"]["saved"] == 2
    assert len(body["debugging"]["events"]["ids"]) == 2
    assert server.store.count_events(type="profile-created") == 0


@pytest.mark.parametrize(
    ("fmt", "system"),
    [
        ("counters", ["profile-created", "session-opened"]),  # 0.8.1
        ("current", ["profile-created", "session-opened", "visit-started"]),  # 0.8.2
    ],
)
def test_later_formats_add_system_events(
    make_server: ServerFactory, fmt: str, system: list[str]
) -> None:
    server = make_server(response_format=fmt, data_dir=None)
    with connect(server) as http:
        body = http.post(
            "/track", json=minimal(session={"id": "s"}, options={"debugger": True})
        ).json()
    types = sorted(server.store.get_event(i)["type"] for i in _saved_event_ids(fmt, body))
    assert types == sorted(["page-view", *system])


def test_counters_format_shape(make_server: ServerFactory) -> None:
    server = make_server(response_format="counters", data_dir=None)
    with connect(server) as http:
        plain = http.post("/track", json=minimal()).json()
        debug = http.post(
            "/track", json=minimal(session={"id": "s"}, options={"debugger": True})
        ).json()
        profile_less = http.post("/track?profile_less=true", json=minimal()).json()
        empty = http.post("/track", json=minimal(events=[]))
    assert set(plain) == {"task", "ux", "response", "profile"}
    assert set(plain["profile"]) == {"id"}
    assert set(debug) == {"task", "ux", "response", "profile", "event", "session"}
    assert len(debug["event"]["ids"]) == 3  # + 2 system events
    assert debug["event"]["saved"] == 1  # 0.8.1 counts bulk writes: one for all events
    assert debug["session"] == {"id": "s", "saved": 1}
    assert debug["profile"]["saved"] == 1
    assert "profile" not in profile_less
    assert empty.status_code == 200
    assert empty.json() == []


@pytest.mark.parametrize("fmt", ["documented", "counters"])  # current has no counters
def test_saved_counts_documents_written_not_touched(make_server: ServerFactory, fmt: str) -> None:
    server = make_server(response_format=fmt, data_dir=None)
    http = connect(server)
    first = http.post(
        "/track", json=minimal(session={"id": "s"}, options={"debugger": True})
    ).json()
    profile_id = first["profile"]["id"]
    again = http.post(
        "/track",
        json=minimal(session={"id": "s"}, profile={"id": profile_id}, options={"debugger": True}),
    ).json()
    if fmt == "documented":
        saved = {k: again["debugging"][k]["saved"] for k in ("session", "profile", "events")}
    else:
        saved = {
            "session": again["session"]["saved"],
            "profile": again["profile"]["saved"],
            "events": again["event"]["saved"],
        }
    assert saved == {"session": 0, "profile": 0, "events": 1}
    # A change to the session is written, and said so.
    changed = http.post(
        "/track",
        json=minimal(session={"id": "s"}, context={"page": 2}, options={"debugger": True}),
    ).json()
    session_saved = (
        changed["debugging"]["session"]["saved"]
        if fmt == "documented"
        else changed["session"]["saved"]
    )
    http.close()
    assert session_saved == 1
    assert server.store.get_session("s")["context"]["page"] == 2


@pytest.mark.parametrize(
    ("options", "events", "loc", "rule"),
    [
        (
            {"scheduledFlowId": "f", "scheduledNodeId": "n"},
            [{"type": "a"}],
            ["body", "source", "id"],
            "internal scheduler event source",
        ),
        (
            {"scheduledFlowId": "f", "scheduledNodeId": "n"},
            [{"type": "a"}, {"type": "b"}],
            ["body", "source", "id"],
            "internal scheduler event source",
        ),
    ],
)
def test_scheduled_options_are_refused_naming_the_rule(
    client: Client,
    server: CollectorServer,
    options: dict[str, str],
    events: list[dict[str, str]],
    loc: list[str],
    rule: str,
) -> None:
    response = client.post("/track", json=minimal(events=events, options=options))
    assert response.status_code == 422
    item = response.json()["detail"][0]
    assert item["loc"] == loc
    assert rule in item["msg"]
    assert "HTTP 500" in item["msg"]
    assert server.store.count_events() == 0


def test_scheduled_options_on_an_internal_source_need_one_event(client: Client) -> None:
    payload = {
        "source": {"id": "@scheduler"},
        "events": [{"type": "a"}, {"type": "b"}],
        "options": {"scheduledFlowId": "f", "scheduledNodeId": "n"},
    }
    response = client.post("/track", json=payload)
    assert response.status_code == 422
    assert "only one event per tracker payload" in response.json()["detail"][0]["msg"]


def test_one_scheduled_option_alone_is_ignored(client: Client) -> None:
    payload = minimal(options={"scheduledFlowId": "f"})
    assert client.post("/track", json=payload).status_code == 200


@pytest.mark.parametrize("header", ["user-agent", "User-Agent"])
def test_bot_in_the_payload_request_headers_is_refused(
    client: Client, server: CollectorServer, header: str
) -> None:
    payload = minimal(session={"id": "known"})
    client.post("/track", json=payload)  # a known session: the session check would not run
    payload["request"] = {"headers": {header: GOOGLEBOT}}
    response = client.post("/track", json=payload)
    assert response.status_code == 401
    assert response.json() == {"detail": "Traffic from bot is not allowed."}


@pytest.mark.parametrize(
    "agent",
    ["curl/8.5.0", "python-requests/2.31.0", "PostmanRuntime/7.36.0", "okhttp/4.12.0"],
)
def test_tools_are_not_bots(client: Client, agent: str) -> None:
    response = client.post("/track", json=minimal(), headers={"user-agent": agent})
    assert response.status_code == 200


@pytest.mark.parametrize("agent", ["Python-urllib/3.11", "Java/17.0.2", GOOGLEBOT])
def test_bots_by_header_on_new_sessions(client: Client, agent: str) -> None:
    response = client.post("/track", json=minimal(), headers={"user-agent": agent})
    assert response.status_code == 401


def test_new_session_gets_user_agent_details(client: Client, server: CollectorServer) -> None:
    client.post(
        "/track",
        json=minimal(
            session={"id": "ua"},
            context={"screen": {"local": {"width": 1440, "height": 900, "colorDepth": 24}}},
        ),
        headers={"user-agent": CHROME_WINDOWS},
    )
    session = server.store.get_session("ua")
    assert session["os"] == {"name": "Windows", "version": "10"}
    assert session["app"]["name"] == "Chrome"
    assert session["app"]["version"] == "120.0.0"
    assert session["app"]["type"] == "browser"
    assert session["app"]["bot"] is False
    assert session["device"]["type"] == "pc"
    assert session["device"]["touch"] is False
    assert session["device"]["resolution"] == "1440x900"
    assert session["device"]["color_depth"] == 24


def test_context_agent_wins_over_the_header(client: Client, server: CollectorServer) -> None:
    context = {"browser": {"local": {"browser": {"userAgent": SAFARI_IPHONE}}}}
    client.post(
        "/track",
        json=minimal(session={"id": "ua"}, context=context),
        headers={"user-agent": CHROME_WINDOWS},
    )
    session = server.store.get_session("ua")
    assert session["os"]["name"] == "iOS"
    assert session["device"] == {**session["device"], "type": "mobile", "touch": True}
    assert session["device"]["brand"] == "Apple"


@pytest.mark.parametrize(
    ("agent", "device_type", "touch"),
    [
        (CHROME_WINDOWS, "pc", False),
        (SAFARI_IPHONE, "mobile", True),
        (SAFARI_IPAD, "tablet", True),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0.0.0 Mobile Safari/537.36",
            "mobile",
            True,
        ),
        (
            "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0.0.0 Safari/537.36",
            "tablet",
            True,
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
            "Gecko) Version/17.1 Safari/605.1.15",
            "pc",
            False,
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
            "pc",
            False,
        ),
        (GOOGLEBOT, None, False),
    ],
)
def test_device_classes(agent: str, device_type: str | None, touch: bool) -> None:
    info = describe(agent)
    assert (info.device_type, info.touch) == (device_type, touch)
    assert info.bot is (agent == GOOGLEBOT)


def test_known_session_keeps_its_user_agent_details(
    client: Client, server: CollectorServer
) -> None:
    client.post("/track", json=minimal(session={"id": "ua"}), headers={"user-agent": SAFARI_IPHONE})
    client.post(
        "/track", json=minimal(session={"id": "ua"}), headers={"user-agent": CHROME_WINDOWS}
    )
    assert server.store.get_session("ua")["os"]["name"] == "iOS"


def test_profile_has_the_fields_of_tracardi_082(client: Client) -> None:
    profile_id = client.post("/track", json=minimal()).json()["profile"]["id"]
    profile = client.get(f"/profile/{profile_id}").json()
    assert profile["metadata"]["system"] == {"integrations": {}, "aux": {}}
    assert profile["metadata"]["fields"] == {}
    data = profile["data"]
    assert set(data) == {
        "anonymous",
        "pii",
        "contact",
        "identifier",
        "devices",
        "media",
        "preferences",
        "job",
        "metrics",
        "loyalty",
    }
    assert data["contact"]["email"] == {"main": None, "private": None, "business": None}
    assert data["metrics"]["ltv"] == 0
    assert data["loyalty"]["card"]["points"] == 0
    assert data["devices"]["last"]["geo"]["country"] == {"name": None, "code": None}
