"""The hub keeps the newest records within both bounds: their number and their bodies' bytes."""

from __future__ import annotations

from workbench.collector.records import RequestHub, RequestRecord, publish_record


def _record(hub: RequestHub, body: bytes) -> RequestRecord:
    published: list[RequestRecord] = []
    hub.add_listener(published.append)
    scope = {"method": "POST", "path": "/track", "headers": [(b"host", b"127.0.0.1")]}
    publish_record(
        hub, scope, 0.0, 1.0, 200, [], {"context": "staging"}, [body], [b"ok"], len(body) + 2
    )
    hub.remove_listener(published.append)
    return published[0]


def test_the_oldest_records_go_beyond_the_count_or_the_bytes() -> None:
    hub = RequestHub(keep=3, keep_bytes=100)
    for n in range(5):
        _record(hub, b"%d" % n)
    assert [r.request_body for r in hub.recent()] == ["4", "3", "2"]
    _record(hub, b"x" * 60)
    assert [r.request_body for r in hub.recent()] == ["x" * 60, "4", "3"]
    _record(hub, b"y" * 60)  # 62 + 62 bytes is over 100: only the newest stays
    assert [r.request_body for r in hub.recent()] == ["y" * 60]
    _record(hub, b"z" * 200)  # over the bound alone: still kept, as the only one
    assert [r.request_body for r in hub.recent()] == ["z" * 200]
    assert hub.total == 8


def test_a_published_record_counts_its_bodies_whether_its_size_is_given_or_read() -> None:
    given, read = RequestHub(keep=10, keep_bytes=10), RequestHub(keep=10, keep_bytes=10)
    for body in (b"abcd", b"ef", b"ghijkl"):
        record = _record(given, body)
        read.publish(RequestRecord(**{**record.to_dict()}))
    assert [r.request_body for r in given.recent()] == [r.request_body for r in read.recent()]
    assert [r.request_body for r in given.recent()] == ["ghijkl"]
