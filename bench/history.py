"""Benchmark the history store against plain TinyDB.

Run as ``python bench/history.py`` (about a minute). Prints:

* the cost of one ``append`` of a ≈3 KB exchange (with a debugger block) when the
  history already holds 100, 10,000 and 50,000 entries — the mean over two full
  segment cycles (so every seal is included), the median and the worst single
  append — and the ratio of each mean to the 100-entry mean (goal ≤ 2×);
* opening the store and reading the first page of 50 at 50,000 entries (goal < 200 ms);
* a full-text search at 50,000 entries (goal < 500 ms, on the slowest of): a rare
  term's first page plus count (every segment's text is scanned), a common term's
  first page, and the count of a term every entry matches (every row parsed);
* the same append figures for plain TinyDB with its default ``JSONStorage``,
  side by side, at sizes it can reach in the time budget;
* appends from several processes into one history: one writer process alone,
  then three at once (each its own process, as the window, ``workbench send``
  and a journey run would be), each appending ``--writer-appends`` entries as fast
  as it can, in interleaved rounds; goal: in the median round the slowest of the
  three keeps at least half the lone writer's rate of that round, and no entry is
  lost (every acknowledged id is in the history afterwards).

``--writers-only`` runs only the several-processes part (``--rounds N``,
``--writer-appends N`` to shorten it).

Figures are in one run on one machine, so compare the ratios. The page cache is
warm (the files were just written), as it is for a user reopening the app.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tinydb import TinyDB

from workbench.core.exchange import Exchange
from workbench.store.history import DEFAULT_SEGMENT_SIZE, HistoryQuery, HistoryStore

T = TypeVar("T")
SIZES = (100, 10_000, 50_000)
TINYDB_SIZES = (100, 1_000, 5_000, 10_000)
MEASURED_APPENDS = 2 * DEFAULT_SEGMENT_SIZE
RARE_TERM = "needle-7f3c91"

DEBUGGING = {
    "session": {"saved": 1, "errors": [], "ids": ["string"], "types": []},
    "events": {"saved": 2, "errors": [], "ids": ["e1", "e2"], "types": ["purchase-order"]},
    "profile": {"saved": 1, "errors": [], "ids": ["0d2d9dc5-0d60-471e-956f-8766dcb8aba2"]},
    "execution": {"traces": {"purchase-order": [{"rule": "Copy order", "flow": "Checkout"}]}},
    "segmentation": {"errors": [], "ids": ["buyers"]},
    "logs": [{"type": "info", "message": f"node {n} ran in 0.{n} ms"} for n in range(6)],
}


def make_exchange(number: int, *, product: str = "Nike shoes") -> dict[str, Any]:
    """A ≈3 KB exchange of the contracts' shape."""
    profile = str(uuid.uuid4())
    body = {
        "source": {"id": "source-id"},
        "session": {"id": f"session-{number % 50}"},
        "profile": {"id": profile},
        "context": {"device": "iPhone X", "page": {"url": f"https://shop.example/p/{number}"}},
        "events": [
            {"type": "purchase-order", "properties": {"product": product, "quantity": number}},
            {"type": "page-view"},
        ],
        "options": {"debugger": True},
    }
    answer = {"profile": {"id": profile}, "source": {"consent": False}, "debugging": DEBUGGING}
    return {
        "id": str(uuid.uuid4()),
        "started_at": "2026-11-26T10:00:00Z",
        "target": {"name": "Embedded collector", "base_url": "http://127.0.0.1:8686"},
        "request": {
            "method": "POST",
            "url": "http://127.0.0.1:8686/track",
            "route": "/track",
            "headers": {"Content-Type": "application/json", "Authorization": "Bearer abc123456"},
            "body": body,
            "body_text": json.dumps(body),
        },
        "response": {
            "status": 200,
            "headers": {"content-type": "application/json"},
            "body_text": json.dumps(answer),
            "json": answer,
            "size": len(json.dumps(answer)),
        },
        "timings": {"total_ms": 12.5},
        "view": {"profile_id": profile, "session_id": f"session-{number % 50}"},
        "error": None,
        "summary": {
            "event_types": ["purchase-order", "page-view"],
            "source_id": "source-id",
            "profile_id": profile,
            "session_id": f"session-{number % 50}",
        },
    }


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def fill(store: HistoryStore, start: int, stop: int) -> None:
    chunk = 2_000
    for first in range(start, stop, chunk):
        batch = [make_exchange(n) for n in range(first, min(first + chunk, stop))]
        if first <= 4_242 < first + chunk:
            batch[4_242 - first] = make_exchange(4_242, product=f"Rare {RARE_TERM} edition")
        store.append_many([Exchange.from_dict(exchange) for exchange in batch])


