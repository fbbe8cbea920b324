"""Sending to servers that answer like Tracardi 0.7.3, 0.8.1 and 0.8.2 (spec §3, §10)."""

from __future__ import annotations

import json

import pytest

from tests.client.servers import PROFILE_ID, TOKEN, tracardi_handler
from tests.conftest import load_example
from workbench.client import USER_AGENT, RequestSpec, Sender, target_from_url
from workbench.core.exchange import EXCHANGE_VERSION, Exchange
from workbench.settings import TargetSettings


def _target(url: str, **changes: object) -> TargetSettings:
    return target_from_url(url, name="fake").replace(**changes)


@pytest.mark.parametrize(
    ("version", "fmt"), [("0.7.3", "documented"), ("0.8.1", "0.8.1"), ("0.8.2", "current")]
)
def test_every_generation_reads_into_the_same_view(serve, sender, version, fmt) -> None:
    server = serve(tracardi_handler(version))
    result = sender.send(
        _target(server.url), RequestSpec(payload=load_example("track-minimal.json"), debugger=True)
    )
    assert result.ok, result.error
    view = result.view
    assert view is not None
    assert view.format == fmt
    assert view.profile_id == PROFILE_ID
    assert view.session_id == "session-id"
    # Only a session id was sent: a known session brings its own profile (§6.1),
    # so without a profile-created event the view does not claim the profile is new.
    assert view.profile is not None
    assert view.profile["new"] is None
    assert view.verdict().startswith("profile 0d2d…")
    assert sender.server_format(_target(server.url)).format == fmt
    if fmt == "current":
        assert view.events is not None
        assert view.events["ids"] == ["event-0", "event-1"]
        assert "admin credentials" in view.missing["profile"]
    else:
        assert view.events_saved == 2
        assert "2 events saved" in view.verdict()


def test_request_is_sent_as_the_tracker_does(serve, sender) -> None:
    server = serve(tracardi_handler("0.8.2"))
    payload = load_example("track-full.json")
    target = _target(
        server.url, x_context="staging", headers={"X-Team": "{{team}}"}, variables={"team": "web"}
    )
    result = sender.send(target, RequestSpec(payload=payload, profile_less=True))
    arrived = server.requests[-1]
    assert arrived.path == "/track"
    assert arrived.query == {"profile_less": ["true"]}
    assert arrived.headers["user-agent"] == USER_AGENT
    assert arrived.headers["content-type"] == "application/json"
    assert arrived.headers["x-context"] == "staging"
    assert arrived.headers["x-team"] == "web"
    assert json.loads(arrived.body) == payload  # the seed example goes out unchanged
    assert result.request.route == "/track?profile_less=true"
    assert result.request.body == payload
    assert result.view is not None
    assert result.view.profile_less
    assert result.view.verdict().startswith("profile-less")


def test_current_server_details_come_from_admin_reads(serve, sender) -> None:
    server = serve(tracardi_handler("0.8.2"))
    target = _target(server.url, username="admin", password="secret")
    spec = RequestSpec(payload=load_example("track-minimal.json"), debugger=True)
    result = sender.send(target, spec)
    view = result.view
    assert view is not None
    assert view.profile is not None
    assert view.profile["data"]["traits"] == {"seen": True}
    assert view.session is not None
    assert view.session["data"]["id"] == "session-id"
    assert view.events is not None
    assert [e["type"] for e in view.events["items"]] == [
        "purchase-order",
        "page-view",
    ]
    assert "profile" not in view.missing
    assert "events" not in view.missing
    assert "admin_ms" in result.timings
    logins = [r for r in server.requests if r.path == "/user/token"]
    assert len(logins) == 1
    sender.send(target, spec)  # the token is cached
    assert len([r for r in server.requests if r.path == "/user/token"]) == 1
    reads = [r for r in server.requests if r.path.startswith("/profile/")]
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in reads)


def test_bad_admin_credentials_are_explained_not_fatal(serve, sender) -> None:
    server = serve(tracardi_handler("0.8.2"))
    target = _target(server.url, username="admin", password="wrong")
    result = sender.send(target, RequestSpec(payload=load_example("track-minimal.json")))
    assert result.ok
    assert result.view is not None
    assert "admin login as 'admin' failed: HTTP 400" in result.view.missing["profile"]
    assert any("Authentication error" in note for note in result.view.notes)


def test_226_with_errors_is_a_success_with_errors(serve, sender) -> None:
    record = {"type": "error", "message": "Mapping failed", "flow_id": "f1"}
    server = serve(tracardi_handler("0.8.2", errors=[record]))
    result = sender.send(_target(server.url), RequestSpec(payload=load_example("track-full.json")))
    assert result.ok
    assert result.status == 226
    assert result.view is not None
    assert result.view.errors == [record]
    assert result.view.verdict().endswith("1 error")


def test_empty_events_answer_null_or_list(serve, sender) -> None:
    for version, fmt in (("0.8.2", "current"), ("0.8.1", "0.8.1")):
        server = serve(tracardi_handler(version))
        payload = {"source": {"id": "source-id"}, "events": []}
        result = sender.send(_target(server.url), RequestSpec(payload=payload))
        assert result.ok
        assert result.view is not None
        assert result.view.format == fmt
        assert result.view.events_saved == 0
        assert "no events" in result.view.missing["profile"]


