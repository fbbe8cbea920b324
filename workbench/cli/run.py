"""``workbench run FILE...``: run journeys and say, step by step, what held and what did not.

Exit codes: 0 when every step of every journey passed; 1 when an expectation
failed or a request failed; 2 for an invalid journey file or bad usage (every
problem printed with its field path and line, nothing sent). Without
``--target``/``--to`` (and without a ``target:`` in the file) each journey runs
against a fresh in-memory embedded collector, so CI needs nothing else.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from workbench.cli.send import UsageError, _pairs
from workbench.client import embedded_target, target_from_url
from workbench.core.journey.model import Journey, JourneyError, load_journey
from workbench.journeys.embedded import FlowFileError, fresh_collector
from workbench.journeys.junit import write_junit
from workbench.journeys.runner import JourneyResult, JourneyRunner, StepResult
from workbench.settings import SettingsFile, TargetSettings, app_paths

__all__ = ["print_step", "register", "run"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "run",
        help="run journeys (multi-step scenarios with expectations); exit 1 on any failure",
        description=(
            "Run journey files (YAML or JSON): each step is sent, then its expectations are "
            "checked. Without --target/--to each journey gets a fresh in-memory embedded "
            "collector. Exit 0 when every step passed, 1 when an expectation or a request "
            "failed, 2 for an invalid journey file or bad usage."
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="journey files")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--to", metavar="BASE_URL", help="run against this base URL")
    where.add_argument("--target", metavar="NAME", help="run against a target saved in settings")
    parser.add_argument("--junit", metavar="PATH", help="write a JUnit XML report to PATH")
    parser.add_argument(
        "--var", action="append", default=[], metavar="NAME=VALUE", help="a {{NAME}} variable"
    )
    parser.add_argument(
        "--bail", action="store_true", help="stop a journey at its first failed step"
    )
    flow = parser.add_mutually_exclusive_group()
    flow.add_argument(
        "--demo",
        action="store_true",
        help="load the demo event flow into the embedded collector (over a journey's flow:)",
    )
    flow.add_argument(
        "--flow",
        metavar="FILE",
        help="load this event flow (JSON) into it (over a journey's flow:)",
    )
    parser.add_argument(
        "--update-snapshots",
        action="store_true",
        help="rewrite expect_snapshot files with the new answers instead of comparing",
    )
    parser.add_argument("--quiet", action="store_true", help="print only failures and the summary")
    parser.set_defaults(func=run)


def _saved_target(name: str, args: argparse.Namespace) -> TargetSettings:
    settings_file = SettingsFile(app_paths(getattr(args, "basedir", None)).settings_file)
    settings = settings_file.load()
    found = settings.target(name)
    if found is None:
        names = ", ".join(repr(t.name) for t in settings.targets) or "none saved"
        raise UsageError(f"no target named {name!r} in {settings_file.path} (known: {names})")
    return found


def _looks_like_url(text: str) -> bool:
    return "://" in text or text.startswith(("localhost:", "127.0.0.1:"))


def _target_for(journey: Journey, args: argparse.Namespace) -> TargetSettings | None:
    """The target to run *journey* against; ``None``: a fresh embedded collector."""
    if args.to:
        try:
            return target_from_url(args.to)
        except ValueError as exc:
            raise UsageError(f"--to: {exc}") from exc
    if args.target:
        return _saved_target(args.target, args)
    named = journey.target
    if named is None or named == "embedded":
        return None
    if _looks_like_url(named):
        try:
            return target_from_url(named)
        except ValueError as exc:
            raise UsageError(f"{journey.source}: target: {exc}") from exc
    return _saved_target(named, args)


def _load_all(files: Sequence[str], err: TextIO) -> list[Journey] | None:
    journeys: list[Journey] = []
    ok = True
    for name in files:
        path = Path(name)
        try:
            journeys.append(load_journey(path))
        except OSError as exc:
            print(f"workbench run: cannot read {path}: {exc.strerror or exc}", file=err)
            ok = False
        except JourneyError as exc:
            print(f"workbench run: {path} is not a valid journey:", file=err)
            for issue in exc.issues:
                print(f"  {issue}", file=err)
            ok = False
    return journeys if ok else None


def print_step(result: StepResult, out: TextIO, *, quiet: bool = False) -> None:
    """One line for the step, then one line per failed expectation or problem."""
    if quiet and (result.passed or result.skipped):
        return
    word = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}[result.status_word]
    timing = "" if result.skipped else f"  ({result.duration_ms:.0f} ms)"
    print(f"  {word}  {result.index + 1}. {result.step.name}{timing}", file=out)
    for problem in result.problems:
        print(f"        {problem}", file=out)
    for failure in result.failures:
        print(f"        {failure.path}: expected {failure.expected}", file=out)
        print(f"        {' ' * len(failure.path)}  actual   {failure.actual}", file=out)
    if not quiet:
        for note in result.notes:
            print(f"        note: {note}", file=out)


def _journey_line(result: JourneyResult) -> str:
    counts = result.counts
    verdict = "passed" if result.passed else "cancelled" if result.cancelled else "failed"
    parts = [f"{counts['passed']} passed", f"{counts['failed']} failed"]
    if counts["skipped"]:
        parts.append(f"{counts['skipped']} skipped")
    return f"{verdict}: {result.journey.name}: {', '.join(parts)} ({result.duration_ms:.0f} ms)"


def _run_one(
    journey: Journey, args: argparse.Namespace, variables: dict[str, str], out: TextIO
) -> JourneyResult:
    target = _target_for(journey, args)
    where = journey.source or journey.name

    def report(result: StepResult) -> None:
        print_step(result, out, quiet=args.quiet)
        out.flush()

    if target is not None:
        if args.demo or args.flow:
            raise UsageError("--demo and --flow load a flow into the embedded collector only")
        print(f"journey {journey.name} ({where}) → {target.base_url}", file=out)
        runner = JourneyRunner(target, variables=variables, update_snapshots=args.update_snapshots)
        return runner.run(journey, on_step=report, bail=args.bail)
    flow = "demo" if args.demo else args.flow or journey.flow_source()
    with fresh_collector(flow=flow) as server:
        print(f"journey {journey.name} ({where}) → fresh embedded collector {server.url}", file=out)
        runner = JourneyRunner(
            embedded_target(server.url),
            documents=server.store,
            variables=variables,
            update_snapshots=args.update_snapshots,
        )
        return runner.run(journey, on_step=report, bail=args.bail)


def run(args: argparse.Namespace) -> int:
    out, err = sys.stdout, sys.stderr
    try:
        variables = _pairs(args.var, "=", "--var")
    except UsageError as exc:
        print(f"workbench run: {exc}", file=err)
        return EXIT_USAGE
    journeys = _load_all(args.files, err)
    if journeys is None:
        return EXIT_USAGE
    results: list[JourneyResult] = []
    code = EXIT_OK
    try:
        for journey in journeys:
            result = _run_one(journey, args, variables, out)
            results.append(result)
            print(_journey_line(result), file=out, flush=True)
    except (UsageError, FlowFileError) as exc:
        print(f"workbench run: {exc}", file=err)
        code = EXIT_USAGE
    except KeyboardInterrupt:
        print("workbench run: interrupted", file=err)
        code = EXIT_FAILED
    if results:
        print(_summary(results), file=out)
    if args.junit and results:
        try:
            write_junit(Path(args.junit), results)
            print(f"JUnit report: {args.junit}", file=out)
        except OSError as exc:
            print(f"workbench run: cannot write {args.junit}: {exc}", file=err)
            code = code or EXIT_FAILED
    if code == EXIT_OK and not all(r.passed for r in results):
        code = EXIT_FAILED
    return code


def _summary(results: Sequence[JourneyResult]) -> str:
    steps = [s for r in results for s in r.steps]
    passed = sum(1 for s in steps if s.passed)
    failed = sum(1 for s in steps if not s.passed and not s.skipped)
    skipped = sum(1 for s in steps if s.skipped)
    seconds = sum(r.duration_ms for r in results) / 1000.0
    word = "PASSED" if all(r.passed for r in results) else "FAILED"
    plural = "s" if len(results) != 1 else ""
    return (
        f"{word}: {len(results)} journey{plural}, {len(steps)} step"
        f"{'s' if len(steps) != 1 else ''}: {passed} passed, "
        f"{failed} failed, {skipped} skipped in {seconds:.2f} s"
    )
