"""JUnit XML for journey results: a testsuite per journey, a testcase per step.

Written with the standard library's ElementTree: the format is a handful of
elements, ElementTree escapes text and attributes correctly, and it adds no
dependency (the tests read the files back with junitparser, a common JUnit
reader, to prove CI tools understand them). Expectations that did not hold are
``<failure>``; a step that could not be checked (the request failed, a wait
timed out) is an ``<error>``; steps skipped after ``--bail`` are ``<skipped>``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from workbench.journeys.runner import JourneyResult, StepResult
from workbench.store.atomic import atomic_write_bytes

__all__ = ["junit_xml", "write_junit"]


def _seconds(ms: float) -> str:
    return f"{ms / 1000.0:.3f}"


def _case(suite: ET.Element, journey: str, result: StepResult) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        name=f"{result.index + 1:02d} {result.step.name}",
        classname=journey,
        time=_seconds(result.duration_ms),
    )
    if result.skipped:
        ET.SubElement(case, "skipped", message="skipped after an earlier failure (--bail)")
        return
    if result.failures:
        lines = [str(f) for f in result.failures]
        failure = ET.SubElement(
            case,
            "failure",
            message=lines[0] if len(lines) == 1 else f"{len(lines)} expectations failed",
            type="expectation",
        )
        failure.text = "\n".join(
            f"{f.path}\n  expected: {f.expected}\n  actual:   {f.actual}" for f in result.failures
        )
    if result.problems:
        error = ET.SubElement(case, "error", message=result.problems[0], type="step")
        error.text = "\n".join(result.problems)
    out: list[str] = []
    exchange = result.exchange
    if exchange is not None:
        if exchange.request is not None:
            out.append(f"{exchange.request.method} {exchange.request.url}")
        status = exchange.status if exchange.status is not None else "no answer"
        verdict = exchange.view.verdict() if exchange.view is not None else ""
        out.append(f"→ {status} {verdict}".rstrip())
    out.extend(result.notes)
    if out:
        ET.SubElement(case, "system-out").text = "\n".join(out)


def junit_xml(results: Sequence[JourneyResult]) -> bytes:
    """The JUnit XML document for *results* (UTF-8 bytes with an XML declaration)."""
    root = ET.Element("testsuites", name="workbench journeys")
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total_ms = 0.0
    for result in results:
        counts = {
            "tests": len(result.steps),
            "failures": sum(1 for s in result.steps if s.failures),
            "errors": sum(1 for s in result.steps if s.problems and not s.failures),
            "skipped": sum(1 for s in result.steps if s.skipped),
        }
        for key, value in counts.items():
            totals[key] += value
        total_ms += result.duration_ms
        suite = ET.SubElement(
            root,
            "testsuite",
            name=result.journey.name,
            tests=str(counts["tests"]),
            failures=str(counts["failures"]),
            errors=str(counts["errors"]),
            skipped=str(counts["skipped"]),
            time=_seconds(result.duration_ms),
            timestamp=stamp,
        )
        if result.journey.source:
            props = ET.SubElement(suite, "properties")
            ET.SubElement(props, "property", name="file", value=result.journey.source)
        for step in result.steps:
            _case(suite, result.journey.name, step)
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", _seconds(total_ms))
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def write_junit(path: Path, results: Sequence[JourneyResult]) -> None:
    """Write the report atomically (a CI reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, junit_xml(results))
