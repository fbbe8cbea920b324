"""Exchange: the one typed value between layers, and its only (versioned) serialisation."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.store.history_helpers import make_exchange_dict
from workbench.core.debug_view import DebugView
from workbench.core.exchange import (
    EXCHANGE_VERSION,
    Exchange,
    ExchangeTarget,
    SendError,
    SentRequest,
)


def _sent(route: str = "/track", body: Any = None, **headers: str) -> SentRequest:
    return SentRequest("POST", f"http://u:pw@x{route}", route, dict(headers), body, "")


def test_derived_facts_are_computed_when_built() -> None:
    body = {
        "source": {"id": "src"},
        "session": {"id": "sess"},
        "profile": {"id": "sent-profile"},
        "events": [{"type": "a"}, {"type": "b"}, {"no": "type"}, "junk"],
    }
    view = DebugView(format="documented", status=200, profile_id="answered-profile")
    exchange = Exchange(
        "e1", "2026-01-01T00:00:00Z", ExchangeTarget(), _sent(body=body), 200, view=view
    )
    assert exchange.event_types == ("a", "b")
    assert exchange.source_id == "src"
    assert exchange.profile_id == "answered-profile"  # the answer wins over what was sent
    assert exchange.session_id == "sess"
    assert exchange.verdict == "ok"
    assert exchange.verdict_text == view.verdict()


def test_collect_routes_name_their_event_type_and_source() -> None:
    exchange = Exchange("e", "", ExchangeTarget(), _sent("/collect/coupon/hook/s1?x=1", {}))
    assert exchange.event_types == ("coupon",)
    assert exchange.source_id == "hook"


@pytest.mark.parametrize(
    ("status", "error", "verdict"),
    [
        (200, None, "ok"),
        (422, SendError("validation", "bad field"), "rejected"),
        (None, SendError("timeout", "no answer", "start it"), "failed"),
        (200, SendError("not_json", "html"), "failed"),
    ],
)
def test_verdicts(status: int | None, error: SendError | None, verdict: str) -> None:
    exchange = Exchange("e", "", ExchangeTarget(), _sent(), status, error=error)
    assert exchange.verdict == verdict
    if error is not None:
        assert exchange.verdict_text == str(error)


def test_it_is_frozen() -> None:
    exchange = Exchange("e", "", ExchangeTarget(), _sent())
    with pytest.raises(dataclasses.FrozenInstanceError):
        exchange.status = 500  # type: ignore[misc]


def test_to_dict_is_versioned_masked_and_round_trips() -> None:
    exchange = Exchange(
        "e1",
        "2026-01-01T00:00:00Z",
        ExchangeTarget("T", "http://x", "remote"),
        _sent(body={"events": [{"type": "a"}]}, Authorization="Bearer s3cr3t"),
        200,
        headers={"set-cookie": "sid=secret-cookie"},
        json={"ok": True},
        size=11,
        timings={"total_ms": 3.5},
    )
    data = exchange.to_dict()
    assert data["version"] == EXCHANGE_VERSION
    text = json.dumps(data)
    assert "s3cr3t" not in text
    assert "secret-cookie" not in text
    assert ":pw@" not in text
    assert data["summary"]["event_types"] == ["a"]
    again = Exchange.from_dict(data)
    assert again.to_dict() == data
    assert again.event_types == exchange.event_types
    assert again.total_ms == 3.5


def test_unmasked_dict_keeps_secrets_for_the_store_to_find() -> None:
    exchange = Exchange("e", "", ExchangeTarget(), _sent(Authorization="Bearer s3cr3t"))
    assert exchange.to_dict(masked=False)["request"]["headers"]["Authorization"] == (
        "Bearer s3cr3t"
    )


def test_old_unversioned_dicts_are_read() -> None:
    old = make_exchange_dict(3, event_type="coupon-received")
    assert "version" not in old
    exchange = Exchange.from_dict(old)
    assert exchange.event_types == ("coupon-received", "page-view")
    assert exchange.target.name == "Embedded collector"
    assert exchange.status == 200
    assert exchange.request is not None
    assert exchange.request.route == "/track"
    assert exchange.to_dict()["version"] == EXCHANGE_VERSION


def test_unknown_keys_survive_a_round_trip() -> None:
    data = dict(make_exchange_dict(1), note="kept by a newer version", version=99)
    assert Exchange.from_dict(data).to_dict()["note"] == "kept by a newer version"


def test_a_stored_summary_fills_in_what_the_exchange_cannot_say() -> None:
    data = {"summary": {"event_types": ["imported"], "profile_id": "p1"}, "request": None}
    exchange = Exchange.from_dict(data)
    assert exchange.event_types == ("imported",)
    assert exchange.profile_id == "p1"


def test_odd_views_are_dropped_field_by_field() -> None:
    data = {"view": {"format": "documented", "events": ["not", "a", "dict"], "profile_id": 7}}
    exchange = Exchange.from_dict(data)
    assert exchange.view is not None
    assert exchange.view.events is None
    assert exchange.view.profile_id is None
    assert Exchange.from_dict({"view": {"no": "format"}}).view is None
    odd = {"format": "documented", "segmentation": {"entered": 5}, "errors": [1]}
    assert Exchange.from_dict({"view": odd, "response": {"status": 200}}).verdict_text


def test_a_non_mapping_is_refused() -> None:
    with pytest.raises(TypeError, match="must be a JSON object"):
        Exchange.from_dict([1, 2])  # type: ignore[arg-type]


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
_keys = st.sampled_from(
    [
        "id",
        "started_at",
        "target",
        "request",
        "response",
        "timings",
        "view",
        "error",
        "summary",
        "origin",
        "version",
        "other",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_keys, _json, max_size=8))
def test_any_json_object_reads_and_writes_back(data: dict[str, Any]) -> None:
    exchange = Exchange.from_dict(data)
    written = exchange.to_dict()
    json.dumps(written)
    assert Exchange.from_dict(written).to_dict() == written
