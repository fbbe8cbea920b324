"""One exchange: the request as sent, the answer, timing, target, error and debug view.

:class:`Exchange` is the one value that travels between layers: the client
produces it (:meth:`workbench.client.Sender.send`), the history store takes and
returns it, the window's signals carry it and the CLI prints it. It is frozen;
the facts derived from it (event types, source, profile and session ids, the
one-line verdict) are computed once, when it is built.

:meth:`Exchange.to_dict` and :meth:`Exchange.from_dict` are its only
serialisation. The dict carries ``"version"`` (:data:`EXCHANGE_VERSION`);
:meth:`~Exchange.from_dict` also reads the unversioned dicts written before
(version 1, same keys) and tolerates missing or oddly typed keys, because
history files may be old, hand-edited or imported from elsewhere. Keys it does
not know are kept in :attr:`Exchange.extra` and written back by ``to_dict``,
so a round trip loses nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal
from urllib.parse import urlsplit

from workbench.core.debug_view import DebugView
from workbench.core.frozen import set_at_once
from workbench.core.masking import mask_headers, mask_url
from workbench.core.snippets import HttpRequest

__all__ = [
    "EXCHANGE_VERSION",
    "Exchange",
    "ExchangeTarget",
    "SendError",
    "SentRequest",
    "Verdict",
]

#: The version :meth:`Exchange.to_dict` writes; dicts without one are version 1.
EXCHANGE_VERSION = 2

#: ``ok`` (a 2xx read without error), ``rejected`` (the server answered 4xx/5xx),
#: ``failed`` (no usable answer: network, timeout, not JSON…), ``opened`` (a document
#: shown without a request, e.g. a response file).
Verdict = Literal["ok", "rejected", "failed", "opened"]

_KNOWN_KEYS = frozenset(
    {
        "version",
        "id",
        "origin",
        "started_at",
        "target",
        "request",
        "response",
        "timings",
        "view",
        "error",
        "summary",
    }
)


@dataclass(frozen=True)
class ExchangeTarget:
    """Where an exchange was sent: the target's name, base URL (masked) and kind."""

    name: str = ""
    base_url: str = ""
    kind: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "base_url": self.base_url, "kind": self.kind}


@set_at_once
@dataclass(frozen=True)
class SentRequest:
    """The request exactly as sent: after variable expansion, identity and target headers."""

    method: str
    url: str
    route: str
    headers: dict[str, str]
    body: Any
    body_text: str

    def as_http(self) -> HttpRequest:
        """For snippets (:mod:`workbench.core.snippets`)."""
        return HttpRequest(self.method, self.url, dict(self.headers), self.body_text or None)

    def to_dict(self, *, masked: bool = True) -> dict[str, Any]:
        """JSON-ready; the URL's credentials and secret headers masked unless not *masked*."""
        return {
            "method": self.method,
            "url": mask_url(self.url) if masked else self.url,
            "route": self.route,
            "headers": mask_headers(self.headers) if masked else dict(self.headers),
            "body": self.body,
            "body_text": self.body_text,
        }


@dataclass(frozen=True)
class SendError:
    """Why a send failed: ``kind`` (see ``workbench.client.errors.ERROR_KINDS``), what, a hint."""

    kind: str
    message: str
    hint: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


