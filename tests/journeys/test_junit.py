"""JUnit reports, read back with junitparser as CI tools read them."""

from __future__ import annotations

from pathlib import Path

from junitparser import Error, Failure, JUnitXml, Skipped

from tests.journeys.conftest import RunText
from workbench.journeys.junit import write_junit


def test_a_report_ci_tools_can_read(run_text: RunText, tmp_path: Path) -> None:
    good = run_text(
        """
name: good <journey> & "quotes"
steps:
  - name: visit
    send: {source: {id: source-id}, events: [{type: page-view}]}
    expect: {status: 200}
"""
    )
    bad = run_text(
        """
name: bad
steps:
  - name: wrong count
    send: {source: {id: source-id}, events: [{type: page-view}]}
    expect: {debug@events.saved: {ge: 10}, status: 201}
  - name: never reached
    send: {source: {id: source-id}}
""",
        bail=True,
    )
    path = tmp_path / "reports" / "journeys.xml"
    write_junit(path, [good, bad])
    xml = JUnitXml.fromfile(str(path))
    suites = list(xml)
    assert [s.name for s in suites] == ['good <journey> & "quotes"', "bad"]
    assert xml.tests == 3
    assert xml.failures == 1
    assert xml.errors == 0
    assert xml.skipped == 1
    cases = list(suites[1])
    assert [c.name for c in cases] == ["01 wrong count", "02 never reached"]
    assert all(c.classname == "bad" for c in cases)
    failure = cases[0].result[0]
    assert isinstance(failure, Failure)
    assert failure.message == "2 expectations failed"
    # 1 page-view; the documented format (Tracardi 0.7.3) adds no system events
    assert "debug@events.saved\n  expected: ≥ 10\n  actual:   1" in failure.text
    assert "status\n  expected: 201\n  actual:   200" in failure.text
    assert isinstance(cases[1].result[0], Skipped)  # --bail after the failure
    assert cases[0].system_out is not None
    assert "POST " in cases[0].system_out
    assert next(iter(suites[0])).is_passed


def test_a_rejected_request_is_an_error(run_text: RunText, tmp_path: Path) -> None:
    result = run_text("steps: [{name: rejected, send: {source: {id: nope}}}]")
    write_junit(tmp_path / "r.xml", [result])
    (case,) = list(next(iter(JUnitXml.fromfile(str(tmp_path / "r.xml")))))
    error = case.result[0]
    assert isinstance(error, Error)
    assert error.message.startswith("request failed: ")