def time_each(insert: Callable[[T], object], exchanges: list[T]) -> list[float]:
    """Seconds each ``insert(exchange)`` took (exchanges built beforehand, not timed)."""
    timings = []
    for exchange in exchanges:
        started = time.perf_counter()
        insert(exchange)
        timings.append(time.perf_counter() - started)
    return timings


def time_appends(store: HistoryStore, count: int) -> list[float]:
    return time_each(store.append, [Exchange.from_dict(make_exchange(n)) for n in range(count)])


def bench_store(folder: Path) -> dict[str, Any]:
    results: dict[str, Any] = {"append": {}}
    with HistoryStore(folder.with_name("warm-up"), retention=None) as scratch:
        time_appends(scratch, MEASURED_APPENDS)  # imports, caches, first fsyncs: not measured
    store = HistoryStore(folder, retention=None)
    size = 0
    for target in SIZES:
        fill(store, size, target)
        timings = time_appends(store, MEASURED_APPENDS)
        size = target + MEASURED_APPENDS
        results["append"][target] = timings
    store.close()

    opens = []
    for _ in range(5):
        started = time.perf_counter()
        store = HistoryStore(folder, retention=None)
        first_page = store.page(None, 0, 50)
        opens.append(time.perf_counter() - started)
        assert len(first_page) == 50
        store.close()
    results["open"] = opens
    results["entries"] = size

    searches: dict[str, list[float]] = {"rare": [], "common page": [], "common count": []}
    for _ in range(3):
        store = HistoryStore(folder, retention=None)  # fresh: nothing parsed yet
        started = time.perf_counter()
        rare = HistoryQuery(text=RARE_TERM.upper())
        hits = store.page(rare, 0, 50)
        total = store.count(rare)
        searches["rare"].append(time.perf_counter() - started)
        assert total == 1, total
        assert len(hits) == 1, len(hits)
        common = HistoryQuery(text="nike shoes")
        started = time.perf_counter()
        store.page(common, 0, 50)
        searches["common page"].append(time.perf_counter() - started)
        started = time.perf_counter()
        store.count(common)
        searches["common count"].append(time.perf_counter() - started)
        store.close()
    results["search"] = searches
    return results


def bench_tinydb(folder: Path) -> dict[int, list[float]]:
    results: dict[int, list[float]] = {}
    for size in TINYDB_SIZES:
        path = folder / f"plain-{size}.json"
        db = TinyDB(path)
        db.insert_multiple(make_exchange(n) for n in range(size))  # one write to prefill
        samples = 20 if size <= 1_000 else 5
        timings = time_each(db.insert, [make_exchange(n) for n in range(samples)])
        db.close()
        path.unlink()
        results[size] = timings
    return results


WRITER_APPENDS = 400


def _writer(folder: str, count: int, prefix: str) -> None:
    """A writer process: open, say ready, wait for "go", append *count*, report the rate."""
    exchanges = []
    for number in range(count):
        exchange = make_exchange(number)
        exchange["id"] = f"{prefix}-{number}"
        exchanges.append(Exchange.from_dict(exchange))
    with HistoryStore(folder, retention=None) as store:
        store.append(Exchange.from_dict(make_exchange(-1)))  # first fsync, imports: not measured
        print("ready", flush=True)
        sys.stdin.readline()
        started, cpu = time.perf_counter(), time.process_time()
        for typed in exchanges:
            store.append(typed)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"rate": count / elapsed, "cpu_ms": cpu * 1000 / count}), flush=True)