@set_at_once
@dataclass(frozen=True)
class Exchange:
    """Everything about one exchange. ``ok`` is true for a 2xx answer read without error.

    ``request`` is None for a document opened without a request (``origin``
    ``"opened"``). ``view`` is the normalised response (None when there was no
    usable answer); ``error`` says what went wrong (None on success). ``size`` is
    the answer's size in bytes (None when unknown). ``timings``
    are in ms (``total_ms`` always; ``headers_ms`` to the response headers,
    ``admin_ms`` for admin reads when they ran). ``extra`` holds keys of a stored
    dict this version does not know, so they survive a round trip.

    Derived once, when built (never passed in): :attr:`event_types`,
    :attr:`source_id`, :attr:`profile_id`, :attr:`session_id`, :attr:`verdict`
    and :attr:`verdict_text`.
    """

    id: str
    started_at: str
    target: ExchangeTarget
    request: SentRequest | None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body_text: str | None = None
    json: Any = None
    size: int | None = None
    timings: dict[str, float] = field(default_factory=dict)
    view: DebugView | None = None
    error: SendError | None = None
    origin: str = "sent"
    extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    event_types: tuple[str, ...] = field(init=False)
    source_id: str | None = field(init=False)
    profile_id: str | None = field(init=False)
    session_id: str | None = field(init=False)
    verdict: Verdict = field(init=False)
    verdict_text: str = field(init=False)

    def __post_init__(self) -> None:
        facts = _derive(self.request, self.view)
        facts["verdict"] = self._verdict()
        facts["verdict_text"] = self._verdict_text()
        self.__dict__.update(facts)  # frozen: set past __setattr__, as dataclasses does

    # -- reading ------------------------------------------------------------------

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def total_ms(self) -> float | None:
        """The whole exchange's duration in ms, when it was timed."""
        value = self.timings.get("total_ms")
        return float(value) if isinstance(value, int | float) else None

    def _verdict(self) -> Verdict:
        if self.request is None and self.origin != "sent":
            return "opened"
        if self.ok:
            return "ok"
        if self.status is not None and self.status >= 400:
            return "rejected"
        return "failed"

    def _verdict_text(self) -> str:
        if self.error is not None:
            return str(self.error)
        if self.view is not None:
            try:
                return self.view.verdict()
            except (AttributeError, TypeError, ValueError, IndexError):
                # A stored view whose sections are oddly shaped (hand-edited, foreign).
                return f"HTTP {self.status}" if self.status is not None else "no answer"
        return f"HTTP {self.status}" if self.status is not None else "no answer"

    def summary(self) -> dict[str, Any]:
        """The derived facts as a dict (what ``to_dict()["summary"]`` holds)."""
        return {
            "event_types": list(self.event_types),
            "source_id": self.source_id,
            "profile_id": self.profile_id,
            "session_id": self.session_id,
            "verdict": self.verdict,
            "verdict_text": self.verdict_text,
        }

    # -- serialising ----------------------------------------------------------------

    def to_dict(self, *, masked: bool = True) -> dict[str, Any]:
        """The versioned, JSON-ready dict; the request URL and secret headers are masked.

        ``masked=False`` keeps them as they are, for a caller that masks the whole
        dict itself and must first see every secret value to find its echoes
        elsewhere (the history store).
        """
        data: dict[str, Any] = dict(self.extra)
        data.update(
            {
                "version": EXCHANGE_VERSION,
                "id": self.id,
                "origin": self.origin,
                "started_at": self.started_at,
                "target": self.target.to_dict(),
                "request": self.request.to_dict(masked=masked)
                if self.request is not None
                else None,
                "response": {
                    "status": self.status,
                    "headers": mask_headers(self.headers) if masked else dict(self.headers),
                    "body_text": self.body_text,
                    "json": self.json,
                    "size": self.size,
                },
                "timings": dict(self.timings),
                "view": self.view.to_dict() if self.view is not None else None,
                "error": self.error.to_dict() if self.error is not None else None,
                "summary": self.summary(),
            }
        )
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Exchange:
        """Read a dict of :meth:`to_dict` (any version so far); never raises for odd values.

        Raises ``TypeError`` only when *data* is not a mapping at all.
        """
        if not isinstance(data, Mapping):
            raise TypeError(f"an exchange must be a JSON object; got {type(data).__name__}")
        response = _mapping(data.get("response"))
        view = data.get("view")
        error = _mapping(data.get("error"))
        status = response.get("status")
        size = response.get("size")
        exchange = cls(
            id=_text(data.get("id")),
            started_at=_text(data.get("started_at")),
            target=_target(data.get("target")),
            request=_request(data.get("request")),
            status=status if isinstance(status, int) and not isinstance(status, bool) else None,
            headers=_str_dict(response.get("headers")),
            body_text=_text_or_none(response.get("body_text")),
            json=response.get("json"),
            size=size if isinstance(size, int) and not isinstance(size, bool) else None,
            timings={
                str(k): float(v)
                for k, v in _mapping(data.get("timings")).items()
                if isinstance(v, int | float) and not isinstance(v, bool)
            },
            view=_view(view),
            error=SendError(
                _text(error.get("kind")) or "unknown",
                _text(error.get("message")),
                _text(error.get("hint")),
            )
            if error
            else None,
            origin=_text(data.get("origin")) or "sent",
            extra={k: v for k, v in data.items() if k not in _KNOWN_KEYS},
        )
        stored = _mapping(data.get("summary"))
        if stored:
            # Where the exchange itself does not say (a fact its writer knew from elsewhere,
            # an import with only a summary), the facts the writer derived are kept.
            _keep_stored_facts(exchange, stored)
        return exchange


