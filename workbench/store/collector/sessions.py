"""Which stored sessions belong to which profile, in containers the garbage collector skips.

A list of session ids per profile is one tracked object per profile, and profiles are
never dropped: at 100,000 profiles a full collection visited 200,000 more references
(about 15 ms each time here). So, as for the events
(:mod:`workbench.store.collector.events`), a session attached to a profile gets a
number (a new one each time it is attached, so a profile's numbers ascend in the
order its sessions were attached), and each profile keeps its sessions' numbers
packed in a ``bytearray``; the maps between ids and numbers are plain dicts of str and
int. Not thread-safe by itself: the store calls it under its lock.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from struct import Struct

__all__ = ["ProfileSessions"]

_NUMBER = Struct("=q")  # native order, as array("q") reads it
_NUMBER_BYTES = _NUMBER.size


class ProfileSessions:
    """Each session's profile, and each profile's sessions in the order they were attached."""

    __slots__ = ("_by_profile", "_next", "_number", "_owner", "_session_at")

    def __init__(self) -> None:
        self._owner: dict[str, str | None] = {}  # session id -> its profile id (or None)
        self._number: dict[str, int] = {}  # session id -> its number, while it has a profile
        self._session_at: dict[int, str] = {}  # number -> session id
        self._by_profile: dict[str, bytearray] = {}  # profile id -> packed numbers, ascending
        self._next = 0

    def set_owner(self, session_id: str, profile_id: str | None) -> None:
        """*session_id* belongs to *profile_id* now (None: to no profile)."""
        old = self._owner.get(session_id)
        self._owner[session_id] = profile_id
        if old == profile_id:
            return
        if old is not None:
            self._detach(session_id, old)
        if profile_id is not None:
            number = self._next
            self._next = number + 1
            self._number[session_id] = number
            self._session_at[number] = session_id
            packed = self._by_profile.get(profile_id)
            if packed is None:
                self._by_profile[profile_id] = bytearray(_NUMBER.pack(number))
            else:
                packed += _NUMBER.pack(number)

    def forget(self, session_id: str) -> None:
        """*session_id* is no longer stored."""
        owner = self._owner.pop(session_id, None)
        if owner is not None:
            self._detach(session_id, owner)

    def sessions_of(self, profile_id: str) -> list[str]:
        """The ids of *profile_id*'s sessions, in the order they were attached to it."""
        packed = self._by_profile.get(profile_id)
        if packed is None:
            return []
        session_at = self._session_at
        return [session_at[number] for number in array("q", packed)]

    def _detach(self, session_id: str, profile_id: str) -> None:
        number = self._number.pop(session_id)
        del self._session_at[number]
        packed = self._by_profile[profile_id]
        numbers = array("q", packed)
        at = bisect_left(numbers, number)
        del packed[at * _NUMBER_BYTES : (at + 1) * _NUMBER_BYTES]
        if not packed:
            del self._by_profile[profile_id]
