"""SIGKILL a process that appends in a loop: every acknowledged entry must survive.

The child prints an entry's id only after ``append`` returned. The parent reads a
random number of those lines, kills the child with SIGKILL (no sleeps: the kill
lands wherever the child happens to be, often mid-seal with a small segment
size), reopens the store and checks every acknowledged id is there.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from workbench.store.history import HistoryStore

ROOT = Path(__file__).resolve().parents[2]
KILLS = 50
MIN_KILLS = 10
#: Rounds stop after this many seconds (at least MIN_KILLS are run): a loaded machine runs
#: fewer rounds instead of failing on a wall-clock bound.
BUDGET_SECONDS = 45
SEGMENT_SIZE = 5  # small, so kills often land in the middle of a seal or a prune

CHILD = textwrap.dedent(
    """
    import sys
    from tests.store.history_helpers import make_exchange
    from workbench.store.history import HistoryStore

    store = HistoryStore(sys.argv[1], segment_size=int(sys.argv[2]), retention=None)
    number = 0
    while True:
        number += 1
        entry = store.append(make_exchange(number, with_secrets=number % 2 == 0))
        if number % 7 == 0:
            store.star(entry.id)
        sys.stdout.write(entry.id + "\\n")
        sys.stdout.flush()
    """
)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_acknowledged_appends_survive_sigkill(tmp_path: Path) -> None:
    rng = random.Random(20261126)
    folder = tmp_path / "history"
    acknowledged: list[str] = []
    started = time.monotonic()
    for kill in range(KILLS):
        if kill >= MIN_KILLS and time.monotonic() - started > BUDGET_SECONDS:
            break
        round_start = len(acknowledged)
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(folder), str(SEGMENT_SIZE)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert child.stdout is not None
        wanted = rng.randint(1, 25)
        for _ in range(wanted):
            line = child.stdout.readline()
            if not line:
                _, err = child.communicate()
                pytest.fail(f"the child stopped early: {err.decode()}")
            acknowledged.append(line.decode().strip())
        child.send_signal(signal.SIGKILL)
        rest, _ = child.communicate()
        # Lines printed before the kill were acknowledged too; a cut-off last line was not.
        for line in rest.decode().split("\n")[:-1]:
            acknowledged.append(line.strip())
        assert child.returncode == -signal.SIGKILL

        with HistoryStore(folder, segment_size=SEGMENT_SIZE, retention=None) as store:
            assert store.notices == []
            listed = [s.id for s in store.page(None, 0, store.count())]
            assert len(set(listed)) == len(listed) == store.count()
            missing = [i for i in acknowledged if i not in set(listed)]
            assert missing == [], f"{len(missing)} acknowledged entries lost"
            # Every entry of this round, and a sample of the older ones, reads back whole.
            older = acknowledged[:round_start]
            sample = acknowledged[round_start:] + rng.sample(older, min(len(older), 20))
            unreadable = [i for i in sample if store.get(i) is None]
            assert unreadable == [], f"{len(unreadable)} acknowledged entries unreadable"
        assert not [p for p in folder.rglob("*.tmp")], "leftover temporary files"
