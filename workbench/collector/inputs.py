"""The collector's input layer: every route reads and decodes its request here, and only here.

- **Body reading, one limit.** :func:`read_body` (a Starlette ``Request``) and
  :func:`read_body_asgi` (raw ASGI messages, for the fast path of ``POST /track``)
  stop with a 413 as soon as a body is larger than the collector's
  ``max_body_bytes`` (:func:`body_limit`), whether the client declared its length
  or streamed it chunked. Chunks are joined once, at the end. A body that stops
  arriving (no bytes for :data:`BODY_IDLE_SECONDS`, e.g. a ``Content-Length`` larger
  than what the client sends, on a connection it keeps open) gets a 408 saying how
  much came; a client that closes its side instead is gone before any answer can
  reach it (uvicorn closes the connection on end of input), and the 400 that the
  route raises then is kept in the request log only.
- **JSON decoding.** :func:`parse_json_body` turns bytes into a JSON value or a
  422 that says where and what (orjson when it is safe, the standard library for
  integers beyond 64 bits and for every error message); :func:`json_body` reads
  and decodes in one step.
- **Content type and query.** :func:`reject_non_json` (Tracardi's 422 for a
  ``/track`` body that is not JSON) and :func:`bool_query` (FastAPI's boolean
  query parameters).

Limits on what a decoded document may look like (nesting depth, sizes of parts)
belong in :func:`parse_json_body`, so every route and the fast path get them at
once. The rejections themselves (:class:`~workbench.collector.rejections.Rejected`
and the 422 item shapes) live in :mod:`workbench.collector.rejections`.
"""

from __future__ import annotations

import asyncio
import json
import types
from collections.abc import Generator
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.types import Receive

from workbench.collector.config import LiveConfig
from workbench.collector.json_limits import check_depth, finite_float, surrogate_rejection
from workbench.collector.rejections import Rejected, json_error_item

__all__ = [
    "BODY_IDLE_SECONDS",
    "body_limit",
    "bool_query",
    "is_json_type",
    "json_body",
    "parse_json_body",
    "read_body",
    "read_body_asgi",
    "reject_non_json",
    "too_big",
]

#: How long a request body may stop arriving before the collector answers 408.
BODY_IDLE_SECONDS = 10.0

_TRUE = frozenset({"true", "1", "yes", "on", "t", "y"})
_FALSE = frozenset({"false", "0", "no", "off", "f", "n"})


def body_limit(request: Request) -> int:
    """The collector's body limit in bytes (``max_body_bytes``), as configured right now."""
    live: LiveConfig = request.app.state.live
    return live.current.max_body_bytes


def too_big(limit: int) -> Rejected:
    """The 413 for a body larger than *limit* bytes."""
    return Rejected(
        413,
        f"The request body is larger than the collector's limit of {limit} bytes "
        "(max_body_bytes); send fewer or smaller events per request, or raise the limit.",
    )


def _check_declared(declared: str | bytes | None, limit: int) -> bool:
    """Whether a ``Content-Length`` was declared; 413 when it is over *limit*."""
    if declared is None or not declared.isdigit():
        return False
    if int(declared) > limit:
        raise too_big(limit)
    return True


async def read_body(request: Request, limit: int | None = None) -> bytes:
    """The body, or a 413 as soon as it is larger than *limit* (default :func:`body_limit`)."""
    if hasattr(request, "_body"):
        return request._body  # read already (Starlette keeps it)
    if limit is None:
        limit = body_limit(request)
    declared = request.headers.get("content-length")
    try:
        body = await read_body_asgi(request.receive, declared, limit)
    except ClientDisconnect:
        raise _ended(0, declared) from None
    request._body = body  # what Request.body() returns from now on
    return body


@types.coroutine
def _resume(coroutine: Any, waiting_on: Any) -> Generator[Any, Any, Any]:
    """Go on driving *coroutine*, already started and now waiting on *waiting_on*.

    What ``await`` does, from where the coroutine first stopped: every future it
    waits on is handed up to the task, every result or exception (a cancellation
    by the deadline) is handed down to it.
    """
    pending = waiting_on
    while True:
        try:
            sent = yield pending
        except BaseException as exc:  # handed to the coroutine, as await does
            try:
                pending = coroutine.throw(exc)
            except StopIteration as stop:
                return stop.value
            continue
        try:
            pending = coroutine.send(sent)
        except StopIteration as stop:
            return stop.value


async def _next_message(receive: Receive, size: int, declared: str | bytes | None) -> Any:
    # The message is usually there already (a small body arrives with its headers), and
    # then ``receive()`` finishes without waiting: it is run one step first, and only a
    # receive that has to wait gets the deadline. ``asyncio.timeout`` rather than
    # ``wait_for``: the same deadline without a Task per message.
    pending = receive()
    if isinstance(pending, types.CoroutineType):
        try:
            waiting_on = pending.send(None)
        except StopIteration as done:
            return done.value
        pending = _resume(pending, waiting_on)
    try:
        async with asyncio.timeout(BODY_IDLE_SECONDS):
            return await pending
    except TimeoutError:
        of = f" of the {int(declared)} declared" if declared and declared.isdigit() else ""
        raise Rejected(
            408,
            f"The request body stopped arriving: {size}{of} bytes came, then nothing for "
            f"{BODY_IDLE_SECONDS:g} s. Send the whole body (is Content-Length right?).",
        ) from None


