"""A per-process cache of what is derived from an advisor's slots (the slot list, the API's
JSON body), so a busy slots page skips the range queries, the slot engine and serialising.

Keys start with the advisor's id and ``availability_version`` (see
:mod:`advising.scheduling.versions`): any change to the advisor's rules, calendar or bookings
moves the version, so a stale entry is never found again, in any process. Entries also carry
the instant the clock alone would change them (:func:`~advising.scheduling.slots.slots_valid_until`)
and a maximum age, a backstop for changes made behind the application's back (raw SQL).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from datetime import datetime, timedelta
from typing import Any

DEFAULT_MAX_AGE = timedelta(minutes=5)


class SlotCache:
    """A thread-safe LRU of ``key -> value`` valid until an instant; capacity 0 disables it."""

    def __init__(self, capacity: int, max_age: timedelta = DEFAULT_MAX_AGE) -> None:
        self.capacity = capacity
        self.max_age = max_age
        self._entries: OrderedDict[Hashable, tuple[datetime, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, now: datetime) -> Any | None:
        """The value stored under ``key`` if it is still valid at ``now``, else None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if now >= entry[0]:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: Hashable, value: Any, now: datetime, valid_until: datetime) -> None:
        """Keep ``value`` until ``valid_until`` (at most ``max_age`` from ``now``)."""
        expires = min(valid_until, now + self.max_age)
        if self.capacity <= 0 or expires <= now:
            return
        with self._lock:
            self._entries[key] = (expires, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
