"""Did my create happen? The one owner of the answer, for every record the stack creates.

The rule (README, "Reliability"; the client's half: docs/client.md, "Idempotency and
reconciliation"):

1. **Before each create POST**, the create is noted in the journal of creates in flight
   (`journal`: the declaring resource of the stack, the service, the record's natural
   key, the Idempotency-Key, and the snapshot: the ids that existed before it, from this
   process's listing, `listing.Reads`). An entry is settled once the record is in the
   stack's state (diff, read, update, delete) or the create certainly made nothing.
2. **An answer lost within the call** (5xx, dropped connection, read timeout) is the
   client's to reconcile (`client.reconcile`): a mapping by its number and a Teams
   enterprise through its CSP's list, against the snapshot; a replay on the key alone
   only where the user trusts keys (``trustIdempotencyKeys``). A Webex enterprise or a CSP
   cannot be looked up: never replayed blindly, the up stops with the `adopt_id`
   recovery.
3. **A run that was interrupted** leaves its entry: the next create of the same record
   by the same stack is a recovery (`Attempt.recovering`). It sends the lost attempt's
   key again and reuses its snapshot; a Teams enterprise made since the snapshot is
   taken, a mapping's 409 is taken when the mapping is new since it, and a Webex
   enterprise or CSP stops once with the recovery.
4. **Anything else that exists is someone else's**: a 409 is a conflict that names the
   record and every way out; a fresh attempt's own entry is no evidence of anything.

Taking over a record the user names (`adopt_id`) is `adoption`'s.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .. import session
from ..client.errors import AmbiguousCreateError, APIError, APIStatusError, DuplicateMappingError
from ..client.platforms import Platform
from ..failures import Refusal
from .adoption import mismatches
from .inputs import OWNER, PROFILE
from .journal import Entry
from .provider import current_connection, recorded_connection

if TYPE_CHECKING:
    from ..client.client import ContextSmsClient
    from ..client.models import Csp, Enterprise, NumberMapping
    from ..client.specs import CspSpec, EnterpriseSpec, MappingSpec
    from .listing import Reads

__all__ = [
    "Attempt",
    "create_csp",
    "create_enterprise",
    "create_mapping",
    "journal_ident",
    "new_attempt",
    "settle",
]

Recovery = Callable[[tuple[str, ...]], str]
"""How to recover, for the message: given the candidate ids the lookup found, if any."""


def journal_ident(kind: str, props: Mapping[str, Any], key: Sequence[Any]) -> dict[str, Any] | None:
    """The journal's name for this stack's create of a record, or None when the inputs
    do not say which stack (resources declared through an older release).

    `props` are a create's inputs (the service is the one the settings reach) or a
    recorded resource's outputs (the one recorded with it, in any form state holds)."""
    owner = props.get(OWNER)
    if not isinstance(owner, str) or not owner:
        return None
    connection = recorded_connection(props) or current_connection(props.get(PROFILE))
    return {"owner": owner, "connection": connection, "kind": kind, "key": list(key)}


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

    def failed(self, exc: APIStatusError) -> None:
        """The POST was answered with an error: below 500, it certainly made nothing."""
        if exc.status_code < 500:
            self.settle()


def new_attempt(ident: dict[str, Any] | None) -> Attempt:
    journal = session.current.journal
    return Attempt(ident, journal.find(ident) if ident is not None else None)


def settle(ident: dict[str, Any] | None) -> None:
    """The record is in the stack's state: its create is no longer in flight."""
    if ident is not None:
        session.current.journal.settle(ident)


# -- mappings -----------------------------------------------------------------------------


def _snapshot(reads: Reads, enterprise_id: str) -> frozenset[str] | None:
    """The enterprise's mapping ids before this create (this process's listing of it)."""
    try:
        return frozenset(reads.mappings(enterprise_id))
    except APIError:
        return None  # the client lists again, or else never replays blindly


def create_mapping(
    reads: Reads,
    enterprise_id: str,
    spec: MappingSpec,
    wanted: Mapping[str, Any],
    ident: dict[str, Any] | None,
) -> NumberMapping:
    """POST the mapping under the rule; `wanted` is what the program sets (to tell an
    identical leftover from a different mapping of the number)."""
    client = reads.client
    attempt = new_attempt(ident)
    trusted = client.settings.trust_idempotency_keys
    if attempt.entry is not None:
        existing = attempt.entry.existing_ids
    else:
        existing = None if trusted else _snapshot(reads, enterprise_id)
    attempt.begin(existing)
    try:
        return client.create_mapping(
            enterprise_id, spec, idempotency_key=attempt.idempotency_key, existing_ids=existing
        )
    except DuplicateMappingError as exc:
        return _taken(client, enterprise_id, spec.phone_number, wanted, attempt, exc)
    except APIStatusError as exc:
        attempt.failed(exc)
        raise


