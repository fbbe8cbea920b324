"""Production and staging data sets, chosen per request by ``x-context`` (as Tracardi does)."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.collector.inprocess import InProcessClient
from workbench.collector.app import create_app
from workbench.collector.config import CollectorConfig
from workbench.collector.contexts import ContextStores, choose_context
from workbench.collector.rejections import Rejected
from workbench.collector.server import CollectorServer
from workbench.store.collector.sources import DEFAULT_SOURCES
from workbench.store.collector.store import CollectorStore

PROD = {"x-context": "production"}
STAGE = {"x-context": "staging"}


def _payload(session_id: str | None = None, event_type: str = "page-view") -> dict[str, Any]:
    return {
        "source": {"id": "source-id"},
        "session": {"id": session_id or str(uuid.uuid4())},
        "events": [{"type": event_type, "properties": {"n": 1}}],
    }


@pytest.fixture
def client() -> Iterator[InProcessClient]:
    c = InProcessClient(create_app(CollectorStore(None), CollectorConfig()))
    yield c
    c.close()


def test_tracardi_rule_for_the_header() -> None:
    assert choose_context(b"production", False) == "production"
    assert choose_context(b"staging", False) == "staging"
    # Anything else, or nothing, is staging; the value is compared exactly.
    for other in (None, b"", b"Production", b"prod", b" production"):
        assert choose_context(other, False) == "staging"
    # Production mode ignores the header.
    for any_value in (None, b"staging", b"production", b"x"):
        assert choose_context(any_value, True) == "production"


def test_a_production_write_is_read_only_with_production(client: InProcessClient) -> None:
    payload = _payload()
    written = client.post("/track", json=payload, headers=PROD)
    assert written.status_code == 200
    assert written.headers["x-context"] == "production"
    profile_id = written.json()["profile"]["id"]
    session_id = payload["session"]["id"]
    for path in (f"/profile/{profile_id}", f"/session/{session_id}"):
        assert client.get(path, headers=PROD).status_code == 200
        assert client.get(path).status_code == 404  # no header: staging
        assert client.get(path, headers=STAGE).status_code == 404
    event_id = client.get("/_workbench/events", headers=PROD).json()["events"][0]["id"]
    assert client.get(f"/event/{event_id}", headers=PROD).status_code == 200
    assert client.get(f"/event/{event_id}").status_code == 404


def test_collect_routes_and_admin_routes_follow_the_header(client: InProcessClient) -> None:
    assert (
        client.post("/collect/order/webhook-source-id", json={"a": 1}, headers=PROD).status_code
        == 200
    )
    assert client.get("/_workbench/events", params={"type": "order"}).json()["events"] == []
    events = client.get("/_workbench/events", params={"type": "order", "context": "production"})
    assert len(events.json()["events"]) == 1
    source = {"id": "only-staging", "name": "S", "type": ["rest"]}
    assert client.post("/event-source", json=source).status_code == 200
    assert client.get("/event-source/only-staging").status_code == 200
    assert client.get("/event-source/only-staging", headers=PROD).status_code == 404
    refused = client.post(
        "/track", json={**_payload(), "source": {"id": "only-staging"}}, headers=PROD
    )
    assert refused.status_code == 401  # the source belongs to staging only


def test_a_source_added_in_production_serves_production_only(client: InProcessClient) -> None:
    source = {"id": "only-prod", "name": "P", "type": ["rest"]}
    assert client.post("/event-source", json=source, headers=PROD).status_code == 200
    tracked = {**_payload(), "source": {"id": "only-prod"}}
    assert client.post("/track", json=tracked, headers=PROD).status_code == 200
    assert client.post("/track", json=tracked).status_code == 401
    assert client.get("/event-source/only-prod").status_code == 404


def test_workbench_queries_take_a_context_filter(client: InProcessClient) -> None:
    client.post("/track", json=_payload(event_type="in-prod"), headers=PROD)
    client.post("/track", json=_payload(event_type="in-stage"))
    prod = client.get("/_workbench/events", params={"context": "production"}).json()["events"]
    stage = client.get("/_workbench/events", params={"context": "staging"}).json()["events"]
    assert {e["type"] for e in prod} == {"in-prod"}
    assert {e["type"] for e in stage} == {"in-stage"}
    # The query wins over the header on /_workbench/*.
    over = client.get("/_workbench/events", params={"context": "staging"}, headers=PROD)
    assert {e["type"] for e in over.json()["events"]} == {"in-stage"}
    stats = client.get("/_workbench/stats", params={"context": "production"}).json()
    assert stats["context"] == "production"
    assert stats["events"] == 1
    requests = client.get("/_workbench/requests", params={"context": "production"}).json()
    # Each record names the data set its request used (the query's, on /_workbench/*).
    paths = [r["path"] for r in requests["requests"]]
    assert paths == ["/_workbench/stats", "/_workbench/events", "/track"]
    assert all(r["context"] == "production" for r in requests["requests"])
    bad = client.get("/_workbench/events", params={"context": "prod"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "context"]
    assert "staging, production" in bad.json()["detail"][0]["msg"]


def test_reset_of_one_context_keeps_the_other(client: InProcessClient) -> None:
    client.post("/track", json=_payload(), headers=PROD)
    client.post("/track", json=_payload())
    reset = client.post("/_workbench/reset", params={"context": "staging"})
    assert reset.status_code == 200
    assert reset.json()["context"] == "staging"
    assert client.get("/_workbench/stats").json()["events"] == 0
    assert client.get("/_workbench/stats", headers=PROD).json()["events"] == 1


def test_wait_counts_the_chosen_context(client: InProcessClient) -> None:
    client.post("/track", json=_payload(event_type="w"), headers=PROD)
    ok = client.get("/_workbench/wait", params={"type": "w", "timeout": 0, "context": "production"})
    assert ok.status_code == 200
    missing = client.get("/_workbench/wait", params={"type": "w", "timeout": 0})
    assert missing.status_code == 408


def test_production_mode_ignores_the_header() -> None:
    c = InProcessClient(create_app(CollectorStore(None), CollectorConfig(production=True)))
    try:
        written = c.post("/track", json=_payload(), headers=STAGE)
        profile_id = written.json()["profile"]["id"]
        assert c.get(f"/profile/{profile_id}").status_code == 200
        assert c.get(f"/profile/{profile_id}", headers=STAGE).status_code == 200
        details = c.get("/info/version/details").json()
        assert details["production"] is True
        assert details["context"] == "production"
        assert c.get("/_workbench/stats", params={"context": "staging"}).json()["events"] == 0
    finally:
        c.close()


def test_both_data_sets_survive_a_restart_apart(tmp_path: Path) -> None:
    config = CollectorConfig(port=0, data_dir=tmp_path / "collector")
    with CollectorServer(config) as server:
        prod = httpx.post(f"{server.url}/track", json=_payload(event_type="p"), headers=PROD)
        stage = httpx.post(f"{server.url}/track", json=_payload(event_type="s"))
        assert prod.status_code == stage.status_code == 200
    assert (tmp_path / "collector" / "production").is_dir()
    with CollectorServer(config) as server:

        def types(headers: dict[str, str]) -> set[str]:
            got = httpx.get(f"{server.url}/_workbench/events", headers=headers).json()
            return {e["type"] for e in got["events"]}

        assert types(PROD) == {"p"}
        assert types({}) == {"s"}
        profile_id = prod.json()["profile"]["id"]
        assert httpx.get(f"{server.url}/profile/{profile_id}", headers=PROD).status_code == 200
        assert httpx.get(f"{server.url}/profile/{profile_id}").status_code == 404


def _writer_threads() -> set[threading.Thread]:
    """The running writer threads of persistent collector stores (one per open store)."""
    return {t for t in threading.enumerate() if t.name == "collector-store-writer"}


def test_a_collector_that_never_sees_production_opens_nothing_for_it(tmp_path: Path) -> None:
    folder = tmp_path / "collector"
    before = _writer_threads()
    with CollectorServer(CollectorConfig(port=0, data_dir=folder)) as server:
        with httpx.Client(base_url=server.url, timeout=10) as http:
            assert http.post("/track", json=_payload(), headers=STAGE).status_code == 200
            # Not exactly "production": staging, as Tracardi decides.
            near = http.post("/track", json=_payload(), headers={"x-context": "Production"})
            assert near.status_code == 200
            assert http.get("/_workbench/events", params={"context": "staging"}).status_code == 200
            assert http.get("/_workbench/stats").json()["context"] == "staging"
            assert http.get("/info/version/details").status_code == 200
        assert len(_writer_threads() - before) == 1  # the staging store's writer only
        assert server.production_store is None
        assert not (folder / "production").exists()
    assert not (folder / "production").exists()  # stopping made none either
    assert not _writer_threads() - before
    # A stopped collector never opens it afterwards.
    with pytest.raises(Rejected, match="stopping"):
        server.contexts.get("production")
    assert not (folder / "production").exists()


def test_production_mode_opens_the_production_data_set_at_start(tmp_path: Path) -> None:
    folder = tmp_path / "collector"
    server = CollectorServer(CollectorConfig(port=0, data_dir=folder, production=True))
    try:
        assert server.production_store is not None
        assert (folder / "production").is_dir()
    finally:
        server.stop()


def test_concurrent_first_uses_share_one_opening_off_the_event_loop() -> None:
    opened: list[CollectorStore] = []
    entered = threading.Event()
    release = threading.Event()

    def open_production() -> CollectorStore:
        entered.set()
        assert release.wait(10)
        store = CollectorStore(None)
        opened.append(store)
        return store

    stores = ContextStores(CollectorStore(None), open_production)
    assert stores.opened("production") is None

    async def first_uses() -> CollectorStore:
        requests = [asyncio.create_task(stores.ready("production")) for _ in range(6)]
        # The loop still runs while the opening is held in its worker thread...
        assert await asyncio.to_thread(entered.wait, 10)
        with ThreadPoolExecutor(max_workers=1) as other:
            # ...and a thread that is not the loop's asks at the same moment.
            from_thread = other.submit(stores.get, "production")
            assert not from_thread.done()
            release.set()
            await asyncio.gather(*requests)
            return from_thread.result(10)

    got = asyncio.run(first_uses())
    assert len(opened) == 1
    assert got is opened[0]
    assert stores.get("production") is opened[0]


def test_concurrent_first_production_requests_make_one_store(tmp_path: Path) -> None:
    folder = tmp_path / "collector"
    before = _writer_threads()
    clients = 8
    together = threading.Barrier(clients)
    with CollectorServer(CollectorConfig(port=0, data_dir=folder)) as server:

        def track(n: int) -> httpx.Response:
            with httpx.Client(base_url=server.url, timeout=10) as http:
                together.wait(10)
                return http.post("/track", json=_payload(event_type=f"first-{n}"), headers=PROD)

        with ThreadPoolExecutor(max_workers=clients) as pool:
            answers = list(pool.map(track, range(clients)))
        assert [a.status_code for a in answers] == [200] * clients
        assert len(_writer_threads() - before) == 2  # staging's and production's, no third
        store = server.production_store
        assert store is not None
        kinds = {e["type"] for e in store.list_events(limit=1000)}
        assert {f"first-{n}" for n in range(clients)} <= kinds
        assert not {f"first-{n}" for n in range(clients)} & {
            e["type"] for e in server.store.list_events(limit=1000)
        }
    # Stopping closed it: every answered event is on disk in the production folder.
    reopened = CollectorStore(folder / "production")
    try:
        assert {f"first-{n}" for n in range(clients)} <= {
            e["type"] for e in reopened.list_events(limit=1000)
        }
    finally:
        reopened.close()


def test_a_first_read_of_production_answers_an_empty_data_set(tmp_path: Path) -> None:
    folder = tmp_path / "collector"
    with (
        CollectorServer(CollectorConfig(port=0, data_dir=folder)) as server,
        httpx.Client(base_url=server.url, timeout=10) as http,
    ):
        assert http.post("/track", json=_payload()).status_code == 200
        stats = http.get("/_workbench/stats", params={"context": "production"})
        assert stats.status_code == 200
        assert stats.json()["context"] == "production"
        assert stats.json()["events"] == 0
        assert stats.json()["profiles"] == 0
        sources = http.get("/event-sources", headers=PROD).json()
        assert sources["total"] == len(DEFAULT_SOURCES)  # a new data set's default sources
        assert http.get("/_workbench/events", headers=PROD).json()["events"] == []
        # A request that asks for production opens it (its folder, journal and writer).
        assert server.production_store is not None
        assert (folder / "production").is_dir()


def test_a_wait_on_production_that_opens_it_sees_the_first_write(tmp_path: Path) -> None:
    opened = threading.Event()
    with CollectorServer(CollectorConfig(port=0, data_dir=tmp_path / "collector")) as server:
        server.contexts.on_open(lambda name, _store: opened.set() if name == "production" else None)
        with ThreadPoolExecutor(max_workers=1) as pool:
            waiting = pool.submit(
                httpx.get,
                f"{server.url}/_workbench/wait",
                params={"context": "production", "type": "late", "timeout": 10},
                timeout=15,
            )
            assert opened.wait(10)  # the wait itself opened production
            assert server.app.state.context_waiters["production"].waiter_added.wait(10)
            tracked = httpx.post(
                f"{server.url}/track", json=_payload(event_type="late"), headers=PROD
            )
            assert tracked.status_code == 200
            answer = waiting.result(15)
        assert answer.status_code == 200
        assert answer.json()["count"] == 1


def test_a_production_data_set_that_cannot_be_opened_is_a_503_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "collector"
    folder.mkdir()
    (folder / "production").write_text("a file where the folder would go", encoding="utf-8")
    with (
        CollectorServer(CollectorConfig(port=0, data_dir=folder)) as server,
        httpx.Client(base_url=server.url, timeout=10) as http,
    ):
        for answer in (
            http.post("/track", json=_payload(), headers=PROD),
            http.get("/_workbench/stats", params={"context": "production"}),
        ):
            assert answer.status_code == 503
            assert "production data set cannot be opened" in answer.json()["detail"]
            assert str(folder / "production") in answer.json()["detail"]
        assert http.post("/track", json=_payload()).status_code == 200  # staging still works
    assert (folder / "production").read_text(encoding="utf-8").startswith("a file")


_steps = st.lists(
    st.tuples(
        st.sampled_from([None, "production", "staging", "Production", "x"]),
        st.sampled_from(["a", "b", "c"]),  # a session (and its profile) reused across steps
        st.sampled_from(["/track", "/collect"]),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=_steps)
def test_no_data_crosses_between_contexts(steps: list[tuple[str | None, str, str]]) -> None:
    c = InProcessClient(create_app(CollectorStore(None), CollectorConfig()))
    try:
        sessions = {name: str(uuid.uuid4()) for name in "abc"}
        expected: dict[str, set[str]] = {"production": set(), "staging": set()}
        used: dict[str, set[str]] = {"production": set(), "staging": set()}
        for value, session, route in steps:
            headers = {"x-context": value} if value is not None else {}
            context = "production" if value == "production" else "staging"
            kind = f"{context}-{uuid.uuid4().hex[:6]}"
            if route == "/track":
                answer = c.post("/track", json=_payload(sessions[session], kind), headers=headers)
                used[context].add(sessions[session])
            else:
                answer = c.post(
                    f"/collect/{kind}/webhook-source-id", json={"n": 1}, headers=headers
                )
            assert answer.status_code == 200, answer.text
            expected[context].add(kind)
        for context, kinds in expected.items():
            events = c.get("/_workbench/events", params={"context": context, "limit": 1000})
            assert {e["type"] for e in events.json()["events"] if not _system(e["type"])} == kinds
            other = "staging" if context == "production" else "production"
            for session_id in used[context] - used[other]:
                assert (
                    c.get(f"/session/{session_id}", headers={"x-context": context}).status_code
                    == 200
                )
                assert (
                    c.get(f"/session/{session_id}", headers={"x-context": other}).status_code == 404
                )
    finally:
        c.close()


def _system(kind: str) -> bool:
    return kind in ("profile-created", "session-opened", "visit-started")
