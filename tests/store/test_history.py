"""HistoryStore: append, list, filter, search, star, delete, prune, reopen."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.store.history_helpers import make_exchange
from workbench.core.exchange import Exchange
from workbench.store.history import (
    HistoryQuery,
    HistoryReadOnlyError,
    HistoryStore,
)


def fill(store: HistoryStore, count: int, **kwargs: object) -> list[str]:
    return [store.append(make_exchange(n, **kwargs)).id for n in range(count)]  # type: ignore[arg-type]


def test_append_then_get_returns_the_exchange_and_its_summary(tmp_path: Path) -> None:
    with HistoryStore(tmp_path) as store:
        exchange = make_exchange(3, event_type="coupon-received")
        entry = store.append(exchange)
        assert entry.id == exchange.id
        got = store.get(entry.id)
        assert got is not None
        assert got.exchange.request is not None
        assert exchange.request is not None
        assert got.exchange.request.body == exchange.request.body
        assert got.exchange.view == exchange.view
        assert got.exchange == entry.exchange
        summary = got.summary
        assert summary.event_types == ("coupon-received", "page-view")
        assert summary.status == 200
        assert summary.method == "POST"
        assert summary.route == "/track"
        assert summary.target_name == "Embedded collector"
        assert summary.profile_id == "profile-id"
        assert summary.session_id == "session-id"
        assert summary.duration_ms == pytest.approx(15.5)
        assert summary.created_at == "2026-11-26T10:00:00.000000Z"
        assert not summary.starred
        assert summary.error_kind is None
        assert store.get("no-such-id") is None


def test_tolerates_missing_keys_and_rejects_non_dicts(tmp_path: Path) -> None:
    with HistoryStore(tmp_path) as store:
        entry = store.append(Exchange.from_dict({}))
        assert entry.id
        assert entry.summary.status is None
        assert entry.summary.route == ""
        assert entry.summary.status_class == "error"
        odd = store.append(
            Exchange.from_dict({"request": {"url": "http://x/collect/t/s?x=1", "body": [1]}})
        )
        assert odd.summary.route == "/collect/t/s?x=1"
        assert odd.summary.event_types == ("t",)
        with pytest.raises(TypeError, match="must be a JSON object"):
            Exchange.from_dict(["not", "a", "dict"])  # type: ignore[arg-type]
        assert store.count() == 2


def test_pages_are_newest_first_across_segments(tmp_path: Path) -> None:
    with HistoryStore(tmp_path, segment_size=4) as store:
        ids = fill(store, 23)
        assert store.count() == 23
        newest_first = ids[::-1]
        assert [s.id for s in store.page(None, 0, 5)] == newest_first[:5]
        assert [s.id for s in store.page(None, 5, 7)] == newest_first[5:12]
        assert [s.id for s in store.page(None, 20, 10)] == newest_first[20:]
        assert store.page(None, 30, 10) == []
    with HistoryStore(tmp_path, segment_size=4) as store:
        assert [s.id for s in store.page(None, 0, 23)] == newest_first
        assert store.get(ids[0]) is not None


def test_filters(tmp_path: Path) -> None:
    with HistoryStore(tmp_path, segment_size=3) as store:
        store.append(make_exchange(1, event_type="a", status=200, target="T1", source_id="s1"))
        store.append(make_exchange(2, event_type="b", status=404, target="T2", source_id="s2"))
        store.append(make_exchange(3, event_type="a", status=None, profile_id="p9"))
        store.append(make_exchange(4, event_type="c", status=500, session_id="sess-x"))
        store.append(make_exchange(5, started_at="2026-11-27T00:00:00Z"))

        def types(query: HistoryQuery) -> list[tuple[str, ...]]:
            return [s.event_types for s in store.page(query, 0, 50)]

        assert store.count(HistoryQuery(event_type="a")) == 2
        assert store.count(HistoryQuery(event_type="page-view")) == 5
        assert types(HistoryQuery(status_class="4xx")) == [("b", "page-view")]
        assert types(HistoryQuery(status_class="5xx")) == [("c", "page-view")]
        assert store.count(HistoryQuery(status_class="error")) == 1
        assert store.count(HistoryQuery(status_class="2xx")) == 2
        assert store.count(HistoryQuery(target="T2")) == 1
        assert store.count(HistoryQuery(target="http://127.0.0.1:8686")) == 5
        assert store.count(HistoryQuery(source="s1")) == 1
        assert store.count(HistoryQuery(profile_id="p9")) == 1
        assert store.count(HistoryQuery(session_id="sess-x")) == 1
        assert store.count(HistoryQuery(since="2026-11-26T12:00:00+00:00")) == 1
        assert store.count(HistoryQuery(until="2026-11-26T12:00:00Z")) == 4
        assert store.count(HistoryQuery(event_type="a", status_class="2xx")) == 1
        with pytest.raises(ValueError, match="status_class must be one of"):
            HistoryQuery(status_class="200")
        with pytest.raises(ValueError, match="not an ISO-8601 time"):
            HistoryQuery(since="yesterday")


def test_full_text_search_over_request_and_response_bodies(tmp_path: Path) -> None:
    with HistoryStore(tmp_path, segment_size=4) as store:
        for n in range(10):
            store.append(make_exchange(n, product=f"Product-{n}"))
        special = replace(make_exchange(99), body_text='{"note": "Only In The Response"}')
        store.append(special)
        assert store.count(HistoryQuery(text="product-7")) == 1
        assert store.count(HistoryQuery(text="PRODUCT-")) == 10
        assert [s.id for s in store.page(HistoryQuery(text="only in the response"))] == [special.id]
        assert store.count(HistoryQuery(text="nowhere-to-be-found")) == 0
        assert store.count(HistoryQuery(text="product-", event_type="nope")) == 0
        # Newest first, paged, combined with a filter.
        page = store.page(HistoryQuery(text="product-"), 2, 3)
        assert len(page) == 3
    with HistoryStore(tmp_path, segment_size=4) as store:
        assert store.count(HistoryQuery(text="product-3")) == 1


def test_star_unstar_delete_and_clear(tmp_path: Path) -> None:
    with HistoryStore(tmp_path, segment_size=4) as store:
        ids = fill(store, 10)
        assert store.star(ids[1])
        assert store.star(ids[9])
        assert store.count(HistoryQuery(starred_only=True)) == 2
        assert store.star(ids[9], False)
        assert not store.star("missing")
        assert store.delete(ids[2])
        assert store.delete(ids[8])
        assert not store.delete(ids[2])
        assert store.count() == 8
    with HistoryStore(tmp_path, segment_size=4) as store:
        assert [s.id for s in store.page(HistoryQuery(starred_only=True))] == [ids[1]]
        entry = store.get(ids[1])
        assert entry is not None
        assert entry.starred
        assert store.get(ids[2]) is None
        assert store.get(ids[8]) is None
        store.clear()
        assert store.count() == 0
        assert store.page() == []
        store.append(make_exchange(1))
    with HistoryStore(tmp_path, segment_size=4) as store:
        assert store.count() == 1
        assert not list(tmp_path.glob("segments.cleared-*"))


def test_retention_keeps_the_newest_plus_starred(tmp_path: Path) -> None:
    with HistoryStore(tmp_path, segment_size=4, retention=6) as store:
        ids = fill(store, 3)
        store.star(ids[0])
        ids += fill(store, 13)
        store.flush()
        kept = [s.id for s in store.page(None, 0, 100)]
        # The 6 newest survive, and the starred oldest one, at most a segment more.
        assert ids[0] in kept
        assert set(ids[-6:]) <= set(kept)
        assert len(kept) <= 6 + 1 + 4
    with HistoryStore(tmp_path, segment_size=4, retention=6) as store:
        kept_after = [s.id for s in store.page(None, 0, 100)]
        assert kept_after == [i for i in ids[::-1] if i in set(ids[-6:]) | {ids[0]}]


def test_a_duplicate_id_gets_a_fresh_one(tmp_path: Path) -> None:
    with HistoryStore(tmp_path) as store:
        exchange = make_exchange(1)
        first, second = store.append(exchange), store.append(exchange)
        assert first.id != second.id
        assert store.count() == 2


@pytest.mark.parametrize("entry_id", ["plain-id", 'quoted "id" \\ back', "ünïcode-id"])
def test_a_duplicate_of_an_entry_another_store_appended_gets_a_fresh_id(
    tmp_path: Path, entry_id: str
) -> None:
    # The other store's line is not parsed by this one until something reads it:
    # the duplicate check must see it all the same.
    with HistoryStore(tmp_path) as mine, HistoryStore(tmp_path) as other:
        mine.append(make_exchange(0))
        exchange = replace(make_exchange(1), id=entry_id)
        assert other.append(exchange).id == entry_id
        again = mine.append(exchange)
        assert again.id != entry_id
        assert mine.count() == 3
        assert sorted(s.id for s in other.summaries()) == sorted(s.id for s in mine.summaries())


def test_changing_what_append_returned_changes_nothing_stored(tmp_path: Path) -> None:
    with HistoryStore(tmp_path) as store:
        entry = store.append(make_exchange(1))
        assert entry.exchange.request is not None
        entry.exchange.request.body["events"].clear()
        got = store.get(entry.id)
        assert got is not None
        assert got.exchange.request is not None
        assert got.exchange.request.body["events"]
        assert got.exchange.id == entry.id


def test_several_writers_and_readers_share_one_history(tmp_path: Path) -> None:
    with HistoryStore(tmp_path, segment_size=4) as writer:
        ids = fill(writer, 6)
        with HistoryStore(tmp_path, segment_size=4) as second:
            assert second.count() == 6
            more = second.append(make_exchange(7)).id
            assert writer.count() == 7
            assert writer.get(more) is not None
        with HistoryStore(tmp_path, read_only=True) as reader:
            assert reader.count() == 7
            assert reader.get(ids[0]) is not None
            with pytest.raises(HistoryReadOnlyError):
                reader.append(make_exchange())
    with HistoryStore(tmp_path) as again:
        assert again.count() == 7


def test_closed_store_refuses_writes(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    store.close()
    store.close()
    with pytest.raises(ValueError, match="closed"):
        store.append(make_exchange())


def test_bad_arguments_are_explained(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="retention must be at least 1"):
        HistoryStore(tmp_path, retention=0)
    with HistoryStore(tmp_path) as store, pytest.raises(ValueError, match="must not be negative"):
        store.page(None, -1, 5)


def test_files_stay_bounded_whatever_the_history_size(tmp_path: Path) -> None:
    """What an append writes (journal line, at most one segment) never grows with the history."""
    with HistoryStore(tmp_path, segment_size=4, retention=None) as store:
        fill(store, 10)
        small = max(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file())
        fill(store, 90)
        assert store.count() == 100
        large = max(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file())
    assert large <= small * 1.2
    assert len(list((tmp_path / "segments").glob("*.json"))) == 25


def test_appends_from_many_threads_are_all_kept(tmp_path: Path) -> None:
    import threading

    with HistoryStore(tmp_path, segment_size=8) as store:
        ids: list[str] = []
        errors: list[BaseException] = []

        def worker(first: int) -> None:
            try:
                for n in range(first, first + 25):
                    ids.append(store.append(make_exchange(n)).id)
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(k * 100,)) for k in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert store.count() == 100
        assert {s.id for s in store.page(None, 0, 200)} == set(ids)


def test_an_exchange_that_is_not_json_is_refused_before_writing(tmp_path: Path) -> None:
    with HistoryStore(tmp_path) as store:
        bad = replace(make_exchange(1), json={"when": object()})
        with pytest.raises(TypeError, match="not plain JSON"):
            store.append(bad)
        with pytest.raises(TypeError, match="not plain JSON"):
            store.append_many([make_exchange(2), bad])
        assert store.count() == 0
    journal = tmp_path / "journal.jsonl"
    assert not journal.exists() or journal.read_bytes() == b""


def test_returned_entries_are_copies(tmp_path: Path) -> None:
    with HistoryStore(tmp_path, segment_size=2) as store:
        first = store.append(make_exchange(1))
        assert first.exchange.request is not None
        first.exchange.request.body["context"]["device"] = "CHANGED"
        store.append(make_exchange(2))  # seals the first
        got = store.get(first.id)
        assert got is not None
        assert got.exchange.request is not None
        assert got.exchange.request.body["context"]["device"] == "iPhone X"
        got.exchange.request.body["context"]["device"] = "CHANGED"
        again = store.get(first.id)
        assert again is not None
        assert again.exchange.request is not None
        assert again.exchange.request.body["context"]["device"] == "iPhone X"


def test_append_many_never_stores_two_entries_with_one_id(tmp_path: Path) -> None:
    with HistoryStore(tmp_path, segment_size=4) as store:
        exchange = make_exchange(1)
        assert store.append_many([exchange, exchange, exchange]) == 3
        ids = [s.id for s in store.page()]
        assert len(set(ids)) == 3
        assert store.delete(ids[0])
        assert store.count() == 2
