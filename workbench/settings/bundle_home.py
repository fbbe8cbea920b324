"""Opening a support bundle: its own home folder, so it never mixes with the user's data.

:func:`unpack_bundle` turns a :class:`~workbench.store.bundle.Bundle` into a
complete Workbench home under ``<home>/bundles/<name>-<digest>/``: a history
holding the bundle's exchanges (ids and times kept), a collector folder holding
its flow, sources, profiles, sessions and events (the production data set's, if
the bundle has one, in its ``production`` subfolder as the collector keeps it),
and settings in which
recording is off and the collector listens on a free port (the user's own
window may be using the usual one). The window then opens that home with its
history read-only. Unpacking again replaces the folder whole (it is written
next to it and renamed).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from workbench.settings import AppPaths, Settings, SettingsFile
from workbench.store.bundle import Bundle, BundleContents, DataSetContents

__all__ = ["BUNDLES_FOLDER", "unpack_bundle"]

BUNDLES_FOLDER = "bundles"


def _folder_name(bundle: Bundle) -> str:
    digest = hashlib.sha256(bundle.path.read_bytes()).hexdigest()[:8]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", bundle.path.stem)[:40] or "bundle"
    return f"{stem}-{digest}"


def _settings(raw: dict[str, Any]) -> Settings:
    try:
        settings = Settings.from_dict(raw)
    except (ValueError, TypeError):
        settings = Settings()
    settings.history_enabled = False
    settings.collector.port = 0
    settings.collector.autostart = True
    return settings


def unpack_bundle(bundle: Bundle, home: Path) -> AppPaths:
    """Write the bundle as a Workbench home under *home*/bundles; returns its paths."""
    from workbench.store.collector import PRODUCTION_FOLDER
    from workbench.store.flow_store import FlowStore
    from workbench.store.history import HistoryStore

    parent = home / BUNDLES_FOLDER
    parent.mkdir(parents=True, exist_ok=True)
    final = parent / _folder_name(bundle)
    staging = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=parent))
    try:
        paths = AppPaths(staging)
        contents = bundle.contents
        export = staging / "exchanges.jsonl"
        export.write_text(
            "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in contents.entries),
            encoding="utf-8",
        )
        with HistoryStore(paths.history_dir, retention=None) as history:
            history.import_jsonl(export)
        export.unlink()
        _write_data_set(paths.collector_dir, contents)
        if contents.production is not None:  # apart, where the collector keeps it
            _write_data_set(paths.collector_dir / PRODUCTION_FOLDER, contents.production)
        if contents.flow:
            flow = FlowStore(paths.collector_dir)
            try:
                with contextlib.suppress(ValueError):
                    flow.replace(contents.flow)
            finally:
                flow.close()
        SettingsFile(paths.settings_file).save(_settings(contents.settings))
        (staging / "bundle-manifest.json").write_text(
            json.dumps(bundle.manifest, indent=2, ensure_ascii=False), encoding="utf-8"
        )
        if final.exists():
            shutil.rmtree(final)
        staging.rename(final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return AppPaths(final)


def _write_data_set(folder: Path, data: BundleContents | DataSetContents) -> None:
    """One data set's sources, profiles, sessions and events as a collector folder."""
    from workbench.store.collector import CollectorStore
    from workbench.store.collector.sources import source_from_dict

    store = CollectorStore(folder)
    try:
        for raw in data.sources:
            with contextlib.suppress(ValueError, TypeError):
                store.put_source(source_from_dict(raw))
        for profile in data.profiles:
            if isinstance(profile.get("id"), str):
                store.commit(profile=profile)
        for session in data.sessions:
            if isinstance(session.get("id"), str):
                store.commit(session=session)
        events = [e for e in data.events if isinstance(e.get("id"), str)]
        if events:
            store.commit(events=events)
        store.flush()
    finally:
        store.close()
