"""What our send costs over a bare ``httpx.Client.post`` of the same body to the same collector.

Starts the embedded collector on a free loopback port (in memory, in a child
process so that its server thread does not compete with the clients for the
GIL), then
interleaves the two clients send by send (so drift in the machine's load hits
both alike) and reports the ratio of their total times, plus the median of the
per-pair ratios. Our side is ``Sender.send`` with the whole result: variable
check, identity, the request as sent, streamed body with a size limit, JSON
parse and the normalised view. The bare side posts the same bytes and reads
the answer. Run: ``python bench/send.py [--sends N]``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import time
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=2000, help="pairs of sends (default 2000)")
    parser.add_argument("--warmup", type=int, default=200)
    args = parser.parse_args()

    payload = read_json_resource("examples", "track-full.json")
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    context = multiprocessing.get_context("spawn")
    urls = context.Queue()
    stop = context.Event()
    child = context.Process(target=serve_collector, args=(urls, stop))
    child.start()
    collector_url = urls.get(timeout=60)
    try:
        target = embedded_target(collector_url)
        url = collector_url + "/track"
        spec = RequestSpec(payload=payload)
        with Sender() as sender, httpx.Client(trust_env=False) as bare:
            headers = {"Content-Type": "application/json", "User-Agent": "bench"}

            def ours() -> None:
                result = sender.send(target, spec)
                if not result.ok:
                    raise SystemExit(f"our send failed: {result.error}")

            def baseline() -> None:
                response = bare.post(url, content=body, headers=headers)
                if response.status_code != 200:
                    raise SystemExit(f"bare post failed: HTTP {response.status_code}")

            for _ in range(args.warmup):
                ours()
                baseline()
            ours_times: list[float] = []
            bare_times: list[float] = []
            clock = time.perf_counter
            for i in range(args.sends):
                # alternate which goes first, so neither always follows the other
                order = (ours, baseline) if i % 2 == 0 else (baseline, ours)
                for fn in order:
                    start = clock()
                    fn()
                    (ours_times if fn is ours else bare_times).append(clock() - start)
    finally:
        stop.set()
        child.join(60)

    total_ratio = sum(ours_times) / sum(bare_times)
    pair_ratio = statistics.median(o / b for o, b in zip(ours_times, bare_times, strict=True))
    print(
        f"sends: {args.sends} of each, interleaved, to {collector_url}/track "
        "(embedded collector in a child process)"
    )
    print(
        f"bare httpx.Client.post: median {statistics.median(bare_times) * 1e6:.0f} µs, "
        f"mean {statistics.fmean(bare_times) * 1e6:.0f} µs"
    )
    print(
        f"Sender.send:            median {statistics.median(ours_times) * 1e6:.0f} µs, "
        f"mean {statistics.fmean(ours_times) * 1e6:.0f} µs"
    )
    added = statistics.fmean(ours_times) - statistics.fmean(bare_times)
    print(f"added per send: {added * 1e6:.0f} µs")
    print(f"ratio of totals: {total_ratio:.3f}×; median of per-pair ratios: {pair_ratio:.3f}×")
    # The goal uses the medians: the machine is shared, and a few slow outliers on
    # either side would otherwise decide the figure.
    median_ratio = statistics.median(ours_times) / statistics.median(bare_times)
    print(f"ratio of medians: {median_ratio:.3f}×")
    verdict = "met" if median_ratio <= GOAL else "missed"
    print(f"goal send_overhead: {median_ratio:.2f}× (target ≤ {GOAL}×) {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
