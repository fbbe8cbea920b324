"""What our send costs over a bare ``httpx.Client.post`` of the same body to the same collector.

Starts the embedded collector on a free loopback port (in memory, in a child
process so that its server thread does not compete with the clients for the
GIL), then runs ``--rounds`` rounds of ``--sends`` pairs. Within a round the two
clients are interleaved send by send, and which goes first alternates, so drift
in the machine's load hits both alike. Each round gives the ratio of the
medians of its wall-clock times (ours over bare); the goal is the median of
those per-round ratios, so one disturbed round (this machine is shared) does
not decide the figure. Each side's CPU time on this thread (``time.thread_time``:
our Python and the kernel's socket work, not the collector's) is reported next
to it, as a cross-check that moves less with the machine's load.

Our side is ``Sender.send`` with the whole result: variable check, identity,
the request as sent, streamed body with a size limit, JSON parse, the
normalised view and the ``Exchange``. The bare side posts the same bytes and
reads the answer.

Run: ``python bench/send.py [--rounds R] [--sends N]`` (about 20 s by default).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from workbench.client import RequestSpec, Sender, embedded_target
from workbench.collector import CollectorConfig, CollectorServer
from workbench.resources import read_json_resource

GOAL = 1.2


def serve_collector(urls: Any, stop: Any) -> None:
    """Run the collector in its own process, so its thread does not share our GIL."""
    server = CollectorServer(CollectorConfig(port=0, data_dir=None))
    server.start()
    urls.put(server.url)
    stop.wait()
    server.stop()


def run_round(
    ours: Callable[[], None], bare: Callable[[], None], sends: int
) -> tuple[list[float], list[float], float, float]:
    """*sends* interleaved pairs: each side's wall times and its total CPU time (s)."""
    ours_times: list[float] = []
    bare_times: list[float] = []
    ours_cpu = bare_cpu = 0.0
    clock, cpu = time.perf_counter, time.thread_time
    for i in range(sends):
        # alternate which goes first, so neither always follows the other
        for fn in (ours, bare) if i % 2 == 0 else (bare, ours):
            start, cpu_start = clock(), cpu()
            fn()
            wall, used = clock() - start, cpu() - cpu_start
            if fn is ours:
                ours_times.append(wall)
                ours_cpu += used
            else:
                bare_times.append(wall)
                bare_cpu += used
    return ours_times, bare_times, ours_cpu, bare_cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="rounds (default 9)")
    parser.add_argument("--sends", type=int, default=1000, help="pairs per round (default 1000)")
    parser.add_argument("--warmup", type=int, default=300)
    args = parser.parse_args()

    payload = read_json_resource("examples", "track-full.json")
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    context = multiprocessing.get_context("spawn")
    urls = context.Queue()
    stop = context.Event()
    child = context.Process(target=serve_collector, args=(urls, stop))
    child.start()
    collector_url = urls.get(timeout=60)
    ratios: list[float] = []
    added: list[float] = []
    medians: list[tuple[float, float]] = []
    cpu_pairs: list[tuple[float, float]] = []
    try:
        target = embedded_target(collector_url)
        url = collector_url + "/track"
        spec = RequestSpec(payload=payload)
        with Sender() as sender, httpx.Client(trust_env=False) as client:
            headers = {"Content-Type": "application/json", "User-Agent": "bench"}

            def ours() -> None:
                result = sender.send(target, spec)
                if not result.ok:
                    raise SystemExit(f"our send failed: {result.error}")

            def bare() -> None:
                response = client.post(url, content=body, headers=headers)
                if response.status_code != 200:
                    raise SystemExit(f"bare post failed: HTTP {response.status_code}")

            run_round(ours, bare, args.warmup)
            for _ in range(args.rounds):
                ours_times, bare_times, ours_cpu, bare_cpu = run_round(ours, bare, args.sends)
                ours_median = statistics.median(ours_times)
                bare_median = statistics.median(bare_times)
                ratios.append(ours_median / bare_median)
                added.append(ours_median - bare_median)
                medians.append((ours_median, bare_median))
                cpu_pairs.append((ours_cpu / args.sends, bare_cpu / args.sends))
    finally:
        stop.set()
        child.join(60)

    print(
        f"{args.rounds} rounds of {args.sends} interleaved pairs to {collector_url}/track "
        "(embedded collector in a child process)"
    )
    print(f"load average at the end: {Path('/proc/loadavg').read_text().split()[:3]}")
    print("per-round ratio of medians (ours / bare): " + " ".join(f"{r:.3f}" for r in ratios))
    bare_us = statistics.median(b for _, b in medians) * 1e6
    ours_us = statistics.median(o for o, _ in medians) * 1e6
    print(f"bare httpx.Client.post: median of round medians {bare_us:.0f} µs")
    print(f"Sender.send:            median of round medians {ours_us:.0f} µs")
    print(f"added per send: {statistics.median(added) * 1e6:.0f} µs (median over rounds)")
    cpu_ours = statistics.median(o for o, _ in cpu_pairs) * 1e6
    cpu_bare = statistics.median(b for _, b in cpu_pairs) * 1e6
    cpu_ratio = statistics.median(o / b for o, b in cpu_pairs)
    print(
        f"CPU on this thread per send: ours {cpu_ours:.0f} µs, bare {cpu_bare:.0f} µs, "
        f"added {cpu_ours - cpu_bare:.0f} µs (ratio {cpu_ratio:.3f}×, median over rounds)"
    )
    goal = statistics.median(ratios)
    verdict = "met" if goal <= GOAL else "missed"
    print(f"goal send_overhead: {goal:.2f}× (target ≤ {GOAL}×) {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
