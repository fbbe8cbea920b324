"""The event flow end to end through ``/track`` on a real collector (127.0.0.1, port 0)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.collector.conftest import Client, ServerFactory, connect
from tests.conftest import example_names, load_data, load_example

pytestmark = pytest.mark.in_process

PURCHASE_SCHEMA = load_data("purchase-order-schema.json")


@pytest.fixture
def demo(make_server: ServerFactory) -> Iterator[Client]:
    server = make_server()
    with connect(server) as client:
        assert client.post("/_workbench/flow/packs/demo").status_code == 200
        yield client


def payload(*events: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "source": {"id": "source-id"},
        "events": list(events),
        "options": {"debugger": True},
        **extra,
    }


def track(client: Client, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/track", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_documented_examples_produce_visible_changes(demo: Client) -> None:
    for name in example_names():
        if not name.startswith("track-"):
            continue
        assert demo.post("/_workbench/reset").status_code == 200
        body = demo.post("/track", json=load_example(name)).json()
        profile = demo.get(f"/profile/{body['profile']['id']}").json()
        assert profile["stats"]["counters"]["purchases"] == 1, name
        assert profile["data"]["preferences"]["purchases"] == ["Nike shoes"], name
        assert profile["stats"]["views"] == 1, name
        assert {"visitor", "customer", "shoe-lover"} <= set(profile["segments"]), name
        if (load_example(name).get("options") or {}).get("debugger"):
            diff = profile["aux"]["flow"]["last_request"]["profile_diff"]
            assert {"path": "profile@stats.counters.purchases", "value": 1} in diff["added"]
        else:  # without the debugger the trace is not stored (keeps requests cheap)
            assert "flow" not in profile["aux"], name
        if name == "track-with-context.json":
            # the payload's context reaches the profile through the session context
            assert profile["traits"]["device"] == "iPhone X"
            assert "mobile" in profile["segments"]


def test_demo_story_visitor_engaged_customer(demo: Client) -> None:
    first = track(demo, payload({"type": "page-view"}, session={"id": "visit-1"}))
    profile_id = first["profile"]["id"]
    segmentation = first["debugging"]["segmentation"]
    assert segmentation["entered"] == ["visitor"]
    assert segmentation["errors"] == []

    more = payload(
        {"type": "page-view"},
        {"type": "page-view"},
        session={"id": "visit-1"},
        profile={"id": profile_id},
    )
    second = track(demo, more)
    assert second["debugging"]["segmentation"]["entered"] == ["engaged"]

    cart = payload(
        {"type": "add-to-cart", "properties": {"product": "Nike shoes"}},
        session={"id": "visit-1"},
    )
    assert track(demo, cart)["debugging"]["segmentation"]["entered"] == ["cart-abandoner"]

    order = payload(
        {"type": "purchase-order", "properties": {"product": "Nike shoes", "quantity": 1}},
        session={"id": "visit-1"},
    )
    debugging = track(demo, order)["debugging"]
    assert set(debugging["segmentation"]["entered"]) == {"customer", "shoe-lover"}
    assert debugging["segmentation"]["left"] == ["cart-abandoner"]
    rules = debugging["execution"]["events"][0]["rules"]
    clear = next(rule for rule in rules if rule["id"] == "demo-purchase-clears-cart")
    assert clear["changes"][0] == {
        "path": "profile@traits.cart",
        "operation": "delete",
        "before": ["Nike shoes"],
    }
    assert debugging["execution"]["profile_diff"]["removed"] == [
        {"path": "profile@traits.cart", "value": ["Nike shoes"]}
    ]
    messages = [log["message"] for log in debugging["logs"]]
    assert "profile entered segment 'customer'" in messages
    assert "profile left segment 'cart-abandoner'" in messages

    stored = demo.get(f"/profile/{profile_id}").json()
    assert set(stored["segments"]) >= {"visitor", "engaged", "customer", "shoe-lover"}
    assert "cart-abandoner" not in stored["segments"]


def test_segments_enter_and_leave_with_custom_definitions(demo: Client) -> None:
    assert demo.post("/_workbench/flow/packs/empty").status_code == 200
    rule = {
        "id": "plan",
        "event_type": "plan-changed",
        "operations": [
            {"op": "set", "target": "profile@traits.plan", "from": "event@properties.plan"}
        ],
    }
    segment = {"id": "pro", "condition": 'profile@traits.plan == "pro"'}
    assert demo.post("/_workbench/flow/rules", json=rule).status_code == 201
    assert demo.put("/_workbench/flow/segments/pro", json=segment).status_code == 201

    def change(plan: str) -> dict[str, Any]:
        body = payload({"type": "plan-changed", "properties": {"plan": plan}}, session={"id": "s"})
        return track(demo, body)["debugging"]["segmentation"]

    assert change("pro") == {"errors": [], "ids": ["pro"], "entered": ["pro"], "left": []}
    assert change("pro")["entered"] == []
    assert change("free") == {"errors": [], "ids": [], "entered": [], "left": ["pro"]}
    assert change("pro")["entered"] == ["pro"]


def test_invalid_event_is_stored_flagged_and_skipped(demo: Client) -> None:
    body = payload(
        {"type": "purchase-order", "properties": {"product": 12}},
        {"type": "page-view"},
        session={"id": "s"},
    )
    result = track(demo, body)
    debugging = result["debugging"]
    validation = debugging["events"]["validation"]
    assert validation[0]["valid"] is False
    assert validation[1]["valid"] is True
    assert [e["location"] for e in validation[0]["errors"]] == [
        "properties.product",
        "properties.quantity",
    ]
    bad_id = validation[0]["id"]
    assert debugging["execution"]["events"][0]["skipped"].startswith("the event is invalid")
    warnings = [log["message"] for log in debugging["logs"] if log["type"] == "warning"]
    assert any("properties.product: expected a string, got a number" in m for m in warnings)
    assert any(
        "properties.quantity: required field is missing [rule: required]" in m for m in warnings
    )

    stored = demo.get(f"/event/{bad_id}").json()["event"]
    assert stored["metadata"]["valid"] is False
    assert stored["aux"]["flow"]["errors"][0]["keyword"] == "type"
    profile = demo.get(f"/profile/{result['profile']['id']}").json()
    assert "purchases" not in profile["stats"]["counters"]  # skipped by mapping
    assert profile["stats"]["views"] == 1  # the valid page view was mapped
    assert "customer" not in profile["segments"]


def test_strict_validation_rejects_with_406_and_stores_nothing(make_server: ServerFactory) -> None:
    server = make_server(strict_validation=True)
    with connect(server) as client:
        client.put("/_workbench/flow/schemas/purchase-order", json=PURCHASE_SCHEMA)
        body = payload(
            {"type": "page-view"},
            {"type": "purchase-order", "properties": {"product": "x", "quantity": "2"}},
        )
        response = client.post("/track", json=body)
        assert response.status_code == 406
        assert response.json() == {
            "detail": "Validation failed with error: events[1] (purchase-order): "
            "properties.quantity: expected an integer, got a string"
        }
        assert client.get("/_workbench/stats").json()["events"] == 0
        server.reconfigure(strict_validation=False)
        assert client.post("/track", json=body).status_code == 200
        assert client.get("/_workbench/stats").json()["events"] > 0


def test_current_format_reads_the_same_story(make_server: ServerFactory) -> None:
    server = make_server(response_format="current")
    with connect(server) as client:
        client.post("/_workbench/flow/packs/demo")
        client.put(
            "/_workbench/flow/rules/score",
            json={
                "id": "score",
                "event_type": "page-view",
                "operations": [{"op": "increment", "target": "profile@traits.score"}],
            },
        )
        seed = {
            "id": "seed",
            "event_type": "purchase-order",
            "operations": [{"op": "set", "target": "profile@traits.score", "value": "high"}],
        }
        conflict = client.put("/_workbench/flow/rules/seed", json=seed)
        assert conflict.status_code == 422  # a literal text where another rule increments
        seed["operations"][0] = {
            "op": "set",
            "target": "profile@traits.score",
            "from": "event@properties.product",  # text only at run time
        }
        assert client.put("/_workbench/flow/rules/seed", json=seed).status_code == 201
        body = load_example("track-full.json")
        body["options"] = {"debugger": True}
        response = client.post("/track", json=body)
        # the failing increment is an error (Tracardi 0.8.2 answers 226), the rest completes
        assert response.status_code == 226
        answer = response.json()
        assert "cannot increment profile@traits.score" in answer["errors"][0]["message"]
        page_view_id = answer["events"][1]
        event = client.get(f"/event/{page_view_id}").json()["event"]
        ran = {rule["id"]: rule["matched"] for rule in event["aux"]["flow"]["rules"]}
        assert ran["predefined-page-view"] is True
        assert ran["demo-pricing-page"] is False
        assert "predefined-page-view" in event["metadata"]["processed_by"]["rules"]
        profile = client.get(f"/profile/{answer['profile']['id']}").json()
        last = profile["aux"]["flow"]["last_request"]
        assert "customer" in last["segmentation"]["entered"]
        assert last["errors"]
        assert profile["stats"]["views"] == 1


def test_flow_survives_restart_and_reset(make_server: ServerFactory, tmp_path: Path) -> None:
    server = make_server()
    with connect(server) as client:
        client.post("/_workbench/flow/packs/demo")
        client.post("/_workbench/reset")
        assert len(client.get("/_workbench/flow").json()["segments"]) == 11
    server.stop()
    again = make_server()
    with connect(again) as client:
        flow = client.get("/_workbench/flow").json()
        assert len(flow["rules"]) == 12
        assert flow["notice"] is None
    assert json.loads((tmp_path / "collector" / "flow.json").read_text(encoding="utf-8"))


def test_profile_less_and_webhook_requests_still_work(demo: Client) -> None:
    response = demo.post("/track?profile_less=true", json=payload({"type": "page-view"}))
    assert response.status_code == 200
    debugging = response.json()["debugging"]
    assert debugging["segmentation"]["skipped"].startswith("profile-less")
    hook = demo.post("/collect/search/webhook-source-id", json={"query": ""})
    assert hook.status_code == 200
    events = demo.get("/_workbench/events?type=search").json()["events"]
    assert events[0]["metadata"]["valid"] is False  # minLength 1 in the demo schema
    issue = events[0]["aux"]["flow"]["errors"][0]  # why, even without the debugger
    assert (issue["location"], issue["keyword"]) == ("properties.query", "minLength")


def test_empty_flow_keeps_the_documented_debugging_shape(make_server: ServerFactory) -> None:
    server = make_server(data_dir=None)
    with connect(server) as client:
        debugging = client.post("/track", json=payload({"type": "page-view"})).json()["debugging"]
        assert debugging["execution"] == {}
        assert debugging["segmentation"] == {"errors": [], "ids": []}
        assert "validation" not in debugging["events"]
