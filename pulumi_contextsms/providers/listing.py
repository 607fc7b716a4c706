"""One listing per enterprise per provider process, shared by the engine's threads.

Why: the APIs have no "get mapping by id", so refreshing a mapping means listing its
enterprise's mappings. Refreshing N mappings of one enterprise must cost one listing,
not N, so the first reader lists and the others (in other engine threads) wait for and
share its result. A write to an enterprise's mappings drops its cached listing.

The same single flight holds, per enterprise, the mapping ids that existed before this
process's first create there: the snapshot that lets a create's reconciliation tell its
own record from one that was already there (`client.reconcile`), for one listing per
enterprise instead of one per create, and none for an enterprise this process created
(nobody else knew its id yet: it had no mappings).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from ..client.models import NumberMapping

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class SingleFlight(Generic[K, V]):
    """A cache whose value per key is loaded at most once, however many threads ask."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key_locks: dict[K, threading.Lock] = {}
        self._values: dict[K, V] = {}

    def get(self, key: K, load: Callable[[], V]) -> V:
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            value = load()
            with self._lock:
                self._values[key] = value
            return value

    def seed(self, key: K, value: V) -> None:
        """Know `key`'s value without loading it (unless it is known already)."""
        with self._lock:
            self._values.setdefault(key, value)

    def invalidate(self, key: K) -> None:
        with self._lock:
            self._values.pop(key, None)


ListingKey = tuple[str | None, str]  # (profile, enterprise_id)
SnapshotKey = tuple[str, str]  # (api_base, enterprise_id)


def mapping_listings() -> SingleFlight[ListingKey, dict[str, NumberMapping]]:
    """The enterprise's mappings by id."""
    return SingleFlight()


def create_snapshots() -> SingleFlight[SnapshotKey, frozenset[str]]:
    """The enterprise's mapping ids before this process's first create there."""
    return SingleFlight()


listings = mapping_listings()
snapshots = create_snapshots()
