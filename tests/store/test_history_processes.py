"""One history, many processes: the window's store and command-line writers at the same time.

Writer processes print an entry's id only after ``append`` returned (the entry is
acknowledged). The window's store, open in this process the whole time, appends,
stars and deletes meanwhile, and must see every acknowledged entry without being
reopened; a fresh open must agree. Then writers are killed with SIGKILL in the
middle of their appends and the folder must open clean.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_workbench
from tests.store.history_helpers import make_exchange, make_exchange_dict
from workbench.collector import CollectorConfig, CollectorServer
from workbench.settings.paths import app_paths
from workbench.store.history import HistoryQuery, HistoryStore

SEGMENT_SIZE = 8  # small, so seals (file replacements) happen often under contention

WRITER = textwrap.dedent(
    """
    import os, sys
    from dataclasses import replace
    from tests.store.history_helpers import make_exchange
    from workbench.store.history import HistoryStore

    folder, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = HistoryStore(folder, segment_size=int(sys.argv[4]), retention=None)
    stop = os.path.join(folder, "stop-" + prefix)  # count 0: until this file appears
    number = 0
    while (number < count) if count else not os.path.exists(stop):
        number += 1
        exchange = replace(make_exchange(number), id=f"{prefix}-{number}")
        entry = store.append(exchange)
        starred = number % 7 == 0
        if starred:
            store.star(entry.id)
        sys.stdout.write(entry.id + (" *" if starred else "") + "\\n")
        sys.stdout.flush()
    store.close()
    """
)


class Writer:
    """One writer process and the ids it acknowledged (read as it prints them)."""

    def __init__(self, folder: Path, prefix: str, count: int) -> None:
        self.folder, self.prefix = folder, prefix
        self.process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(folder), prefix, str(count), str(SEGMENT_SIZE)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        self.acknowledged: list[str] = []
        self.starred: set[str] = set()
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            entry_id, _, star = line.strip().partition(" ")
            with self._cond:
                self.acknowledged.append(entry_id)
                if star:
                    self.starred.add(entry_id)
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def wait_for(self, count: int) -> bool:
        with self._cond:
            return self._cond.wait_for(
                lambda: len(self.acknowledged) >= count or self.process.poll() is not None, 60
            )

    def finish(self) -> None:
        (self.folder / f"stop-{self.prefix}").touch()
        assert self.process.wait(120) == 0, self.process.stderr.read()  # type: ignore[union-attr]
        self._reader.join(30)
        self.process.stdout.close()  # type: ignore[union-attr]
        self.process.stderr.close()  # type: ignore[union-attr]

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)
        self._reader.join(30)
        self.process.stdout.close()  # type: ignore[union-attr]
        self.process.stderr.close()  # type: ignore[union-attr]


class Changes:
    """What the window's store was told about other processes' changes."""

    def __init__(self, store: HistoryStore) -> None:
        self.kinds: list[str] = []
        self._cond = threading.Condition()
        store.watch(self._on_change)

    def _on_change(self, kind: str) -> None:
        with self._cond:
            self.kinds.append(kind)
            self._cond.notify_all()

    def wait(self, kind: str) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: kind in self.kinds, 10)


@contextmanager
def _window_store(folder: Path) -> Iterator[HistoryStore]:
    store = HistoryStore(folder, segment_size=SEGMENT_SIZE, retention=None)
    try:
        yield store
    finally:
        store.close()


def _all_ids(store: HistoryStore) -> list[str]:
    return [summary.id for summary in store.summaries()]


@pytest.mark.slow
def test_the_window_and_command_line_writers_lose_nothing(tmp_path: Path) -> None:
    folder = app_paths().history_dir  # what `workbench send` and `history import` use
    exported = tmp_path / "import.jsonl"
    with HistoryStore(tmp_path / "elsewhere") as other:
        for number in range(20):
            exchange = replace(make_exchange(number), id=f"imported-{number}")
            other.append(exchange)
        other.export_jsonl(exported)
    with (
        _window_store(folder) as window,
        CollectorServer(CollectorConfig(port=0, data_dir=None)) as collector,
    ):
        changes = Changes(window)
        writers = [Writer(folder, f"cli{n}", 0) for n in range(3)]  # until told to stop
        for writer in writers:
            assert writer.wait_for(3)  # all three are writing now
        window_ids: list[str] = []
        deleted: set[str] = set()
        for number in range(60):
            window_ids.append(window.append(make_exchange(1000 + number)).id)
            if number % 10 == 9:
                window.star(window_ids[-1])
            if number % 20 == 10 and writers[0].acknowledged:
                victim = writers[0].acknowledged[0]  # written by another process
                if victim not in deleted and window.delete(victim):
                    deleted.add(victim)
        imported = run_workbench("history", "import", str(exported))
        sent = run_workbench(
            "send",
            "-",
            "--to",
            collector.url,
            input=json.dumps(make_exchange_dict()["request"]["body"]),
        )
        assert all(writer.process.poll() is None for writer in writers)  # still writing
        for writer in writers:
            writer.finish()
        assert imported.returncode == 0, imported.stderr
        assert "imported 20 entries" in imported.stdout
        assert sent.returncode == 0, sent.stderr
        assert "could not record" not in sent.stderr, sent.stderr
        assert changes.wait("appended")
        assert changes.wait("changed")

        expected = set(window_ids) | {f"imported-{n}" for n in range(20)}
        for writer in writers:
            expected |= set(writer.acknowledged)
        expected -= deleted
        starred = {i for w in writers for i in w.starred} | set(window_ids[9::10])
        starred -= deleted
        # The window's store, never reopened, sees what everyone wrote.
        seen = _all_ids(window)
        assert len(seen) == len(set(seen)), "an entry is listed twice"
        assert expected <= set(seen)
        assert not deleted & set(seen)
        assert len(seen) == len(expected) + 1  # and the exchange `workbench send` recorded
        assert {s.id for s in window.summaries(HistoryQuery(starred_only=True))} == starred
        assert all(window.get(entry_id) is not None for entry_id in expected)
    with HistoryStore(folder, retention=None) as fresh:
        assert set(_all_ids(fresh)) == set(seen)
        assert not fresh.notices
    # The figure for the record (shown with ``pytest -s``).
    print(
        f"\n{len(seen)} entries written by 6 processes at once (window store, 3 writers, "
        "`history import`, `send`), lost: 0"
    )


@pytest.mark.slow
def test_retention_and_stars_stay_right_with_several_writers(tmp_path: Path) -> None:
    folder = tmp_path / "history"
    writers = [Writer(folder, f"w{n}", 40) for n in range(3)]
    with HistoryStore(folder, segment_size=SEGMENT_SIZE, retention=30) as window:
        for number in range(40):
            window.append(make_exchange(number))
        for writer in writers:
            writer.finish()
        window.flush()  # apply retention now
        starred = {i for w in writers for i in w.starred}
        kept = {s.id for s in window.summaries()}
        assert starred <= kept  # starred entries are never pruned, whoever starred them
        assert len(kept - starred) <= 30
        # Whoever wrote them, the newest 30 entries are the ones kept (plus the starred).
        newest = [s.id for s in window.summaries()][:30]
        assert set(newest) <= kept
        assert window.count() == len(kept)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_writers_killed_mid_append_leave_a_store_that_opens_clean(tmp_path: Path) -> None:
    folder = tmp_path / "history"
    rng = random.Random(1616)
    acknowledged: set[str] = set()
    with _window_store(folder) as window:
        for round_no in range(4):
            writers = [Writer(folder, f"k{round_no}-{n}", 0) for n in range(3)]
            for writer in writers:  # kill each after an arbitrary number of appends
                assert writer.wait_for(rng.randint(5, 40))
                window.append(make_exchange(round_no))
                writer.kill()
                acknowledged |= set(writer.acknowledged)
            # The lock died with them: the window's store goes on, and sees everything.
            acknowledged.add(window.append(make_exchange(99)).id)
            missing = acknowledged - set(_all_ids(window))
            assert not missing, f"round {round_no}: {len(missing)} acknowledged entries lost"
    with HistoryStore(folder, retention=None) as fresh:
        ids = _all_ids(fresh)
        assert acknowledged <= set(ids)
        assert len(ids) == len(set(ids))
        assert not fresh.notices, [n.message for n in fresh.notices]
        fresh.append(make_exchange(7))
    print(
        f"\n12 writers killed mid-append over 4 rounds: {len(acknowledged)} acknowledged "
        "entries, lost: 0"
    )


HALF_APPEND = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from workbench.store.history.lock import HistoryLock

    folder = Path(sys.argv[1])
    lock = HistoryLock(folder)
    with lock.hold():  # as an append does, then killed half-way through its line
        with open(folder / "journal.jsonl", "ab") as journal:
            journal.write(b'{"v":1,"entry":{"id":"never-acknowledged","req')
        sys.stdout.write("held\\n")
        sys.stdout.flush()
        sys.stdin.readline()  # killed here, the lock still held
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_a_writer_killed_holding_the_lock_half_way_through_a_line(tmp_path: Path) -> None:
    folder = tmp_path / "history"
    with _window_store(folder) as window:
        before = [window.append(make_exchange(n)).id for n in range(3)]
        child = subprocess.Popen(
            [sys.executable, "-c", HALF_APPEND, str(folder)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "held"
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        child.stdin.close()  # type: ignore[union-attr]
        child.stdout.close()
        # No stale lock: the window's store goes on at once, past the torn line.
        after = window.append(make_exchange(9)).id
        assert _all_ids(window) == [after, *reversed(before)]
    with HistoryStore(folder, retention=None) as fresh:
        assert _all_ids(fresh) == [after, *reversed(before)]
        assert b"never-acknowledged" not in (folder / "journal.jsonl").read_bytes()
        fresh.append(make_exchange(10))
