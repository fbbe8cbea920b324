"""``--forward``: the collector as a recording proxy in front of a real Tracardi.

The "real Tracardi" here is a second embedded collector on 127.0.0.1: it answers as
Tracardi does, and its store shows what arrived there.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Any

import httpx

from workbench.__main__ import main
from workbench.cli.collector import start_forwarding
from workbench.client import IdentityMemory, RequestSpec, Sender, embedded_target
from workbench.collector.records import RequestRecord
from workbench.journeys import fresh_collector
from workbench.settings import app_paths
from workbench.store.history import HistoryStore


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_tracking_is_answered_by_the_upstream_and_recorded(tmp_path: Path) -> None:
    records: list[RequestRecord] = []
    seen = threading.Event()

    def listen(record: RequestRecord) -> None:
        records.append(record)
        seen.set()

    with fresh_collector() as upstream, fresh_collector() as local:
        local.add_listener(listen)
        with HistoryStore(tmp_path / "history") as history:
            forwarder = start_forwarding(local, upstream.url, history)
            try:
                payload = {"source": {"id": "source-id"}, "events": [{"type": "page-view"}]}
                with Sender(identity=IdentityMemory()) as sender:
                    first = sender.send(
                        embedded_target(local.url), RequestSpec(payload=payload, debugger=True)
                    )
                    second = sender.send(
                        embedded_target(local.url), RequestSpec(payload=payload, debugger=True)
                    )
                    hook = sender.send(
                        embedded_target(local.url),
                        RequestSpec(
                            payload={"coupon": "x"},
                            route="collect",
                            collect_event_type="coupon",
                            collect_source_id="webhook-source-id",
                        ),
                    )
                # The answers are upstream's: its store has the profile, ours has nothing.
                assert first.status == second.status == hook.status == 200
                profile_id = first.json["profile"]["id"]
                assert second.json["profile"]["id"] == profile_id
                assert upstream.store.get_profile(profile_id) is not None
                assert local.store.get_profile(profile_id) is None
                assert local.store.stats()["events"] == 0
                assert seen.wait(5)
                # Live traffic shows the real answer.
                assert records[0].status == 200
                assert profile_id in records[0].response_body
                assert records[0].source_id == "source-id"
                # Refusals come back as the upstream gave them.
                refused = httpx.post(
                    f"{local.url}/track", json={"source": {"id": "nope"}, "events": []}
                )
                direct = httpx.post(
                    f"{upstream.url}/track", json={"source": {"id": "nope"}, "events": []}
                )
                assert refused.status_code == direct.status_code == 401
                assert refused.json() == direct.json()
                # The status page and the rest are still answered locally.
                assert httpx.get(f"{local.url}/_workbench/requests").status_code == 200
                entries = history.page(None, 0, 10)
                assert len(entries) == 4
                newest = history.get(entries[-1].id)  # the oldest: the first visit
                assert newest is not None
                exchange = newest.exchange.to_dict()
                assert exchange["response"]["status"] == 200
                assert exchange["view"]["profile_id"] == profile_id
                assert exchange["target"]["base_url"] == upstream.url
            finally:
                forwarder.close()


def test_an_unreachable_upstream_answers_502_and_says_why(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{_closed_port()}"
    with fresh_collector() as local, HistoryStore(tmp_path / "history") as history:
        forwarder = start_forwarding(local, dead, history)
        try:
            answer = httpx.post(
                f"{local.url}/track", json={"source": {"id": "source-id"}, "events": []}
            )
            assert answer.status_code == 502
            assert f"forwarding to {dead} failed" in answer.json()["detail"]
            entry = history.get(history.page(None, 0, 1)[0].id)
            assert entry is not None
            assert entry.exchange.to_dict()["error"]["kind"] == "network"
        finally:
            forwarder.close()


def test_forwarded_traffic_becomes_a_journey_that_runs_against_the_upstream(
    tmp_path: Path, capsys: Any
) -> None:
    base = tmp_path / "home"
    with fresh_collector() as upstream:
        with fresh_collector() as local, HistoryStore(app_paths(str(base)).history_dir) as history:
            forwarder = start_forwarding(local, upstream.url, history)
            try:
                payload = {"source": {"id": "source-id"}, "events": [{"type": "page-view"}]}
                with Sender(identity=IdentityMemory()) as sender:
                    for _ in range(2):
                        sender.send(
                            embedded_target(local.url), RequestSpec(payload=payload, debugger=True)
                        )
            finally:
                forwarder.close()
        out = tmp_path / "site.yaml"
        args = ["--basedir", str(base), "journey", "from-history", "--out", str(out)]
        assert main(args) == 0
        capsys.readouterr()
        assert main(["run", str(out), "--to", upstream.url]) == 0, capsys.readouterr().out


def test_a_bad_forward_url_is_a_usage_error(tmp_path: Path, capsys: Any) -> None:
    code = main(
        [
            "--basedir",
            str(tmp_path),
            "collector",
            "--memory",
            "--port",
            "0",
            "--forward",
            "ftp://nowhere",
        ]
    )
    assert code == 2
    assert "--forward: 'ftp://nowhere' is not an http(s) base URL" in capsys.readouterr().err
