"""What the embedded collector holds: sources, profiles, sessions and events.

The data lives in memory with indexes (by event type, source, profile and
session), so a request costs the same with 10 or 100,000 events stored; the
disk is written behind the request path by
:class:`~workbench.store.collector.journal.CollectorJournal` (see there why).
``folder=None`` keeps everything in memory only.

Documents are kept **encoded** (compact JSON bytes, see
:mod:`workbench.store.collector.codec`), not as dict trees. Why: 100,000 events
as dicts are ~3 million objects that Python's cyclic garbage collector keeps
re-scanning, which measurably slowed every request as the store filled (275 µs
instead of 183 µs per request at 100,000 events); bytes are not tracked by the
collector at all. It also means the journal and the snapshot reuse the bytes
instead of encoding again, memory is several times smaller, and every read
decodes a fresh copy that the caller may change freely.

The events and their indexes live in an
:class:`~workbench.store.collector.events.EventTable`, whose containers the
garbage collector does not track either (see there); the profiles and sessions are
plain dicts of bytes (but for the few profiles waiting for the journal's writer, see
below), and which sessions belong to which profile is kept in a
:class:`~workbench.store.collector.sessions.ProfileSessions` (the same idea). So
however much is stored, a full collection has nothing of it to visit.

The one exception is the tracking path: :meth:`peek` answers from a small,
bounded table of the most recently used profiles and sessions as decoded dicts
(checked against the stored bytes, so a change or a delete is never missed), and
:meth:`commit` with ``owned=True`` keeps the documents it was given there. A
request for a known visitor then decodes nothing: decoding a profile (2 KB of
JSON, ~180 values) was the largest single cost of tracking one. Those dicts are
shared, so a caller of :meth:`peek` must treat them as read-only, as the
tracking code does with every stored document (it builds changed copies). The
table is bounded (:data:`HOT_DOCUMENTS` each), so it does not bring back the
garbage collector's cost of holding every document as objects.

A profile committed with ``owned=True`` to a persistent store is not encoded by
the request either: the store holds the dict until the journal's writer takes
its line (a :class:`~workbench.store.collector.journal.DeferredPut`), encodes it
and puts the bytes in its place (a read or a snapshot that comes first does the
same). The requests of one visitor rewrite the same profile; those that gather
before the writer takes them share one encoding and one journal line, the
newest. At most a batch's worth of profiles is held as dicts this way.

All methods are thread-safe (one lock); the collector calls them from its event
loop, the GUI from its own threads. Observers registered with
:meth:`add_observer` are called after every change (outside the lock).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any

from workbench.store.atomic import StoreNotice
from workbench.store.collector.codec import dumps, loads
from workbench.store.collector.events import INDEXED, EventKeys, EventTable
from workbench.store.collector.journal import (
    CollectorJournal,
    DeferredPut,
    WrittenCallback,
    put_line,
)
from workbench.store.collector.sessions import ProfileSessions
from workbench.store.collector.sources import DEFAULT_SOURCES, EventSource, source_from_dict

__all__ = ["DEFAULT_RETENTION", "CollectorStore"]

log = logging.getLogger(__name__)

DEFAULT_RETENTION = 100_000
#: How many decoded profiles (and, apart, sessions) :meth:`CollectorStore.peek` keeps.
HOT_DOCUMENTS = 512
_TYPE, _SOURCE = INDEXED.index("type"), INDEXED.index("source")


def _event_keys(event: dict[str, Any]) -> EventKeys:
    """The values an event is indexed by, in the order of :data:`~.events.INDEXED`."""
    kind = event.get("type")
    source = event.get("source")
    profile = event.get("profile")
    session = event.get("session")
    return (
        kind if isinstance(kind, str) else None,
        source.get("id") if isinstance(source, dict) else None,
        profile.get("id") if isinstance(profile, dict) else None,
        session.get("id") if isinstance(session, dict) else None,
    )


def _decode(blob: bytes) -> Any:
    return loads(blob)


class _Hot:
    """Decoded documents by id, each valid only while the store holds the same bytes.

    Bounded: the oldest entry goes first once :data:`HOT_DOCUMENTS` are kept. The
    dicts are shared with whoever asked (read-only by contract, see the module
    docstring). Each operation is a single C-level dict call, so no lock is needed
    for it to stay consistent; a stale entry is never served, because it is checked
    against the bytes the store holds now.
    """

    __slots__ = ("_docs",)

    def __init__(self) -> None:
        self._docs: OrderedDict[str, tuple[bytes, dict[str, Any]]] = OrderedDict()

    def get(self, doc_id: str, blob: bytes) -> dict[str, Any]:
        """The decoded document of *blob* (stored under *doc_id*), decoding it if needed."""
        found = self._docs.get(doc_id)
        if found is not None and found[0] is blob:
            return found[1]
        doc: dict[str, Any] = _decode(blob)
        self.put(doc_id, blob, doc)
        return doc

    def put(self, doc_id: str, blob: bytes, doc: dict[str, Any]) -> None:
        docs = self._docs
        docs[doc_id] = (blob, doc)
        if len(docs) > HOT_DOCUMENTS:
            try:
                docs.popitem(last=False)
            except KeyError:  # emptied meanwhile by another thread
                pass

    def clear(self) -> None:
        self._docs.clear()


class CollectorStore:
    """The collector's data, in memory with indexes, optionally persisted under *folder*."""

    def __init__(self, folder: Path | None = None, *, retention: int = DEFAULT_RETENTION) -> None:
        if retention < 1:
            raise ValueError(f"retention must be at least 1 event, got {retention}")
        self.folder = Path(folder) if folder is not None else None
        self.retention = retention
        self.notices: list[StoreNotice] = []
        self._lock = threading.RLock()
        self._observers: list[Callable[[], None]] = []
        self._closed = False
        self._clear_memory()
        self._journal: CollectorJournal | None = None
        if self.folder is None:
            self._install_defaults()
            return
        self._journal = CollectorJournal(self.folder)
        loaded = self._journal.load()
        self.notices.extend(loaded.notices)
        for source in loaded.tables["sources"]:
            try:
                parsed = source_from_dict(source)
            except ValueError as exc:
                log.warning("skipping a stored event source that is not valid: %s", exc)
                continue
            self._sources[parsed.id] = parsed
        for profile in loaded.tables["profiles"]:
            self._profiles[profile["id"]] = dumps(profile)
        for session in loaded.tables["sessions"]:
            self._put_session(session, dumps(session))
        for event in loaded.tables["events"][-retention:]:
            self._events.put(event["id"], _event_keys(event), dumps(event))
        if not loaded.initialised:
            self._install_defaults(journal=True)
        self._journal.snapshot_provider = self._snapshot
        self._journal.start()

    # -- notices -------------------------------------------------------------------------

    @property
    def notice(self) -> StoreNotice | None:
        """The first thing the user should be told about this store (e.g. a file moved aside)."""
        return self.notices[0] if self.notices else None

    @property
    def write_error(self) -> str | None:
        """Why writing to disk failed, if it did (the data is still served from memory)."""
        return self._journal.error if self._journal is not None else None

    # -- observers -----------------------------------------------------------------------

    def add_observer(self, callback: Callable[[], None]) -> None:
        """Call *callback()* after every change (from the thread that made it); keep it quick."""
        with self._lock:
            self._observers = [*self._observers, callback]

    def remove_observer(self, callback: Callable[[], None]) -> None:
        with self._lock:
            self._observers = [cb for cb in self._observers if cb is not callback]

    def _notify(self) -> None:
        for callback in self._observers:
            try:
                callback()
            except Exception:  # an observer must never break a write
                log.exception("collector store observer failed")

    # -- internal state ------------------------------------------------------------------

    def _clear_memory(self) -> None:
        self._sources: dict[str, EventSource] = {}
        # Encoded, or (committed owned, not yet taken by the writer) the dict itself.
        self._profiles: dict[str, bytes | dict[str, Any]] = {}
        self._sessions: dict[str, bytes] = {}
        self._profile_sessions = ProfileSessions()
        # Events with their indexes, in containers the garbage collector never visits.
        self._events = EventTable(self.retention)
        self._hot_profiles = _Hot()
        self._hot_sessions = _Hot()

    def _install_defaults(self, *, journal: bool = False) -> None:
        for source in DEFAULT_SOURCES:
            self._sources[source.id] = source
            if journal:
                self._record_source(source)

    def _record(self, line: bytes) -> int:
        return self._journal.append(line) if self._journal is not None else 0

    def _record_source(self, source: EventSource) -> None:
        self._record(put_line("sources", [dumps(source.to_dict())]))

    def _put_session(self, session: dict[str, Any], blob: bytes) -> None:
        session_id = session["id"]
        self._sessions[session_id] = blob
        self._profile_sessions.set_owner(session_id, _profile_of(session))

    def _snapshot(self) -> dict[str, list[bytes]]:
        """The whole state as encoded documents, for compaction."""
        with self._lock:
            tables = {
                "sources": [dumps(s.to_dict()) for s in self._sources.values()],
                "profiles": [self._profile_blob(i, v) for i, v in list(self._profiles.items())],
                "sessions": list(self._sessions.values()),
                "events": self._events.blobs(),
            }
            if self._journal is not None:
                self._journal.rotate()
            return tables

    # -- sources -------------------------------------------------------------------------

    def list_sources(self) -> list[EventSource]:
        with self._lock:
            return list(self._sources.values())

    def get_source(self, source_id: str) -> EventSource | None:
        return self._sources.get(source_id)

    def put_source(self, source: EventSource) -> None:
        """Add or replace a source; effective for the next request."""
        with self._lock:
            self._sources[source.id] = source
            self._record_source(source)
        self._notify()

    def delete_source(self, source_id: str) -> bool:
        with self._lock:
            if self._sources.pop(source_id, None) is None:
                return False
            self._record(dumps({"op": "delete", "table": "sources", "id": source_id}))
        self._notify()
        return True

    # -- tracking writes -----------------------------------------------------------------

    def peek(self, session_id: str | None, profile_id: str | None) -> tuple[Any, Any]:
        """The stored session and profile (None where unknown), for the tracking path.

        **Read-only**: these are the store's own decoded documents, shared with the
        next caller (the module docstring says why); build changed copies instead.
        The reads (:meth:`get_profile`, :meth:`get_session`...) give fresh copies.
        """
        session: dict[str, Any] | None = None
        profile: dict[str, Any] | None = None
        if session_id:
            blob = self._sessions.get(session_id)
            if blob is not None:
                session = self._hot_sessions.get(session_id, blob)
        if profile_id:
            stored = self._profiles.get(profile_id)
            if type(stored) is dict:  # committed owned, not encoded yet
                profile = stored
            elif stored is not None:
                profile = self._hot_profiles.get(profile_id, stored)  # type: ignore[arg-type]
        return session, profile

    def _profile_blob(self, profile_id: str, stored: bytes | dict[str, Any]) -> bytes:
        """The bytes of a stored profile, encoding (once) one that is held as a dict."""
        if type(stored) is bytes:
            return stored
        assert isinstance(stored, dict)
        return self._settle_profile(profile_id, stored)

    def _settle_profile(self, profile_id: str, doc: dict[str, Any]) -> bytes:
        """Encode a profile held as a dict and keep its bytes in its place (if still there)."""
        blob = dumps(doc)
        with self._lock:
            if self._profiles.get(profile_id) is doc:
                self._profiles[profile_id] = blob
                self._hot_profiles.put(profile_id, blob, doc)
        return blob

    def has_profile(self, profile_id: str | None) -> bool:
        return bool(profile_id) and profile_id in self._profiles

    def commit(
        self,
        *,
        profile: dict[str, Any] | None = None,
        session: dict[str, Any] | None = None,
        events: Iterable[dict[str, Any]] = (),
        encoded_events: Iterable[tuple[str, EventKeys, bytes]] = (),
        flush: bool = False,
        wake: bool = True,
        owned: bool = False,
    ) -> int:
        """Store what one request produced, as one change; returns its durability ticket.

        The change is in memory (and visible to every read) at once; pass the ticket to
        :meth:`when_durable` to learn when it is on disk (0 for an in-memory store).
        *flush* says the caller will wait for it: the writer then starts at once.
        *wake* False: the writer is not woken now; the caller promises
        :meth:`when_durable` with ``wake=False`` and then :meth:`kick_writer` (what
        :func:`workbench.collector.durability.until_durable` does, once per event-loop
        turn for every request that turn tracked).
        *owned* True: the caller hands *profile* and *session* over and never changes
        them again, so :meth:`peek` may serve them as they are (no decoding).
        *encoded_events* are events already encoded as :func:`dumps` would, each with
        its id and the keys :func:`_event_keys` gives; they are stored after *events*.
        """
        journal = self._journal
        # An owned profile of a persistent store is encoded later, once (module docstring).
        deferred = owned and journal is not None
        profile_blob = dumps(profile) if profile is not None and not deferred else None
        session_blob = dumps(session) if session is not None else None
        encoded = [(e["id"], _event_keys(e), dumps(e)) for e in events]
        encoded.extend(encoded_events)
        lines: list[bytes | DeferredPut] = []
        with self._lock:
            if profile is not None and deferred:
                profile_id = profile["id"]
                self._profiles[profile_id] = profile
                lines.append(
                    DeferredPut(
                        "profiles", profile_id, partial(self._settle_profile, profile_id, profile)
                    )
                )
            elif profile is not None and profile_blob is not None:
                self._profiles[profile["id"]] = profile_blob
                if owned:
                    self._hot_profiles.put(profile["id"], profile_blob, profile)
                if journal is not None:
                    lines.append(put_line("profiles", [profile_blob]))
            if session is not None and session_blob is not None:
                self._put_session(session, session_blob)
                if owned:
                    self._hot_sessions.put(session["id"], session_blob, session)
                if journal is not None:
                    lines.append(put_line("sessions", [session_blob]))
            if encoded:
                self._events.put_many(encoded)
                if journal is not None:
                    lines.append(put_line("events", [blob for _, _, blob in encoded]))
            # One hand-over for the whole change: the writer never splits a request's
            # lines over two batches (two fsyncs for one answer).
            ticket = journal.append_lines(lines, flush=flush, wake=wake) if journal and lines else 0
        self._notify()
        return ticket

    def delete_profile(self, profile_id: str) -> bool:
        """Forget one profile (its sessions and events stay, as in Tracardi). False if unknown."""
        with self._lock:
            if self._profiles.pop(profile_id, None) is None:
                return False
            self._record(dumps({"op": "delete", "table": "profiles", "id": profile_id}))
        self._notify()
        return True

    def delete_session(self, session_id: str) -> bool:
        """Forget one session (its events stay). False if unknown."""
        with self._lock:
            if self._sessions.pop(session_id, None) is None:
                return False
            self._profile_sessions.forget(session_id)
            self._record(dumps({"op": "delete", "table": "sessions", "id": session_id}))
        self._notify()
        return True

    def delete_event(self, event_id: str) -> bool:
        """Forget one event. False if unknown."""
        with self._lock:
            if not self._events.delete(event_id):
                return False
            self._record(dumps({"op": "delete", "table": "events", "id": event_id}))
        self._notify()
        return True

    def reset(self) -> None:
        """Forget every profile, session and event and restore the default sources."""
        with self._lock:
            self._clear_memory()
            self._install_defaults()
            self._record(dumps({"op": "reset"}))
            for source in DEFAULT_SOURCES:
                self._record_source(source)
        if self._journal is not None:
            self._journal.request_compaction()
        self._notify()

    # -- reads ---------------------------------------------------------------------------

    def get_profile(self, profile_id: str) -> dict[str, Any] | None:
        found = self._profiles.get(profile_id)
        return _decode(self._profile_blob(profile_id, found)) if found is not None else None

    def get_session(self, session_id: str) -> dict[str, Any] | None:
        found = self._sessions.get(session_id)
        return _decode(found) if found is not None else None

    def get_event(self, event_id: str) -> dict[str, Any] | None:
        found = self._events.get(event_id)
        return _decode(found) if found is not None else None

    def count_events(self, *, type: str | None = None) -> int:
        """How many events are stored (of *type*); O(1)."""
        if type is None:
            return len(self._events)
        return self._events.count(_TYPE, type)

    def list_events(
        self,
        *,
        type: str | None = None,
        source: str | None = None,
        profile: str | None = None,
        session: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Events newest first, filtered by any of type/source/profile/session."""
        wanted = (type, source, profile, session)
        filters = {i: value for i, value in enumerate(wanted) if value is not None}
        with self._lock:
            matches = self._events.newest(filters)
            page = list(islice(matches, max(offset, 0), max(offset, 0) + max(limit, 0)))
        return [_decode(blob) for blob in page]

    def events_for_profile(self, profile_id: str, *, limit: int = 1000) -> list[dict[str, Any]]:
        return self.list_events(profile=profile_id, limit=limit)

    def sessions_for_profile(self, profile_id: str) -> list[dict[str, Any]]:
        with self._lock:
            blobs = [
                self._sessions[i] for i in reversed(self._profile_sessions.sessions_of(profile_id))
            ]
        return [_decode(blob) for blob in blobs]

    def list_profiles(self, *, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """Profiles, newest first."""
        with self._lock:
            newest = reversed(self._profiles.items())
            page = list(islice(newest, max(offset, 0), max(offset, 0) + limit))
            blobs = [self._profile_blob(profile_id, stored) for profile_id, stored in page]
        return [_decode(blob) for blob in blobs]

    def stats(self) -> dict[str, Any]:
        with self._lock:
            by_type = self._events.counts(_TYPE)
            by_source = self._events.counts(_SOURCE)
            return {
                "events": len(self._events),
                "profiles": len(self._profiles),
                "sessions": len(self._sessions),
                "sources": len(self._sources),
                "events_by_type": dict(Counter(by_type).most_common()),
                "events_by_source": dict(Counter(by_source).most_common()),
                "retention": self.retention,
                "persistent": self.folder is not None,
                "folder": str(self.folder) if self.folder is not None else None,
                "write_error": self.write_error,
            }

    # -- durability ----------------------------------------------------------------------

    @property
    def last_ticket(self) -> int:
        """The durability ticket of the newest change so far (0 in memory or before any)."""
        return self._journal.last_ticket if self._journal is not None else 0

    def when_durable(self, ticket: int, callback: WrittenCallback, *, wake: bool = True) -> bool:
        """Have *callback(error)* called from the writer thread once *ticket* is on disk.

        Returns False when there is nothing to wait for (in memory, or done already:
        then :meth:`ticket_error` says whether writing it failed). Waiting makes the
        writer flush at once (*wake* False: at the next :meth:`kick_writer`): requests
        waiting together share one write and fsync.
        """
        if self._journal is None or ticket <= 0:
            return False
        return self._journal.when_written(ticket, callback, wake=wake)

    @property
    def write_batches(self) -> int:
        """How many write + fsync batches the journal made so far (0 in memory): a measure."""
        return self._journal.batches if self._journal is not None else 0

    def kick_writer(self) -> None:
        """Have the writer write what is pending at once (see :meth:`commit`'s *wake*)."""
        if self._journal is not None:
            self._journal.kick()

    def ticket_error(self, ticket: int) -> str | None:
        """Why the change of *ticket* could not be written to disk, if it could not."""
        return self._journal.ticket_error(ticket) if self._journal is not None else None

    # -- lifecycle -----------------------------------------------------------------------

    def flush(self, timeout: float | None = 30.0) -> bool:
        """Block until every change so far is on disk (True at once in memory)."""
        return self._journal.flush(timeout) if self._journal is not None else True

    def close(self) -> None:
        """Write everything and stop the writer. Idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._journal is not None:
            self._journal.close()


def _profile_of(session: dict[str, Any] | None) -> str | None:
    if not session:
        return None
    ref = session.get("profile")
    return ref.get("id") if isinstance(ref, dict) else None
