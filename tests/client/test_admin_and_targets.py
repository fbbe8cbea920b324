"""Admin reads (§10), version detection, identity rules, targets from URLs and curl, the report."""

from __future__ import annotations

import pytest

from tests.client.servers import PROFILE_ID, TOKEN, json_reply, tracardi_handler
from tests.conftest import load_example
from workbench.client import (
    AdminError,
    CancelToken,
    IdentityMemory,
    RequestSpec,
    Sender,
    format_for_version,
    target_from_import,
    target_from_url,
)
from workbench.client.report import format_result
from workbench.core.curl_import import parse_curl
from workbench.settings import TargetSettings


@pytest.mark.parametrize(
    ("version", "fmt"),
    [
        ("0.6.1", "documented"),
        ("0.7.3", "documented"),
        ("0.7.4", "0.8.1"),
        ("0.8.1", "0.8.1"),
        ("0.8.2", "current"),
        ("0.9.0-rc5", "current"),
        ("1.0", "current"),
    ],
)
def test_format_for_version(version: str, fmt: str) -> None:
    assert format_for_version(version) == fmt


def test_format_for_version_rejects_text() -> None:
    with pytest.raises(ValueError, match="'dev' is not a version number"):
        format_for_version("dev")


def test_server_format_is_configured_or_detected_once(serve, sender) -> None:
    server = serve(tracardi_handler("0.8.1"))
    target = target_from_url(server.url)
    assert sender.server_format(target.replace(response_format="current")).detail == (
        "set in the target"
    )
    found = sender.server_format(target)
    assert (found.version, found.format) == ("0.8.1", "0.8.1")
    sender.server_format(target)
    assert len([r for r in server.requests if r.path == "/info/version"]) == 1


def test_server_without_version_route(serve, sender) -> None:
    server = serve(lambda request, s: json_reply({"detail": "Not Found"}, 404))
    found = sender.server_format(target_from_url(server.url))
    assert found.format == "auto"
    assert "did not answer GET /info/version" in found.detail


def test_format_mismatch_is_noted(serve, sender) -> None:
    server = serve(tracardi_handler("0.8.2"))
    target = target_from_url(server.url).replace(response_format="documented")
    result = sender.send(target, RequestSpec(payload=load_example("track-minimal.json")))
    assert result.view is not None
    assert result.view.notes == [
        "the target is set to the 'documented' format but the server answered in the "
        "'current' format"
    ]


def test_event_sources_and_reads(serve, sender) -> None:
    server = serve(tracardi_handler("0.8.2", sources=("web", "app")))
    target = target_from_url(server.url).replace(token=TOKEN)
    assert [s["id"] for s in sender.event_sources(target)] == ["web", "app"]
    assert sender.read(target, "profile", "missing") is None
    with pytest.raises(ValueError, match="kind must be profile, session or event"):
        sender.read(target, "segment", "x")
    assert not [r for r in server.requests if r.path == "/user/token"]  # a given token is used


def test_expired_token_is_renewed_once(serve, sender) -> None:
    server = serve(tracardi_handler("0.8.2"))
    target = target_from_url(server.url).replace(username="admin", password="secret")
    sender.event_sources(target)
    server.token = "rotated"
    sender.event_sources(target)
    assert len([r for r in server.requests if r.path == "/user/token"]) == 2


def test_admin_without_credentials(serve, sender) -> None:
    server = serve(tracardi_handler("0.8.2"))
    with pytest.raises(AdminError, match="GET /event-sources: HTTP 401 Not authenticated"):
        sender.event_sources(target_from_url(server.url))


def test_identity_keeps_ids_the_payload_names() -> None:
    memory = IdentityMemory()
    target = TargetSettings(name="t", base_url="http://h")
    memory.get(target, "s")
    spec = RequestSpec(payload={"source": {"id": "s"}, "session": {"id": "mine"}})
    assert memory.apply(target, spec) is spec
    placeholder = RequestSpec(payload={"source": {"id": "s"}, "profile": {"id": "{{profile.id}}"}})
    applied = memory.apply(target, placeholder)
    assert applied.payload["profile"] == {"id": "{{profile.id}}"}
    assert "session" in applied.payload


def test_identity_is_not_changed_by_failures(serve) -> None:
    server = serve(tracardi_handler("0.8.2", sources=("other",)))
    target = target_from_url(server.url)
    payload = {"source": {"id": "source-id"}, "events": [{"type": "a"}]}
    with Sender() as sender:
        before = sender.identity.get(target, "source-id")
        result = sender.send(target, RequestSpec(payload=payload))
        assert result.status == 401
        assert sender.identity.get(target, "source-id") == before


def test_profile_less_sends_do_not_fill_the_profile(serve, sender) -> None:
    server = serve(tracardi_handler("0.8.2"))
    target = target_from_url(server.url)
    payload = {"source": {"id": "source-id"}, "events": [{"type": "a"}]}
    sender.send(target, RequestSpec(payload=payload))
    less = sender.send(target, RequestSpec(payload=payload, profile_less=True))
    assert "profile" not in less.request.body
    assert sender.identity.get(target, "source-id").profile_id == PROFILE_ID


def test_target_from_url() -> None:
    assert target_from_url("localhost:8686").base_url == "http://localhost:8686"
    assert target_from_url("http://127.0.0.1:8686/").kind == "embedded"
    assert target_from_url("https://t.example.com/api").kind == "remote"
    with pytest.raises(ValueError, match="is not an http"):
        target_from_url("ftp://x")


def test_target_from_curl_import() -> None:
    imported = parse_curl(
        "curl -k https://t.example.com/api/track -H 'x-context: staging' "
        "-H 'X-Api-Key: k' -H 'Content-Type: application/json' -m 3 -d '{}'"
    )
    target = target_from_import(imported, name="imported")
    assert target.base_url == "https://t.example.com/api"
    assert target.x_context == "staging"
    assert target.headers == {"X-Api-Key": "k"}
    assert target.verify_tls is False
    assert target.timeout == 3.0


def test_pretty_report(serve, sender) -> None:
    server = serve(tracardi_handler("0.7.3"))
    result = sender.send(
        target_from_url(server.url),
        RequestSpec(payload=load_example("track-full.json"), debugger=True),
    )
    text = format_result(result)
    lines = text.splitlines()
    assert lines[0].startswith(f"POST {server.url}/track → HTTP 200 in ")
    assert (
        lines[1] == "new profile 0d2d… · session session-id · 2 events saved · 0 errors · 1 warning"
    )
    assert "  segmentation segments: vip" in lines  # told as words, not JSON
    assert any(line.startswith("  logs       ") for line in lines)


def test_cancel_token_basics() -> None:
    token = CancelToken()
    assert not token.cancelled
    assert not token.wait(0)
    token.cancel()
    token.cancel()
    assert token.cancelled
    assert token.wait(0)