def run_writers(folders: list[Path], count: int) -> list[dict[str, float]]:
    """Start one writer process per item of *folders* at once; what each reports.

    That is its append rate (per second) and the CPU time it spent per append (ms).

    The same folder given three times is three writers sharing one history.
    """
    processes = [
        subprocess.Popen(
            [sys.executable, __file__, "--writer", str(folder), str(count), f"w{n}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n, folder in enumerate(folders)
    ]
    for process in processes:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
    for process in processes:  # go, all together
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    reports = []
    for process in processes:
        out, _ = process.communicate(timeout=300)
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports


WRITER_ROUNDS = 5


def bench_writers(folder: Path, count: int, rounds: int = WRITER_ROUNDS) -> dict[str, Any]:
    """One writer alone, three sharing one history, and three on three separate histories.

    The last is no goal: it is what this machine gives three processes that share
    nothing (each its own files and fsyncs), the ceiling for the shared case on a
    busy 2-core box. Each round runs the three phases back to back (their order
    alternating from round to round, so a machine getting busier or quieter favours
    none) and compares the slowest of the three writers with the lone writer *of the
    same round*; the goal is the median of those ratios over *rounds* rounds.
    """
    single: list[float] = []
    triple: list[list[float]] = []
    separate: list[list[float]] = []
    cpu: dict[str, list[float]] = {"alone": [], "sharing": [], "apart": []}
    lost = 0
    written = 0
    for round_no in range(rounds):
        shared = folder / f"shared-{round_no}"
        phases: list[tuple[str, list[Any], list[Path]]] = [
            ("alone", single, [folder / f"alone-{round_no}"]),
            ("sharing", triple, [shared] * 3),
            ("apart", separate, [folder / f"apart-{round_no}-{n}" for n in range(3)]),
        ]
        for name, results, folders in phases if round_no % 2 == 0 else reversed(phases):
            reports = run_writers(folders, count)
            rates = [report["rate"] for report in reports]
            results.append(rates[0] if len(folders) == 1 else rates)
            cpu[name].extend(report["cpu_ms"] for report in reports)
        with HistoryStore(shared, retention=None) as store:
            ids = {summary.id for summary in store.summaries()}
        expected = {f"w{w}-{n}" for w in range(3) for n in range(count)}
        lost += len(expected - ids)
        written += len(expected)
    shares = [min(rates) / alone for rates, alone in zip(triple, single, strict=True)]
    apart = [min(rates) / alone for rates, alone in zip(separate, single, strict=True)]
    middle = sorted(range(rounds), key=lambda n: shares[n])[rounds // 2]
    return {
        "single": single,
        "triple": triple,
        "separate": separate,
        "share": statistics.median(shares),
        "shares": shares,
        "apart": statistics.median(apart),
        "median_round": middle,
        "cpu_ms": {name: statistics.median(values) for name, values in cpu.items()},
        "lost": lost,
        "written": written,
        "rounds": rounds,
        "count": count,
    }


def print_writers(writers: dict[str, Any]) -> None:
    middle, rounds, count = writers["median_round"], writers["rounds"], writers["count"]
    triple = writers["triple"][middle]
    print(
        f"appends from separate processes ({count} each, {rounds} interleaved "
        f"rounds): one writer alone "
        + ", ".join(f"{rate:.0f}/s" for rate in writers["single"])
        + f"; in the median round alone {writers['single'][middle]:.0f}/s and three sharing "
        "one history "
        + ", ".join(f"{rate:.0f}/s" for rate in triple)
        + f" (together {sum(triple):.0f}/s); slowest of three ÷ lone writer per round: "
        + ", ".join(f"{share:.2f}" for share in writers["shares"])
        + f"; entries written {writers['written']:,}, lost: {writers['lost']}"
    )
    print(
        "  for comparison, three on three separate histories (nothing shared: what this "
        f"machine gives three processes): median {writers['apart']:.2f}× of a lone writer "
        "for the slowest"
    )
    cpu = writers["cpu_ms"]
    print(
        f"  CPU time per append (median over writers): alone {cpu['alone']:.3f} ms, three "
        f"sharing {cpu['sharing']:.3f} ms, three apart {cpu['apart']:.3f} ms"
    )


def writers_goal(writers: dict[str, Any]) -> None:
    share = writers["share"]
    verdict = "met" if share >= 0.5 and writers["lost"] == 0 else "missed"
    print(
        f"goal three_writers_per_writer_rate: {share:.2f}× of a lone writer for the slowest of "
        f"three (median of {writers['rounds']} rounds), {writers['lost']} lost "
        f"(target ≥ 0.5×, 0 lost) {verdict}"
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--writers-only",
        action="store_true",
        help="run only the several-processes part (one writer alone, three sharing, three apart)",
    )
    parser.add_argument("--rounds", type=int, default=WRITER_ROUNDS, help="writer rounds")
    parser.add_argument(
        "--writer-appends", type=int, default=WRITER_APPENDS, help="appends per writer process"
    )
    return parser.parse_args()


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--writer":
        _writer(sys.argv[2], int(sys.argv[3]), sys.argv[4])
        return
    args = parse_args()
    if args.rounds < 1 or args.writer_appends < 1:
        raise SystemExit("--rounds and --writer-appends must be at least 1")
    if args.writers_only:
        folder = Path(tempfile.mkdtemp(prefix="workbench-bench-history-"))
        try:
            writers = bench_writers(folder / "writers", args.writer_appends, args.rounds)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        print_writers(writers)
        writers_goal(writers)
        return
    print(f"history benchmark: entry ≈ {len(json.dumps(make_exchange(1)))} bytes of JSON")
    folder = Path(tempfile.mkdtemp(prefix="workbench-bench-history-"))
    try:
        began = time.perf_counter()
        ours = bench_store(folder / "history")
        plain = bench_tinydb(folder)
        writers = bench_writers(folder / "writers", args.writer_appends, args.rounds)
        elapsed = time.perf_counter() - began
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    base = statistics.fmean(ours["append"][SIZES[0]])
    plain_base = statistics.fmean(plain[TINYDB_SIZES[0]])
    print()
    print(f"append, HistoryStore (mean of {MEASURED_APPENDS} appends, seals included):")
    for size in SIZES:
        timings = ours["append"][size]
        mean = statistics.fmean(timings)
        print(
            f"  at {size:>6,} entries: mean {ms(mean)}, median {ms(statistics.median(timings))}, "
            f"worst {ms(max(timings))}, ratio to 100: {mean / base:.2f}x"
        )
    print("append, plain TinyDB default JSONStorage (whole file rewritten per insert):")
    for size in TINYDB_SIZES:
        mean = statistics.fmean(plain[size])
        print(f"  at {size:>6,} entries: mean {ms(mean)}, ratio to 100: {mean / plain_base:.2f}x")
    per_entry = statistics.fmean(plain[TINYDB_SIZES[-1]]) / TINYDB_SIZES[-1]
    print(
        f"  at 50,000 entries: not measured (a 150 MB file per insert and minutes of setup); "
        f"linear extrapolation ≈ {ms(per_entry * 50_000)} per insert"
    )
    print("side by side (mean append):")
    for size in sorted(set(SIZES) | set(TINYDB_SIZES)):
        ours_text = ms(statistics.fmean(ours["append"][size])) if size in ours["append"] else "-"
        plain_text = ms(statistics.fmean(plain[size])) if size in plain else "-"
        print(f"  {size:>6,}: HistoryStore {ours_text:>10}   plain TinyDB {plain_text:>10}")

    open_ms = statistics.median(ours["open"])
    print()
    print(
        f"open + first page (50) at {ours['entries']:,} entries: median {ms(open_ms)}, "
        f"worst {ms(max(ours['open']))} (5 runs)"
    )
    search = {name: statistics.median(values) for name, values in ours["search"].items()}
    print(f"search at {ours['entries']:,} entries (fresh store each run, median of 3):")
    print(f"  rare term, first page + count (scans every segment): {ms(search['rare'])}")
    print(f"  common term, first page: {ms(search['common page'])}")
    print(f"  common term, count of all {ours['entries']:,} matches: {ms(search['common count'])}")
    print_writers(writers)
    print(f"(benchmark took {elapsed:.0f} s)")
    print()

    def goal(name: str, value: float, target: float, unit: str, shown: str) -> None:
        verdict = "met" if value <= target else "missed"
        print(
            f"goal {name}: {shown} (target {'≤' if unit == 'x' else '<'} {target:g}"
            f"{'×' if unit == 'x' else ' ms'}) {verdict}"
        )

    for size in SIZES[1:]:
        ratio = statistics.fmean(ours["append"][size]) / base
        goal(f"append_ratio_{size}", ratio, 2, "x", f"{ratio:.2f}×")
    goal("open_first_page_50000", open_ms * 1000, 200, "ms", ms(open_ms))
    worst_search = max(search.values())
    goal("search_50000", worst_search * 1000, 500, "ms", ms(worst_search))
    writers_goal(writers)


if __name__ == "__main__":
    main()
