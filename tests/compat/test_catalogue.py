"""The catalogue, the replays and docs/compatibility.md stay in step."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import tests.compat as package
from tests.compat.catalogue import COVERED, NOT_APPLICABLE, UPSTREAM, counts, upstream_files

ROOT = Path(__file__).resolve().parents[2]


def _import_replays() -> None:
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("test_"):
            importlib.import_module(f"tests.compat.{module.name}")


def test_every_upstream_case_is_replayed_or_explained() -> None:
    _import_replays()
    listed = set(UPSTREAM)
    assert len(listed) == len(UPSTREAM), "a case is listed twice"
    assert not (set(COVERED) - listed), f"replays of unlisted cases: {set(COVERED) - listed}"
    assert not (set(NOT_APPLICABLE) - listed), set(NOT_APPLICABLE) - listed
    both = set(COVERED) & set(NOT_APPLICABLE)
    assert not both, f"replayed and also called not applicable: {both}"
    left = [case for case in UPSTREAM if case not in COVERED and case not in NOT_APPLICABLE]
    assert not left, f"cases neither replayed nor explained: {left}"


def test_reasons_say_what_is_missing() -> None:
    for case, reason in NOT_APPLICABLE.items():
        assert len(reason) > 30, case
        assert reason[0].islower(), case


def test_the_compatibility_document_names_every_upstream_file_and_the_counts() -> None:
    text = " ".join((ROOT / "docs" / "compatibility.md").read_text(encoding="utf-8").split())
    for name in upstream_files():
        _repo_tag, path = name.split(":", 1)
        assert path in text, f"docs/compatibility.md does not name {path}"
    total = counts()["total"]
    said = (
        f"{total['cases']} upstream cases, {total['replayed']} replayed, "
        f"{total['not_applicable']} not applicable, {total['neither']} neither"
    )
    assert said in text, f"docs/compatibility.md has stale counts; today: {said}"


def test_the_script_prints_the_counts_the_suite_has() -> None:
    # Run as a script the module is __main__, a second copy of the registry: the
    # counts must still be those of the replays.
    done = subprocess.run(
        [sys.executable, "-m", "tests.compat.catalogue"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    total = counts()["total"]
    assert done.returncode == 0, done.stdout + done.stderr
    first = done.stdout.splitlines()[0]
    assert first == (
        f"upstream cases: {total['cases']}: {total['replayed']} replayed, "
        f"{total['not_applicable']} not applicable, {total['neither']} neither"
    )
    assert total["replayed"] > 0
    assert total["neither"] == 0
