"""Pieces every operation description shares: the error body, common answers, parameters."""

from __future__ import annotations

import re
from typing import Any

_PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")

_DETAIL = {
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {
            "description": "Why: a sentence, or FastAPI-style items "
            "({type, loc, msg, input}) naming each field that is wrong.",
            "oneOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "object"}},
            ],
        }
    },
}


def _json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _answer(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description}
    if schema is not None:
        answer["content"] = _json_content(schema)
    return answer


_DETAIL_REF = {"$ref": "#/components/schemas/Detail"}
_COMMON_ANSWERS = {
    "413": _answer("The body is larger than the collector's limit (max_body_bytes).", _DETAIL_REF),
    "421": _answer(
        "The Host header names neither a loopback address nor an allowed host "
        "(start with --allow-host NAME to allow one).",
        _DETAIL_REF,
    ),
    "422": _answer(
        "The input is not acceptable (malformed JSON, too deeply nested, a wrong field, "
        "a query parameter of the wrong type); the detail names where and what.",
        _DETAIL_REF,
    ),
}
_OWNER_ANSWERS = {
    "401": _answer(
        "This collector has a token and the request did not present it "
        "(Authorization: Bearer, ?token= or the page cookie).",
        _DETAIL_REF,
    ),
    "403": _answer(
        "Another web page (an Origin that is not the collector's) without the token.",
        _DETAIL_REF,
    ),
}

_OBJECT: dict[str, Any] = {"type": "object"}
_NULLABLE_OBJECT: dict[str, Any] = {"type": ["object", "null"]}


def _query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema or {"type": "string"},
        "description": description,
    }


_LIMIT = _query(
    "limit", "At most this many items.", {"type": "integer", "minimum": 0, "default": 100}
)
_OFFSET = _query(
    "offset",
    "Skip this many of the newest items first.",
    {"type": "integer", "minimum": 0, "default": 0},
)


def _json_body(schema: dict[str, Any], description: str, required: bool = True) -> dict[str, Any]:
    return {"required": required, "description": description, "content": _json_content(schema)}
