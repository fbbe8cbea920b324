"""How much the embedded collector costs next to a bare Starlette app, and with 100,000 events.

Run: ``python bench/collector.py`` (about 3 minutes on a quiet machine; ``--seconds`` and
``--rounds`` change that).

Three phases, each a separate server process under the same uvicorn settings
(:func:`workbench.collector.server.uvicorn_config`, on a socket bound the same
way), driven by one load-generator process (raw asyncio sockets, HTTP/1.1
keep-alive, ``--connections`` concurrent connections) sending the seed's
minimal payload (two events) for a fixed time after a warm-up:

1. ``bare``: a Starlette app that only parses the body and returns the seed's
   plain response;
2. ``collector``: the real collector (``CollectorServer``: persistent store in a
   temporary folder, debugger on, request records and listeners as in the app);
3. ``collector-100k``: the same with 100,000 events already stored (and the
   retention cap at 100,000, so every request also evicts the oldest events);
4. ``collector+demo``: the collector with the demo event flow loaded (7 event
   schemas, 10 mapping rules, 10 segments), against ``collector`` (no rules):
   goal ≥ 0.8×;
5. ``collector-relaxed``: the collector with ``durability="relaxed"`` (answers
   before the data is on disk, batches of up to 50 ms), against ``collector``
   (durable: every answer waits for its fsync, shared by the requests that wait
   together): goal durable ≥ 0.9× relaxed at ``--connections``;
6. ``sequential durable`` / ``sequential relaxed``: one client, one request at a
   time: goal durable's median latency ≤ relaxed's + 1 ms (a lone request is
   flushed at once, never waits for a timer);
7. ``ua one|1000``: the payload without a session id (every request opens a
   session, so its user agent is parsed into ``os``, ``device`` and ``app``);
   the load takes turns of 0.1 s between sending one realistic browser
   ``User-Agent`` and cycling through 1,000 distinct ones, on the same server:
   goal the 1,000 cost ≤ 5 % of throughput (the parser's answers are cached
   per distinct agent string). Turns on one server, rather than two phases,
   keep the noise of a shared machine out of a 5 % comparison.

``--durable-only`` runs only ``collector`` and ``collector-relaxed`` (and, unless
``--skip-sequential``, the two sequential phases), alternating, with both durability
goals, the requests per durable flush (write + fsync) and each mode's garbage
collection time per request (the servers report their collections).

The phases run ``--rounds`` times, alternating, and every ratio is taken
within one round (the phases compared ran a few seconds apart, so a burst of
load from elsewhere on the machine disturbs both alike); a goal's value is the
median of its per-round ratios (with two rounds, their mean). A last phase
with the in-memory store shows what persistence costs. It prints req/s, p50,
p99 and the server process's CPU time per request (read from ``/proc`` over the
measured window: a cross-check that a busy machine disturbs less), and ends
with one goal line per goal above, plus collector ≥ 0.5× bare and
collector-100k ≥ 0.9× collector. Both servers run uvicorn with the ``httptools``
parser (a dependency; the first line says which parser ran). The ratios come
from one run on the same machine, which is what keeps them meaningful on a
noisy box.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MINIMAL = ("examples", "track-minimal.json")
PLAIN = ("examples", "response-plain.json")


# -- servers (run in their own process) ---------------------------------------------------


def _serve_bare(port_file: Path) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from workbench.collector.server import bind_socket, uvicorn_config
    from workbench.resources import read_json_resource

    answer = json.dumps(read_json_resource(*PLAIN), separators=(",", ":")).encode()

    async def track(request: Request) -> Response:
        json.loads(await request.body())
        return Response(answer, media_type="application/json")

    app = Starlette(routes=[Route("/track", track, methods=["POST"])])
    sock = bind_socket("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn_config(app))

    def stop_when_stdin_closes() -> None:
        sys.stdin.read()
        server.should_exit = True

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    port_file.write_text(str(sock.getsockname()[1]))
    server.run(sockets=[sock])


def _prefill(store: Any, count: int) -> None:
    from workbench.collector.documents import build_event

    now = "2026-01-01T00:00:00+00:00"
    batch = 1000
    session = {"id": "prefill-session", "metadata": {"time": {}}, "context": {}}
    for start in range(0, count, batch):
        events = [
            build_event(
                {
                    "type": "purchase-order" if i % 2 else "page-view",
                    "properties": {"product": "Nike shoes", "quantity": 1, "n": i},
                },
                now=now,
                source_id="source-id",
                channel="Workbench REST source",
                session=session,
                profile_id=f"profile-{i % 5000}",
                profile_less=False,
                request={"headers": {"content-type": "application/json"}},
                debug=False,
            )
            for i in range(start, min(start + batch, count))
        ]
        store.commit(events=events)
    store.flush(timeout=600)


def _serve_collector(
    port_file: Path, prefill: int, memory: bool, flow: str = "", durability: str = "durable"
) -> None:
    from workbench.collector import CollectorConfig, CollectorServer
    from workbench.collector.flow_routes import flow_store_of

    records = 0

    def listener(record: Any) -> None:  # what the GUI's bridge does: hand over, return
        nonlocal records
        records += 1

    import gc

    # Collections per generation and the time they took, over the server's life.
    gc_stats = {"collections": [0, 0, 0], "seconds": [0.0, 0.0, 0.0]}
    gc_started = [0.0]

    def gc_watch(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            gc_started[0] = time.perf_counter()
            return
        gc_stats["collections"][info["generation"]] += 1
        gc_stats["seconds"][info["generation"]] += time.perf_counter() - gc_started[0]

    gc.callbacks.append(gc_watch)
    with tempfile.TemporaryDirectory(prefix="wb-bench-") as folder:
        data_dir = None if memory else Path(folder)
        config = CollectorConfig(port=0, data_dir=data_dir, durability=durability)  # type: ignore[arg-type]
        server = CollectorServer(config, listener)
        if flow:  # an event-flow pack, e.g. "demo"
            flow_store_of(server.app).load_pack(flow)
        if prefill:
            _prefill(server.store, prefill)
        server.start()
        port_file.write_text(str(server.port))
        try:
            sys.stdin.read()  # the parent closes stdin to stop us
        finally:
            server.stop()
        print(
            json.dumps(
                {
                    "records": records,
                    "events": server.store.count_events(),
                    "batches": server.store.write_batches,
                    "gc": gc_stats,
                }
            ),
            flush=True,
        )


# -- load generator (own process) --------------------------------------------------------


def realistic_agents(count: int) -> list[str]:
    """*count* distinct browser user agents of the shapes seen in real traffic."""
    platforms = (
        "Windows NT 10.0; Win64; x64",
        "Macintosh; Intel Mac OS X 10_15_7",
        "X11; Linux x86_64",
        "Linux; Android 14; Pixel 8",
        "Linux; Android 13; SM-S918B",
    )
    agents: list[str] = []
    n = 0
    while len(agents) < count:
        platform = platforms[n % len(platforms)]
        major, build = 100 + n % 40, 4000 + n // 5
        mobile = " Mobile" if "Android" in platform else ""
        kind = n % 4
        if kind == 0:
            agent = (
                f"Mozilla/5.0 ({platform}) AppleWebKit/537.36 (KHTML, like Gecko) "
                f"Chrome/{major}.0.{build}.{n % 200} {mobile.strip()} Safari/537.36"
            ).replace("  ", " ")
        elif kind == 1:
            agent = (
                f"Mozilla/5.0 ({platform}; rv:{major}.0) Gecko/20100101 Firefox/{major}.{n % 10}"
            )
        elif kind == 2:
            agent = (
                f"Mozilla/5.0 ({platform}) AppleWebKit/537.36 (KHTML, like Gecko) "
                f"Chrome/{major}.0.{build}.{n % 200}{mobile} Safari/537.36 "
                f"Edg/{major}.0.{n % 3000}.0"
            )
        else:
            ios = f"{15 + n % 3}_{n % 7}"
            agent = (
                f"Mozilla/5.0 (iPhone; CPU iPhone OS {ios} like Mac OS X) AppleWebKit/605.1.15 "
                f"(KHTML, like Gecko) Version/{15 + n % 3}.{n % 7} Mobile/15E{148 + n // 4} "
                "Safari/604.1"
            )
        if agent not in agents:
            agents.append(agent)
        n += 1
    return agents


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of process *pid* so far (Linux ``/proc``; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _drive(
    port: int,
    body: bytes,
    connections: int,
    warmup: float,
    seconds: float,
    server_pid: int,
    streams: list[list[str]] | None = None,
    slice_seconds: float = 0.1,
) -> dict:
    """Drive the server; with several *streams* of user agents, take turns between them.

    Each stream is a list of agents sent in turn ("" sends no ``User-Agent``). With
    two or more streams the connections switch stream every *slice_seconds*, so a
    burst of load from elsewhere hits every stream alike; each answer counts for
    the stream its request was sent in.
    """
    head = (
        b"POST /track HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n"
    )
    requests = [
        [
            head + (b"User-Agent: " + agent.encode() + b"\r\n" if agent else b"") + b"\r\n" + body
            for agent in stream
        ]
        for stream in (streams or [[""]])
    ]
    turns = [0] * len(requests)
    per_stream = [0] * len(requests)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    start = time.perf_counter()
    measure_from = start + warmup
    end = measure_from + seconds

    async def one() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while True:
                sent = time.perf_counter()
                if sent >= end:
                    return
                which = int((sent - start) / slice_seconds) % len(requests)
                mine = requests[which]
                writer.write(mine[turns[which] % len(mine)])
                turns[which] += 1
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                await reader.readexactly(length)
                done = time.perf_counter()
                if sent >= measure_from:
                    latencies.append(done - sent)
                    status = int(head[9:12])
                    statuses[status] = statuses.get(status, 0) + 1
                    per_stream[which] += 1
        finally:
            writer.close()
            await writer.wait_closed()

    cpu: list[float | None] = []

    async def sample_cpu() -> None:
        # The server's CPU time over the measured window: the cost per request that
        # a busy machine disturbs least (req/s also counts time the server waited).
        await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
        cpu.append(_cpu_seconds(server_pid))
        await asyncio.sleep(max(0.0, end - time.perf_counter()))
        cpu.append(_cpu_seconds(server_pid))

    await asyncio.gather(sample_cpu(), *(one() for _ in range(connections)))
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n,
        "rps": n / seconds,
        "p50_ms": latencies[n // 2] * 1000 if n else float("nan"),
        "p99_ms": latencies[min(n - 1, int(n * 0.99))] * 1000 if n else float("nan"),
        "statuses": statuses,
        "rps_by_stream": [count / (seconds / len(requests)) for count in per_stream],
        "cpu_us": (
            (cpu[1] - cpu[0]) / n * 1e6 if n and None not in cpu else float("nan")  # type: ignore[operator]
        ),
    }


def _load(
    port: int, connections: int, warmup: float, seconds: float, server_pid: int, agents: int
) -> None:
    from workbench.resources import read_json_resource

    payload = read_json_resource(*MINIMAL)
    if agents:  # a new session per request, so that each request's agent is parsed
        payload = {k: v for k, v in payload.items() if k != "session"}
    body = json.dumps(payload).encode()
    # agents > 0: that many agents in turn; < 0: one agent and -agents agents, taking turns
    streams = None
    if agents > 0:
        streams = [realistic_agents(agents)]
    elif agents < 0:
        streams = [realistic_agents(1), realistic_agents(-agents)]
    result = asyncio.run(_drive(port, body, connections, warmup, seconds, server_pid, streams))
    print(json.dumps(result), flush=True)


# -- orchestration ------------------------------------------------------------------------


def _start_server(kind: str, prefill: int) -> tuple[subprocess.Popen[str], int, Path]:
    folder = Path(tempfile.mkdtemp(prefix="wb-bench-port-"))
    port_file = folder / "port"
    args = [sys.executable, __file__, "--serve", kind, "--port-file", str(port_file)]
    if prefill:
        args += ["--prefill", str(prefill)]
    process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not port_file.exists() or not port_file.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the {kind} server did not start")
        time.sleep(0.05)
    return process, int(port_file.read_text()), folder


def _phase(
    name: str,
    kind: str,
    prefill: int,
    args: argparse.Namespace,
    connections: int = 0,
    agents: int = 0,
) -> dict:
    started = time.perf_counter()
    server, port, folder = _start_server(kind, prefill)
    ready = time.perf_counter() - started
    try:
        load = subprocess.run(
            [
                sys.executable,
                __file__,
                "--load",
                str(port),
                "--connections",
                str(connections or args.connections),
                "--warmup",
                str(args.warmup),
                "--seconds",
                str(args.seconds),
                "--server-pid",
                str(server.pid),
                "--agents",
                str(agents),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        server.stdin.close()  # type: ignore[union-attr]  # asks the server to stop
        try:
            server.wait(timeout=120)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    result = json.loads(load.stdout)
    out = server.stdout.read()  # type: ignore[union-attr]
    server.stdout.close()  # type: ignore[union-attr]
    if kind.startswith("collector") and out.strip():
        result["server"] = json.loads(out.strip().splitlines()[-1])
    (folder / "port").unlink(missing_ok=True)
    folder.rmdir()
    extra = f" (server ready in {ready:.1f} s)" if prefill else ""
    print(
        f"{name:<16} {result['rps']:9.0f} req/s   p50 {result['p50_ms']:6.2f} ms   "
        f"p99 {result['p99_ms']:6.2f} ms   server CPU {result['cpu_us']:5.0f} µs/req   "
        f"statuses {result['statuses']}{extra}",
        flush=True,
    )
    if "server" in result:
        print(f"{'':<16} server: {result['server']}", flush=True)
    return result


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


@dataclass(frozen=True)
class _Pair:
    """Two phases run alternately over the rounds, the second's rate over the first's a goal.

    A phase is (name printed, server kind, entries stored beforehand); *note* follows
    the target inside its parentheses; *cpu* says the two phases' median server CPU
    per request (first, second) as printed.
    """

    first: tuple[str, str, int]
    second: tuple[str, str, int]
    goal: str
    target: float
    note: str
    cpu: Callable[[float, float], str]


_VS_BARE = _Pair(
    ("bare starlette", "bare", 0),
    ("collector", "collector", 0),
    "collector_vs_bare",
    0.5,
    "",
    lambda bare, collector: f"collector {collector:.0f} µs/req, bare {bare:.0f} µs/req",
)
_STORED = _Pair(
    ("collector", "collector", 0),
    ("collector-100k", "collector", 100_000),
    "collector_100k_vs_empty",
    0.9,
    "",
    lambda empty, stored: (
        f"collector-100k {stored:.0f} µs/req, collector {empty:.0f} µs/req ({empty / stored:.2f}x)"
    ),
)
_FLOW = _Pair(
    ("collector", "collector", 0),
    ("collector+demo", "collector-demo", 0),
    "flow_demo_vs_no_rules",
    0.8,
    "; 10 rules, 10 segments",
    lambda plain, demo: (
        f"collector {plain:.0f} µs/req, collector+demo {demo:.0f} µs/req "
        f"(+{demo - plain:.0f} µs, {plain / demo:.2f}x by CPU)"
    ),
)


def _pair_only(args: argparse.Namespace, pair: _Pair) -> int:
    """Only *pair*'s two phases, alternating over the rounds, and their one goal."""
    ratios: list[float] = []
    first_cpu: list[float] = []
    second_cpu: list[float] = []
    for round_number in range(1, args.rounds + 1):
        print(f"round {round_number}:", flush=True)
        first = _phase(*pair.first, args)
        second = _phase(*pair.second, args)
        ratios.append(second["rps"] / first["rps"])
        first_cpu.append(first["cpu_us"])
        second_cpu.append(second["cpu_us"])
    print("server CPU per request (median): " + pair.cpu(_median(first_cpu), _median(second_cpu)))
    ratio = _median(ratios)
    print(
        f"goal {pair.goal}: {ratio:.2f}x (target {pair.target:.2f}x{pair.note}) "
        f"{'met' if ratio >= pair.target else 'missed'}"
    )
    return 0


