"""The stored events: by id in arrival order, indexed by type, source, profile and session.

Every container here holds only strings, ints and bytes (a plain ``dict`` of those,
a ``bytearray`` of packed numbers), so Python's cyclic garbage collector neither
tracks nor visits any of it, however many events are stored. Why: a full
collection visits every reference held by a tracked container, and events kept
as an ``OrderedDict`` of ``(keys, blob)`` tuples with four indexes of ``deque``
objects of ids were 600,000 references at 100,000 events: about 25 ms per full
collection, several collections a second under load, paid by every request.

How: each event gets an arrival number (``seq``, never reused). The ids map to
their encoded document and their number, the numbers back to the ids, and each
index maps a key (an event type, a source, profile or session id) to the numbers
of its events, oldest first, packed as 8-byte integers in a ``bytearray`` (a
``bytearray`` drops bytes from its front in O(1), which is what evicting the
oldest event does to each of its four index entries). What an event is indexed
by is kept per index as ``seq -> key``. Evicting the oldest event is O(1): the
lowest live number, then one pop per map. Listing by a key walks its numbers
from the newest; the other filters are one dict look-up each.

Not thread-safe by itself: :class:`~workbench.store.collector.store.CollectorStore`
calls every method that changes the table, and :meth:`EventTable.newest`, under its
lock. The single look-ups (:meth:`get`, :meth:`count`, ``len``) are one C-level
dict or ``len`` call each and safe without it.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from struct import Struct

__all__ = ["INDEXED", "EventKeys", "EventTable"]

#: What events are indexed by, in the order of :data:`EventKeys`.
INDEXED = ("type", "source", "profile", "session")

EventKeys = tuple[str | None, str | None, str | None, str | None]  # type, source, profile, session

_SEQ = Struct("=q")  # native order, as array("q") reads it
_SEQ_BYTES = _SEQ.size
_pack = _SEQ.pack
#: Numbers decoded at a time when walking an index from its newest end.
_WALK_CHUNK = 256


def _numbers(packed: bytearray, start: int, stop: int) -> array[int]:
    """The numbers at positions *start* to *stop* of *packed*, as a copy."""
    return array("q", packed[start * _SEQ_BYTES : stop * _SEQ_BYTES])


def _position(packed: bytearray, seq: int) -> int:
    """Where *seq* is in *packed* (numbers ascending), or -1."""
    numbers = array("q", packed)
    at = bisect_left(numbers, seq)
    return at if at < len(numbers) and numbers[at] == seq else -1


class EventTable:
    """Encoded events by id, oldest first, with at most *retention* kept (the oldest go)."""

    __slots__ = ("_blobs", "_id_at", "_keys", "_next", "_oldest", "_seq_of", "_seqs", "retention")

    def __init__(self, retention: int) -> None:
        self.retention = retention
        self._blobs: dict[str, bytes] = {}  # id -> encoded event, in arrival order
        self._seq_of: dict[str, int] = {}  # id -> arrival number
        self._id_at: dict[int, str] = {}  # arrival number -> id
        # Per index (INDEXED order): arrival number -> key, and key -> packed numbers.
        self._keys: list[dict[int, str]] = [{} for _ in INDEXED]
        self._seqs: list[dict[str, bytearray]] = [{} for _ in INDEXED]
        self._oldest = 0  # no stored event has a lower number
        self._next = 0

    def __len__(self) -> int:
        return len(self._blobs)

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._blobs

    def get(self, event_id: str) -> bytes | None:
        return self._blobs.get(event_id)

    def blobs(self) -> list[bytes]:
        """Every stored event, oldest first."""
        return list(self._blobs.values())

    def put(self, event_id: str, keys: EventKeys, blob: bytes) -> None:
        """Store an event as the newest (a known id is replaced and becomes the newest)."""
        self.put_many(((event_id, keys, blob),))

    def put_many(self, events: Iterable[tuple[str, EventKeys, bytes]]) -> None:
        """:meth:`put` each ``(id, keys, blob)`` in turn (one request's events at once).

        The oldest events beyond the retention go after the last one is stored: the
        same events go as when each ``put`` evicted, because they go oldest first.
        """
        blobs, seq_of, id_at = self._blobs, self._seq_of, self._id_at
        (type_at, source_at, profile_at, session_at) = self._keys
        (by_type, by_source, by_profile, by_session) = self._seqs
        seq = self._next
        for event_id, (kind, source, profile, session), blob in events:
            if event_id in seq_of:
                self.delete(event_id)
            blobs[event_id] = blob
            seq_of[event_id] = seq
            id_at[seq] = event_id
            packed_seq = _pack(seq)
            # The four indexes of INDEXED, written out: a loop over them, or a call per
            # index, cost more than the rest of storing the event.
            if kind is not None:
                type_at[seq] = kind
                packed = by_type.get(kind)
                if packed is None:
                    by_type[kind] = bytearray(packed_seq)
                else:
                    packed += packed_seq
            if source is not None:
                source_at[seq] = source
                packed = by_source.get(source)
                if packed is None:
                    by_source[source] = bytearray(packed_seq)
                else:
                    packed += packed_seq
            if profile is not None:
                profile_at[seq] = profile
                packed = by_profile.get(profile)
                if packed is None:
                    by_profile[profile] = bytearray(packed_seq)
                else:
                    packed += packed_seq
            if session is not None:
                session_at[seq] = session
                packed = by_session.get(session)
                if packed is None:
                    by_session[session] = bytearray(packed_seq)
                else:
                    packed += packed_seq
            seq += 1
        self._next = seq
        if len(blobs) > self.retention:
            while len(blobs) > self.retention:
                self._evict_oldest()

    def delete(self, event_id: str) -> bool:
        """Forget one event; False if unknown."""
        seq = self._seq_of.pop(event_id, None)
        if seq is None:
            return False
        del self._blobs[event_id]
        del self._id_at[seq]
        self._unindex(seq)
        return True

    def _evict_oldest(self) -> None:
        id_at = self._id_at
        seq = self._oldest
        while seq not in id_at:  # numbers of deleted or replaced events, passed once each
            seq += 1
        self._oldest = seq + 1
        event_id = id_at.pop(seq)
        del self._blobs[event_id]
        del self._seq_of[event_id]
        # The oldest event is the first of each of its keys too: every number before it
        # left its packed list when its event went (``delete`` removes from the middle).
        for by_seq, by_key in zip(self._keys, self._seqs, strict=True):
            key = by_seq.pop(seq, None)
            if key is not None:
                packed = by_key[key]
                del packed[:_SEQ_BYTES]
                if not packed:
                    del by_key[key]

    def _unindex(self, seq: int) -> None:
        for by_seq, by_key in zip(self._keys, self._seqs, strict=True):
            key = by_seq.pop(seq, None)
            if key is not None:
                self._unindex_one(by_key, key, seq)

    @staticmethod
    def _unindex_one(by_key: dict[str, bytearray], key: str, seq: int) -> None:
        packed = by_key[key]
        at = _position(packed, seq)
        if at >= 0:
            del packed[at * _SEQ_BYTES : (at + 1) * _SEQ_BYTES]
        if not packed:
            del by_key[key]

    # -- reads -----------------------------------------------------------------------------

    def count(self, index: int, key: str) -> int:
        """How many stored events have *key* in index number *index* (of :data:`INDEXED`)."""
        packed = self._seqs[index].get(key)
        return len(packed) // _SEQ_BYTES if packed is not None else 0

    def counts(self, index: int) -> dict[str, int]:
        """Every key of index number *index* with its number of events."""
        return {key: len(packed) // _SEQ_BYTES for key, packed in self._seqs[index].items()}

    def newest(self, filters: dict[int, str]) -> Iterator[bytes]:
        """Encoded events newest first whose keys match *filters* (index number -> key).

        To be consumed under the owner's lock (the table must not change meanwhile).
        """
        if not filters:
            return reversed(self._blobs.values())
        smallest = min(filters, key=lambda i: self.count(i, filters[i]))
        packed = self._seqs[smallest].get(filters[smallest])
        if packed is None:
            return iter(())
        others = [(self._keys[i], key) for i, key in filters.items() if i != smallest]
        return self._walk(packed, others)

    def _walk(self, packed: bytearray, others: list[tuple[dict[int, str], str]]) -> Iterator[bytes]:
        blobs, id_at = self._blobs, self._id_at
        stop = len(packed) // _SEQ_BYTES
        while stop > 0:
            start = max(0, stop - _WALK_CHUNK)
            for seq in reversed(_numbers(packed, start, stop)):
                if all(by_seq.get(seq) == key for by_seq, key in others):
                    yield blobs[id_at[seq]]
            stop = start
