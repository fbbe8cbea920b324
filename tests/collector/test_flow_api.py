"""The ``/_workbench/flow`` API: list/get/put/delete per kind, precise 4xx for bad definitions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.collector.conftest import Client, connect
from workbench.collector import CollectorConfig, CollectorServer

pytestmark = pytest.mark.in_process

RULE = {
    "id": "plan",
    "name": "Plan",
    "event_type": "sign-up",
    "operations": [{"op": "set", "target": "profile@traits.plan", "from": "event@properties.plan"}],
    "enabled": True,
}
SEGMENT = {"id": "pro", "name": "Pro", "condition": 'profile@traits.plan == "pro"', "enabled": True}
SCHEMA = {
    "event_type": "search",
    "enabled": True,
    "properties": {"type": "object", "required": ["query"]},
}


@pytest.fixture
def client() -> Iterator[Client]:
    server = CollectorServer(CollectorConfig(port=0, data_dir=None))
    try:
        with connect(server) as http:
            yield http
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("kind", "item", "key"),
    [("rules", RULE, "id"), ("segments", SEGMENT, "id"), ("schemas", SCHEMA, "event_type")],
)
def test_crud_for_each_kind(client: Client, kind: str, item: dict, key: str) -> None:
    base = f"/_workbench/flow/{kind}"
    item_id = item[key]
    assert client.get(base).json() == []
    created = client.post(base, json=item)
    assert created.status_code == 201
    assert created.json() == item
    assert client.post(base, json=item).status_code == 200  # same id: replaced
    assert client.get(f"{base}/{item_id}").json() == item
    changed = {**item, "enabled": False}
    assert client.put(f"{base}/{item_id}", json=changed).status_code == 200
    assert client.get(base).json() == [changed]
    assert client.get("/_workbench/flow").json()[kind] == [changed]
    assert client.delete(f"{base}/{item_id}").json() == {"deleted": item_id}
    missing = client.get(f"{base}/{item_id}")
    assert missing.status_code == 404
    assert "not found" in missing.json()["detail"]
    assert client.delete(f"{base}/{item_id}").status_code == 404


def test_put_takes_the_id_from_the_address(client: Client) -> None:
    body = {k: v for k, v in SEGMENT.items() if k != "id"}
    assert client.put("/_workbench/flow/segments/pro", json=body).status_code == 201
    clash = client.put("/_workbench/flow/segments/other", json=SEGMENT)
    assert clash.status_code == 422
    assert clash.json()["detail"][0]["loc"] == ["body", "id"]


def detail_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    item: dict[str, Any] = response.json()["detail"][0]
    return item


def test_bad_definitions_are_rejected_precisely(client: Client) -> None:
    bad_schema = client.post(
        "/_workbench/flow/schemas", json={**SCHEMA, "properties": {"type": "objekt"}}
    )
    item = detail_of(bad_schema)
    assert item["loc"] == ["body", "properties"]
    assert "not a valid draft 2020-12 JSON Schema at type" in item["msg"]

    bad_condition = client.post(
        "/_workbench/flow/segments", json={**SEGMENT, "condition": "profile@traits.plan = 'pro'"}
    )
    item = detail_of(bad_condition)
    assert item["loc"] == ["body", "condition"]
    assert "a single '=' is not a comparison; write '==' (at character 21)" in item["msg"]

    bad_path = {**RULE, "operations": [{"op": "set", "target": "profile@traits..plan", "value": 1}]}
    item = detail_of(client.post("/_workbench/flow/rules", json=bad_path))
    assert item["loc"] == ["body", "operations", 0, "target"]
    assert "unexpected character '.'" in item["msg"]

    wrong_type = {
        **RULE,
        "operations": [
            RULE["operations"][0],
            {"op": "increment", "target": "profile@traits.visits", "value": "one"},
        ],
    }
    item = detail_of(client.post("/_workbench/flow/rules", json=wrong_type))
    assert item["loc"] == ["body", "operations", 1, "value"]
    assert item["msg"] == "operations[1].value: increment needs a number, got a string"

    assert client.get("/_workbench/flow/rules").json() == []
    assert client.get("/_workbench/flow/segments").json() == []


def test_bad_bodies_and_addresses(client: Client) -> None:
    not_json = client.post(
        "/_workbench/flow/rules", content=b"{oops", headers={"content-type": "application/json"}
    )
    assert "JSON decode error" in detail_of(not_json)["msg"]
    assert "at line 1 column 2" in detail_of(not_json)["msg"]
    assert "empty" in detail_of(client.post("/_workbench/flow/rules", content=b""))["msg"]
    assert (
        "must be a JSON object" in detail_of(client.post("/_workbench/flow/rules", json=[1]))["msg"]
    )
    unknown = client.get("/_workbench/flow/flows")
    assert unknown.status_code == 404
    assert "expected schemas, rules or segments" in unknown.text
    pack = client.post("/_workbench/flow/packs/nope")
    assert pack.status_code == 404
    assert "unknown pack 'nope'" in pack.json()["detail"]


def test_whole_flow_and_packs(client: Client) -> None:
    demo = client.post("/_workbench/flow/packs/demo").json()
    assert len(demo["schemas"]) == 8
    assert len(demo["rules"]) == 12
    assert len(demo["segments"]) == 11
    flow = {"schemas": [SCHEMA], "rules": [RULE], "segments": [SEGMENT]}
    replaced = client.put("/_workbench/flow", json=flow).json()
    assert replaced == {"version": 1, **flow}
    broken = client.put("/_workbench/flow", json={"rules": [RULE, RULE]})
    assert detail_of(broken)["loc"] == ["body", "rules", 1, "id"]
    assert client.get("/_workbench/flow").json()["rules"] == [RULE]  # unchanged
    predefined = client.post("/_workbench/flow/packs/predefined").json()
    assert all(rule["predefined"] for rule in predefined["rules"])


def test_condition_check(client: Client) -> None:
    ok = client.post("/_workbench/flow/check", json={"condition": "profile@stats.views > 2"})
    assert ok.json() == {"ok": True, "condition": "profile@stats.views > 2"}
    wrong_root = client.post("/_workbench/flow/check", json={"condition": "event@type == 'x'"})
    item = detail_of(wrong_root)
    assert item["position"] == 0
    assert "only profile@ paths" in item["msg"]
    as_rule = client.post(
        "/_workbench/flow/check", json={"condition": "event@type == 'x'", "for": "rule"}
    )
    assert as_rule.status_code == 200
    unclosed = detail_of(
        client.post("/_workbench/flow/check", json={"condition": "(profile@a exists"})
    )
    assert unclosed["pointer"].splitlines()[1] == " " * 17 + "^"
    assert detail_of(client.post("/_workbench/flow/check", json={"for": "x"}))["loc"] == [
        "body",
        "condition",
    ]


def test_evaluate_explains_segments_without_changing_anything(client: Client) -> None:
    client.post("/_workbench/flow/packs/demo")
    body = {"source": {"id": "source-id"}, "events": [{"type": "page-view"}]}
    profile_id = client.post("/track", json=body).json()["profile"]["id"]
    before = client.get(f"/profile/{profile_id}").json()
    answer = client.post(
        "/_workbench/flow/evaluate",
        json={"profile_id": profile_id, "condition": "profile@stats.views > 'many'"},
    ).json()
    by_id = {s["id"]: s for s in answer["segments"]}
    assert by_id["visitor"]["holds"] is True
    assert by_id["engaged"]["holds"] is False
    assert by_id["engaged"]["condition"].startswith("profile@stats.views >= 3")
    condition = answer["condition"]
    assert {k: condition[k] for k in ("condition", "holds", "errors")} == {
        "condition": "profile@stats.views > 'many'",
        "holds": False,
        "errors": ['profile@stats.views > "many": cannot compare a number with a string'],
    }
    assert "cannot be compared" in condition["failed"][0]["because"]
    assert client.get(f"/profile/{profile_id}").json() == before
    inline = client.post("/_workbench/flow/evaluate", json={"profile": {"stats": {"views": 9}}})
    assert {s["id"]: s["holds"] for s in inline.json()["segments"]}["engaged"] is True
    missing = client.post("/_workbench/flow/evaluate", json={"profile_id": "nope"})
    assert missing.status_code == 404
    assert detail_of(client.post("/_workbench/flow/evaluate", json={}))["loc"] == [
        "body",
        "profile_id",
    ]
    bad = client.post("/_workbench/flow/evaluate", json={"profile": {}, "condition": "x"})
    assert "unknown word 'x'" in detail_of(bad)["msg"]


def test_evaluate_says_which_part_failed_with_the_values(client: Client) -> None:
    client.post("/_workbench/flow/packs/demo")
    profile = {"id": "p", "stats": {"views": 2}, "traits": {"cart": ["Nike shoes"]}}
    answer = client.post(
        "/_workbench/flow/evaluate",
        json={
            "profile": profile,
            "event": {"type": "purchase-order", "properties": {"quantity": 1}},
        },
    ).json()
    engaged = next(s for s in answer["segments"] if s["id"] == "engaged")
    assert engaged["holds"] is False
    assert engaged["failed"][0] == {
        "part": "profile@stats.views >= 3",
        "because": "profile@stats.views is 2, and the condition needs it to be at least 3",
        "values": {"profile@stats.views": "2"},
    }
    assert engaged["why"]["kind"] == "or"
    assert len(engaged["why"]["children"]) == 3
    abandoner = next(s for s in answer["segments"] if s["id"] == "cart-abandoner")
    assert abandoner["holds"] is True
    assert abandoner["failed"] == []
    bulk = next(r for r in answer["rules"] if r["id"] == "demo-bulk-buyer")
    assert bulk["matches"] is False
    assert "is 1, and the condition needs it to be at least 3" in bulk["failed"][0]["because"]
    assert next(r for r in answer["rules"] if r["id"] == "predefined-purchase-order")["matches"]
    bad = client.post("/_workbench/flow/evaluate", json={"profile": profile, "event": []})
    assert bad.status_code == 422
    assert detail_of(bad)["loc"] == ["body", "event"]


def test_a_rule_that_did_not_match_says_why_in_the_trace(client: Client) -> None:
    client.post("/_workbench/flow/packs/demo")
    body = {
        "source": {"id": "source-id"},
        "session": {"id": "trace-1"},
        "events": [
            {"type": "purchase-order", "properties": {"product": "Nike shoes", "quantity": 2}}
        ],
        "options": {"debugger": True},
    }
    answer = client.post("/track", json=body).json()
    rules = answer["debugging"]["execution"]["events"][0]["rules"]
    bulk = next(r for r in rules if r["id"] == "demo-bulk-buyer")
    assert bulk["matched"] is False
    assert bulk["failed"] == [
        {
            "part": "event@properties.quantity >= 3",
            "because": "event@properties.quantity is 2, "
            "and the condition needs it to be at least 3",
            "values": {"event@properties.quantity": "2"},
        }
    ]
