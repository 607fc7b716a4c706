"""What this provider process has read of each enterprise, read once and shared by the
engine's threads.

Why: the APIs have no "get mapping by id", so refreshing, adopting or checking a mapping
means listing its enterprise's mappings. N mappings of one enterprise must cost one
listing, not N (2,000 adopted numbers in 100 enterprises: 100 listings), so the first
reader lists and the others (in other engine threads) wait for and share its result.
This process's own writes are applied to the cached listing instead of dropping it, so
a run that mixes adoptions, creates and deletes in one enterprise still lists it once.

The listing taken before this process's first create in an enterprise is also that
create's snapshot: the ids that existed before it, which let its reconciliation tell
its own record from one that was already there (`client.reconcile`). An enterprise this
process created starts with a known empty listing: nobody else knew its id yet.

Enterprises are read (GET getenterprise) at most once per process for the same reason:
an adoption is checked in check() and taken in create().
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Generic, TypeVar

from .. import session
from ..client.errors import NotFoundError

if TYPE_CHECKING:
    from ..client.client import ContextSmsClient
    from ..client.models import Enterprise, NumberMapping

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class SingleFlight(Generic[K, V]):
    """A cache whose value per key is loaded at most once, however many threads ask.

    A write (`update`, `invalidate`) while a load is in flight keeps that load's result
    out of the cache: it may have been read before the write.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key_locks: dict[K, threading.Lock] = {}
        self._values: dict[K, V] = {}
        self._writes: dict[K, int] = {}

    def get(self, key: K, load: Callable[[], V]) -> V:
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._values:
                    return self._values[key]
                writes = self._writes.get(key, 0)
            value = load()
            with self._lock:
                if self._writes.get(key, 0) == writes:
                    self._values[key] = value
            return value

    def seed(self, key: K, value: V) -> None:
        """Know `key`'s value without loading it (unless it is known already)."""
        with self._lock:
            self._values.setdefault(key, value)

    def update(self, key: K, change: Callable[[V], V]) -> None:
        """Apply this process's write to the known value (nothing to do if none is known)."""
        with self._lock:
            self._writes[key] = self._writes.get(key, 0) + 1
            if key in self._values:
                self._values[key] = change(self._values[key])

    def invalidate(self, key: K) -> None:
        with self._lock:
            self._writes[key] = self._writes.get(key, 0) + 1
            self._values.pop(key, None)


RecordKey = tuple[str, str]  # (api_base, enterprise_id): the service, then the record
MappingsById = dict[str, "NumberMapping"]


def mapping_listings() -> SingleFlight[RecordKey, MappingsById]:
    """Each enterprise's mappings by id."""
    return SingleFlight()


def enterprise_reads() -> SingleFlight[RecordKey, Enterprise | None]:
    """Each enterprise as GET getenterprise answered it (None: not found)."""
    return SingleFlight()


listings = mapping_listings()
enterprises = enterprise_reads()


class Reads:
    """What this process has read on one service, through its profile's client on demand
    (so a process that already knows what it needs sends nothing, not even a login)."""

    def __init__(self, profile: str | None) -> None:
        self._profile = profile
        self._api_base = session.connection(profile).api_base

    @property
    def client(self) -> ContextSmsClient:
        return session.client(self._profile)

    def _key(self, enterprise_id: str) -> RecordKey:
        return (self._api_base, enterprise_id)

    def mappings(self, enterprise_id: str) -> MappingsById:
        """The enterprise's mappings by id (NotFoundError if the API does not know it)."""
        return listings.get(
            self._key(enterprise_id),
            lambda: {m.mapping_id: m for m in self.client.list_mappings(enterprise_id)},
        )

    def enterprise(self, enterprise_id: str) -> Enterprise | None:
        """The enterprise as GET getenterprise answers it; None if the API does not know it."""

        def read() -> Enterprise | None:
            try:
                return self.client.get_enterprise(enterprise_id)
            except NotFoundError:
                return None

        return enterprises.get(self._key(enterprise_id), read)

    def created_enterprise(self, enterprise_id: str) -> None:
        """An enterprise this process just created: nobody else knew its id, so it has no
        mappings, and needs no listing."""
        listings.seed(self._key(enterprise_id), {})

    def deleted_enterprise(self, enterprise_id: str) -> None:
        """An enterprise this process deleted: its mappings went with it."""
        listings.invalidate(self._key(enterprise_id))
        enterprises.invalidate(self._key(enterprise_id))

    @contextmanager
    def writing(self, enterprise_id: str) -> Iterator[None]:
        """A write to the enterprise's mappings: if it fails, what it did is not known, so
        the enterprise is listed again when next needed."""
        try:
            yield
        except BaseException:
            listings.invalidate(self._key(enterprise_id))
            raise

    def wrote(self, enterprise_id: str, mapping: NumberMapping) -> None:
        """This process created or changed `mapping`."""
        listings.update(
            self._key(enterprise_id), lambda by_id: {**by_id, mapping.mapping_id: mapping}
        )

    def deleted(self, enterprise_id: str, mapping_id: str) -> None:
        """This process deleted `mapping_id` (or found it gone)."""
        listings.update(
            self._key(enterprise_id),
            lambda by_id: {k: v for k, v in by_id.items() if k != mapping_id},
        )