def _taken(
    client: ContextSmsClient,
    enterprise_id: str,
    number: str,
    wanted: Mapping[str, Any],
    attempt: Attempt,
    exc: DuplicateMappingError,
) -> NumberMapping:
    """The number is mapped already: this stack's own record if it can show so (rule 3),
    else a conflict that names the mapping and every way out (rule 4)."""
    try:
        existing = client.find_mapping_by_number(enterprise_id, number)
    except APIError:
        existing = None
    same = existing is not None and not mismatches(wanted, existing.model_dump())
    before = attempt.entry.existing_ids if attempt.recovering and attempt.entry else None
    if existing is not None and same and before is not None and existing.mapping_id not in before:
        return existing  # made by this stack's interrupted create of it
    attempt.settle()
    if existing is None:
        raise Refusal(
            f"{exc}. {number} is mapped outside enterprise {enterprise_id} (another "
            "enterprise or tenant), by a record this stack does not manage: delete that "
            "mapping first, or manage the number from the stack that owns it"
        ) from exc
    found = (
        f"{number} is already mapped by {existing.mapping_id} (enterprise {enterprise_id}, "
        f"messaging app {existing.messaging_app_id!r})"
    )
    adopt = f'adopt_id="{existing.mapping_id}"'
    renamed = (
        "If this program renamed the resource that manages it, keep that resource's "
        'state instead: opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="<its old '
        'name>")]) on this NumberMapping'
    )
    if same:
        why = (
            "with the same values, but this stack cannot show that it made it: another "
            f"stack may manage it. {renamed}; if it is this stack's own (made by an "
            "interrupted `pulumi up`, e.g. on another machine), take it over with "
            f"{adopt}; if another stack manages it, remove it from this program"
        )
    else:
        why = (
            f"which this stack does not manage. {renamed}; if another stack or someone "
            "outside Pulumi manages it, delete it first to map the number here, or change "
            f"the program to match it and set {adopt}"
        )
    raise Refusal(f"{exc}. {found}, {why}") from exc


# -- enterprises --------------------------------------------------------------------------


def create_enterprise(
    client: ContextSmsClient,
    csp_id: str,
    spec: EnterpriseSpec,
    ident: dict[str, Any] | None,
    recovery: Recovery,
) -> Enterprise:
    """POST the enterprise under the rule; `recovery` words the way out of a stop."""
    attempt = new_attempt(ident)
    trusted = client.settings.trust_idempotency_keys
    lookup = client.platform is Platform.TEAMS and not trusted
    existing = attempt.entry.existing_ids if attempt.entry else None
    if attempt.recovering and not trusted and existing is None:
        attempt.settle()  # told once: the next `pulumi up` creates it
        raise Refusal(
            f"an earlier `pulumi up` of this stack was interrupted while creating this "
            f"enterprise (at {attempt.entry.started_at if attempt.entry else '?'}), so it may "
            "exist in ContextSMS without being in the stack; it cannot be looked up and "
            f"Idempotency-Key is not trusted, so it was not created again. {recovery(())}"
        )
    if attempt.recovering and lookup and existing is not None:
        # what the interrupted run may have made is new since its snapshot
        # httpx comes with the reconciler (request_loop): the program and check/diff
        # processes never load it (test_providers_import_cost.py pins it)
        from ..client.reconcile import matching_enterprises

        made = matching_enterprises(client.list_enterprises(csp_id), spec, existing)
        if len(made) == 1:
            return made[0]
        if made:
            candidates = tuple(e.enterprise_id for e in made)
            raise Refusal(
                f"an earlier `pulumi up` of this stack was interrupted while creating this "
                f"enterprise, and {len(made)} enterprises made since match it. "
                f"{recovery(candidates)}"
            )
    elif lookup:
        try:
            existing = frozenset(client.enterprise_ids(csp_id))
        except APIError:
            existing = None  # the client falls back to never replaying blindly
    attempt.begin(existing)
    try:
        return client.create_enterprise(
            csp_id, spec, idempotency_key=attempt.idempotency_key, existing_ids=existing
        )
    except AmbiguousCreateError as exc:
        attempt.settle()
        raise Refusal(f"{exc}. {recovery(exc.candidates)}") from exc
    except APIStatusError as exc:
        attempt.failed(exc)
        raise


# -- CSPs ---------------------------------------------------------------------------------


def create_csp(
    client: ContextSmsClient, spec: CspSpec, ident: dict[str, Any] | None, recovery: str
) -> Csp:
    """POST the CSP under the rule: it cannot be looked up, so a lost answer stops."""
    attempt = new_attempt(ident)
    trusted = client.settings.trust_idempotency_keys
    if attempt.recovering and not trusted:
        started = attempt.entry.started_at if attempt.entry else "?"
        attempt.settle()  # told once: the next `pulumi up` registers it
        raise Refusal(
            "an earlier `pulumi up` of this stack was interrupted while registering this "
            f"CSP (at {started}), so it may exist in ContextSMS without being in the "
            "stack; it cannot be looked up and Idempotency-Key is not trusted, so it was "
            f"not registered again. {recovery}"
        )
    attempt.begin(None)
    try:
        return client.create_csp(spec, idempotency_key=attempt.idempotency_key)
    except AmbiguousCreateError as exc:
        attempt.settle()
        raise Refusal(f"{exc}. {recovery}") from exc
    except APIStatusError as exc:
        attempt.failed(exc)
        raise
