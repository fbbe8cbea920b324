"""The collector's event table and profile sessions: plain answers, nothing for the GC to visit."""

from __future__ import annotations

import gc
import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.store.collector.events import INDEXED, EventKeys, EventTable
from workbench.store.collector.sessions import ProfileSessions
from workbench.store.collector.store import CollectorStore

KEYS = st.one_of(st.none(), st.sampled_from(["a", "b", "c"]))
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("put"), st.integers(0, 12), st.tuples(KEYS, KEYS, KEYS, KEYS)),
        st.tuples(st.just("delete"), st.integers(0, 12), st.just((None, None, None, None))),
    ),
    max_size=80,
)


class Model:
    """What the table must answer: events in a list, oldest first, the oldest dropped."""

    def __init__(self, retention: int) -> None:
        self.retention = retention
        self.events: list[tuple[str, EventKeys, bytes]] = []

    def put(self, event_id: str, keys: EventKeys, blob: bytes) -> None:
        self.delete(event_id)
        self.events.append((event_id, keys, blob))
        del self.events[: max(0, len(self.events) - self.retention)]

    def delete(self, event_id: str) -> bool:
        kept = [e for e in self.events if e[0] != event_id]
        found = len(kept) != len(self.events)
        self.events = kept
        return found

    def newest(self, filters: dict[int, str]) -> list[bytes]:
        return [
            blob
            for _, keys, blob in reversed(self.events)
            if all(keys[i] == key for i, key in filters.items())
        ]


@settings(max_examples=300, deadline=None)
@given(retention=st.integers(1, 6), ops=OPS, batch=st.integers(1, 5))
def test_answers_what_an_ordered_list_answers(retention: int, ops: list[Any], batch: int) -> None:
    """*batch* > 1: runs of up to that many puts go to ``put_many`` together (as one
    request's events do), which must leave what putting them one by one leaves."""
    table = EventTable(retention)
    model = Model(retention)
    waiting: list[tuple[str, EventKeys, bytes]] = []
    for step, (op, number, keys) in enumerate(ops):
        event_id = f"e{number}"
        if op == "put":
            blob = b'{"step":%d}' % step
            if batch == 1:
                table.put(event_id, keys, blob)
            else:
                waiting.append((event_id, keys, blob))
                if len(waiting) == batch:
                    table.put_many(waiting)
                    waiting = []
            model.put(event_id, keys, blob)
        else:
            table.put_many(waiting)
            waiting = []
            assert table.delete(event_id) == model.delete(event_id)
    table.put_many(waiting)
    assert len(table) == len(model.events)
    assert table.blobs() == [blob for _, _, blob in model.events]
    for number in range(13):
        expected = next((b for i, _, b in model.events if i == f"e{number}"), None)
        assert table.get(f"e{number}") == expected
    for index in range(len(INDEXED)):
        expected_counts: dict[str, int] = {}
        for _, keys, _ in model.events:
            if keys[index] is not None:
                expected_counts[keys[index]] = expected_counts.get(keys[index], 0) + 1
        assert table.counts(index) == expected_counts
        for key in ("a", "b", "c"):
            assert table.count(index, key) == expected_counts.get(key, 0)
    for chosen in itertools.product([None, "a", "b"], repeat=len(INDEXED)):
        filters = {i: key for i, key in enumerate(chosen) if key is not None}
        assert list(table.newest(filters)) == model.newest(filters)


def test_a_long_index_is_walked_newest_first_across_chunks() -> None:
    table = EventTable(2000)
    for i in range(3000):
        table.put(f"e{i}", ("odd" if i % 2 else "even", "s", None, f"p{i % 3}"), b"%d" % i)
    page = list(table.newest({0: "odd", 3: "p1"}))
    assert page == [b"%d" % i for i in range(2999, 999, -1) if i % 2 and i % 3 == 1]
    assert table.count(1, "s") == 2000


PROFILES = st.one_of(st.none(), st.sampled_from(["p0", "p1", "p2"]))
SESSION_OPS = st.lists(
    st.tuples(st.sampled_from(["set", "forget"]), st.integers(0, 5), PROFILES), max_size=60
)


@settings(max_examples=300, deadline=None)
@given(ops=SESSION_OPS)
def test_profile_sessions_answer_what_lists_per_profile_answer(ops: list[Any]) -> None:
    sessions = ProfileSessions()
    owner: dict[str, str | None] = {}
    lists: dict[str, list[str]] = {}
    for op, number, profile in ops:
        session_id = f"s{number}"
        old = owner.pop(session_id, None)
        if op == "set":
            sessions.set_owner(session_id, profile)
            owner[session_id] = profile
        else:
            sessions.forget(session_id)
        if old is not None and (op == "forget" or old != profile):
            lists[old].remove(session_id)
        if op == "set" and profile is not None and old != profile:
            lists.setdefault(profile, []).append(session_id)
    for profile in ("p0", "p1", "p2"):
        assert sessions.sessions_of(profile) == lists.get(profile, [])


def test_sessions_of_a_profile_are_listed_newest_attached_first() -> None:
    store = CollectorStore(None)
    try:
        for number, profile in ((1, "a"), (2, "b"), (3, "a"), (2, "a"), (4, "b")):
            store.commit(session={"id": f"s{number}", "profile": {"id": profile}})
        store.delete_session("s3")
        assert [s["id"] for s in store.sessions_for_profile("a")] == ["s2", "s1"]
        assert [s["id"] for s in store.sessions_for_profile("b")] == ["s4"]
        assert store.sessions_for_profile("nobody") == []
    finally:
        store.close()


def _event(i: int) -> dict[str, Any]:
    return {
        "id": f"e{i}",
        "type": f"type-{i % 50}",
        "source": {"id": f"source-{i % 3}"},
        "profile": {"id": f"profile-{i % 3000}"},
        "session": {"id": f"session-{i % 7000}"},
    }


def _tracked_after_full_collection() -> int:
    gc.collect()
    return len(gc.get_objects())


def _session(i: int) -> dict[str, Any]:
    return {"id": f"session-{i}", "profile": {"id": f"profile-{i % 3000}"}}


def test_stored_data_gives_the_garbage_collector_nothing_to_visit() -> None:
    store = CollectorStore(None, retention=20_000)
    try:
        store.commit(events=[_event(i) for i in range(1000)])
        before = _tracked_after_full_collection()
        for start in range(1000, 30_000, 1000):  # fills up, then evicts the oldest
            store.commit(events=[_event(i) for i in range(start, start + 1000)])
        for i in range(7000):
            store.commit(session=_session(i))
        after = _tracked_after_full_collection()
        assert store.count_events() == 20_000
        assert store.count_events(type="type-7") == 400
        assert len(store.sessions_for_profile("profile-5")) == 3
        # 19,000 more events and 7,000 sessions of 3,000 profiles: no more tracked objects.
        assert after - before < 50
    finally:
        store.close()
