"""Turning bad input into a precise 4xx: the exception, FastAPI-style 422 items, the handlers.

Every rejection carries a ``detail`` that names the field and what was
expected. 422 bodies keep FastAPI's shape (``{"detail": [{"type", "loc",
"msg", "input"}]}``) with the full ``loc`` (``["body", "events", 0,
"type"]``; Tracardi loses the ``events, <i>`` part, we keep it). The items come
from the one payload schema via :func:`workbench.core.validation.validate_payload`.
Reading and decoding bodies is :mod:`workbench.collector.inputs`' part.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from workbench.core.validation import Issue, json_type_name
from workbench.store.collector.codec import dumps

__all__ = [
    "EXCEPTION_HANDLERS",
    "Rejected",
    "annotate",
    "issue_items",
    "json_error_item",
    "json_response",
    "json_type_name",
    "object_expected",
]

_PYDANTIC_TYPES = {
    "object": "dict_type",
    "array": "list_type",
    "string": "string_type",
    "boolean": "bool_type",
    "number": "float_type",
    "integer": "int_type",
}


class Rejected(Exception):
    """A request the collector refuses: answered with *status* and ``{"detail": detail}``."""

    def __init__(self, status: int, detail: Any, *, headers: dict[str, str] | None = None):
        super().__init__(detail if isinstance(detail, str) else json.dumps(detail)[:500])
        self.status = status
        self.detail = detail
        self.headers = headers or {}

    @property
    def reason(self) -> str:
        """One line for logs and the request record."""
        if isinstance(self.detail, str):
            return self.detail
        if isinstance(self.detail, list):
            return "; ".join(str(item.get("msg", item)) for item in self.detail[:5])
        return str(self.detail)


def _value_at(document: Any, path: Iterable[str | int]) -> Any:
    value = document
    for part in path:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def issue_items(
    issues: Iterable[Issue], document: Any, *, prefix: str = "body"
) -> list[dict[str, Any]]:
    """422 ``detail`` items for schema issues, ``loc`` = ``[prefix, *path]``."""
    items = []
    for issue in issues:
        if issue.keyword == "required":
            kind = "missing"
            value = _value_at(document, issue.path[:-1])
        else:
            value = _value_at(document, issue.path)
            if issue.keyword == "type":
                kind = _PYDANTIC_TYPES.get(_expected_type(issue.message), "type_error")
            elif issue.keyword == "pattern":
                kind = "value_error"
            else:
                kind = issue.keyword
        items.append(
            {"type": kind, "loc": [prefix, *issue.path], "msg": issue.message, "input": value}
        )
    return items


def _expected_type(message: str) -> str:
    for name, word in (
        ("object", "an object"),
        ("array", "a list"),
        ("string", "a string"),
        ("boolean", "a JSON boolean"),
        ("integer", "an integer"),
        ("number", "a number"),
    ):
        if f"expected {word}" in message:
            return name
    return ""


def json_error_item(error: json.JSONDecodeError) -> dict[str, Any]:
    """The FastAPI ``json_invalid`` item, with a message that says where and what."""
    return {
        "type": "json_invalid",
        "loc": ["body", error.pos],
        "msg": f"JSON decode error: {error.msg} at line {error.lineno} column {error.colno} "
        f"(character {error.pos}); the body must be a JSON object",
        "input": {},
        "ctx": {"error": error.msg},
    }


def object_expected(value: Any, what: str = "the tracker payload") -> Rejected:
    """422 for a JSON body that is not an object."""
    kind = json_type_name(value)
    return Rejected(
        422,
        [
            {
                "type": "model_attributes_type",
                "loc": ["body"],
                "input": value,
                "msg": f"Input should be a valid dictionary or object to extract fields from: "
                f"the body must be a JSON object ({what}), got {kind}",
            }
        ],
    )


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """JSON without spaces (what Tracardi's FastAPI sends), UTF-8."""
    return Response(dumps(body), status_code=status, headers=headers, media_type="application/json")


def annotate(request: Request, **values: Any) -> None:
    """Add *values* to the request's record (source, event types, reason…), when it is observed."""
    info = request.scope.get("workbench")
    if info is not None:
        info.update(values)


async def _rejected_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Rejected)
    annotate(request, reason=exc.reason)
    return json_response({"detail": exc.detail}, exc.status, exc.headers)


async def _http_exception_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    annotate(request, reason=str(exc.detail))
    return json_response({"detail": exc.detail}, exc.status_code, dict(exc.headers or {}))


async def _unexpected_handler(request: Request, exc: Exception) -> Response:
    """A bug of ours, not the client's: still JSON, and said plainly."""
    reason = f"internal error in the collector: {type(exc).__name__}: {exc}"
    annotate(request, reason=reason)
    return json_response({"detail": reason}, 500)


#: The app's exception handlers: every failure is answered as ``{"detail": ...}`` JSON.
EXCEPTION_HANDLERS: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
    Rejected: _rejected_handler,
    HTTPException: _http_exception_handler,
    Exception: _unexpected_handler,
}
