"""The normalised view of one ``/track`` answer: :class:`DebugView`.

Built by :func:`workbench.core.response_view.normalize_response` from any
response generation; this module holds only the value, its one-line verdict
and its (de)serialisation, so readers of stored views need nothing else.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from workbench.core.frozen import set_at_once
from workbench.core.sections import SECTIONS
from workbench.core.wording import located

__all__ = [
    "FORMATS",
    "SECTIONS",
    "DebugView",
    "entity_section",
    "record_message",
    "short_id",
]


FORMATS = ("documented", "0.8.1", "current", "error", "unknown")


def short_id(value: str | None, length: int = 4) -> str:
    """``0d2d9dc5-…`` → ``0d2d…``: enough to tell ids apart in a one-line verdict.

    Short, readable ids such as ``session-id`` are kept whole."""
    if not value:
        return "-"
    return value if len(value) <= max(length + 1, 12) else f"{value[:length]}…"


@set_at_once
@dataclass(frozen=True)
class DebugView:
    """The normalised answer of one ``/track`` call.

    Sections (``None`` when the response did not carry them; see ``missing``):

    * ``session`` / ``profile``: ``{"id", "saved", "new", "data"}`` — ``saved`` is the
      server's counter when it reports one, ``data`` the full stored object when known;
    * ``events``: ``{"saved", "ids", "types", "errors", "items"}``;
    * ``execution``: the workflow debugger output as the server gave it;
    * ``segmentation``: ``{"ids", "errors"}``;
    * ``logs`` / ``errors`` / ``warnings``: lists of records (console records or
      ``{"message": …}``).

    ``format`` is one of :data:`FORMATS`; ``ux`` and ``response`` are the workflow
    outputs; ``notes`` holds remarks worth showing (e.g. an admin read that failed).
    """

    format: str
    status: int | None = None
    profile_id: str | None = None
    session_id: str | None = None
    task: str | None = None
    profile_less: bool = False
    session: dict[str, Any] | None = None
    events: dict[str, Any] | None = None
    profile: dict[str, Any] | None = None
    execution: Any = None
    segmentation: dict[str, Any] | None = None
    logs: list[Any] | None = None
    errors: list[Any] | None = None
    warnings: list[Any] | None = None
    ux: list[Any] = field(default_factory=list)
    response: Any = None
    missing: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # top-level keys no reader understood

    # -- reading ---------------------------------------------------------------

    def section(self, name: str) -> Any:
        """The value of one of :data:`SECTIONS` (``None`` when missing)."""
        if name not in SECTIONS:
            raise KeyError(f"unknown section {name!r}; sections are {', '.join(SECTIONS)}")
        return getattr(self, name)

    @property
    def events_saved(self) -> int | None:
        """How many events the server says it saved, when it says."""
        if self.events is None:
            return None
        saved = self.events.get("saved")
        return saved if isinstance(saved, int) else None

    def verdict(self) -> str:
        """One line for lists and status bars, e.g.
        ``new profile 0d2d… · session new · 2 events saved · 0 errors``."""
        if self.format == "error":
            first = record_message(self.errors[0]) if self.errors else "no detail"
            return f"HTTP {self.status} · {first}"
        parts = [self._profile_part(), self._session_part(), self._events_part()]
        segments = self.segmentation
        if segments:
            for key in ("entered", "left"):
                names = [str(n) for n in segments.get(key) or []]
                if names:
                    parts.append(f"{key} {', '.join(names)}")
        if self.errors is not None:  # unknown is not zero: say nothing then
            parts.append(f"{len(self.errors)} error{'s' if len(self.errors) != 1 else ''}")
        if self.warnings:
            parts.append(f"{len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}")
        return " · ".join(parts)

    def _profile_part(self) -> str:
        if self.profile_less:
            return "profile-less"
        if not self.profile_id:
            return "no profile returned"
        new = (self.profile or {}).get("new")
        prefix = "new profile" if new else "profile"
        suffix = " (known)" if new is False else ""
        return f"{prefix} {short_id(self.profile_id)}{suffix}"

    def _session_part(self) -> str:
        if self.session is None and self.session_id is None:
            return "session not reported"
        if not self.session_id:
            saved = (self.session or {}).get("saved")
            return "session not saved" if saved in (None, 0) else "session saved"
        new = (self.session or {}).get("new")
        return "session new" if new else f"session {short_id(self.session_id)}"

    def _events_part(self) -> str:
        if self.events is None:
            return "events not reported"
        saved = self.events_saved
        items = self.events.get("items")
        if saved is None and items:
            return f"{len(items)} event{'s' if len(items) != 1 else ''} stored"
        if saved is not None:
            return f"{saved} event{'s' if saved != 1 else ''} saved"
        ids = self.events.get("ids") or []
        if ids:
            return f"{len(ids)} event id{'s' if len(ids) != 1 else ''} returned"
        return "no event ids returned"

    # -- changing --------------------------------------------------------------

    def with_details(
        self,
        *,
        profile: dict[str, Any] | None = None,
        session: dict[str, Any] | None = None,
        events: list[dict[str, Any]] | None = None,
        missing: dict[str, str] | None = None,
        notes: list[str] | None = None,
    ) -> DebugView:
        """A copy with full stored objects (from admin reads) merged into the sections.

        ``missing`` replaces explanations (e.g. "the server had not indexed it yet");
        a section that got data loses its explanation.
        """
        new_missing = dict(self.missing)
        changes: dict[str, Any] = {}
        if profile is not None:
            changes["profile"] = {
                **entity_section(self.profile_id),
                **(self.profile or {}),
                "data": profile,
            }
            new_missing.pop("profile", None)
        if session is not None:
            changes["session"] = {
                **entity_section(self.session_id),
                **(self.session or {}),
                "data": session,
            }
            new_missing.pop("session", None)
        if events is not None:
            base = self.events or {"saved": None, "ids": [], "types": [], "errors": []}
            types = [e.get("type") for e in events if isinstance(e, dict) and e.get("type")]
            changes["events"] = {**base, "items": events, "types": base.get("types") or types}
            new_missing.pop("events", None)
        new_missing.update(missing or {})
        return replace(self, **changes, missing=new_missing, notes=[*self.notes, *(notes or [])])

    # -- serialising -----------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict (stored in history as ``exchange["view"]``)."""
        data = asdict(self)
        data["verdict"] = self.verdict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DebugView:
        """Inverse of :meth:`to_dict`; unknown keys (``verdict``) are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def entity_section(entity_id: str | None) -> dict[str, Any]:
    """An empty ``session``/``profile`` section for *entity_id*."""
    return {"id": entity_id, "saved": None, "new": None, "data": None}


def record_message(record: Any) -> str:
    """The text of a console record, a 422 item or anything else."""
    if isinstance(record, dict):
        if "message" in record:
            return str(record["message"])
        if "msg" in record:
            loc = ".".join(str(p) for p in record.get("loc") or [])
            return located(loc, str(record["msg"]))
    return str(record)
