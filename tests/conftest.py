"""Fixtures shared by every test.

Every path the app writes is moved to ``tmp_path`` by the autouse fixture
``workbench_home`` (via ``WORKBENCH_HOME``), so no test touches the user's real
data folders.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from workbench.resources import resource_path
from workbench.settings.paths import ENV_HOME

# Qt must never need a display in tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def workbench_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("workbench-home")
    monkeypatch.setenv(ENV_HOME, str(home))
    return home


def example_names() -> list[str]:
    return sorted(p.name for p in resource_path("examples").glob("*.json"))


def load_example(name: str) -> Any:
    return json.loads(resource_path("examples", name).read_text(encoding="utf-8"))


def load_data(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def run_workbench(
    *args: str,
    input: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m workbench ARGS`` from the repository root as a user would.

    Output is captured as text and a non-zero exit is returned, not raised, so the
    test can assert on the code and the messages.
    """
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        input=input,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def free_port() -> Iterator[int]:
    """A TCP port on 127.0.0.1 that was free a moment ago (prefer port 0 where possible)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    yield port


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A TCP port on 127.0.0.1 that a listening socket holds until the test ends."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]