async def read_body_asgi(receive: Receive, declared: str | bytes | None, limit: int) -> bytes:
    """:func:`read_body` on raw ASGI messages; *declared* is the ``Content-Length`` header."""
    _check_declared(declared, limit)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await _next_message(receive, size, declared)
        if message["type"] == "http.request":
            chunk = message.get("body", b"")
            if chunk:
                size += len(chunk)
                if size > limit:
                    raise too_big(limit)
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        elif message["type"] == "http.disconnect":
            raise _ended(size, declared)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _ended(size: int, declared: str | bytes | None) -> Rejected:
    """The 400 for a body the client stopped sending (the answer may not reach it)."""
    of = f" of the {int(declared)} declared" if declared and declared.isdigit() else ""
    return Rejected(
        400, f"The request body ended after {size}{of} bytes: the client stopped sending."
    )


def parse_json_body(
    body: bytes, *, required: bool = True, what: str = "the tracker payload"
) -> Any:
    """Parse a request body as JSON or raise :class:`Rejected` (422) saying why.

    An empty body is None when not *required*; *what* names the expected document
    in the message for an empty one.
    """
    if not body.strip():
        if not required:
            return None
        raise Rejected(
            422,
            [
                {
                    "type": "missing",
                    "loc": ["body"],
                    "input": None,
                    "msg": f"Field required: the body is empty; send a JSON object ({what})",
                }
            ],
        )
    check_depth(body)  # before any decoder recurses
    if _orjson is not None and _NINETEEN_DIGITS not in body.translate(_DIGIT_MAP):
        try:
            return _orjson.loads(body)  # the fast path; any doubt goes to the stdlib below
        except _orjson.JSONDecodeError:
            pass
    try:
        value = json.loads(body, parse_constant=_reject_constant, parse_float=finite_float)
    except UnicodeDecodeError as exc:
        raise Rejected(
            422,
            [
                {
                    "type": "json_invalid",
                    "loc": ["body", exc.start],
                    "input": {},
                    "msg": f"JSON decode error: the body is not UTF-8 text ({exc.reason})",
                }
            ],
        ) from None
    except json.JSONDecodeError as exc:
        raise Rejected(422, [json_error_item(exc)]) from None
    except (ValueError, RecursionError) as exc:  # an integer of more than 4,300 digits
        raise Rejected(
            422,
            [
                {
                    "type": "json_invalid",
                    "loc": ["body"],
                    "input": {},
                    "msg": f"JSON decode error: {str(exc).split(';')[0]}",
                }
            ],
        ) from None
    if b"\\u" in body:
        rejection = surrogate_rejection(value)
        if rejection is not None:
            raise rejection
    return value


# orjson parses ~3x faster but turns integers beyond 64 bits into floats, so bodies
# with such a number (and every body orjson refuses, to word the error the same way
# and to accept what the standard library accepts, e.g. lone surrogates) are parsed
# by the standard library.
try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - a declared dependency
    _orjson = None  # type: ignore[assignment]
# A run of 19 digits, found by mapping every digit to "0" and everything else to a space
# and searching the result (both in C): ~5x faster than the regex ``\d{19}``.
_DIGIT_MAP = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_NINETEEN_DIGITS = b"0" * 19


def _reject_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not valid JSON (use null or a number)", name, 0)


async def json_body(
    request: Request, *, required: bool = True, what: str = "the tracker payload"
) -> Any:
    """:func:`read_body` then :func:`parse_json_body`."""
    return parse_json_body(await read_body(request), required=required, what=what)


def is_json_type(content_type: str | None) -> bool:
    """Whether a Content-Type is JSON (``application/json``, ``…+json``, or none at all)."""
    if not content_type:
        return True  # FastAPI parses a body without Content-Type as JSON
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def reject_non_json(content_type: str | None, body: bytes) -> None:
    """422 for a ``/track`` body whose Content-Type is not JSON (none at all counts as JSON)."""
    if is_json_type(content_type):
        return
    raise Rejected(
        422,
        [
            {
                "type": "model_attributes_type",
                "loc": ["body"],
                "input": body[:200].decode("utf-8", "replace"),
                "msg": "Input should be a valid dictionary or object to extract fields from: "
                f"Content-Type `{content_type}` is not JSON; send "
                "Content-Type: application/json (Tracardi rejects it too)",
            }
        ],
    )


def bool_query(request: Request, name: str) -> bool | None:
    """A FastAPI-style boolean query parameter; None when absent, 422 when not a boolean."""
    if not request.scope.get("query_string"):
        return None
    raw = request.query_params.get(name)
    if raw is None:
        return None
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise Rejected(
        422,
        [
            {
                "type": "bool_parsing",
                "loc": ["query", name],
                "input": raw,
                "msg": "Input should be a valid boolean, unable to interpret input: "
                f"{name} must be true or false",
            }
        ],
    )
