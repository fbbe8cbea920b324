"""The one value a send produces, and its exchange dict (what history stores)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.core.masking import mask_headers, mask_url
from workbench.core.response_view import DebugView
from workbench.core.snippets import HttpRequest

if TYPE_CHECKING:
    from workbench.client.errors import SendError

__all__ = ["SendResult", "SentRequest"]


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "url": mask_url(self.url),
            "route": self.route,
            "headers": mask_headers(self.headers),
            "body": self.body,
            "body_text": self.body_text,
        }


@dataclass(frozen=True)
class SendResult:
    """Everything about one send. ``ok`` is true for a 2xx answer read without error.

    ``view`` is the normalised response (``None`` when there was no usable answer);
    ``error`` says what went wrong (``None`` on success). ``timings`` are in ms
    (``total_ms`` always; ``headers_ms`` to the response headers, ``admin_ms``
    for admin reads when they ran).
    """

    id: str
    started_at: str
    target: dict[str, str]
    request: SentRequest
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body_text: str | None = None
    json: Any = None
    size: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    view: DebugView | None = None
    error: SendError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    def summary(self) -> dict[str, Any]:
        body = self.request.body if isinstance(self.request.body, dict) else {}
        events = body.get("events") if isinstance(body.get("events"), list) else []
        types = [
            e["type"] for e in events if isinstance(e, dict) and isinstance(e.get("type"), str)
        ]
        if self.request.route.startswith("/collect/"):
            types = [self.request.route.split("/")[2]]
        source = body.get("source")
        source_id = source.get("id") if isinstance(source, dict) else None
        if self.request.route.startswith("/collect/"):
            source_id = self.request.route.split("/")[3]
        view = self.view
        return {
            "event_types": types,
            "source_id": source_id if isinstance(source_id, str) else None,
            "profile_id": view.profile_id if view else None,
            "session_id": view.session_id if view else None,
        }

    def to_dict(self) -> dict[str, Any]:
        """The exchange dict of the contracts (JSON-serialisable, request secrets masked)."""
        return {
            "id": self.id,
            "started_at": self.started_at,
            "target": dict(self.target),
            "request": self.request.to_dict(),
            "response": {
                "status": self.status,
                "headers": mask_headers(self.headers),
                "body_text": self.body_text,
                "json": self.json,
                "size": self.size,
            },
            "timings": dict(self.timings),
            "view": self.view.to_dict() if self.view else None,
            "error": self.error.to_dict() if self.error else None,
            "summary": self.summary(),
        }
