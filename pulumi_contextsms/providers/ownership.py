"""Which existing records this stack may take over, and what to tell the user otherwise.

A record belongs to exactly one stack. The provider takes one over only with `adopt_id`
(the user says so: `adoption`), or when it can show that this stack made it: its own
ambiguous attempt in this call (the client's reconciliation), or a create of this stack
still in flight in the `journal` (a run that was interrupted). Everything else is a conflict that
names the record and the recovery.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from .. import session
from .inputs import CONNECTION, OWNER
from .journal import Entry

__all__ = ["Attempt", "journal_ident", "new_attempt", "settle"]


def journal_ident(kind: str, props: Mapping[str, Any], key: Sequence[Any]) -> dict[str, Any] | None:
    """The journal's name for this stack's create of a record, or None when the inputs
    do not say which stack (resources declared through an older release)."""
    owner, connection = props.get(OWNER), props.get(CONNECTION)
    if not isinstance(owner, str) or not owner or not isinstance(connection, Mapping):
        return None
    return {"owner": owner, "connection": dict(connection), "kind": kind, "key": list(key)}


class Attempt:
    """One create of a record by this stack: a new one, or the recovery of one that an
    interrupted run left in flight (`recovering`, with its key and snapshot)."""

    def __init__(self, ident: dict[str, Any] | None, entry: Entry | None) -> None:
        self.ident = ident
        self.entry = entry
        # Fixed at the start: the entry begin() writes for a new create is this call's
        # own, no evidence that an earlier run made anything.
        self.recovering = entry is not None
        # A recovery sends the lost attempt's key again: a service that honours keys
        # then answers with the record that attempt made.
        self.idempotency_key = entry.idempotency_key if entry else str(uuid.uuid4())

    def begin(self, existing_ids: frozenset[str] | None) -> None:
        """Record the create in the journal, before its POST."""
        if self.ident is not None and self.entry is None:
            self.entry = session.current.journal.begin(
                self.ident, self.idempotency_key, existing_ids
            )

    def settle(self) -> None:
        """The create certainly made nothing (or its outcome was reported): forget it."""
        if self.ident is not None:
            session.current.journal.settle(self.ident)


def new_attempt(ident: dict[str, Any] | None) -> Attempt:
    return Attempt(ident, session.current.journal.find(ident) if ident is not None else None)


def settle(ident: dict[str, Any] | None) -> None:
    """The record is in the stack's state: its create is no longer in flight."""
    if ident is not None:
        session.current.journal.settle(ident)
