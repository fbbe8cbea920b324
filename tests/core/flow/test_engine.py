"""The engine: validation (soft and strict), mapping traces, segments, diff, failures."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import load_data
from workbench.core.flow import FlowConfig, demo_config, run_flow
from workbench.core.flow.paths import MISSING
from workbench.core.flow.predefined import predefined_rule_dicts

SCHEMA = load_data("purchase-order-schema.json")


def new_profile() -> dict[str, Any]:
    return {"id": "p1", "segments": [], "stats": {"views": 0, "visits": 1, "counters": {}}}


def event(event_type: str, properties: dict[str, Any] | None = None, eid: str = "e") -> dict:
    return {"id": eid, "type": event_type, "properties": properties or {}, "metadata": {}}


def config(**parts: Any) -> FlowConfig:
    return FlowConfig.from_dict(parts)


def test_empty_config_reports_nothing_and_keeps_profile() -> None:
    profile = new_profile()
    result = run_flow(FlowConfig(), profile, None, [event("page-view")])
    assert result.execution == {}
    assert result.segmentation == {"errors": [], "ids": []}
    assert result.events == [
        {
            "id": "e",
            "type": "page-view",
            "index": 0,
            "valid": True,
            "validated": False,
            "errors": [],
        }
    ]
    assert profile == new_profile()


def test_invalid_event_is_marked_logged_and_skipped() -> None:
    cfg = config(schemas=[SCHEMA], rules=predefined_rule_dicts())
    profile = new_profile()
    bad = event("purchase-order", {"product": 3}, "bad")
    good = event("page-view", eid="good")
    result = run_flow(cfg, profile, None, [bad, good])
    assert bad["metadata"]["valid"] is False
    assert good["metadata"]["valid"] is True
    report = result.events[0]
    assert report["valid"] is False
    assert [e["location"] for e in report["errors"]] == [
        "properties.product",
        "properties.quantity",
    ]
    messages = [log["message"] for log in result.logs if log["origin"] == "validation"]
    assert messages == [
        "event 'purchase-order' (events[0]) is invalid: properties.product: expected a string, "
        "got a number [rule: type]",
        "event 'purchase-order' (events[0]) is invalid: properties.quantity: required field is "
        "missing [rule: required]",
    ]
    trace = result.execution["events"][0]
    assert trace["skipped"].startswith("the event is invalid")
    assert trace["rules"] == []
    assert profile["stats"]["views"] == 1  # the valid page view still counted
    assert "purchases" not in profile["stats"]["counters"]
    assert result.rejected is None


def test_strict_mode_rejects_before_any_change() -> None:
    cfg = config(schemas=[SCHEMA], rules=predefined_rule_dicts())
    profile = new_profile()
    result = run_flow(
        cfg,
        profile,
        None,
        [event("page-view"), event("purchase-order", {"quantity": "1"})],
        strict=True,
    )
    assert result.rejected == (
        "Validation failed with error: events[1] (purchase-order): properties.product: required "
        "field is missing; properties.quantity: expected an integer, got a string"
    )
    assert profile == new_profile()


def test_mapping_trace_records_matches_misses_and_changes() -> None:
    rules = [
        {
            "id": "big",
            "event_type": "purchase-order",
            "condition": "event@properties.quantity >= 3",
            "operations": [{"op": "set", "target": "profile@traits.bulk", "value": True}],
        },
        {
            "id": "off",
            "event_type": "purchase-order",
            "enabled": False,
            "operations": [{"op": "delete", "target": "profile@traits.x"}],
        },
        {
            "id": "any",
            "event_type": "*",
            "operations": [{"op": "increment", "target": "profile@stats.counters.events"}],
        },
        {
            "id": "other",
            "event_type": "sign-up",
            "operations": [{"op": "delete", "target": "profile@traits.x"}],
        },
    ]
    profile = new_profile()
    result = run_flow(
        config(rules=rules), profile, None, [event("purchase-order", {"quantity": 1})]
    )
    entries = result.execution["events"][0]["rules"]
    assert [(e["id"], e["matched"]) for e in entries] == [
        ("big", False),
        ("off", False),
        ("any", True),
    ]
    assert entries[0]["reason"] == "condition is false: event@properties.quantity >= 3"
    assert entries[1]["reason"] == "the rule is disabled"
    assert entries[2]["changes"] == [
        {"path": "profile@stats.counters.events", "operation": "increment", "after": 1}
    ]
    assert all(e["duration_ms"] >= 0 for e in entries)
    assert result.execution["rules_matched"] == 1


def test_failing_operation_is_logged_and_the_rest_completes() -> None:
    rules = [
        {
            "id": "broken",
            "event_type": "page-view",
            "operations": [
                {"op": "increment", "target": "profile@traits.score"},
                {"op": "set", "target": "profile@traits.seen", "value": True},
            ],
        },
        {
            "id": "later",
            "event_type": "page-view",
            "operations": [{"op": "increment", "target": "profile@stats.views"}],
        },
    ]
    profile = {**new_profile(), "traits": {"score": "high"}}
    result = run_flow(config(rules=rules), profile, None, [event("page-view")])
    entry = result.execution["events"][0]["rules"][0]
    assert entry["failures"] == [
        {
            "operation": "profile@traits.score += 1",
            "error": "cannot increment profile@traits.score: it holds a string, not a number",
        }
    ]
    assert profile["traits"] == {"score": "high", "seen": True}
    assert profile["stats"]["views"] == 1
    errors = [log for log in result.logs if log["type"] == "error"]
    assert len(errors) == 1
    assert "failed" in errors[0]["message"]


def test_segments_enter_and_leave_across_requests() -> None:
    cfg = config(
        rules=[
            {
                "id": "add",
                "event_type": "add-to-cart",
                "operations": [{"op": "append", "target": "profile@traits.cart", "value": "x"}],
            },
            {
                "id": "buy",
                "event_type": "purchase-order",
                "operations": [
                    {"op": "delete", "target": "profile@traits.cart"},
                    {"op": "increment", "target": "profile@stats.counters.purchases"},
                ],
            },
        ],
        segments=[
            {"id": "cart", "condition": "profile@traits.cart exists"},
            {"id": "customer", "condition": "profile@stats.counters.purchases >= 1"},
            {"id": "off", "condition": "profile@id exists", "enabled": False},
        ],
    )
    profile = {**new_profile(), "segments": ["legacy", "off"]}
    first = run_flow(cfg, profile, None, [event("add-to-cart")])
    assert first.segmentation == {
        "errors": [],
        "ids": ["legacy", "off", "cart"],
        "entered": ["cart"],
        "left": [],
    }
    second = run_flow(cfg, profile, None, [event("purchase-order")])
    assert second.segmentation["entered"] == ["customer"]
    assert second.segmentation["left"] == ["cart"]
    assert profile["segments"] == ["legacy", "off", "customer"]
    third = run_flow(cfg, profile, None, [event("page-view")])
    assert third.segmentation["entered"] == []
    assert third.segmentation["left"] == []
    assert third.profile_diff == {"added": [], "changed": [], "removed": []}


def test_a_profile_that_stays_in_its_segments_is_not_rewritten() -> None:
    cfg = config(
        segments=[
            {"id": "visitor", "condition": "profile@id exists"},
            {"id": "viewer", "condition": "profile@stats.views >= 1"},
            {"id": "never", "condition": "profile@traits.nothing exists"},
        ],
    )
    for trace in (True, False):
        kept = ["visitor", "viewer"]
        profile = {**new_profile(), "stats": {"views": 2}, "segments": kept}
        result = run_flow(cfg, profile, None, [], trace=trace)
        assert profile["segments"] is kept  # not replaced by an equal list
        assert result.segmentation == {
            "errors": [],
            "ids": ["visitor", "viewer"],
            "entered": [],
            "left": [],
        }
        assert result.segmentation["ids"] is not kept  # the answer's own list
        assert result.profile_diff == {"added": [], "changed": [], "removed": []}
        # The same segments in another order, or with a segment that is not managed
        # here, are not "the same": the profile is rewritten in the engine's order.
        for before, after in (
            (["viewer", "visitor"], ["visitor", "viewer"]),
            (["legacy", "visitor", "viewer"], ["legacy", "visitor", "viewer"]),
            (["visitor", "viewer", "never"], ["visitor", "viewer"]),
        ):
            profile = {**new_profile(), "stats": {"views": 2}, "segments": before}
            result = run_flow(cfg, profile, None, [], trace=trace)
            assert profile["segments"] == after
            assert result.segmentation["ids"] == after


def test_segment_evaluation_errors_are_reported() -> None:
    cfg = config(segments=[{"id": "odd", "condition": "profile@traits.plan > 3"}])
    profile = {**new_profile(), "traits": {"plan": "pro"}}
    result = run_flow(cfg, profile, None, [])
    assert result.segmentation["errors"] == [
        "segment 'odd': profile@traits.plan > 3: cannot compare a string with a number"
    ]


def test_profile_diff_covers_added_changed_removed() -> None:
    rules = [
        {
            "id": "r",
            "event_type": "x",
            "operations": [
                {"op": "set", "target": "profile@traits.new", "value": 1},
                {"op": "set", "target": "profile@traits.new", "value": 2},
                {"op": "increment", "target": "profile@stats.views"},
                {"op": "delete", "target": "profile@traits.old"},
                {"op": "set", "target": "profile@traits.same", "value": "a"},
                {"op": "set", "target": "profile@traits.same", "value": "b"},
                {"op": "set", "target": "profile@traits.same", "value": "a"},
            ],
        }
    ]
    profile = {**new_profile(), "traits": {"old": "gone", "same": "a"}}
    diff = run_flow(config(rules=rules), profile, None, [event("x")]).profile_diff
    assert diff == {
        "added": [{"path": "profile@traits.new", "value": 2}],
        "changed": [{"path": "profile@stats.views", "before": 0, "after": 1}],
        "removed": [{"path": "profile@traits.old", "value": "gone"}],
    }


def test_profile_less_request_skips_mapping_and_segments() -> None:
    cfg = demo_config()
    result = run_flow(cfg, None, {"id": "s"}, [event("page-view")])
    assert result.execution["events"][0]["skipped"].startswith("profile-less")
    assert result.segmentation["skipped"].startswith("profile-less")


def test_rule_condition_sees_event_session_and_profile() -> None:
    rules = [
        {
            "id": "r",
            "event_type": "page-view",
            "condition": "session@context.device == 'iPhone X' and profile@stats.visits == 1",
            "operations": [
                {"op": "set", "target": "profile@traits.device", "from": "session@context.device"}
            ],
        }
    ]
    profile = new_profile()
    run_flow(
        config(rules=rules), profile, {"context": {"device": "iPhone X"}}, [event("page-view")]
    )
    assert profile["traits"]["device"] == "iPhone X"


def test_demo_story_visitor_to_customer() -> None:
    cfg = demo_config()
    profile = {**new_profile(), "metadata": {"time": {"visit": {"count": 1}}}}
    session = {"id": "s", "context": {"device": "iPhone X"}}
    steps = [
        ([event("page-view")], {"visitor", "mobile"}),
        ([event("page-view"), event("page-view")], {"engaged"}),
        ([event("add-to-cart", {"product": "Nike shoes"})], {"cart-abandoner"}),
        ([event("sign-up", {"email": "ann@example.com", "firstname": "Ann"})], {"identified"}),
        (
            [event("purchase-order", {"product": "Nike shoes", "quantity": 1, "value": 600})],
            {"customer", "shoe-lover", "high-value"},
        ),
    ]
    for events, entered in steps:
        result = run_flow(cfg, profile, session, copy.deepcopy(events))
        assert set(result.segmentation["entered"]) == entered, result.segmentation
    assert "cart-abandoner" not in profile["segments"]
    assert profile["data"]["contact"]["email"]["main"] == "ann@example.com"
    assert profile["data"]["metrics"]["ltv"] == 600
    assert MISSING is not None


def test_a_shallow_copy_of_the_stored_profile_is_enough() -> None:
    stored = {
        **new_profile(),
        "traits": {"cart": ["a"], "nested": {"deep": {"x": 1}}},
        "data": {"preferences": {"purchases": ["old"]}},
    }
    snapshot = copy.deepcopy(stored)
    rules = [
        {
            "id": "r",
            "event_type": "x",
            "operations": [
                {"op": "delete", "target": "profile@traits.cart"},
                {"op": "set", "target": "profile@traits.nested.deep.x", "value": 2},
                {"op": "append", "target": "profile@data.preferences.purchases", "value": "new"},
                {"op": "increment", "target": "profile@stats.views"},
                {"op": "set", "target": "profile@data.metrics.ltv", "value": 5},
            ],
        }
    ]
    cfg = config(rules=rules, segments=[{"id": "s", "condition": "profile@stats.views > 0"}])
    working = dict(stored)
    run_flow(cfg, working, None, [event("x")])
    assert stored == snapshot
    assert working["traits"] == {"nested": {"deep": {"x": 2}}}
    assert working["data"]["preferences"]["purchases"] == ["old", "new"]
    assert working["stats"]["views"] == 1
    assert working["segments"] == ["s"]


def test_without_trace_the_effects_and_failures_are_the_same() -> None:
    rules = [
        {
            "id": "views",
            "event_type": "page-view",
            "operations": [{"op": "increment", "target": "profile@stats.views"}],
        },
        {
            "id": "broken",
            "event_type": "page-view",
            "operations": [{"op": "append", "target": "profile@traits.plan", "value": 1}],
        },
    ]
    cfg = config(rules=rules, segments=[{"id": "seen", "condition": "profile@stats.views >= 1"}])
    traced = {**new_profile(), "traits": {"plan": "pro"}}
    quiet = copy.deepcopy(traced)
    full = run_flow(cfg, traced, None, [event("page-view")])
    cheap = run_flow(cfg, quiet, None, [event("page-view")], trace=False)
    assert traced == quiet
    assert cheap.execution == {}
    assert cheap.profile_diff == {
        "added": [],
        "changed": [],
        "removed": [],
    }
    assert cheap.segmentation == {"errors": [], "ids": ["seen"], "entered": ["seen"], "left": []}
    assert [log["message"] for log in cheap.logs] == [
        log["message"] for log in full.logs if log["type"] != "info"
    ]
    assert "cannot append to profile@traits.plan" in cheap.logs[0]["message"]
    assert "cannot append to profile@traits.plan" in cheap.logs[0]["message"]


_json = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5)
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
_DEMO = demo_config()
_fields = st.sampled_from(["product", "quantity", "value", "email", "query", "url", "page"])
_props = st.dictionaries(_fields, _json, max_size=4)
_events = st.lists(
    st.builds(
        lambda t, p, c: {"id": "e", "type": t, "properties": p, "context": c, "metadata": {}},
        st.sampled_from(["purchase-order", "page-view", "sign-up", "add-to-cart", "search", "x"]),
        st.one_of(_props, _json),
        st.one_of(st.dictionaries(st.sampled_from(["page", "device"]), _json, max_size=2), _json),
    ),
    max_size=4,
)


@settings(max_examples=150, deadline=None)
@given(_events, st.dictionaries(st.sampled_from(["traits", "stats", "data", "segments"]), _json))
def test_client_data_never_breaks_the_demo_flow(events: list[dict], extra: dict) -> None:
    profile = {**new_profile(), **extra, "id": "p1"}
    flow = _DEMO
    for strict in (False, True):
        for trace in (True, False):
            result = run_flow(
                flow,
                copy.deepcopy(profile),
                {"context": {"device": "x"}},
                copy.deepcopy(events),
                strict=strict,
                trace=trace,
            )
            assert len(result.events) == len(events)
            json.dumps(result.to_dict())  # no sentinel or non-JSON value leaks out


_stored_parts = st.fixed_dictionaries(
    {},
    optional={
        "traits": _json,
        "stats": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={"views": _json, "counters": st.dictionaries(st.text(max_size=12), _json)},
            ),
            _json,
        ),
        "data": _json,
        "segments": st.one_of(st.lists(st.sampled_from(["visitor", "customer", "x"])), _json),
    },
)


@settings(max_examples=200, deadline=None)
@given(_events, _stored_parts, st.one_of(st.none(), _json))
def test_the_quiet_path_has_the_traced_paths_effects(
    events: list[dict], parts: dict, session_context: Any
) -> None:
    """Without the debugger the compiled quiet path runs; with it the traced one. Same effects."""
    stored = {**new_profile(), **parts, "id": "p1"}
    snapshot = copy.deepcopy(stored)
    session = {"context": {"device": session_context}} if session_context is not None else None
    outcomes = []
    for trace in (True, False):
        profile = dict(stored)
        sent = copy.deepcopy(events)
        result = run_flow(_DEMO, profile, session, sent, trace=trace)
        outcomes.append((profile, sent, result))
    (traced_profile, traced_events, traced), (quiet_profile, quiet_events, quiet) = outcomes
    assert quiet_profile == traced_profile
    assert quiet_events == traced_events
    assert quiet.events == traced.events
    assert quiet.segmentation == traced.segmentation
    assert [log["message"] for log in quiet.logs] == [
        log["message"] for log in traced.logs if log["type"] != "info"
    ]
    assert stored == snapshot  # copy-on-write: the stored profile is never changed
