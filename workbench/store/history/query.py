"""Answering a history query from summary rows, newest first, touching as little as possible.

The store keeps the not-yet-sealed entries' rows and search text in memory and,
for each sealed segment, its row count; rows and search text of a segment are
read only when a query needs them (through the callables the store passes in,
which also repair or set aside a bad file). So:

* the unfiltered list skips whole segments by count and parses only the segments
  that hold the requested page;
* a text query scans each segment's search text as bytes (``bytes.find`` speed)
  and parses rows only of segments that contain the text;
* other filters walk the rows (parsed once per segment, then cached).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from workbench.store.history.entries import HistoryQuery, row_matches
from workbench.store.history.segments import SegmentFiles

__all__ = ["FILTER_FIELDS", "matching_rows", "unfiltered_rows"]

Row = list[Any]
RowsOf = Callable[[SegmentFiles], list[Row] | None]
TextOf = Callable[[SegmentFiles], bytes]

#: The query fields other than ``text`` (which rows are tested with ``row_matches``).
FILTER_FIELDS = (
    "event_type",
    "status_class",
    "target",
    "source",
    "profile_id",
    "session_id",
    "since",
    "until",
    "starred_only",
)


def unfiltered_rows(
    open_rows: Sequence[Row],
    segments: Sequence[SegmentFiles],
    rows_of: RowsOf,
    offset: int,
    limit: int,
) -> list[Row]:
    """Rows ``offset .. offset+limit`` of the whole history, newest first."""
    result: list[Row] = []
    newest_open = list(reversed(open_rows))
    if offset < len(newest_open):
        result.extend(newest_open[offset : offset + limit])
        offset = 0
    else:
        offset -= len(newest_open)
    for segment in reversed(segments):
        if len(result) >= limit:
            break
        if offset >= segment.count:
            offset -= segment.count
            continue
        rows = rows_of(segment)
        if rows is None:
            continue
        newest = rows[::-1]
        result.extend(newest[offset : offset + limit - len(result)])
        offset = 0
    return result


def matching_rows(
    query: HistoryQuery,
    open_rows: Sequence[Row],
    open_texts: Sequence[str],
    segments: Sequence[SegmentFiles],
    rows_of: RowsOf,
    text_of: TextOf,
) -> Iterator[Row]:
    """Every row matching *query*, newest first (a generator: stop early for a page)."""
    needle = query.needle
    filters = any(getattr(query, name) for name in FILTER_FIELDS)
    for index in range(len(open_rows) - 1, -1, -1):
        if needle is not None and needle not in open_texts[index]:
            continue
        if not filters or row_matches(open_rows[index], query):
            yield open_rows[index]
    needle_bytes = needle.encode("utf-8") if needle is not None else None
    for segment in reversed(segments):
        hits: list[int] | None = None
        if needle_bytes is not None:
            blob = text_of(segment)
            if needle_bytes not in blob:
                continue
            hits = [i for i, line in enumerate(blob.split(b"\n")) if needle_bytes in line]
        rows = rows_of(segment)
        if rows is None:
            continue
        order = reversed(hits) if hits is not None else range(len(rows) - 1, -1, -1)
        for index in order:
            if index < len(rows) and (not filters or row_matches(rows[index], query)):
                yield rows[index]