def _durable_only(args: argparse.Namespace) -> int:
    """Only durable and relaxed (at ``--connections``, then one at a time), alternating."""
    ratios: list[float] = []
    extras: list[float] = []
    cpu: dict[str, list[float]] = {"durable": [], "relaxed": []}
    per_batch: list[float] = []
    gc_cost: dict[str, list[float]] = {"durable": [], "relaxed": []}
    for round_number in range(1, args.rounds + 1):
        print(f"round {round_number}:", flush=True)
        durable = _phase("collector", "collector", 0, args)
        relaxed = _phase("collector-relaxed", "collector-relaxed", 0, args)
        ratios.append(durable["rps"] / relaxed["rps"])
        cpu["durable"].append(durable["cpu_us"])
        cpu["relaxed"].append(relaxed["cpu_us"])
        served = durable.get("server", {})
        if served.get("batches"):
            per_batch.append(served["records"] / served["batches"])
        for mode, result in (("durable", durable), ("relaxed", relaxed)):
            server = result.get("server", {})
            if server.get("records"):  # every collection of the server's life, per request
                gc_cost[mode].append(sum(server["gc"]["seconds"]) / server["records"] * 1e6)
        if not args.skip_sequential:
            seq_durable = _phase("seq durable", "collector", 0, args, 1)
            seq_relaxed = _phase("seq relaxed", "collector-relaxed", 0, args, 1)
            extras.append(seq_durable["p50_ms"] - seq_relaxed["p50_ms"])
    print(
        f"per round: durable / relaxed {', '.join(f'{r:.2f}' for r in ratios)}; server CPU "
        f"per request (median): durable {_median(cpu['durable']):.0f} µs/req, relaxed "
        f"{_median(cpu['relaxed']):.0f} µs/req; requests per durable flush (median) "
        f"{_median(per_batch) if per_batch else float('nan'):.1f}; garbage collection "
        f"(median) durable {_median(gc_cost['durable']) if gc_cost['durable'] else 0:.1f} "
        f"µs/req, relaxed {_median(gc_cost['relaxed']) if gc_cost['relaxed'] else 0:.1f} µs/req"
    )
    ratio = _median(ratios)
    print(
        f"goal durable_vs_relaxed: {ratio:.2f}x (target 0.90x at {args.connections} "
        f"connections) {'met' if ratio >= 0.9 else 'missed'}"
    )
    if extras:
        extra_ms = _median(extras)
        print(
            f"goal durable_sequential_latency: +{extra_ms:.2f} ms (target ≤ +1.00 ms) "
            f"{'met' if extra_ms <= 1.0 else 'missed'}"
        )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per phase")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of the phases")
    parser.add_argument("--warmup", type=float, default=1.5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--prefill", type=int, default=0)
    parser.add_argument(
        "--serve",
        choices=("bare", "collector", "collector-memory", "collector-demo", "collector-relaxed"),
    )
    parser.add_argument("--port-file")
    parser.add_argument("--load", type=int, metavar="PORT")
    parser.add_argument("--server-pid", type=int, default=0)
    parser.add_argument("--agents", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument(
        "--vs-bare-only",
        action="store_true",
        help="run only the bare and collector phases and their goal (a quick loop)",
    )
    parser.add_argument(
        "--stored-only",
        action="store_true",
        help="run only the collector and collector-100k phases and their goal (a quick loop)",
    )
    parser.add_argument(
        "--durable-only",
        action="store_true",
        help="run only the durable and relaxed phases and their goals (a quick loop)",
    )
    parser.add_argument(
        "--skip-sequential",
        action="store_true",
        help="with --durable-only: leave out the one-connection phases",
    )
    parser.add_argument(
        "--flow-only",
        action="store_true",
        help="run only the collector and collector+demo phases and their goal (a quick loop)",
    )
    args = parser.parse_args()
    if args.serve == "bare":
        _serve_bare(Path(args.port_file))
        return 0
    if args.serve in ("collector", "collector-memory", "collector-demo", "collector-relaxed"):
        flow = "demo" if args.serve == "collector-demo" else ""
        durability = "relaxed" if args.serve == "collector-relaxed" else "durable"
        memory = args.serve == "collector-memory"
        _serve_collector(Path(args.port_file), args.prefill, memory, flow, durability)
        return 0
    if args.load:
        _load(args.load, args.connections, args.warmup, args.seconds, args.server_pid, args.agents)
        return 0

    try:
        import httptools  # noqa: F401

        parser_name = "httptools"
    except ImportError:
        parser_name = "h11"
    print(
        f"POST /track with the minimal payload (2 events), {args.connections} connections, "
        f"{args.seconds:g} s per phase after {args.warmup:g} s warm-up; uvicorn http={parser_name}",
        flush=True,
    )
    # Phases alternate over the rounds, so a burst of load from elsewhere on the
    # machine hits all of them alike; ratios are taken within a round, and each
    # goal is the median of its rounds' ratios.
    if args.vs_bare_only:
        return _pair_only(args, _VS_BARE)
    if args.stored_only:
        return _pair_only(args, _STORED)
    if args.durable_only:
        return _durable_only(args)
    if args.flow_only:
        return _pair_only(args, _FLOW)
    best: dict[str, dict[str, Any]] = {}
    rounds: list[dict[str, dict[str, Any]]] = []
    costs: list[float] = []  # user-agent cost per round
    for round_number in range(1, args.rounds + 1):
        print(f"round {round_number}:", flush=True)
        this_round: dict[str, dict[str, Any]] = {}
        rounds.append(this_round)
        for name, kind, prefill, connections, agents in (
            ("bare starlette", "bare", 0, 0, 0),
            ("collector", "collector", 0, 0, 0),
            ("collector-relaxed", "collector-relaxed", 0, 0, 0),
            ("collector-100k", "collector", 100_000, 0, 0),
            ("collector+demo", "collector-demo", 0, 0, 0),
            ("seq durable", "collector", 0, 1, 0),
            ("seq relaxed", "collector-relaxed", 0, 1, 0),
            ("ua one|1000", "collector", 0, 0, -1000),
        ):
            result = _phase(name, kind, prefill, args, connections, agents)
            if agents < 0:  # the two streams' turns, from the same server and moment
                one, many = result["rps_by_stream"]
                print(f"{'':<16} one agent {one:.0f} req/s, 1,000 agents {many:.0f} req/s")
                costs.append(1 - many / one if one else float("nan"))
                continue
            this_round[name] = result
            if name.startswith("seq"):  # the least disturbed round: lowest median latency
                if name not in best or result["p50_ms"] < best[name]["p50_ms"]:
                    best[name] = result
            elif name not in best or result["rps"] > best[name]["rps"]:
                best[name] = result
    _phase("(memory store)", "collector-memory", 0, args)  # shows what persistence costs
    print("best round of each (for reference; the goals below are medians of per-round ratios):")
    for name, result in best.items():
        print(
            f"  {name:<16} {result['rps']:9.0f} req/s   p50 {result['p50_ms']:6.2f} ms   "
            f"p99 {result['p99_ms']:6.2f} ms   server CPU {result['cpu_us']:5.0f} µs/req"
        )

    def per_round(numerator: str, denominator: str, key: str = "rps") -> list[float]:
        return [r[numerator][key] / r[denominator][key] for r in rounds]

    def median(values: list[float]) -> float:
        ordered = sorted(values)
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[middle]
        return (ordered[middle - 1] + ordered[middle]) / 2

    def shown(values: list[float]) -> str:
        return ", ".join(f"{v:.2f}" for v in values)

    ratios = per_round("collector", "bare starlette")
    stored = per_round("collector-100k", "collector")
    flows = per_round("collector+demo", "collector")
    durables = per_round("collector", "collector-relaxed")
    print(
        f"per round: collector / bare {shown(ratios)}; collector-100k / collector {shown(stored)}"
    )
    print(
        f"per round: collector+demo / collector {shown(flows)}; durable / relaxed {shown(durables)}"
    )
    # Cross-check from CPU time per request (throughput a server could reach if it had
    # its core to itself); the goals below stay on req/s, as the issue states them.
    cpu_bare = per_round("bare starlette", "collector", "cpu_us")
    cpu_stored = per_round("collector", "collector-100k", "cpu_us")
    print(
        f"by server CPU per request (median): collector / bare {median(cpu_bare):.2f}x, "
        f"collector-100k / collector {median(cpu_stored):.2f}x; collector "
        f"{median([r['collector']['cpu_us'] for r in rounds]):.0f} µs/req, bare "
        f"{median([r['bare starlette']['cpu_us'] for r in rounds]):.0f} µs/req"
    )
    ratio, stored_ratio = median(ratios), median(stored)
    print(
        f"goal collector_vs_bare: {ratio:.2f}x (target 0.50x) {'met' if ratio >= 0.5 else 'missed'}"
    )
    print(
        f"goal collector_100k_vs_empty: {stored_ratio:.2f}x (target 0.90x) "
        f"{'met' if stored_ratio >= 0.9 else 'missed'}"
    )
    flow_ratio = median(flows)
    print(
        f"goal flow_demo_vs_no_rules: {flow_ratio:.2f}x (target 0.80x; 10 rules, 10 segments) "
        f"{'met' if flow_ratio >= 0.8 else 'missed'}"
    )
    durable_ratio = median(durables)
    print(
        f"goal durable_vs_relaxed: {durable_ratio:.2f}x (target 0.90x at {args.connections} "
        f"connections) {'met' if durable_ratio >= 0.9 else 'missed'}"
    )
    extras = [r["seq durable"]["p50_ms"] - r["seq relaxed"]["p50_ms"] for r in rounds]
    extra_ms = median(extras)
    seq_durable = median([r["seq durable"]["p50_ms"] for r in rounds])
    seq_relaxed = median([r["seq relaxed"]["p50_ms"] for r in rounds])
    verdict = "met" if extra_ms <= 1.0 else "missed"
    print(
        f"goal durable_sequential_latency: p50 {seq_durable:.2f} ms vs relaxed "
        f"{seq_relaxed:.2f} ms, +{extra_ms:.2f} ms (target ≤ +1.00 ms) {verdict}"
    )
    ua_cost = median(costs)
    print(
        f"goal user_agent_cost: {ua_cost * 100:.1f}% (target ≤ 5%; 1,000 distinct agents vs "
        f"one in turns of 0.1 s on one server, a new session per request) "
        f"{'met' if ua_cost <= 0.05 else 'missed'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
