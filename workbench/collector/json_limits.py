"""Limits on what a JSON request body may look like, checked before and after decoding.

Decoders recurse: the standard library's raises ``RecursionError`` a little below
1,000 levels, orjson refuses more than 1,024, and every later step that walks a
document (schema validation, the flow's paths, encoding the answer and the
journal) recurses too. So a body is measured before it is decoded, at C speed
(strings blanked out by one regex, brackets kept by ``bytes.translate``, the
running depth by ``itertools.accumulate``), and one nested deeper than
:data:`MAX_JSON_DEPTH` is refused with a 422 that names the limit and where it
was crossed. Bodies with fewer brackets than the limit (nearly all) skip even
that. After decoding, numbers the standard library cannot hold (more than 4,300
digits, floats beyond ``±1.8e308``) and strings with lone UTF-16 surrogates
(not Unicode, so nothing can store or show them) are refused the same way.
"""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate
from typing import Any

from workbench.collector.rejections import Rejected

__all__ = ["MAX_JSON_DEPTH", "check_depth", "finite_float", "surrogate_rejection", "too_deep"]

#: How deeply arrays and objects may nest in a request body.
MAX_JSON_DEPTH = 64

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_KEEP = b"[]{}"
_DROP = bytes(b for b in range(256) if b not in _KEEP)
# "[" and "{" become +1, "]" and "}" become -1 (0xff as a signed byte).
_SIGNS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_TOKEN = re.compile(rb'"((?:[^"\\]|\\.)*)"\s*(:)?|([\[\]{},])', re.DOTALL)


def check_depth(body: bytes, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise :func:`too_deep` when *body* nests arrays/objects deeper than *limit*."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return
    skeleton = _STRING.sub(b"", body).translate(_SIGNS, _DROP)
    if not skeleton or max(accumulate(memoryview(skeleton).cast("b"))) <= limit:
        return
    raise too_deep(body, limit)


def _where(body: bytes, limit: int) -> tuple[list[str | int], int]:
    """The path to the container that crossed *limit*, and the character offset."""
    path: list[str | int] = []
    kinds: list[bytes] = []
    for match in _TOKEN.finditer(body):
        key, colon, punct = match.groups()
        if colon is not None:
            if kinds and kinds[-1] == b"{":
                try:
                    path[-1] = json.loads(b'"' + key + b'"')
                except ValueError:
                    path[-1] = key.decode("utf-8", "replace")
        elif punct in (b"[", b"{"):
            if len(kinds) >= limit:
                return path, match.start()
            kinds.append(punct)
            path.append(0 if punct == b"[" else "")
        elif punct in (b"]", b"}"):
            if kinds:
                kinds.pop()
                path.pop()
        elif punct == b"," and kinds and kinds[-1] == b"[":
            path[-1] = int(path[-1]) + 1
    return path, len(body)


def dotted(path: list[str | int]) -> str:
    """``["events", 0, "properties", "a"]`` -> ``events[0].properties.a`` (Tracardi's notation)."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the top level"


def too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> Rejected:
    path, offset = _where(body, limit)
    return Rejected(
        422,
        [
            {
                "type": "json_too_deep",
                "loc": ["body", *path],
                "input": {},
                "msg": f"JSON nested too deeply: more than {limit} levels of arrays and objects "
                f"(the collector's limit), crossed inside {dotted(path)} at character {offset}; "
                "flatten the data or send the deep part as a string",
                "ctx": {"limit": limit, "position": offset},
            }
        ],
    )


def finite_float(text: str) -> float:
    """``parse_float`` for the standard library: a number beyond a double is an error."""
    value = float(text)
    if math.isinf(value):
        raise json.JSONDecodeError(
            f"the number {text[:40]} is too large for a 64-bit float (at most about 1.8e308)",
            text,
            0,
        )
    return value


def surrogate_rejection(value: Any) -> Rejected | None:
    """A 422 for the first string (or key) in *value* holding a lone UTF-16 surrogate."""
    stack: list[tuple[Any, list[str | int]]] = [(value, [])]
    while stack:
        node, path = stack.pop()
        if isinstance(node, str):
            bad = _lone_surrogate(node)
            if bad is not None:
                return _surrogate(path, bad)
        elif isinstance(node, dict):
            for key, item in node.items():
                bad = _lone_surrogate(key)
                if bad is not None:
                    return _surrogate(path, bad, key=True)
                stack.append((item, [*path, key]))
        elif isinstance(node, list):
            stack.extend((item, [*path, index]) for index, item in enumerate(node))
    return None


def _lone_surrogate(text: str) -> str | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return text[exc.start]
    return None


def _surrogate(path: list[str | int], char: str, *, key: bool = False) -> Rejected:
    where = f"a key in {dotted(path)}" if key else dotted(path)
    return Rejected(
        422,
        [
            {
                "type": "string_unicode",
                "loc": ["body", *path],
                "input": {},
                "msg": f"the string at {where} holds a lone UTF-16 surrogate "
                f"(\\u{ord(char):04x}), which is not Unicode text; send the pair it belongs to "
                "or remove it",
            }
        ],
    )
