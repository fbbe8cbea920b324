"""Gathering what a support bundle holds, from a live collector or from its folder.

:class:`CollectorData` is the embedded collector's flow, sources, profiles,
sessions and events as plain JSON: those of its staging data set, and those of its
production data set (``production``) when it has one. :func:`data_from_stores` reads it from the
stores of a running collector (the window); :func:`data_from_folder` from the
collector's folder on disk without opening it for writing (the command line, while
the window may be running). :func:`gather` picks what the chosen exchanges
touch and builds the :class:`~workbench.store.bundle.BundleContents`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from workbench.store.bundle import BundleContents, DataSetContents, touched_ids, versions
from workbench.store.flow_store import FLOW_FILE

__all__ = [
    "CollectorData",
    "data_from_folder",
    "data_from_stores",
    "gather",
]


class _Source(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


class _CollectorStore(Protocol):
    def list_sources(self) -> list[Any]: ...
    def get_profile(self, profile_id: str) -> dict[str, Any] | None: ...
    def get_session(self, session_id: str) -> dict[str, Any] | None: ...
    def get_event(self, event_id: str) -> dict[str, Any] | None: ...
    def events_for_profile(self, profile_id: str, *, limit: int = ...) -> list[dict[str, Any]]: ...
    def sessions_for_profile(self, profile_id: str) -> list[dict[str, Any]]: ...


class _FlowStore(Protocol):
    def export(self) -> dict[str, Any]: ...


@dataclass
class CollectorData:
    """The collector's documents as JSON (all of them, or what a lookup found).

    The fields are the staging data set's; ``production`` holds the production data
    set's (its ``flow`` unused: the flow is one for both), None when there is none."""

    flow: dict[str, Any] = field(default_factory=dict)
    sources: list[dict[str, Any]] = field(default_factory=list)
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    production: CollectorData | None = None


def _ref(document: dict[str, Any], key: str) -> str | None:
    item = document.get(key)
    if isinstance(item, dict):
        item = item.get("id")
    return item if isinstance(item, str) else None


def data_from_stores(
    store: _CollectorStore,
    flow: _FlowStore | None,
    entries: Iterable[dict[str, Any]],
    production: _CollectorStore | None = None,
) -> CollectorData:
    """What a running collector holds for the exchanges of *entries*: in *store* (the
    staging data set) and in *production*, its production store if it opened one."""
    chosen = list(entries)
    data = _data_from_store(store, chosen)
    data.flow = flow.export() if flow is not None else {}
    if production is not None:
        data.production = _data_from_store(production, chosen)
    return data


def _data_from_store(store: _CollectorStore, entries: list[dict[str, Any]]) -> CollectorData:
    profile_ids, session_ids, event_ids = touched_ids(entries)
    data = CollectorData(
        sources=[s.to_dict() if hasattr(s, "to_dict") else dict(s) for s in store.list_sources()],
    )
    for profile_id in profile_ids:
        profile = store.get_profile(profile_id)
        if profile is not None:
            data.profiles[profile_id] = profile
        for session in store.sessions_for_profile(profile_id):
            data.sessions[session["id"]] = session
        for event in store.events_for_profile(profile_id, limit=1000):
            data.events[event["id"]] = event
    for session_id in session_ids:
        found = store.get_session(session_id)
        if found is not None:
            data.sessions[session_id] = found
    for event_id in event_ids:
        stored = store.get_event(event_id)
        if stored is not None:
            data.events[event_id] = stored
    return data


def data_from_folder(folder: Path) -> CollectorData:
    """Everything the collector saved in *folder*, read without taking it over.

    Reads the snapshot and replays the journal in memory, for the staging data set
    (the folder itself) and the production one (its subfolder, if there is one); an
    unreadable file is skipped (the window reports it when it opens the folder)."""
    from workbench.store.collector import PRODUCTION_FOLDER

    data = _tables_from_folder(folder)
    production = folder / PRODUCTION_FOLDER
    if production.is_dir():
        data.production = _tables_from_folder(production)
    flow_file = folder / FLOW_FILE
    if flow_file.exists():
        from workbench.store.flow_store import FlowStore

        try:
            store = FlowStore(folder)
            try:
                data.flow = store.export()
            finally:
                store.close()
        except (ValueError, OSError):
            data.flow = {}
    return data


def _tables_from_folder(folder: Path) -> CollectorData:
    """The sources, profiles, sessions and events one data set saved in *folder*."""
    from workbench.store.collector.snapshot import SNAPSHOT_FILE, TABLES, apply_record

    tables: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in TABLES}
    generation = 0
    snapshot = folder / SNAPSHOT_FILE
    if snapshot.exists():
        try:
            raw = json.loads(snapshot.read_text(encoding="utf-8"))
        except (ValueError, OSError, UnicodeDecodeError):
            raw = {}
        if isinstance(raw, dict):
            meta = raw.get("meta")
            if isinstance(meta, dict) and meta:
                first = next(iter(meta.values()))
                if isinstance(first, dict) and isinstance(first.get("generation"), int):
                    generation = first["generation"]
            for name in TABLES:
                table = raw.get(name)
                if isinstance(table, dict):
                    for doc in table.values():
                        if isinstance(doc, dict) and isinstance(doc.get("id"), str):
                            tables[name][doc["id"]] = doc
    journal = folder / f"journal-{generation}.jsonl"
    if journal.exists():
        for line in journal.read_bytes().split(b"\n"):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if isinstance(record, dict):
                    apply_record(tables, record)
            except (ValueError, KeyError, TypeError):
                continue  # a torn last line: the window reports it
    return CollectorData(
        sources=list(tables["sources"].values()),
        profiles=tables["profiles"],
        sessions=tables["sessions"],
        events=tables["events"],
    )


def gather(
    entries: list[dict[str, Any]],
    data: CollectorData,
    settings: dict[str, Any],
    *,
    extra_versions: dict[str, str] | None = None,
) -> BundleContents:
    """The bundle for *entries*: their exchanges and what of *data* they touch, in
    each data set apart."""
    staging = _touched(entries, data)
    return BundleContents(
        entries=entries,
        flow=data.flow,
        sources=staging.sources,
        profiles=staging.profiles,
        sessions=staging.sessions,
        events=staging.events,
        settings=settings,
        versions=versions(extra_versions),
        production=_touched(entries, data.production) if data.production is not None else None,
    )


def _touched(entries: list[dict[str, Any]], data: CollectorData) -> DataSetContents:
    """One data set's sources, and its documents the exchanges of *entries* touch."""
    profile_ids, session_ids, event_ids = touched_ids(entries)
    sessions = {
        sid: s
        for sid, s in data.sessions.items()
        if sid in session_ids or _ref(s, "profile") in profile_ids
    }
    events = {
        eid: e
        for eid, e in data.events.items()
        if eid in event_ids
        or _ref(e, "profile") in profile_ids
        or _ref(e, "session") in session_ids
    }
    return DataSetContents(
        sources=data.sources,
        profiles=[p for pid, p in data.profiles.items() if pid in profile_ids],
        sessions=list(sessions.values()),
        events=list(events.values()),
    )
