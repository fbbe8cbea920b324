"""Benchmark: the semantic diff of two large debug answers against ``json.loads``.

Builds a ~10 MB Tracardi debug answer (a profile, a session, thousands of events
with properties, context and metadata, logs), a copy in which 1% of the leaf
values differ (changed, plus a few events added and removed and the event list
shuffled, so pairing by id does real work), and times:

* ``json.loads`` of both texts (the baseline),
* ``diff(a, b)`` (volatile values hidden, the default),
* ``diff(a, b, include_volatile=True)``.

Each figure is the best of several rounds measured in this one run (the machine
is shared; the best round is the least disturbed one).

Goal: the diff takes at most 2× the time ``json.loads`` takes for both documents.

Run: ``python bench/diff.py``
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.core.diff import diff

TARGET_BYTES = 10_000_000  # each document at least 10 MB of JSON
CHANGE_RATE = 0.01
ROUNDS = 5


def _event(rng: random.Random, i: int) -> dict[str, Any]:
    return {
        "id": f"ev-{i:06d}-{rng.getrandbits(32):08x}",
        "type": rng.choice(["page-view", "purchase", "add-to-cart", "search", "identify"]),
        "source": {"id": "3ee63fc6-490a-4fd8-bfb3-bf0c8c8d3387"},
        "session": {"id": "8d2b1b88-5e55-4b8e-8c6a-1e7c3f6e9f0a"},
        "profile": {"id": "0d2d9dc5-0d60-471e-956f-8766dcb8aba2"},
        "metadata": {
            "time": {"insert": "2024-05-01T10:00:00.000000", "create": "2024-05-01T10:00:00"},
            "status": "processed",
            "ip": f"10.0.{i % 256}.{(i * 7) % 256}",
        },
        "properties": {
            "product": f"SKU-{rng.randint(1, 99999)}",
            "price": round(rng.uniform(1, 500), 2),
            "quantity": rng.randint(1, 9),
            "currency": "EUR",
            "tags": [rng.choice(["new", "sale", "gift", "eco"]) for _ in range(3)],
            "referrer": f"https://shop.example/{rng.getrandbits(40):x}",
        },
        "context": {
            "page": {"url": f"https://shop.example/p/{i}", "title": f"Product {i}"},
            "browser": {"language": "en-GB", "screen": [1920, 1080]},
        },
        "tags": {"values": ["web", "shop"], "count": 2},
    }


def build(rng: random.Random) -> dict[str, Any]:
    events: list[dict[str, Any]] = []
    doc: dict[str, Any] = {
        "profile": {
            "id": "0d2d9dc5-0d60-471e-956f-8766dcb8aba2",
            "traits": {"private": {"email": "a@example.com"}, "public": {"tier": "gold"}},
            "stats": {"visits": 10, "views": 42},
            "segments": ["buyers", "returning"],
            "metadata": {"time": {"insert": "2024-05-01T10:00:00", "visit": {"count": 10}}},
        },
        "session": {"id": "8d2b1b88-5e55-4b8e-8c6a-1e7c3f6e9f0a", "context": {"utm": {}}},
        "events": events,
        "logs": [],
    }
    size = 0
    i = 0
    while size < TARGET_BYTES:
        event = _event(rng, i)
        events.append(event)
        size += len(json.dumps(event))
        i += 1
    doc["logs"] = [
        {"module": "flow", "class": "Node", "type": "info", "message": f"node {n} ok"}
        for n in range(2000)
    ]
    return doc


def _leaves(node: Any, path: tuple[Any, ...], out: list[tuple[Any, ...]]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _leaves(value, (*path, key), out)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _leaves(value, (*path, index), out)
    else:
        out.append(path)


def mutate(doc: dict[str, Any], rng: random.Random) -> tuple[dict[str, Any], int]:
    copy: dict[str, Any] = json.loads(json.dumps(doc))
    leaves: list[tuple[Any, ...]] = []
    _leaves(copy, (), leaves)
    chosen = rng.sample(leaves, int(len(leaves) * CHANGE_RATE))
    for path in chosen:
        node: Any = copy
        for key in path[:-1]:
            node = node[key]
        old = node[path[-1]]
        node[path[-1]] = f"changed-{old}" if isinstance(old, str) else "changed"
    events = copy["events"]
    for _ in range(5):
        events.pop(rng.randrange(len(events)))
    events.extend(_event(rng, 10_000_000 + n) for n in range(5))
    rng.shuffle(events)
    return copy, len(chosen)


def best(fn: Callable[[], Any]) -> tuple[float, Any]:
    times: list[float] = []
    result: Any = None
    for _ in range(ROUNDS):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> int:
    rng = random.Random(14)
    a = build(rng)
    b, mutated = mutate(a, rng)
    text_a, text_b = json.dumps(a), json.dumps(b)
    print(
        f"documents: {len(text_a) / 1e6:.1f} MB and {len(text_b) / 1e6:.1f} MB, "
        f"{len(a['events'])} events, {mutated} leaf values changed ({CHANGE_RATE:.0%})"
    )

    loads, (da, db) = best(lambda: (json.loads(text_a), json.loads(text_b)))
    print(f"json.loads of both:            {loads * 1000:8.1f} ms")
    default, result = best(lambda: diff(da, db))
    print(
        f"diff (volatile hidden):        {default * 1000:8.1f} ms  "
        f"({default / loads:.2f}x)  {result.summary()}"
    )
    full, result_all = best(lambda: diff(da, db, include_volatile=True))
    print(
        f"diff (include_volatile=True):  {full * 1000:8.1f} ms  "
        f"({full / loads:.2f}x)  {result_all.summary()}"
    )

    ratio = max(default, full) / loads
    verdict = "met" if ratio <= 2.0 else "missed"
    print(f"goal diff-vs-loads: {ratio:.2f}x (target <= 2.00x) {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
