"""Admin API reads: login, version detection, and the details of a current response.

A 0.8.2+ ``/track`` answer holds only ids. When the target has credentials
(username + password for ``POST /user/token``, or a bearer token) the client
reads ``/profile/{id}``, ``/session/{id}`` and ``/event/{id}`` and merges them
into the view; the login token is cached per target and renewed once on a 401.
Reads send the target's ``x-context`` (they are context-scoped on Tracardi).
"""

from __future__ import annotations

import re
import threading
from typing import Any

import httpx

from workbench.core.response_view import DebugView
from workbench.settings import TargetSettings

__all__ = [
    "AdminError",
    "AdminReader",
    "can_read_details",
    "format_for_version",
    "has_credentials",
]


class AdminError(Exception):
    """An admin call failed; the message says which and why."""


def has_credentials(target: TargetSettings) -> bool:
    return bool(target.token or (target.username and target.password))


def can_read_details(target: TargetSettings) -> bool:
    """Admin reads are possible: the target has credentials, or it is the embedded
    collector (which answers the reads without a token: it is a local tool)."""
    return has_credentials(target) or target.kind == "embedded"


def format_for_version(version: str) -> str:
    """``"0.8.2"`` → ``current``; ``0.7.4``–``0.8.1`` → ``0.8.1``; ≤ ``0.7.3`` → ``documented``."""
    numbers = [int(n) for n in re.findall(r"\d+", version)[:3]]
    if not numbers:
        raise ValueError(f"{version!r} is not a version number")
    key = tuple([*numbers, 0, 0, 0][:3])
    if key >= (0, 8, 2):
        return "current"
    if key >= (0, 7, 4):
        return "0.8.1"
    return "documented"


def _key(target: TargetSettings) -> tuple[str, str, str]:
    return (target.name, target.base_url.rstrip("/"), target.username or "")


class AdminReader:
    """Admin calls for any number of targets; thread-safe token cache."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[tuple[str, str, str], str] = {}

    def forget_token(self, target: TargetSettings) -> None:
        with self._lock:
            self._tokens.pop(_key(target), None)

    def _headers(self, target: TargetSettings, token: str | None) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if target.x_context:
            headers["x-context"] = target.x_context
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def login(self, client: httpx.Client, target: TargetSettings) -> str:
        """The bearer token: the target's own, a cached one, or a fresh login."""
        if target.token:
            return target.token
        with self._lock:
            cached = self._tokens.get(_key(target))
        if cached:
            return cached
        if not (target.username and target.password):
            raise AdminError("the target has no admin credentials")
        url = target.base_url.rstrip("/") + "/user/token"
        response = client.post(
            url,
            data={"username": target.username, "password": target.password},
            headers=self._headers(target, None),
            timeout=target.timeout,
        )
        body = _json(response)
        if response.status_code != 200 or not isinstance(body, dict):
            detail = body.get("detail") if isinstance(body, dict) else response.text[:200]
            raise AdminError(
                f"admin login as {target.username!r} failed: HTTP {response.status_code} {detail}"
            )
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise AdminError("admin login answered without an access_token")
        with self._lock:
            self._tokens[_key(target)] = token
        return token

    def get(self, client: httpx.Client, target: TargetSettings, path: str) -> Any:
        """GET an admin path as JSON (``None`` for 404 or a ``null`` body)."""
        url = target.base_url.rstrip("/") + path
        for attempt in range(2):
            token = self.login(client, target) if has_credentials(target) else None
            response = client.get(url, headers=self._headers(target, token), timeout=target.timeout)
            if response.status_code == 401 and token and attempt == 0 and not target.token:
                self.forget_token(target)  # expired: log in again once
                continue
            if response.status_code == 404:
                return None
            if response.status_code != 200:
                body = _json(response)
                detail = body.get("detail") if isinstance(body, dict) else response.text[:200]
                why = ""
                if response.status_code == 401 and not token:
                    why = (
                        " (the target has no admin credentials: "
                        "add a username and password or a token)"
                    )
                raise AdminError(f"GET {path}: HTTP {response.status_code} {detail}{why}")
            return _json(response)
        raise AdminError(f"GET {path}: the server keeps refusing the admin token")

    def event_sources(self, client: httpx.Client, target: TargetSettings) -> list[dict[str, Any]]:
        """``GET /event-sources`` flattened to a list of sources.

        Tracardi answers ``{"total": n, "grouped": {"<group>": [source, ...]}}``
        (``grouped`` may be ``null``); some versions answer ``{"result": [...]}``.
        """
        listing = self.get(client, target, "/event-sources")
        if isinstance(listing, list):
            found: list[Any] = listing
        elif isinstance(listing, dict) and isinstance(listing.get("grouped"), dict):
            found = [
                s for group in listing["grouped"].values() if isinstance(group, list) for s in group
            ]
        elif isinstance(listing, dict) and isinstance(listing.get("result"), list):
            found = listing["result"]
        else:
            found = []
        return [s for s in found if isinstance(s, dict)]

    def server_version(self, client: httpx.Client, target: TargetSettings) -> str | None:
        """``GET /info/version`` (no auth needed); ``None`` when the server does not say."""
        url = target.base_url.rstrip("/") + "/info/version"
        try:
            response = client.get(url, headers=self._headers(target, None), timeout=target.timeout)
        except httpx.HTTPError:
            return None
        body = _json(response)
        if response.status_code == 200 and isinstance(body, str) and re.match(r"\d", body):
            return body
        if isinstance(body, dict) and isinstance(body.get("version"), str):
            return str(body["version"])
        return None

    def fill_view(self, client: httpx.Client, target: TargetSettings, view: DebugView) -> DebugView:
        """Read the stored profile, session and events of a current-format view."""
        profile = session = None
        events: list[dict[str, Any]] | None = None
        missing: dict[str, str] = {}
        notes: list[str] = []
        not_indexed = (
            "the server had no {what} {id} yet (Tracardi indexes in near real time; "
            "read it again in a moment)"
        )
        try:
            if view.profile_id:
                profile = self.get(client, target, f"/profile/{view.profile_id}")
                if profile is None:
                    missing["profile"] = not_indexed.format(what="profile", id=view.profile_id)
            if view.session_id:
                session = self.get(client, target, f"/session/{view.session_id}")
                if session is None:
                    missing["session"] = not_indexed.format(what="session", id=view.session_id)
            ids = (view.events or {}).get("ids") or []
            if ids:
                events = []
                for event_id in ids:
                    found = self.get(client, target, f"/event/{event_id}")
                    if isinstance(found, dict):
                        events.append(found.get("event", found))
                if not events:
                    events = None
                    missing["events"] = not_indexed.format(what="events", id=", ".join(ids))
        except (AdminError, httpx.HTTPError) as exc:
            why = f"admin read failed: {exc}"
            notes.append(why)
            for name in ("profile", "session", "events"):
                if name in view.missing:
                    missing.setdefault(name, why)
        return view.with_details(
            profile=profile if isinstance(profile, dict) else None,
            session=session if isinstance(session, dict) else None,
            events=events,
            missing=missing,
            notes=notes,
        )


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
