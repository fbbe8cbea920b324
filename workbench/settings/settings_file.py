"""The user's settings: a versioned dataclass saved as JSON, atomically.

Targets (with their credentials) live here, in ``settings.json`` under the app's
home folder; that file is the only place secrets are kept, and they are masked
everywhere else (history, exports, logs). Window geometry is saved separately by
the UI. An unreadable settings file is moved aside with a notice, never lost.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from workbench.store.atomic import StoreNotice, atomic_write_json, move_aside

__all__ = [
    "EMBEDDED_TARGET_NAME",
    "SETTINGS_VERSION",
    "CollectorSettings",
    "Settings",
    "SettingsFile",
    "TargetSettings",
]

SETTINGS_VERSION = 1
EMBEDDED_TARGET_NAME = "Embedded collector"

ResponseFormat = Literal["auto", "documented", "0.8.1", "current"]


@dataclass
class TargetSettings:
    """A server to send to: the embedded collector or a remote Tracardi.

    ``username``/``password`` (for ``POST /user/token``) or ``token`` (a bearer
    token) are used only for admin reads. ``response_format`` is what the server
    answers with; ``auto`` means detect it from ``GET /info/version``.
    """

    name: str
    base_url: str
    kind: Literal["embedded", "remote"] = "remote"
    x_context: str | None = None
    username: str | None = None
    password: str | None = None
    token: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    timeout: float = 10.0
    verify_tls: bool = True
    response_format: ResponseFormat = "auto"
    variables: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TargetSettings:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class CollectorSettings:
    """How the embedded collector starts inside the app."""

    host: str = "127.0.0.1"
    port: int = 8686
    response_format: Literal["documented", "counters", "current"] = "documented"
    debugger: bool = True
    accept_any_source: bool = False
    strict_validation: bool = False
    max_body_bytes: int = 1024 * 1024
    autostart: bool = True
    # "durable": answer tracking once the data is on disk; "relaxed": at once (may lose
    # the last ~50 ms of answered events in a crash).
    durability: Literal["durable", "relaxed"] = "durable"
    # Beyond loopback the collector requires a token: this one, or a fresh one per start.
    token: str | None = None
    # Host names answered besides loopback and the bind address (--allow-host).
    allowed_hosts: list[str] = field(default_factory=list)


@dataclass
class Settings:
    version: int = SETTINGS_VERSION
    history_enabled: bool = True
    history_retention: int = 10_000
    collector: CollectorSettings = field(default_factory=CollectorSettings)
    targets: list[TargetSettings] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        data = _migrate(dict(data))
        collector_known = {f.name for f in fields(CollectorSettings)}
        collector_data = {
            k: v for k, v in (data.get("collector") or {}).items() if k in collector_known
        }
        if "response_format" in collector_data:  # a release number names its format
            named = _COLLECTOR_FORMATS.get(str(collector_data["response_format"]).lower())
            collector_data["response_format"] = named or "documented"
        collector = CollectorSettings(**collector_data)
        if collector.durability not in ("durable", "relaxed"):
            collector.durability = "durable"  # an unknown value never weakens what is promised
        token = collector.token
        if not isinstance(token, str) or len(token) < 8 or any(c.isspace() for c in token):
            collector.token = None  # unusable: a fresh one is made at start (never none)
        hosts = collector.allowed_hosts
        collector.allowed_hosts = (
            [h for h in hosts if isinstance(h, str) and h.strip()]
            if isinstance(hosts, list)
            else []
        )
        return cls(
            version=SETTINGS_VERSION,
            history_enabled=bool(data.get("history_enabled", True)),
            history_retention=int(data.get("history_retention", 10_000)),
            collector=collector,
            targets=[TargetSettings.from_dict(t) for t in data.get("targets") or []],
        )

    def target(self, name: str) -> TargetSettings | None:
        return next((t for t in self.targets if t.name == name), None)


_COLLECTOR_FORMATS = {
    "documented": "documented",
    "counters": "counters",
    "current": "current",
    "0.7.3": "documented",
    "0.8.1": "counters",
    "0.8.2": "current",
}


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring older settings up to :data:`SETTINGS_VERSION` (none older exist yet)."""
    version = int(data.get("version", SETTINGS_VERSION))
    if version > SETTINGS_VERSION:
        raise ValueError(
            f"settings version {version} is newer than this Workbench understands "
            f"({SETTINGS_VERSION})"
        )
    return data


class SettingsFile:
    """Loads and saves :class:`Settings` at one path; thread-safe, atomic writes.

    ``notice`` holds a :class:`StoreNotice` when the file was unreadable and
    moved aside on load.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.notice: StoreNotice | None = None
        self._lock = threading.Lock()

    def load(self) -> Settings:
        with self._lock:
            if not self.path.exists():
                return Settings()
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if not isinstance(data, dict):
                    raise ValueError("the top level is not a JSON object")
                return Settings.from_dict(data)
            except (ValueError, TypeError, UnicodeDecodeError) as exc:
                self.notice = move_aside(self.path, str(exc))
                return Settings()

    def save(self, settings: Settings) -> None:
        with self._lock:
            atomic_write_json(self.path, settings.to_dict())
