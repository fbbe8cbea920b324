"""Where the collector keeps its event flow: event schemas, mapping rules, segments.

A small TinyDB database (``flow.json`` next to the collector's data, or in
memory when the collector is) with one table per kind. Definitions change
rarely (an editor or a script saves one), so every change is written at once
through an atomic TinyDB storage (temporary file, fsync, rename); a request
never touches the disk: it reads :attr:`FlowStore.config`, an immutable
:class:`~workbench.core.flow.model.FlowConfig` that a change swaps whole, so a
request sees either the old flow or the new one, never half of each.

Every definition is checked before it is stored (``DefinitionError`` names the
field); a file that cannot be read or holds definitions that no longer check is
moved aside with a :class:`StoreNotice`, and the store starts empty.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document

from workbench.core.flow.demo import demo_pack
from workbench.core.flow.model import EventSchema, FlowConfig, MappingRule, Segment
from workbench.core.flow.operations import DefinitionError
from workbench.core.flow.predefined import predefined_rule_dicts
from workbench.store.atomic import AtomicJSONStorage, StoreNotice, move_aside

__all__ = ["FLOW_FILE", "KINDS", "FlowStore"]

FLOW_FILE = "flow.json"
#: The kinds of definitions, as the API names them, with the key that identifies each.
KINDS: dict[str, tuple[type[Any], str]] = {
    "schemas": (EventSchema, "event_type"),
    "rules": (MappingRule, "id"),
    "segments": (Segment, "id"),
}


def _indented_json(value: Any) -> bytes:
    """``flow.json`` is indented: people read and diff it."""
    return (json.dumps(value, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


class FlowStore:
    """The event flow of one collector, persisted under *folder* (None = in memory)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.path = Path(folder) / FLOW_FILE if folder is not None else None
        self.notice: StoreNotice | None = None
        self._lock = threading.RLock()
        self._observers: list[Callable[[FlowConfig], None]] = []
        self._db = self._open()
        self.config = self._load()

    # -- opening and loading ------------------------------------------------------------

    def _open(self) -> TinyDB:
        if self.path is None:
            return TinyDB(storage=MemoryStorage)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return TinyDB(self.path, storage=AtomicJSONStorage, encode=_indented_json)

    def _load(self) -> FlowConfig:
        try:
            return self._build()
        except (ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
            if self.path is None or not self.path.exists():
                raise
            reason = str(exc).splitlines()[0]
            self._db.close()
            self.notice = move_aside(self.path, reason)
            self._db = self._open()
            return FlowConfig()

    def _definitions(self, kind: str) -> list[dict[str, Any]]:
        rows = sorted(self._db.table(kind).all(), key=lambda row: row.get("position", 0))
        return [row["definition"] for row in rows]

    def _build(self) -> FlowConfig:
        data = {kind: self._definitions(kind) for kind in KINDS}
        return FlowConfig.from_dict(data)

    # -- observing ----------------------------------------------------------------------

    def add_observer(self, callback: Callable[[FlowConfig], None]) -> None:
        """Call *callback* with the new config after every change (from the changing thread)."""
        self._observers.append(callback)

    def remove_observer(self, callback: Callable[[FlowConfig], None]) -> None:
        if callback in self._observers:
            self._observers.remove(callback)

    def _changed(self) -> None:
        self.config = self._build()
        for callback in list(self._observers):
            callback(self.config)

    # -- reading ------------------------------------------------------------------------

    def list(self, kind: str) -> list[dict[str, Any]]:
        """All definitions of *kind* (``schemas``, ``rules``, ``segments``) in order."""
        _check_kind(kind)
        items: tuple[Any, ...] = getattr(self.config, kind)
        return [item.to_dict() for item in items]

    def get(self, kind: str, item_id: str) -> dict[str, Any] | None:
        _check_kind(kind)
        for item in getattr(self.config, kind):
            if item.id == item_id:
                result: dict[str, Any] = item.to_dict()
                return result
        return None

    # -- writing ------------------------------------------------------------------------

    def put(self, kind: str, data: Any, *, item_id: str | None = None) -> dict[str, Any]:
        """Check and store one definition; replace the one with the same id in its place.

        *item_id* (from the URL) must match the id in *data* when both are given;
        when *data* has no id, *item_id* is used.
        """
        cls, key = _check_kind(kind)
        if isinstance(data, dict) and item_id is not None:
            given = data.get(key)
            if given is None:
                data = {**data, key: item_id}
            elif given != item_id:
                raise DefinitionError(
                    key, f"{given!r} does not match {item_id!r} in the address; use the same id"
                )
        item = cls.from_dict(data)
        definition: dict[str, Any] = item.to_dict()
        with self._lock:
            candidate = {k: self._definitions(k) for k in KINDS}
            table = self._db.table(kind)
            row = table.get(Query().id == item.id)
            if row is not None:
                position = row["position"]
                candidate[kind] = [
                    definition if _id_of(kind, d) == item.id else d for d in candidate[kind]
                ]
            else:
                positions = [r.get("position", 0) for r in table.all()]
                position = max(positions, default=0) + 1
                candidate[kind].append(definition)
            index = [_id_of(kind, d) for d in candidate[kind]].index(item.id)
            try:
                FlowConfig.from_dict(candidate)  # the whole flow must still check
            except DefinitionError as exc:
                raise _as_item_error(exc, f"{kind}[{index}]") from None
            record = {"id": item.id, "position": position, "definition": definition}
            # The document id is the position (as replace() writes them), so TinyDB's own
            # id counter, which a whole-database write would leave stale, is never used.
            if row is not None:
                table.update(record, doc_ids=[row.doc_id])
            else:
                table.insert(Document(record, doc_id=position))
            self._changed()
        return definition

    def delete(self, kind: str, item_id: str) -> bool:
        """Remove one definition; False when there was none with that id."""
        _check_kind(kind)
        with self._lock:
            removed = self._db.table(kind).remove(Query().id == item_id)
            if removed:
                self._changed()
        return bool(removed)

    def replace(self, data: Any) -> FlowConfig:
        """Replace the whole flow with *data* (checked first; nothing changes on error)."""
        config = FlowConfig.from_dict(data)
        tables = {
            kind: {
                str(index + 1): {"id": item.id, "position": index + 1, "definition": item.to_dict()}
                for index, item in enumerate(getattr(config, kind))
            }
            for kind in KINDS
        }
        with self._lock:
            # One write of the whole database (atomic on disk), not a drop then inserts:
            # a crash in between must not leave an empty or half-loaded flow.
            self._db.storage.write(tables)
            for kind in KINDS:
                self._db.table(kind).clear_cache()
            self._changed()
        return self.config

    def load_pack(self, name: str) -> FlowConfig:
        """Replace the flow with a shipped pack: ``demo``, ``predefined`` or ``empty``."""
        if name == "demo":
            return self.replace(demo_pack())
        if name == "predefined":
            return self.replace({"rules": predefined_rule_dicts()})
        if name == "empty":
            return self.replace({})
        raise DefinitionError("pack", f"unknown pack {name!r}: expected demo, predefined or empty")

    def export(self) -> dict[str, Any]:
        """The whole flow as JSON (what :meth:`replace` accepts)."""
        return self.config.to_dict()

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _check_kind(kind: str) -> tuple[type[Any], str]:
    if kind not in KINDS:
        raise KeyError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
    return KINDS[kind]


def _as_item_error(exc: DefinitionError, prefix: str) -> DefinitionError:
    """Locate a whole-flow error inside the one definition being saved, where it lies there."""
    if exc.field.startswith(prefix + "."):
        return DefinitionError(exc.field[len(prefix) + 1 :], exc.message)
    return DefinitionError("", f"conflicts with the stored flow at {exc.field}: {exc.message}")


def _id_of(kind: str, definition: dict[str, Any]) -> Any:
    return definition.get(KINDS[kind][1])
