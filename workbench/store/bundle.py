"""Support bundles: a zip a colleague can open, with secrets and personal data replaced.

:func:`write_bundle` takes :class:`BundleContents` (the chosen exchanges; the
embedded collector's flow and sources and the profiles, sessions and events the
exchanges touch; settings; versions), redacts all of it with one
:class:`~workbench.core.redaction.Redactor` — so one e-mail gets one
placeholder in the payload, the profile and the events alike — and writes::

    manifest.json            what is inside, what was redacted, versions, the policy
    exchanges.jsonl          history entries, oldest first
    collector/flow.json      the flow (rules, segments…)
    collector/sources.json   event sources
    collector/profiles.json  profiles the exchanges touch
    collector/sessions.json  their sessions
    collector/events.json    their events
    collector/production/    the same four files of the collector's production data set
                             (``x-context: production``), when it has one
    settings.json            settings without secrets

The files directly in ``collector/`` are the staging data set (the collector
folder itself); the manifest's ``contents.data_sets`` names the folder of each data
set the bundle holds. A bundle without a production data set is version 1 (as
bundles were before there were two); one with it is version 2, so that a reader
that knows only one data set refuses it instead of dropping production silently.

Before anything is written, every file is checked for every value that was
replaced, in every encoding a file could hold it (plain, JSON-escaped,
percent- and plus-encoded, base64); a hit refuses the export
(:class:`BundleLeakError`) rather than leak. The zip is written to a temporary
file and renamed, so a failed export leaves nothing behind.

:func:`read_bundle` reads one back (checking the manifest and every file) into
a :class:`Bundle`; :class:`BundleError` says what is wrong with a bad zip.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from workbench import __version__
from workbench.core.redaction import RedactionPolicy, Redactor

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_VERSION",
    "PRODUCTION_FILES",
    "Bundle",
    "BundleContents",
    "BundleError",
    "BundleLeakError",
    "DataSetContents",
    "read_bundle",
    "touched_ids",
    "versions",
    "write_bundle",
]

BUNDLE_FORMAT = "workbench-support-bundle"
BUNDLE_VERSION = 2
_DATA_SET_FILES = ("sources", "profiles", "sessions", "events")
_COLLECTOR_FILES = ("flow", *_DATA_SET_FILES)
#: Where the production data set's files are in a bundle.
PRODUCTION_FILES = "collector/production/"
_MAX_MEMBER_BYTES = 512 * 1024 * 1024


class BundleError(ValueError):
    """A bundle that cannot be read; the message names the file and the problem."""


class BundleLeakError(RuntimeError):
    """A redacted value was still found in the bundle; nothing was written."""


@dataclass
class DataSetContents:
    """One data set of the collector: its sources and what of it the exchanges touch."""

    sources: list[dict[str, Any]] = field(default_factory=list)
    profiles: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class BundleContents:
    """What goes into a bundle, before redaction.

    ``sources`` to ``events`` are the staging data set; ``production`` the production
    one, None when the collector had none (nothing ever used it)."""

    entries: list[dict[str, Any]]  # history entries: {"id", "created_at", "starred", "exchange"}
    flow: dict[str, Any] = field(default_factory=dict)
    sources: list[dict[str, Any]] = field(default_factory=list)
    profiles: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, Any] = field(default_factory=dict)
    production: DataSetContents | None = None


@dataclass(frozen=True)
class Bundle:
    """A bundle read back: its manifest and its (already redacted) contents."""

    path: Path
    manifest: dict[str, Any]
    contents: BundleContents


def versions(extra: dict[str, str] | None = None) -> dict[str, Any]:
    """The app's and the platform's versions, for the manifest."""
    libraries: dict[str, str] = {}
    for name in ("PySide6-Essentials", "httpx", "starlette", "uvicorn", "tinydb", "orjson"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            libraries[name] = metadata.version(name)
    return {
        "app": {"name": "Tracardi Workbench", "version": __version__},
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "libraries": {**libraries, **(extra or {})},
    }


def _ids_in(value: Any, key: str) -> set[str]:
    item = value.get(key) if isinstance(value, dict) else None
    if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]:
        return {item["id"]}
    return set()


def touched_ids(entries: Iterable[dict[str, Any]]) -> tuple[set[str], set[str], set[str]]:
    """(profile ids, session ids, event ids) the exchanges of *entries* refer to."""
    profiles: set[str] = set()
    sessions: set[str] = set()
    events: set[str] = set()
    for entry in entries:
        exchange = entry.get("exchange") if isinstance(entry.get("exchange"), dict) else entry
        if not isinstance(exchange, dict):
            continue
        for holder in (exchange.get("summary"), exchange.get("view")):
            if isinstance(holder, dict):
                if isinstance(holder.get("profile_id"), str):
                    profiles.add(holder["profile_id"])
                if isinstance(holder.get("session_id"), str):
                    sessions.add(holder["session_id"])
        view = exchange.get("view")
        if isinstance(view, dict) and isinstance(view.get("events"), dict):
            ids = view["events"].get("ids")
            if isinstance(ids, list):
                events.update(i for i in ids if isinstance(i, str))
        request = exchange.get("request")
        body = request.get("body") if isinstance(request, dict) else None
        profiles |= _ids_in(body, "profile")
        sessions |= _ids_in(body, "session")
    profiles.discard("")
    sessions.discard("")
    return profiles, sessions, events


# --- writing -----------------------------------------------------------------------------


def _redact_entry(redactor: Redactor, entry: dict[str, Any]) -> dict[str, Any]:
    redacted: dict[str, Any] = redactor.json(entry)
    exchange = redacted.get("exchange")
    if not isinstance(exchange, dict):
        return redacted
    for side in ("request", "response"):
        part = exchange.get(side)
        if not isinstance(part, dict):
            continue
        if isinstance(part.get("url"), str):
            part["url"] = redactor.url(part["url"])
        if isinstance(part.get("body_text"), str):
            part["body_text"] = redactor.body_text(part["body_text"])
    return redacted


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")


def _manifest(
    contents: BundleContents,
    redactor: Redactor,
    files: dict[str, bytes],
    exchanges: list[dict[str, Any]],
) -> dict[str, Any]:
    counts = {
        "exchanges": len(exchanges),
        **{name: len(getattr(contents, name)) for name in _DATA_SET_FILES},
    }
    data_sets = {"staging": "collector/"}
    production = contents.production
    if production is not None:
        counts.update(
            {f"production {name}": len(getattr(production, name)) for name in _DATA_SET_FILES}
        )
        data_sets["production"] = PRODUCTION_FILES
    return {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION if production is not None else 1,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "versions": contents.versions or versions(),
        "contents": {
            "files": sorted(files),
            "counts": counts,
            "data_sets": data_sets,
            "exchange_ids": [e.get("id") for e in exchanges],
        },
        "redaction": {
            "policy": redactor.policy.to_dict(),
            "replaced": redactor.counts,
            "paths": sorted(redactor.text(p) for p in redactor.paths),
            "note": (
                "Every secret (tokens, passwords, Authorization and cookie headers) and every "
                "value at a personal-data path of the policy was replaced by a placeholder; the "
                "same value has the same placeholder throughout the bundle."
            ),
        },
    }


def write_bundle(
    contents: BundleContents,
    out: str | os.PathLike[str],
    policy: RedactionPolicy | None = None,
) -> dict[str, Any]:
    """Redact *contents* and write the zip at *out* atomically; returns the manifest.

    Raises :class:`BundleLeakError` (nothing written) if a replaced value survived."""
    redactor = Redactor(policy)
    # Pass 1: structured redaction of everything, so every value has its placeholder...
    exchanges = [_redact_entry(redactor, entry) for entry in contents.entries]
    collector = {name: redactor.json(getattr(contents, name)) for name in _COLLECTOR_FILES}
    production = contents.production
    if production is not None:  # keys are file names under collector/
        for name in _DATA_SET_FILES:
            collector[f"production/{name}"] = redactor.json(getattr(production, name))
    settings = redactor.json(contents.settings)
    # ...pass 2: the values found anywhere are searched for in every string.
    exchanges = [redactor.deep_text(e) for e in exchanges]
    for name in ("request", "response"):
        for entry in exchanges:
            part = entry.get("exchange", {}).get(name)
            if isinstance(part, dict) and isinstance(part.get("body_text"), str):
                part["body_text"] = redactor.body_text(part["body_text"])
    collector = {name: redactor.deep_text(value) for name, value in collector.items()}
    settings = redactor.deep_text(settings)

    files: dict[str, bytes] = {
        "exchanges.jsonl": b"".join(
            json.dumps(e, ensure_ascii=False).encode("utf-8") + b"\n" for e in exchanges
        ),
        "settings.json": _dump(settings),
    }
    for name, value in collector.items():
        files[f"collector/{name}.json"] = _dump(value)
    manifest = _manifest(contents, redactor, files, exchanges)
    files["manifest.json"] = _dump(manifest)

    for name, blob in files.items():
        leaked = redactor.leaks(blob)
        if leaked:
            raise BundleLeakError(
                f"{name} would still hold {len(leaked)} redacted value(s) "
                f"(placeholders {', '.join(sorted(set(leaked))[:5])}); nothing was written"
            )

    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".bundle-", suffix=".zip.tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as raw:
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for name in ("manifest.json", *sorted(n for n in files if n != "manifest.json")):
                    archive.writestr(name, files[name])
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return manifest


# --- reading -----------------------------------------------------------------------------


def _member(archive: zipfile.ZipFile, name: str, source: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise BundleError(f"{source}: {name} is missing from the bundle") from None
    if info.file_size > _MAX_MEMBER_BYTES:
        raise BundleError(f"{source}: {name} is too large ({info.file_size} bytes)")
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BundleError(
            f"{source}: {name} cannot be read ({exc}); is the zip truncated?"
        ) from None


def _json_member(archive: zipfile.ZipFile, name: str, source: str, kind: type) -> Any:
    blob = _member(archive, name, source)
    try:
        value = json.loads(blob)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BundleError(f"{source}: {name} is not JSON: {exc}") from None
    if not isinstance(value, kind):
        raise BundleError(f"{source}: {name} should hold a JSON {kind.__name__}")
    return value


def read_bundle(path: str | os.PathLike[str]) -> Bundle:
    """Read and check a bundle. Raises :class:`BundleError` naming what is wrong."""
    source = Path(path)
    name = source.name
    try:
        archive = zipfile.ZipFile(source)
    except FileNotFoundError:
        raise BundleError(f"{name}: no such file") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise BundleError(f"{name}: not a zip file ({exc})") from None
    with archive:
        manifest = _json_member(archive, "manifest.json", name, dict)
        if manifest.get("format") != BUNDLE_FORMAT:
            raise BundleError(f"{name}: manifest.json does not describe a Workbench support bundle")
        version = manifest.get("version")
        if not isinstance(version, int) or version > BUNDLE_VERSION:
            raise BundleError(
                f"{name}: bundle version {version!r} is newer than this Workbench reads "
                f"({BUNDLE_VERSION})"
            )
        entries: list[dict[str, Any]] = []
        text = _member(archive, "exchanges.jsonl", name).decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError as exc:
                raise BundleError(
                    f"{name}: exchanges.jsonl line {number}: not JSON: {exc}"
                ) from None
            if not isinstance(entry, dict) or not isinstance(entry.get("exchange"), dict):
                raise BundleError(f"{name}: exchanges.jsonl line {number}: not a history entry")
            entries.append(entry)
        staging = _data_set(archive, "collector/", name)
        listed = manifest.get("contents")
        data_sets = listed.get("data_sets") if isinstance(listed, dict) else None
        production = (
            _data_set(archive, PRODUCTION_FILES, name)
            if isinstance(data_sets, dict) and "production" in data_sets
            else None
        )
        contents = BundleContents(
            entries=entries,
            flow=_json_member(archive, "collector/flow.json", name, dict),
            sources=staging.sources,
            profiles=staging.profiles,
            sessions=staging.sessions,
            events=staging.events,
            settings=_json_member(archive, "settings.json", name, dict),
            versions=manifest.get("versions") if isinstance(manifest.get("versions"), dict) else {},
            production=production,
        )
    return Bundle(source, manifest, contents)


def _data_set(archive: zipfile.ZipFile, folder: str, source: str) -> DataSetContents:
    """The four files of one data set, under *folder* in the bundle."""
    read = {
        name: _json_member(archive, f"{folder}{name}.json", source, list)
        for name in _DATA_SET_FILES
    }
    return DataSetContents(**read)
