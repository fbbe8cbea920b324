"""How the embedded collector behaves: one dataclass, plus a thread-safe live view of it.

:class:`CollectorConfig` is what callers build (the CLI from its options, the
GUI from :class:`workbench.settings.CollectorSettings`). The running app reads
the settings that may change at run time (format, debugger, source check,
strict validation, body limit) through :class:`LiveConfig`, so the GUI can flip
them from its own thread and the very next request sees the new value.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

from workbench.settings.settings_file import CollectorSettings

__all__ = [
    "DEFAULT_PORT",
    "FORMATS",
    "FORMAT_ALIASES",
    "FORMAT_VERSIONS",
    "RECONFIGURABLE_FIELDS",
    "SETTINGS_PORT_FALLBACK",
    "CollectorConfig",
    "LiveConfig",
    "ResponseFormat",
    "format_name",
]

DEFAULT_PORT = 8686
#: How many following ports a collector started from the settings tries when its port is taken.
SETTINGS_PORT_FALLBACK = 20
ResponseFormat = Literal["documented", "counters", "current"]
#: The three ``/track`` answers the collector can give, oldest first.
FORMATS: tuple[ResponseFormat, ...] = ("documented", "counters", "current")
#: The Tracardi release each format imitates: ``GET /info/version`` answers exactly this.
FORMAT_VERSIONS: dict[str, str] = {"documented": "0.7.3", "counters": "0.8.1", "current": "0.8.2"}
#: Release numbers accepted wherever a format name is (``--format 0.8.1``).
FORMAT_ALIASES: dict[str, ResponseFormat] = {
    "0.7.3": "documented",
    "0.8.1": "counters",
    "0.8.2": "current",
}


def format_name(value: Any) -> ResponseFormat:
    """The format *value* names (a format or a release number); ``ValueError`` otherwise."""
    if isinstance(value, str):
        key = value.strip().lower()
        if key in FORMAT_ALIASES:
            return FORMAT_ALIASES[key]
        for name in FORMATS:
            if key == name:
                return name
    names = ", ".join(f"'{n}' ({FORMAT_VERSIONS[n]})" for n in FORMATS)
    raise ValueError(f"response_format must be one of {names}, got {value!r}")


#: The fields :meth:`LiveConfig.update` (and ``CollectorServer.reconfigure``) may change.
RECONFIGURABLE_FIELDS = frozenset(
    {
        "response_format",
        "debugger",
        "accept_any_source",
        "strict_validation",
        "max_body_bytes",
        "durability",
    }
)
_DURABILITIES = ("durable", "relaxed")


@dataclass(frozen=True)
class CollectorConfig:
    """Settings of one collector.

    ``data_dir`` None keeps everything in memory. ``debugger`` False imitates a
    production Tracardi (``TRACK_DEBUG=no``) that ignores ``options.debugger``.
    ``accept_any_source`` imitates ``ENABLE_EVENT_SOURCE_CHECK=no``.
    ``strict_validation`` rejects payloads that the schema rejects even where
    Tracardi would quietly default (e.g. a non-boolean option) instead of only
    the ones Tracardi itself rejects. ``port_fallback`` is how many following
    ports to try when ``port`` is taken. ``durability`` "durable" answers a tracking
    request only once its changes are on disk; "relaxed" answers at once and risks the
    last ~50 ms of answered events in a crash (see :mod:`workbench.collector.durability`).
    ``token``, when set, is required (as ``Authorization: Bearer``) by every route but
    tracking and the open pages; ``allowed_hosts`` are ``Host`` names answered besides
    loopback and ``host`` (see :mod:`workbench.collector.trust`). ``production`` is
    Tracardi's ``PRODUCTION=yes``: every request uses the production data set whatever
    its ``x-context`` says (see :mod:`workbench.collector.contexts`).
    """

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    data_dir: Path | None = None
    response_format: ResponseFormat = "documented"
    accept_any_source: bool = False
    debugger: bool = True
    max_body_bytes: int = 1024 * 1024
    retention: int = 100_000
    strict_validation: bool = False
    port_fallback: int = 0
    durability: Literal["durable", "relaxed"] = "durable"
    token: str | None = None
    allowed_hosts: tuple[str, ...] = ()
    production: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "response_format", format_name(self.response_format))
        check_fields(
            {f.name: getattr(self, f.name) for f in fields(self) if f.name in RECONFIGURABLE_FIELDS}
        )
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, got {self.port}")
        if self.retention < 1:
            raise ValueError(f"retention must be at least 1 event, got {self.retention}")
        if self.port_fallback < 0:
            raise ValueError(f"port_fallback must be 0 or more, got {self.port_fallback}")
        if self.token is not None and (
            len(self.token) < 8 or any(c.isspace() or not c.isprintable() for c in self.token)
        ):
            raise ValueError(
                "token must be at least 8 printable characters without spaces "
                "(leave it out to have one generated)"
            )

    @classmethod
    def from_settings(
        cls, settings: CollectorSettings, *, data_dir: Path | None, port: int | None = None
    ) -> CollectorConfig:
        """The collector the app's settings describe, keeping its data in *data_dir*.

        *port* (a ``--port`` given on start) overrides the settings' port. A taken
        port moves on to one of the next :data:`SETTINGS_PORT_FALLBACK`, except for
        port 0, which asks the system for a free one anyway. Invalid values raise
        ``ValueError`` naming the field.
        """
        port = settings.port if port is None else port
        return cls(
            host=settings.host,
            port=port,
            data_dir=data_dir,
            response_format=settings.response_format,
            accept_any_source=settings.accept_any_source,
            debugger=settings.debugger,
            max_body_bytes=settings.max_body_bytes,
            strict_validation=settings.strict_validation,
            durability=settings.durability,
            token=settings.token or None,
            allowed_hosts=tuple(settings.allowed_hosts),
            port_fallback=0 if port == 0 else SETTINGS_PORT_FALLBACK,
        )


def check_fields(values: dict[str, Any]) -> None:
    """Reject unknown or ill-typed reconfigurable fields with a message naming the field."""
    for name, value in values.items():
        if name not in RECONFIGURABLE_FIELDS:
            allowed = ", ".join(sorted(RECONFIGURABLE_FIELDS))
            raise ValueError(f"{name!r} cannot be changed at run time (allowed: {allowed})")
        if name == "response_format":
            format_name(value)
        if name in ("debugger", "accept_any_source", "strict_validation") and not isinstance(
            value, bool
        ):
            raise ValueError(f"{name} must be True or False, got {value!r}")
        if name == "durability" and value not in _DURABILITIES:
            raise ValueError(f"durability must be 'durable' or 'relaxed', got {value!r}")
        if name == "max_body_bytes" and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            raise ValueError(f"max_body_bytes must be a positive number of bytes, got {value!r}")


class LiveConfig:
    """The current :class:`CollectorConfig`, replaced atomically as a whole.

    Readers take ``live.current`` once per request (a plain attribute read, so no
    lock on the hot path); writers swap in a new frozen config under a lock.
    """

    def __init__(self, config: CollectorConfig) -> None:
        self.current = config
        self._lock = threading.Lock()

    def update(self, **changes: Any) -> CollectorConfig:
        """Apply *changes* (names from :data:`RECONFIGURABLE_FIELDS`) and return the new config."""
        if "format" in changes:  # accept the CLI's and the settings' short name
            changes["response_format"] = changes.pop("format")
        check_fields(changes)
        if "response_format" in changes:
            changes["response_format"] = format_name(changes["response_format"])
        with self._lock:
            self.current = replace(self.current, **changes)
            return self.current
