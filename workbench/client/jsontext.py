"""JSON text of a request body and JSON values of an answer, as the standard library
gives them, through orjson where orjson gives exactly the same.

A send encodes its payload once and parses its answer once; the standard library
spends most of its time on both setting itself up (a ``JSONEncoder`` per call, a
regular expression for the whitespace, the text joined from small pieces). orjson
does the same work several times faster, but does not always give the same
result, so each result is checked in C (substring searches) and every doubt goes
to the standard library:

* encoding, orjson writes ``null`` for NaN and infinities (the standard library
  writes ``NaN``), ``0.00001`` where it writes ``1e-05`` and ``1e-7`` where it
  writes ``1e-07``; it refuses keys that are not strings, integers beyond 64 bits
  and lone surrogates. A text holding ``null``, ``0.0000`` or a digit, ``e-`` and
  a digit, or anything orjson refuses, is written by the standard library;
* parsing, orjson turns integers beyond 64 bits into floats, and refuses NaN,
  infinities, lone surrogates, a byte order mark, UTF-16 and nesting beyond 1,024
  levels. A body with 19 digits in a row, or anything orjson refuses, is read by
  the standard library (which also words the errors).
"""

from __future__ import annotations

import json
from typing import Any

import orjson

__all__ = ["compact_json", "parse_json"]

#: What :func:`compact_json` passes to the standard library for what orjson would
#: write on its own terms: dataclasses, dates and times, subclasses of str, int,
#: dict and list (the standard library serialises these or refuses them itself).
_ORJSON_OPTIONS = (
    orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)

# Every digit becomes "0", "e" and "-" stay, anything else becomes a space: a float
# written with a negative exponent is then found by one substring search.
_NUMBER_SHAPE = bytes(
    0x30 if 0x30 <= c <= 0x39 else c if c in (0x65, 0x2D) else 0x20 for c in range(256)
)
_DIGITS_ONLY = bytes(0x30 if 0x30 <= c <= 0x39 else 0x20 for c in range(256))
_NINETEEN_DIGITS = b"0" * 19


def _standard_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def compact_json(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``, the same text.

    Raises what the standard library raises (``TypeError``, ``ValueError``).
    """
    try:
        data = orjson.dumps(value, option=_ORJSON_OPTIONS)
    except orjson.JSONEncodeError:
        return _standard_text(value)
    if b"null" in data or b"0.0000" in data or b"0e-0" in data.translate(_NUMBER_SHAPE):
        return _standard_text(value)
    return data.decode("utf-8")


def parse_json(raw: bytes) -> Any:
    """``json.loads(raw)``, the same value; raises what the standard library raises."""
    if _NINETEEN_DIGITS not in raw.translate(_DIGITS_ONLY):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    return json.loads(raw)
