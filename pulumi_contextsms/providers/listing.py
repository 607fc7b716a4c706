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
an adoption is checked in check() and taken in create(). The caches are the session's
(`session.current`), so one reset starts them afresh.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .. import session
from ..client.errors import NotFoundError

if TYPE_CHECKING:
    from ..client.client import ContextSmsClient
    from ..client.models import Enterprise, NumberMapping
    from ..session import MappingsById, RecordKey

__all__ = ["Reads"]


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
        return session.current.listings.get(
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

        return session.current.enterprises.get(self._key(enterprise_id), read)

    def created_enterprise(self, enterprise_id: str) -> None:
        """An enterprise this process just created: nobody else knew its id, so it has no
        mappings, and needs no listing."""
        session.current.listings.seed(self._key(enterprise_id), {})

    def deleted_enterprise(self, enterprise_id: str) -> None:
        """An enterprise this process deleted: its mappings went with it."""
        session.current.listings.invalidate(self._key(enterprise_id))
        session.current.enterprises.invalidate(self._key(enterprise_id))

    @contextmanager
    def writing(self, enterprise_id: str) -> Iterator[None]:
        """A write to the enterprise's mappings: if it fails, what it did is not known, so
        the enterprise is listed again when next needed."""
        try:
            yield
        except BaseException:
            session.current.listings.invalidate(self._key(enterprise_id))
            raise

    def wrote(self, enterprise_id: str, mapping: NumberMapping) -> None:
        """This process created or changed `mapping`."""
        session.current.listings.update(
            self._key(enterprise_id), lambda by_id: {**by_id, mapping.mapping_id: mapping}
        )

    def deleted(self, enterprise_id: str, mapping_id: str) -> None:
        """This process deleted `mapping_id` (or found it gone)."""
        session.current.listings.update(
            self._key(enterprise_id),
            lambda by_id: {k: v for k, v in by_id.items() if k != mapping_id},
        )
