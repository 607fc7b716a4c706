"""One mapping listing per enterprise per provider process.

Why: the APIs have no "get mapping by id", so refreshing a mapping means listing its
enterprise's mappings. Refreshing N mappings of one enterprise must cost one listing,
not N, so the first reader lists and the others (in other engine threads) wait for and
share its result. A write to an enterprise's mappings drops its cached listing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..client.models import NumberMapping

_Key = tuple[str | None, str]  # (profile, enterprise_id)


class MappingListings:
    """A single-flight cache of ``list_mappings(enterprise_id)`` results."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key_locks: dict[_Key, threading.Lock] = {}
        self._listings: dict[_Key, dict[str, NumberMapping]] = {}

    def get(self, key: _Key, load: Callable[[], list[NumberMapping]]) -> dict[str, NumberMapping]:
        """The mappings of `key`'s enterprise by mapping id, listed at most once."""
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                cached = self._listings.get(key)
            if cached is not None:
                return cached
            listing = {mapping.mapping_id: mapping for mapping in load()}
            with self._lock:
                self._listings[key] = listing
            return listing

    def invalidate(self, key: _Key) -> None:
        with self._lock:
            self._listings.pop(key, None)


listings = MappingListings()
