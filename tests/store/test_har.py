"""HAR 1.2 export: the structure the spec requires, checked with a schema written from it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from tests.store.history_helpers import make_exchange
from workbench.core.exchange import Exchange
from workbench.store.history import HistoryStore

_NAME_VALUE = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["name", "value"],
        "properties": {"name": {"type": "string"}, "value": {"type": "string"}},
    },
}
_TIMING = {"type": "number", "minimum": -1}
_ISO_8601 = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"

# Written from the HAR 1.2 specification (softwareishard.com/blog/har-12-spec).
HAR_12_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["log"],
    "properties": {
        "log": {
            "type": "object",
            "required": ["version", "creator", "entries"],
            "properties": {
                "version": {"const": "1.2"},
                "creator": {
                    "type": "object",
                    "required": ["name", "version"],
                    "properties": {"name": {"type": "string"}, "version": {"type": "string"}},
                },
                "pages": {"type": "array"},
                "entries": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": [
                            "startedDateTime",
                            "time",
                            "request",
                            "response",
                            "cache",
                            "timings",
                        ],
                        "properties": {
                            "startedDateTime": {"type": "string", "pattern": _ISO_8601},
                            "time": {"type": "number", "minimum": 0},
                            "request": {
                                "type": "object",
                                "required": [
                                    "method",
                                    "url",
                                    "httpVersion",
                                    "cookies",
                                    "headers",
                                    "queryString",
                                    "headersSize",
                                    "bodySize",
                                ],
                                "properties": {
                                    "method": {"type": "string"},
                                    "url": {"type": "string"},
                                    "httpVersion": {"type": "string"},
                                    "cookies": {"type": "array"},
                                    "headers": _NAME_VALUE,
                                    "queryString": _NAME_VALUE,
                                    "postData": {
                                        "type": "object",
                                        "required": ["mimeType"],
                                        "properties": {
                                            "mimeType": {"type": "string"},
                                            "text": {"type": "string"},
                                            "params": {"type": "array"},
                                        },
                                    },
                                    "headersSize": {"type": "integer"},
                                    "bodySize": {"type": "integer"},
                                },
                            },
                            "response": {
                                "type": "object",
                                "required": [
                                    "status",
                                    "statusText",
                                    "httpVersion",
                                    "cookies",
                                    "headers",
                                    "content",
                                    "redirectURL",
                                    "headersSize",
                                    "bodySize",
                                ],
                                "properties": {
                                    "status": {"type": "integer"},
                                    "statusText": {"type": "string"},
                                    "headers": _NAME_VALUE,
                                    "content": {
                                        "type": "object",
                                        "required": ["size", "mimeType"],
                                        "properties": {
                                            "size": {"type": "integer"},
                                            "mimeType": {"type": "string"},
                                            "text": {"type": "string"},
                                        },
                                    },
                                    "redirectURL": {"type": "string"},
                                },
                            },
                            "cache": {"type": "object"},
                            "timings": {
                                "type": "object",
                                "required": ["send", "wait", "receive"],
                                "properties": {
                                    "blocked": _TIMING,
                                    "dns": _TIMING,
                                    "connect": _TIMING,
                                    "ssl": _TIMING,
                                    "send": {"type": "number", "minimum": 0},
                                    "wait": {"type": "number", "minimum": 0},
                                    "receive": {"type": "number", "minimum": 0},
                                },
                            },
                        },
                    },
                },
            },
        }
    },
}


def test_har_export_is_valid_har_12(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h", segment_size=2) as store:
        ok = store.append(make_exchange(1, with_secrets=True))
        failed = store.append(make_exchange(2, status=None))
        store.append(Exchange.from_dict({}))  # an exchange with nothing in it still exports
        assert store.export_har(tmp_path / "out.har") == 3
        assert store.export_har(tmp_path / "one.har", ids=[failed.id]) == 1
    har = json.loads((tmp_path / "out.har").read_text())
    jsonschema.validate(har, HAR_12_SCHEMA)
    log = har["log"]
    assert log["version"] == "1.2"
    assert log["creator"]["name"] == "Tracardi Workbench"
    first, second, _ = log["entries"]
    assert first["request"]["method"] == "POST"
    assert first["request"]["postData"]["mimeType"] == "application/json"
    assert json.loads(first["request"]["postData"]["text"])["events"][0]["type"] == (
        "purchase-order"
    )
    assert {"name": "api_key", "value": "********"} in first["request"]["queryString"]
    assert first["response"]["status"] == 200
    assert first["response"]["statusText"] == "OK"
    assert "debugging" in json.loads(first["response"]["content"]["text"])
    assert first["time"] == sum(v for k, v in first["timings"].items() if k != "ssl" and v > 0)
    assert first["timings"]["connect"] == 0.4
    assert first["_workbench"]["id"] == ok.id
    assert second["response"]["status"] == 0
    assert "connection refused" in second["comment"]
    one = json.loads((tmp_path / "one.har").read_text())
    jsonschema.validate(one, HAR_12_SCHEMA)
    assert [e["_workbench"]["id"] for e in one["log"]["entries"]] == [failed.id]
