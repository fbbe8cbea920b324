"""Sending to the real embedded collector on loopback (port 0, in memory)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.collectors import collectors_per_format
from tests.conftest import load_example
from workbench.client import RequestSpec, Sender, embedded_target
from workbench.collector import CollectorServer


@pytest.fixture(scope="module")
def collectors() -> Iterator[dict[str, CollectorServer]]:
    with collectors_per_format(("documented", "current")) as servers:
        yield servers


def test_documented_collector_fills_every_section(collectors) -> None:
    target = embedded_target(collectors["documented"].url)
    with Sender() as sender:
        assert sender.server_format(target).format == "documented"
        result = sender.send(
            target, RequestSpec(payload=load_example("track-full.json"), debugger=True)
        )
    assert result.ok, result.error
    view = result.view
    assert view is not None
    assert view.format == "documented"
    assert view.session_id == "session-id"
    assert view.profile_id
    assert view.profile is not None
    assert view.profile["new"] is True
    assert view.events is not None
    assert {"purchase-order", "page-view"} <= set(view.events["types"])
    assert view.logs
    assert view.missing == {}
    assert view.verdict().startswith(f"new profile {view.profile_id[:4]}…")


def test_current_collector_details_come_from_its_admin_reads(collectors) -> None:
    target = embedded_target(collectors["current"].url)
    payload = {"source": {"id": "source-id"}, "events": [{"type": "page-view"}]}
    with Sender() as sender:
        assert sender.server_format(target).format == "current"
        first = sender.send(target, RequestSpec(payload=payload, debugger=True))
        second = sender.send(target, RequestSpec(payload=payload, debugger=True))
    view = first.view
    assert first.ok
    assert view is not None
    assert view.format == "current"
    assert view.profile is not None
    assert view.profile["data"]["id"] == view.profile_id
    assert view.session is not None
    assert view.session["data"]["id"] == view.session_id
    assert view.events is not None
    assert "page-view" in [e["type"] for e in view.events["items"]]
    assert "profile" not in view.missing
    assert "events" not in view.missing
    # identity: the returned profile and session are reused, and the collector knows them
    assert second.request.body["profile"] == {"id": view.profile_id}
    assert second.request.body["session"] == {"id": view.session_id}
    assert second.view is not None
    assert second.view.profile_id == view.profile_id
    assert "(known)" in second.view.verdict()


def test_unknown_source_on_the_collector(collectors) -> None:
    target = embedded_target(collectors["documented"].url)
    payload = {"source": {"id": "nope"}, "events": [{"type": "page-view"}]}
    with Sender() as sender:
        result = sender.send(target, RequestSpec(payload=payload))
    assert result.status == 401
    assert result.error is not None
    assert result.error.message == "HTTP 401: the server does not know event source 'nope'"


def test_invalid_payload_on_the_collector_lists_fields(collectors) -> None:
    target = embedded_target(collectors["documented"].url)
    with Sender() as sender:
        result = sender.send(target, RequestSpec(payload={"events": [{"type": "page-view"}]}))
    assert result.status == 422
    assert result.error is not None
    assert result.error.kind == "validation"
    assert result.error.message.startswith("HTTP 422: the server rejected the payload: source")


def test_profile_less_and_collect_on_the_collector(collectors) -> None:
    target = embedded_target(collectors["current"].url)
    payload = {"source": {"id": "source-id"}, "events": [{"type": "coupon"}]}
    with Sender() as sender:
        less = sender.send(target, RequestSpec(payload=payload, profile_less=True))
        source = next(
            s.id for s in collectors["current"].store.list_sources() if "webhook" in s.type
        )
        hook = sender.send(
            target,
            RequestSpec(
                payload={"coupon": "X"},
                route="collect",
                collect_event_type="coupon-used",
                collect_source_id=source,
            ),
        )
    assert less.ok
    assert less.view is not None
    assert less.view.profile_less
    assert less.view.verdict().startswith("profile-less")
    assert hook.ok, hook.error
    assert hook.to_dict()["summary"]["event_types"] == ["coupon-used"]
