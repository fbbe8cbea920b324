"""``workbench send``'s pretty output tells execution, segmentation and logs as lines."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_workbench
from workbench.collector import CollectorConfig, CollectorServer
from workbench.collector.flow_routes import flow_store_of
from workbench.core.answer_lines import section_lines, summary_line

PAYLOAD = {
    "source": {"id": "source-id"},
    "events": [
        {"type": "purchase-order", "properties": {"coupon": "X"}},
        {"type": "page-view", "properties": {"url": "/home"}},
    ],
    "options": {"debugger": True},
}


@pytest.fixture(scope="module")
def collector() -> Iterator[CollectorServer]:
    server = CollectorServer(CollectorConfig(port=0, data_dir=None))
    server.start()
    flow_store_of(server.app).load_pack("demo")
    try:
        yield server
    finally:
        server.stop()


def test_pretty_send_tells_sections_as_lines(collector, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps(PAYLOAD), encoding="utf-8")
    env = {**os.environ, "WORKBENCH_HOME": str(tmp_path / "home")}
    done = run_workbench("send", str(payload), "--to", collector.url, "--no-history", env=env)
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    execution = next(i for i, line in enumerate(out) if line.startswith("  execution  "))
    told = "\n".join(out[execution : execution + 12])
    assert "purchase-order · invalid — the event is invalid" in told
    assert "page-view · valid · 1 of 3 rules matched" in told
    assert "matched: Page view counts a view — increment profile@stats.views: 0 → 1" in told
    assert "not matched: Pricing page visits — condition is false:" in told
    assert "  segmentation entered: visitor" in out
    logs = next(line for line in out if line.startswith("  logs       "))
    assert logs.startswith("  logs       info · no profile id sent: new profile")
    warnings = [line for line in out if "warning · event 'purchase-order'" in line]
    assert len(warnings) == 4  # in logs and in warnings
    assert all("required field is missing" in w for w in warnings)
    assert not any('{"class_name"' in line for line in out)  # no raw JSON records


def test_summary_lines_for_records_rules_events_and_changes() -> None:
    assert summary_line({"type": "error", "message": "boom", "module": "m"}) == "error · boom"
    assert summary_line({"loc": ["body", "source"], "msg": "field required"}) == (
        "body.source: field required"
    )
    assert summary_line({"name": "r", "matched": False, "reason": "no"}) == "not matched: r — no"
    assert summary_line({"path": "profile@a", "before": 1, "after": 2}) == "profile@a: 1 → 2"
    assert summary_line({"type": "x", "valid": True, "rules": []}) == "x · valid"
    assert summary_line({"type": "x"}) is None
    assert summary_line([1]) is None
    assert section_lines("logs", []) == ["none"]
    assert section_lines("execution", {}) == ["nothing ran"]
    assert section_lines("logs", [{"message": "m" * 500}])[0].endswith("…")
