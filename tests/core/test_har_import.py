"""Reading HAR files the way Chrome and Firefox export them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.har_files import (
    PROFILE_ID,
    SESSION_ID,
    SOURCE_ID,
    chrome_entry,
    chrome_har,
    firefox_har,
    shop_har,
    track_payload,
)
from workbench.core.har_import import HarError, call_kind, read_har


def _bytes(document: Any) -> bytes:
    return json.dumps(document, indent=2).encode()


def test_chrome_har_yields_its_tracardi_calls_only() -> None:
    har = read_har(_bytes(shop_har()), "shop.har")
    assert [call.index for call in har.calls] == [4, 5, 6]
    assert [call.kind for call in har.calls] == ["track", "track", "collect"]
    assert har.total == 8
    assert har.skipped == {"document": 1, "script": 1, "image": 1, "preflight": 1, "other": 1}
    assert har.summary() == "3 Tracardi calls of 8 requests (5 others skipped)"
    assert har.creator == "WebInspector 537.36"


def test_a_track_call_has_the_full_debugger_view_and_its_origin() -> None:
    har = read_har(_bytes(shop_har()), "shop.har", now="2026-12-02T10:00:00.000000Z")
    exchange = har.calls[0].exchange.to_dict(masked=False)
    assert exchange["request"]["method"] == "POST"
    assert exchange["request"]["url"] == "https://track.example.com/track"
    assert exchange["request"]["route"] == "/track"
    assert exchange["request"]["body"] == track_payload("page-view")
    assert ":authority" not in exchange["request"]["headers"]
    assert exchange["request"]["headers"]["x-timestamp"] == "1733045401"
    assert exchange["response"]["status"] == 200
    assert exchange["response"]["json"]["profile"]["id"] == PROFILE_ID
    view = exchange["view"]
    assert view["format"] == "documented"
    assert view["profile_id"] == PROFILE_ID
    assert view["session_id"] == SESSION_ID
    assert view["events"]["types"] == ["page-view"]
    summary = exchange["summary"]
    assert summary["event_types"] == ["page-view"]
    assert summary["source_id"] == SOURCE_ID
    assert summary["profile_id"] == PROFILE_ID
    assert summary["session_id"] == SESSION_ID
    assert exchange["timings"]["total_ms"] == 84.5
    assert exchange["timings"]["wait_ms"] == 78.1
    assert "dns_ms" not in exchange["timings"]  # -1 means unknown
    assert exchange["imported"] == {
        "kind": "har",
        "file": "shop.har",
        "creator": "WebInspector 537.36",
        "page": "https://shop.example/cart",
        "page_id": "page_1",
        "entry": 4,
        "started": "2026-12-01T09:30:01.123Z",
        "imported_at": "2026-12-02T10:00:00.000000Z",
    }
    assert exchange["target"]["base_url"] == "https://track.example.com"
    json.dumps(exchange)


def test_base64_response_bodies_and_any_host_or_prefix() -> None:
    exchange = read_har(_bytes(shop_har()), "shop.har").calls[1].exchange.to_dict(masked=False)
    assert exchange["request"]["url"].startswith("https://proxy.example.org/tracardi/api/")
    assert exchange["response"]["json"]["events"][0]["type"] == "purchase"
    assert exchange["view"]["events"]["types"] == ["purchase"]


def test_collect_calls_take_type_and_source_from_the_path() -> None:
    exchange = read_har(_bytes(shop_har()), "shop.har").calls[2].exchange.to_dict(masked=False)
    assert exchange["summary"]["event_types"] == ["newsletter-signup"]
    assert exchange["summary"]["source_id"] == SOURCE_ID
    assert exchange["request"]["body"] == {"email": "ann@example.com"}


def test_firefox_har() -> None:
    har = read_har(_bytes(firefox_har()), "ff.har")
    assert len(har.calls) == 1
    exchange = har.calls[0].exchange.to_dict(masked=False)
    assert exchange["imported"]["page"] == "Demo shop"
    assert exchange["request"]["headers"]["Authorization"] == "Bearer ff-secret-token"
    assert exchange["view"]["profile_id"] == PROFILE_ID
    assert har.creator == "Firefox 133.0"


def test_a_payload_posted_to_any_path_is_a_track_call() -> None:
    body = json.dumps(track_payload())
    assert call_kind("/api/v1/ingest", json.loads(body)) == "track"
    assert call_kind("/track", {"hello": 1}) is None
    assert call_kind("/collect/page-view/src-1", None) == "collect"
    assert call_kind("/collect/page-view/src-1/session-1", None) == "collect"
    assert call_kind("/collector/stats", None) is None


def test_ids_are_stable_for_the_same_file() -> None:
    data = _bytes(shop_har())
    first = [c.exchange.id for c in read_har(data, "a.har").calls]
    second = [c.exchange.id for c in read_har(data, "b.har").calls]
    assert first == second
    assert len(set(first)) == 3


def test_a_request_without_an_answer() -> None:
    entry = chrome_entry("https://t.example/track", request_body=json.dumps(track_payload()))
    entry["response"]["status"] = 0
    entry["response"]["_error"] = "net::ERR_BLOCKED_BY_CLIENT"
    exchange = read_har(_bytes(chrome_har([entry]))).calls[0].exchange.to_dict(masked=False)
    assert exchange["response"]["status"] is None
    assert exchange["view"] is None
    assert "ERR_BLOCKED_BY_CLIENT" in exchange["error"]["message"]


def _broken(mutate: Any) -> bytes:
    document = shop_har()
    mutate(document)
    return _bytes(document)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n", "the file is empty"),
        (_bytes(shop_har())[:-40], "ends early at line"),
        (_bytes(shop_har())[: len(_bytes(shop_har())) // 2], "looks truncated"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"<html>", "not valid JSON at line 1, column 1"),
        (b"[]", "the top level is not an object"),
        (b'{"entries": []}', 'no "log" object at the top (keys: entries)'),
        (b'{"log": {}}', "log.entries: missing"),
        (b'{"log": {"entries": {}}}', "log.entries: expected a list, got an object"),
        (b'{"log": {"entries": [3]}}', "log.entries[0]: expected an object, got a number"),
        (b'{"log": {"entries": [{}]}}', "log.entries[0].request: missing"),
        (
            _broken(lambda d: d["log"]["entries"][4]["request"].pop("url")),
            "log.entries[4].request.url: missing",
        ),
        (
            _broken(lambda d: d["log"]["entries"][5]["response"]["content"].update(text="%%%")),
            "log.entries[5].response.content.text: says encoding base64 but is not valid base64",
        ),
        (
            _broken(lambda d: d["log"]["entries"][4].pop("response")),
            "log.entries[4].response: missing",
        ),
        (
            _broken(lambda d: d["log"]["entries"][4]["request"].update(headers={"a": "b"})),
            "log.entries[4].request.headers: expected a list",
        ),
    ],
)
def test_bad_files_name_what_is_wrong(data: bytes, message: str) -> None:
    with pytest.raises(HarError) as caught:
        read_har(data, "customer.har")
    assert message in str(caught.value)
    assert str(caught.value).startswith("customer.har") or "log." in str(caught.value)


def test_a_byte_order_mark_is_fine() -> None:
    assert len(read_har(b"\xef\xbb\xbf" + _bytes(shop_har())).calls) == 3


def test_truncation_anywhere_is_refused_never_half_read() -> None:
    data = _bytes(shop_har())
    for cut in range(1, len(data) - 1, max(1, len(data) // 97)):
        with pytest.raises(HarError):
            read_har(data[:cut])
