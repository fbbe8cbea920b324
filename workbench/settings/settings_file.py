"""The user's settings: versioned classes saved as JSON, atomically.

Targets (with their credentials) live here, in ``settings.json`` under the app's
home folder; that file is the only place secrets are kept, and they are masked
everywhere else (history, exports, logs). Window geometry is saved separately by
the UI. An unreadable settings file is moved aside with a notice, never lost.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, ClassVar, Literal

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


class _Record:
    """Equality and repr over ``FIELDS`` (the field names, in order), as a dataclass makes them.

    The settings classes are written out rather than made by ``@dataclass``: they load
    on the way to the window's first paint, where Python 3.11 compiles a dataclass's
    methods from source (and imports ``dataclasses`` with what it needs). Defining
    ``__eq__`` leaves them unhashable, like a mutable dataclass.
    """

    FIELDS: ClassVar[tuple[str, ...]] = ()

    def _values(self) -> dict[str, Any]:
        """Every field's value by name, in ``FIELDS`` order (the values themselves, not copies)."""
        return {name: getattr(self, name) for name in self.FIELDS}

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __repr__(self) -> str:
        values = ", ".join(f"{name}={value!r}" for name, value in self._values().items())
        return f"{type(self).__qualname__}({values})"


class TargetSettings(_Record):
    """A server to send to: the embedded collector or a remote Tracardi.

    ``username``/``password`` (for ``POST /user/token``) or ``token`` (a bearer
    token) are used only for admin reads. ``response_format`` is what the server
    answers with; ``auto`` means detect it from ``GET /info/version``.
    """

    FIELDS = (
        "name",
        "base_url",
        "kind",
        "x_context",
        "username",
        "password",
        "token",
        "headers",
        "timeout",
        "verify_tls",
        "response_format",
        "variables",
    )

    def __init__(
        self,
        name: str,
        base_url: str,
        kind: Literal["embedded", "remote"] = "remote",
        x_context: str | None = None,
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 10.0,
        verify_tls: bool = True,
        response_format: ResponseFormat = "auto",
        variables: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.base_url = base_url
        self.kind: Literal["embedded", "remote"] = kind
        self.x_context = x_context
        self.username = username
        self.password = password
        self.token = token
        self.headers: dict[str, str] = {} if headers is None else headers
        self.timeout = timeout
        self.verify_tls = verify_tls
        self.response_format: ResponseFormat = response_format
        self.variables: dict[str, str] = {} if variables is None else variables

    def replace(self, **changes: Any) -> TargetSettings:
        """A copy with *changes* (field names; an unknown one raises ``TypeError``)."""
        return TargetSettings(**{**self._values(), **changes})

    def to_dict(self) -> dict[str, Any]:
        values = self._values()
        values["headers"] = dict(self.headers)
        values["variables"] = dict(self.variables)
        return values

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TargetSettings:
        return cls(**{k: v for k, v in data.items() if k in cls.FIELDS})


class CollectorSettings(_Record):
    """How the embedded collector starts inside the app."""

    FIELDS = (
        "host",
        "port",
        "response_format",
        "debugger",
        "accept_any_source",
        "strict_validation",
        "max_body_bytes",
        "autostart",
        "durability",
        "token",
        "allowed_hosts",
    )

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 8686,
        response_format: Literal["documented", "counters", "current"] = "documented",
        debugger: bool = True,
        accept_any_source: bool = False,
        strict_validation: bool = False,
        max_body_bytes: int = 1024 * 1024,
        autostart: bool = True,
        durability: Literal["durable", "relaxed"] = "durable",
        token: str | None = None,
        allowed_hosts: list[str] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.response_format: Literal["documented", "counters", "current"] = response_format
        self.debugger = debugger
        self.accept_any_source = accept_any_source
        self.strict_validation = strict_validation
        self.max_body_bytes = max_body_bytes
        self.autostart = autostart
        # "durable": answer tracking once the data is on disk; "relaxed": at once (may
        # lose the last ~50 ms of answered events in a crash).
        self.durability: Literal["durable", "relaxed"] = durability
        # Beyond loopback the collector requires a token: this one, or a fresh one per start.
        self.token = token
        # Host names answered besides loopback and the bind address (--allow-host).
        self.allowed_hosts: list[str] = [] if allowed_hosts is None else allowed_hosts

    def to_dict(self) -> dict[str, Any]:
        values = self._values()
        values["allowed_hosts"] = list(self.allowed_hosts)
        return values


class Settings(_Record):
    FIELDS = ("version", "history_enabled", "history_retention", "collector", "targets")

    def __init__(
        self,
        version: int = SETTINGS_VERSION,
        history_enabled: bool = True,
        history_retention: int = 10_000,
        collector: CollectorSettings | None = None,
        targets: list[TargetSettings] | None = None,
    ) -> None:
        self.version = version
        self.history_enabled = history_enabled
        self.history_retention = history_retention
        self.collector = CollectorSettings() if collector is None else collector
        self.targets: list[TargetSettings] = [] if targets is None else targets

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "history_enabled": self.history_enabled,
            "history_retention": self.history_retention,
            "collector": self.collector.to_dict(),
            "targets": [target.to_dict() for target in self.targets],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        data = _migrate(dict(data))
        collector_data = {
            k: v for k, v in (data.get("collector") or {}).items() if k in CollectorSettings.FIELDS
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
