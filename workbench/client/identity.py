"""Profile and session ids remembered per target and source, as the JS tracker does.

After each response the returned profile id is remembered (the server may hand
back a different id than the one sent: a new or merged profile, so the stored
one is always overwritten) and filled into the next payload that has no profile
id of its own. The session id lives until :meth:`IdentityMemory.new_visit`
(the tracker's 30-minute cookie); :meth:`IdentityMemory.forget_profile`
simulates a first visit. Thread-safe: sends run off the GUI thread.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from workbench.client.spec import RequestSpec

if TYPE_CHECKING:
    from workbench.core.exchange import Exchange
    from workbench.settings import TargetSettings

__all__ = ["Identity", "IdentityMemory"]


@dataclass(frozen=True)
class Identity:
    """What is remembered for one target and source."""

    profile_id: str | None
    session_id: str


def _key(target: TargetSettings, source_id: str | None) -> tuple[str, str, str]:
    return (target.name, target.base_url.rstrip("/"), source_id or "")


def _entity_id(payload: dict[str, Any], key: str) -> str | None:
    item = payload.get(key)
    value = item.get("id") if isinstance(item, dict) else None
    return value if isinstance(value, str) and value.strip() else None


class IdentityMemory:
    """Remembered profile and session ids, keyed by (target, source)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: dict[tuple[str, str, str], Identity] = {}

    def get(self, target: TargetSettings, source_id: str | None) -> Identity:
        """The identity for *source_id* on *target*; a fresh session id on first use."""
        key = _key(target, source_id)
        with self._lock:
            known = self._known.get(key)
            if known is None:
                known = self._known[key] = Identity(None, str(uuid.uuid4()))
            return known

    def apply(self, target: TargetSettings, spec: RequestSpec) -> RequestSpec:
        """Fill the remembered ids into a ``/track`` payload that has none of its own.

        A payload that names a profile or session id keeps it (the user is testing
        that id); ``{{profile.id}}``/``{{session.id}}`` placeholders count as "none"
        here and are expanded from the same identity later.
        """
        if spec.route != "track" or not isinstance(spec.payload, dict):
            return spec
        identity = self.get(target, spec.source_id)
        sent = spec.payload
        fill_session = "session" not in sent
        fill_profile = bool(
            identity.profile_id
            and not spec.profile_less
            and _entity_id(sent, "profile") is None
            and not _is_placeholder(sent.get("profile"))
        )
        if not (fill_session or fill_profile):
            return spec
        payload = dict(sent)
        if fill_session:
            payload["session"] = {"id": identity.session_id}
        if fill_profile:
            profile = payload.get("profile")
            payload["profile"] = {
                **(profile if isinstance(profile, dict) else {}),
                "id": identity.profile_id,
            }
        return spec.with_payload(payload)

    def remember(self, target: TargetSettings, spec: RequestSpec, result: Exchange) -> None:
        """Store the ids the server returned (only for successful answers)."""
        view = result.view
        if view is None or result.error is not None or view.format == "error":
            return
        key = _key(target, spec.source_id)
        with self._lock:
            known = self._known.get(key)
            base = known if known is not None else Identity(None, str(uuid.uuid4()))
            profile_id = view.profile_id or base.profile_id
            session_id = view.session_id or _sent_session(result) or base.session_id
            # The usual answer to a visit that goes on names the ids already known.
            if known is None or profile_id != known.profile_id or session_id != known.session_id:
                self._known[key] = Identity(profile_id, session_id)

    def new_visit(self, target: TargetSettings, source_id: str | None) -> Identity:
        """Start a new session (the tracker's session cookie expired); keep the profile."""
        key = _key(target, source_id)
        with self._lock:
            known = self._known.get(key) or Identity(None, "")
            self._known[key] = replace(known, session_id=str(uuid.uuid4()))
            return self._known[key]

    def forget_profile(self, target: TargetSettings, source_id: str | None) -> Identity:
        """Simulate a first visit: no profile id, and a new session."""
        key = _key(target, source_id)
        with self._lock:
            self._known[key] = Identity(None, str(uuid.uuid4()))
            return self._known[key]

    def clear(self) -> None:
        with self._lock:
            self._known.clear()


def _is_placeholder(value: Any) -> bool:
    if isinstance(value, dict):
        value = value.get("id")
    return isinstance(value, str) and "{{" in value


def _sent_session(result: Exchange) -> str | None:
    body = result.request.body if result.request is not None else None
    return _entity_id(body, "session") if isinstance(body, dict) else None
