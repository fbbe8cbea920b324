"""What the history keeps about one exchange, and how a query selects entries.

The store hands out these dataclasses only (never TinyDB documents). On disk an
entry is an exchange's dict (:meth:`workbench.core.exchange.Exchange.to_dict`),
masked, plus our own ``id``, ``created_at`` and ``starred``; a
:class:`HistoryEntry` holds it as an :class:`~workbench.core.exchange.Exchange`. A summary is the
small part of it the history list shows and filters on; it is kept in memory for
every entry as a compact row (a list, see :data:`ROW_FIELDS`), which is what
makes paging through 50,000 entries cheap.

Every reader here tolerates missing or oddly typed keys: the store must accept
any dict of the exchange's shape, including ones written by older versions or
hand-edited imports (:meth:`~workbench.core.exchange.Exchange.from_dict` reads
them; the derived facts of a summary row are the exchange's own).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from workbench.core.exchange import Exchange, SentRequest
from workbench.store.history.masking import mask_exchange

__all__ = [
    "ROW_FIELDS",
    "STATUS_CLASSES",
    "HistoryEntry",
    "HistoryQuery",
    "HistorySummary",
    "canonical_time",
    "make_stored_entry",
    "row_matches",
    "search_text",
    "summary_from_row",
    "summary_row",
]

#: Status classes a query can ask for; ``"error"`` means no HTTP status (transport error).
STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx", "error")

#: The order of the values in a summary row (kept in memory and in ``*.idx`` files).
ROW_FIELDS = (
    "id",
    "created_at",
    "target_name",
    "method",
    "route",
    "event_types",
    "status",
    "duration_ms",
    "profile_id",
    "source_id",
    "starred",
    "error_kind",
    "session_id",
    "url",
)
(
    R_ID,
    R_CREATED,
    R_TARGET,
    R_METHOD,
    R_ROUTE,
    R_TYPES,
    R_STATUS,
    R_DURATION,
    R_PROFILE,
    R_SOURCE,
    R_STARRED,
    R_ERROR,
    R_SESSION,
    R_URL,
) = range(len(ROW_FIELDS))


@dataclass(frozen=True)
class HistorySummary:
    """One line of the history list."""

    id: str
    created_at: str
    target_name: str
    method: str
    route: str
    event_types: tuple[str, ...]
    status: int | None
    duration_ms: float | None
    profile_id: str | None
    source_id: str | None
    starred: bool
    error_kind: str | None
    session_id: str | None = None
    url: str = ""

    @property
    def status_class(self) -> str:
        """``"2xx"``, ``"4xx"``… or ``"error"`` when the exchange got no HTTP status."""
        return _status_class(self.status)


@dataclass(frozen=True)
class HistoryEntry:
    """A whole stored exchange (masked) with its summary."""

    summary: HistorySummary
    exchange: Exchange

    @property
    def id(self) -> str:
        return self.summary.id

    @property
    def starred(self) -> bool:
        return self.summary.starred

    def to_dict(self) -> dict[str, Any]:
        """The JSON-lines export form (also what :meth:`HistoryStore.import_jsonl` reads)."""
        return {
            "id": self.summary.id,
            "created_at": self.summary.created_at,
            "starred": self.summary.starred,
            "exchange": self.exchange.to_dict(),
        }


@dataclass(frozen=True)
class HistoryQuery:
    """Filters for :meth:`HistoryStore.page` and :meth:`HistoryStore.count`; all optional.

    ``text`` is a case-insensitive substring searched in the request URL, the request
    and response bodies and the error message. ``status_class`` is one of
    :data:`STATUS_CLASSES`. ``target`` matches the target's name or base URL exactly.
    ``since``/``until`` bound ``created_at`` (inclusive; datetimes or ISO strings).
    """

    text: str | None = None
    event_type: str | None = None
    status_class: str | None = None
    target: str | None = None
    source: str | None = None
    profile_id: str | None = None
    session_id: str | None = None
    since: datetime | str | None = None
    until: datetime | str | None = None
    starred_only: bool = False
    _normalised: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.status_class is not None and self.status_class not in STATUS_CLASSES:
            raise ValueError(
                f"status_class must be one of {', '.join(STATUS_CLASSES)}; "
                f"got {self.status_class!r}"
            )
        normalised = {
            "since": None if self.since is None else canonical_time(self.since),
            "until": None if self.until is None else canonical_time(self.until),
        }
        object.__setattr__(self, "_normalised", normalised)

    @property
    def is_empty(self) -> bool:
        """True when nothing filters (every entry matches)."""
        return not any(getattr(self, f.name) for f in fields(self) if not f.name.startswith("_"))

    @property
    def needle(self) -> str | None:
        """The lower-cased search text, or None."""
        return self.text.lower() if self.text else None


def canonical_time(value: datetime | str | None) -> str:
    """Render a time as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (UTC), so strings compare in order.

    Naive datetimes and strings without an offset are taken as UTC. An unparsable
    string raises ``ValueError`` naming the value.
    """
    if value is None:
        moment = datetime.now(UTC)
    elif isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValueError(f"not an ISO-8601 time: {value!r}") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str_or_none(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def _status_class(status: int | None) -> str:
    if not isinstance(status, int) or not 100 <= status <= 599:
        return "error"
    return f"{status // 100}xx"


# --- summaries ---------------------------------------------------------------------------------


def _route_of(request: SentRequest | None) -> str:
    if request is None:
        return ""
    if request.route:
        return request.route
    if request.url:
        parts = urlsplit(request.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return ""


def summary_row(entry: dict[str, Any], exchange: Exchange | None = None) -> list[Any]:
    """Build the compact summary row (see :data:`ROW_FIELDS`) of a stored entry.

    *exchange*, when given, is the entry's exchange already read (saves reading it again).
    """
    if exchange is None:
        exchange = Exchange.from_dict(_dict(entry.get("exchange")))
    request = exchange.request
    return [
        str(entry["id"]),
        str(entry["created_at"]),
        exchange.target.name,
        request.method if request is not None else "",
        _route_of(request),
        list(exchange.event_types),
        exchange.status,
        exchange.total_ms,
        exchange.profile_id,
        exchange.source_id,
        bool(entry.get("starred")),
        exchange.error.kind if exchange.error is not None else None,
        exchange.session_id,
        request.url if request is not None else "",
    ]


def summary_from_row(row: list[Any]) -> HistorySummary:
    """Turn a summary row into the public dataclass."""
    return HistorySummary(
        id=row[R_ID],
        created_at=row[R_CREATED],
        target_name=row[R_TARGET],
        method=row[R_METHOD],
        route=row[R_ROUTE],
        event_types=tuple(row[R_TYPES]),
        status=row[R_STATUS],
        duration_ms=row[R_DURATION],
        profile_id=row[R_PROFILE],
        source_id=row[R_SOURCE],
        starred=bool(row[R_STARRED]),
        error_kind=row[R_ERROR],
        session_id=row[R_SESSION],
        url=row[R_URL],
    )


def _body_as_text(text: Any, value: Any) -> str:
    if isinstance(text, str):
        return text
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False)


def search_text(entry: dict[str, Any]) -> str:
    """The lower-cased, single-line text that full-text search looks in."""
    exchange = _dict(entry.get("exchange"))
    request = _dict(exchange.get("request"))
    response = _dict(exchange.get("response"))
    error = _dict(exchange.get("error"))
    parts = [
        str(request.get("url") or ""),
        _body_as_text(request.get("body_text"), request.get("body")),
        _body_as_text(response.get("body_text"), response.get("json")),
        str(error.get("message") or ""),
    ]
    text = " \x1f ".join(parts).lower()
    return text.replace("\r", " ").replace("\n", " ")


def row_matches(row: list[Any], query: HistoryQuery) -> bool:
    """True when a row passes every non-text filter of *query*."""
    if query.starred_only and not row[R_STARRED]:
        return False
    if query.event_type is not None and query.event_type not in row[R_TYPES]:
        return False
    if query.status_class is not None and _status_class(row[R_STATUS]) != query.status_class:
        return False
    if query.target is not None and query.target not in (row[R_TARGET], _base_of(row[R_URL])):
        return False
    if query.source is not None and row[R_SOURCE] != query.source:
        return False
    if query.profile_id is not None and row[R_PROFILE] != query.profile_id:
        return False
    if query.session_id is not None and row[R_SESSION] != query.session_id:
        return False
    since = query._normalised["since"]
    if since is not None and row[R_CREATED] < since:
        return False
    until = query._normalised["until"]
    return not (until is not None and row[R_CREATED] > until)


def _base_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme else ""


def make_stored_entry(
    exchange: dict[str, Any], *, starred: bool = False, created_at: str | None = None
) -> dict[str, Any]:
    """Mask an exchange and wrap it as the document the store keeps.

    A missing or empty ``id`` gets a fresh uuid4; ``created_at`` falls back to the
    exchange's ``started_at``, then to now. Raises ``TypeError`` for a non-dict.
    """
    if not isinstance(exchange, dict):
        raise TypeError(f"an exchange must be a dict (JSON object); got {type(exchange).__name__}")
    masked = mask_exchange(exchange)
    entry_id = _str_or_none(masked.get("id")) or str(uuid.uuid4())
    masked["id"] = entry_id
    when = created_at or masked.get("started_at")
    try:
        stamp = canonical_time(when if isinstance(when, str) and when else None)
    except ValueError:
        stamp = canonical_time(None)
    return {"id": entry_id, "created_at": stamp, "starred": bool(starred), "exchange": masked}
