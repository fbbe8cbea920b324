"""The journeys shipped in resources/journeys/ run green against the embedded collector."""

from __future__ import annotations

from pathlib import Path

import pytest
from junitparser import JUnitXml

from workbench.__main__ import main
from workbench.client import embedded_target
from workbench.core.journey.model import load_journey
from workbench.journeys import JourneyRunner, fresh_collector

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "journeys"
FILES = sorted(EXAMPLES.glob("*.yaml"))


def test_the_examples_are_there() -> None:
    assert {p.name for p in FILES} >= {"tracardi-document.yaml", "demo-story.yaml"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_example_passes_with_the_demo_flow(path: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    junit = tmp_path / "junit.xml"
    code = main(["run", str(path), "--demo", "--junit", str(junit)])
    out = capsys.readouterr().out
    assert code == 0, out
    report = JUnitXml.fromfile(str(junit))
    journey = load_journey(path)
    assert report.tests == len(journey.steps) >= 5
    assert report.failures == 0
    assert report.errors == 0
    assert report.skipped == 0


def test_all_examples_in_one_command(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["run", *map(str, FILES), "--demo"]) == 0, capsys.readouterr().out


def test_the_document_journey_needs_no_flow(capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(["run", str(EXAMPLES / "tracardi-document.yaml")])
    assert code == 0, capsys.readouterr().out


def test_the_examples_need_no_options(capsys) -> None:  # type: ignore[no-untyped-def]
    """The demo story names its flow (``flow: demo``): one command runs them all."""
    assert main(["run", *map(str, FILES)]) == 0, capsys.readouterr().out


def test_the_demo_story_fails_without_the_demo_flow() -> None:
    """Its expectations are real: with no flow loaded no segment is entered."""
    journey = load_journey(EXAMPLES / "demo-story.yaml")
    assert journey.flow == "demo"
    with fresh_collector() as server:
        result = JourneyRunner(embedded_target(server.url), documents=server.store).run(journey)
    messages = [m for s in result.steps for m in s.messages()]
    assert not result.passed
    assert any(m.startswith("debug@segmentation.entered: expected") for m in messages)