def test_identity_is_remembered_per_target_and_source(serve) -> None:
    server = serve(tracardi_handler("0.8.2"))
    target = _target(server.url)
    payload = {"source": {"id": "source-id"}, "events": [{"type": "page-view"}]}
    with Sender() as sender:
        first = sender.send(target, RequestSpec(payload=payload))
        second = sender.send(target, RequestSpec(payload=payload))
        assert first.request.body["session"]["id"] == second.request.body["session"]["id"]
        assert "profile" not in first.request.body
        assert second.request.body["profile"] == {"id": PROFILE_ID}
        assert second.view is not None
        assert second.view.profile is not None
        assert second.view.profile["new"] is False
        assert "(known)" in second.view.verdict()

        visit = sender.identity.new_visit(target, "source-id")
        third = sender.send(target, RequestSpec(payload=payload))
        assert (
            third.request.body["session"]["id"]
            == visit.session_id
            != first.request.body["session"]["id"]
        )
        assert third.request.body["profile"] == {"id": PROFILE_ID}

        sender.identity.forget_profile(target, "source-id")
        fourth = sender.send(target, RequestSpec(payload=payload))
        assert "profile" not in fourth.request.body

        other = sender.send(target, RequestSpec(payload={**payload, "source": {"id": "other"}}))
        assert "profile" not in other.request.body  # another source has its own identity


def test_variables_are_expanded_at_send_time(serve, sender) -> None:
    server = serve(tracardi_handler("0.8.2"))
    payload = {
        "source": {"id": "source-id"},
        "session": {"id": "{{session.id}}"},
        "profile": {"id": "{{profile.id}}"},
        "events": [
            {
                "id": "{{uuid}}",
                "type": "page-view",
                "time": {"insert": "{{now}}"},
                "properties": {"n": "{{random.int(1,3)}}", "ts": "{{timestamp}}", "env": "{{env}}"},
            }
        ],
    }
    result = sender.send(_target(server.url), RequestSpec(payload=payload, variables={"env": "ci"}))
    sent = json.loads(server.requests[-1].body)
    assert sent == result.request.body
    event = sent["events"][0]
    assert len(event["id"]) == 36
    assert event["time"]["insert"].endswith("Z")
    assert event["properties"]["n"] in (1, 2, 3)
    assert isinstance(event["properties"]["ts"], int)
    assert event["properties"]["env"] == "ci"
    assert sent["profile"] == {"id": None}  # first visit
    assert sent["session"]["id"] == sender.identity.get(_target(server.url), "source-id").session_id


def test_unknown_variable_fails_before_sending(serve, sender) -> None:
    server = serve(tracardi_handler("0.8.2"))
    payload = {"source": {"id": "source-id"}, "events": [{"type": "{{evnt}}"}]}
    result = sender.send(_target(server.url), RequestSpec(payload=payload))
    assert result.error is not None
    assert result.error.kind == "variable"
    assert "{{evnt}} at payload.events[0].type: unknown variable" in result.error.message
    assert server.requests == []
    assert result.to_dict()["error"]["kind"] == "variable"


def test_exchange_dict_matches_the_contract_and_hides_secrets(serve, sender) -> None:
    server = serve(tracardi_handler("0.8.2"))
    target = _target(
        server.url, headers={"Authorization": "Bearer s3cr3t"}, password="pw", username="admin"
    )
    result = sender.send(target, RequestSpec(payload=load_example("track-full.json")))
    exchange = result.to_dict()
    text = json.dumps(exchange)
    assert "s3cr3t" not in text
    assert '"pw"' not in text
    assert set(exchange) == {
        "version",
        "origin",
        "id",
        "started_at",
        "target",
        "request",
        "response",
        "timings",
        "view",
        "error",
        "summary",
    }
    assert exchange["target"] == {"name": "fake", "base_url": server.url, "kind": "remote"}
    assert exchange["request"]["route"] == "/track"
    assert exchange["response"]["status"] == 200
    assert exchange["response"]["size"] > 0
    assert exchange["version"] == EXCHANGE_VERSION
    assert exchange["summary"] == {
        "event_types": ["purchase-order", "page-view"],
        "source_id": "source-id",
        "profile_id": PROFILE_ID,
        "session_id": "session-id",
        "verdict": "ok",
        "verdict_text": result.view.verdict(),
    }
    assert Exchange.from_dict(exchange).to_dict() == exchange
    assert exchange["view"]["verdict"] == result.view.verdict()
    assert exchange["timings"]["total_ms"] > 0


def test_collect_route_sends_properties(serve, sender) -> None:
    def handler(request, server):  # type: ignore[no-untyped-def]
        from tests.client.servers import json_reply

        return json_reply(
            {
                "task": "t",
                "ux": [],
                "response": {},
                "events": [],
                "profile": {"id": None},
                "session": {"id": None},
                "errors": [],
                "warnings": [],
            }
        )

    server = serve(handler)
    spec = RequestSpec(
        payload={"coupon": "X1"},
        route="collect",
        collect_event_type="coupon used",
        collect_source_id="hook",
    )
    result = sender.send(_target(server.url), spec)
    assert result.ok
    assert server.requests[-1].path == "/collect/coupon%20used/hook"
    assert result.request.route == "/collect/coupon%20used/hook"
    assert result.to_dict()["summary"]["source_id"] == "hook"
