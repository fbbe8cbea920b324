"""What to send: a route, a payload and extra headers, independent of the target."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

__all__ = ["RequestSpec"]


@dataclass(frozen=True)
class RequestSpec:
    """One request before variables are expanded and the target is applied.

    ``route`` ``"track"`` posts the payload to ``/track`` (``?profile_less=true``
    when ``profile_less``); ``"collect"`` uses the webhook routes
    ``/collect/{collect_event_type}/{collect_source_id}[/{collect_session_id}]``
    where the payload becomes the event's properties. ``debugger`` sets
    ``options.debugger = true`` in the payload as sent. ``variables`` add to (and
    override) the target's user variables for this send.
    """

    payload: Any = None
    route: Literal["track", "collect"] = "track"
    profile_less: bool = False
    collect_event_type: str | None = None
    collect_source_id: str | None = None
    collect_session_id: str | None = None
    method: str = "POST"
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    debugger: bool = False
    variables: dict[str, str] = field(default_factory=dict)

    def with_payload(self, payload: Any) -> RequestSpec:
        """``dataclasses.replace(self, payload=payload)`` without running ``__init__`` again
        (every send that fills in remembered ids makes one)."""
        copy = object.__new__(RequestSpec)
        copy.__dict__.update(self.__dict__)
        copy.__dict__["payload"] = payload
        return copy

    @property
    def source_id(self) -> str | None:
        """The event source this request is for (identity is remembered per source)."""
        if self.route == "collect":
            return self.collect_source_id
        source = self.payload.get("source") if isinstance(self.payload, dict) else None
        value = source.get("id") if isinstance(source, dict) else None
        return value.strip() if isinstance(value, str) else None

    def path(self) -> str:
        """The URL path relative to the target's base URL."""
        if self.route == "track":
            return "/track"
        if not self.collect_event_type or not self.collect_source_id:
            raise ValueError("a /collect request needs an event type and a source id")
        parts = [self.collect_event_type, self.collect_source_id]
        if self.collect_session_id:
            parts.append(self.collect_session_id)
        return "/collect/" + "/".join(quote(p, safe="") for p in parts)

    def route_label(self) -> str:
        """``/track``, ``/track?profile_less=true`` or the ``/collect/...`` path."""
        path = self.path()
        if self.route == "track" and self.profile_less:
            return f"{path}?profile_less=true"
        return path

    def query_params(self) -> dict[str, str]:
        params = dict(self.query)
        if self.route == "track" and self.profile_less:
            params["profile_less"] = "true"
        return params