# -- deriving ---------------------------------------------------------------------------


def _derive(request: SentRequest | None, view: DebugView | None) -> dict[str, Any]:
    body = request.body if request is not None and isinstance(request.body, dict) else {}
    route = request.route if request is not None else ""
    if request is not None and not route:
        route = urlsplit(request.url).path
    path = route.split("?", 1)[0]
    types: tuple[str, ...] = ()
    source_id: str | None = None
    if path.startswith("/collect/"):
        parts = path.split("/")
        types = (parts[2],) if len(parts) > 2 and parts[2] else ()
        source_id = parts[3] if len(parts) > 3 and parts[3] else None
    else:
        events = body.get("events")
        if isinstance(events, list):
            types = tuple(
                e["type"] for e in events if isinstance(e, dict) and isinstance(e.get("type"), str)
            )
        source_id = _id_of(body.get("source"))
    return {
        "event_types": types,
        "source_id": source_id,
        "profile_id": (view.profile_id if view is not None else None)
        or _id_of(body.get("profile")),
        "session_id": (view.session_id if view is not None else None)
        or _id_of(body.get("session")),
    }


def _keep_stored_facts(exchange: Exchange, stored: Mapping[str, Any]) -> None:
    types = stored.get("event_types")
    if isinstance(types, list) and not exchange.event_types:
        object.__setattr__(exchange, "event_types", tuple(str(t) for t in types if t is not None))
    for name in ("source_id", "profile_id", "session_id"):
        if getattr(exchange, name) is None:
            object.__setattr__(exchange, name, _text_or_none(stored.get(name)) or None)


def _id_of(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    found = value.get("id")
    return found if isinstance(found, str) and found else None


# -- tolerant readers ---------------------------------------------------------------------


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _text_or_none(value: Any) -> str | None:
    return None if value is None else _text(value)


def _str_dict(value: Any) -> dict[str, str]:
    return {str(k): _text(v) for k, v in _mapping(value).items()}


def _target(value: Any) -> ExchangeTarget:
    data = _mapping(value)
    return ExchangeTarget(
        name=_text(data.get("name")),
        base_url=_text(data.get("base_url")),
        kind=_text(data.get("kind")),
    )


def _request(value: Any) -> SentRequest | None:
    if not isinstance(value, Mapping):
        return None
    return SentRequest(
        method=_text(value.get("method")),
        url=_text(value.get("url")),
        route=_text(value.get("route")),
        headers=_str_dict(value.get("headers")),
        body=value.get("body"),
        body_text=_text(value.get("body_text")),
    )


#: What each field of a stored debug view must be; a field of another kind is dropped.
_VIEW_KINDS: dict[str, tuple[type, ...]] = {
    "status": (int, type(None)),
    "profile_id": (str, type(None)),
    "session_id": (str, type(None)),
    "task": (str, type(None)),
    "profile_less": (bool,),
    "session": (dict, type(None)),
    "events": (dict, type(None)),
    "profile": (dict, type(None)),
    "segmentation": (dict, type(None)),
    "logs": (list, type(None)),
    "errors": (list, type(None)),
    "warnings": (list, type(None)),
    "ux": (list,),
    "missing": (dict,),
    "notes": (list,),
}


def _view(value: Any) -> DebugView | None:
    if not isinstance(value, Mapping) or not isinstance(value.get("format"), str):
        return None
    kept = {
        name: item
        for name, item in value.items()
        if name in _VIEW_FIELDS
        and (name not in _VIEW_KINDS or isinstance(item, _VIEW_KINDS[name]))
        and not (name == "status" and isinstance(item, bool))
    }
    return DebugView(**kept)


_VIEW_FIELDS = frozenset(f.name for f in fields(DebugView))
