"""Ambiguous creates: never leave a duplicate or an untracked record behind.

A create POST fails *ambiguously* when the server may have acted on it although the
client saw no success: a 5xx, a dropped connection after the request was sent, a read
timeout. Every create carries an Idempotency-Key, but neither API document promises
that the service honours it, so the key alone justifies a replay only when the caller
trusts it (``ConnectionSettings.trust_idempotency_keys``). Otherwise each record kind
gets what its API allows; the rules are written once, in docs/client.md
("Idempotency and reconciliation").

The lookups tell "this call's record" from "someone else's" by the ids that existed
before the call (`existing_ids`, a snapshot the caller takes, or this module takes,
before the first POST), never by comparing the local clock with the server's
``createdDate``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Protocol, TypeVar

from .errors import AmbiguousCreateError, APIError
from .request_loop import AttemptTrace, BeforeReplay

if TYPE_CHECKING:
    from .models import Enterprise, NumberMapping
    from .specs import EnterpriseSpec, MappingSpec

__all__ = [
    "Post",
    "create_enterprise_by_lookup",
    "create_mapping_by_lookup",
    "create_without_lookup",
    "matching_enterprises",
    "matching_mapping",
]

logger = logging.getLogger("pulumi_contextsms.client")

R = TypeVar("R")

Post = Callable[[AttemptTrace, BeforeReplay | None, bool], R]
"""Send the create: (trace, hook called before each replay, may the loop replay it)."""


class Lookups(Protocol):
    """The read calls reconciliation needs (`ContextSmsClient` provides them)."""

    def list_enterprises(self, csp_id: str) -> list[Enterprise]: ...

    def list_mappings(self, enterprise_id: str) -> list[NumberMapping]: ...


def matching_mapping(
    candidates: list[NumberMapping], spec: MappingSpec, existing_ids: Collection[str]
) -> NumberMapping | None:
    """The mapping equal to `spec` (every field it sets) that is not among `existing_ids`."""
    wanted = spec.model_dump(exclude_none=True)
    return next(
        (
            mapping
            for mapping in candidates
            if mapping.mapping_id not in existing_ids
            and all(getattr(mapping, field) == value for field, value in wanted.items())
        ),
        None,
    )


def matching_enterprises(
    candidates: list[Enterprise], spec: EnterpriseSpec, existing_ids: Collection[str]
) -> list[Enterprise]:
    """Live enterprises equal to `spec` (email case-insensitively) not among `existing_ids`."""
    return [
        enterprise
        for enterprise in candidates
        if enterprise.enterprise_id not in existing_ids
        and not enterprise.deleted
        and enterprise.name == spec.name
        and enterprise.contact == spec.contact
        and enterprise.phone_number == spec.phone_number
        and (enterprise.email or "").casefold() == spec.email.casefold()
    ]


def _lookup(what: str, list_call: Callable[[], list[R]]) -> list[R] | None:
    try:
        return list_call()
    except APIError as err:
        logger.warning("could not list %s to reconcile a create: %s", what, err)
        return None


def create_without_lookup(post: Post[R], *, record: str, trusted: bool, reason: str) -> R:
    """A create whose API offers no lookup: replayed only on a trusted key; otherwise an
    ambiguous failure is raised as `AmbiguousCreateError`, never replayed blindly."""
    trace = AttemptTrace()
    try:
        return post(trace, None, trusted)
    except APIError as err:
        if trusted or not trace.ambiguous:
            raise
        raise AmbiguousCreateError(err, record=record, reason=reason) from err


def create_mapping_by_lookup(
    lookups: Lookups,
    post: Post[NumberMapping],
    enterprise_id: str,
    spec: MappingSpec,
    existing_ids: Collection[str],
) -> NumberMapping:
    """A mapping create reconciled by its number (which maps once across ContextSMS):
    before each replay after an ambiguous failure, and once more if the call fails after
    one, the enterprise's mappings are searched for one equal to `spec` that is not
    among `existing_ids`; that one is this call's and is returned."""
    trace = AttemptTrace()
    found: list[NumberMapping] = []

    def find() -> NumberMapping | None:
        listing = _lookup("mappings", lambda: lookups.list_mappings(enterprise_id))
        match = None if listing is None else matching_mapping(listing, spec, existing_ids)
        if match is not None:
            logger.info("adopting mapping %s made by an earlier attempt", match.mapping_id)
            found.append(match)
        return match

    try:
        return post(trace, lambda: find() is not None, True)
    except APIError:
        # a 409 after an ambiguous attempt is likely that attempt's own record
        if not found and trace.ambiguous:
            find()
        if found:
            return found[-1]
        raise


def create_enterprise_by_lookup(
    lookups: Lookups,
    post: Post[Enterprise],
    csp_id: str,
    spec: EnterpriseSpec,
    existing_ids: Collection[str],
) -> Enterprise:
    """A Teams enterprise create reconciled through the CSP's enterprise list: before each
    replay after an ambiguous failure (and once more if the call fails after one), a live
    enterprise equal to `spec` that is not among `existing_ids` is this call's. Several
    such enterprises cannot be told apart: `AmbiguousCreateError` lists them."""
    trace = AttemptTrace()
    found: list[Enterprise] = []
    several: list[tuple[str, ...]] = []

    def find() -> bool:
        listing = _lookup("enterprises", lambda: lookups.list_enterprises(csp_id))
        matches = [] if listing is None else matching_enterprises(listing, spec, existing_ids)
        if len(matches) == 1:
            logger.info(
                "adopting enterprise %s made by an earlier attempt", matches[0].enterprise_id
            )
            found.append(matches[0])
        elif matches:
            several.append(tuple(e.enterprise_id for e in matches))
        return bool(matches)

    try:
        return post(trace, find, True)
    except APIError as err:
        if not found and not several and trace.ambiguous:
            find()
        if found:
            return found[-1]
        if several:
            raise AmbiguousCreateError(
                err,
                record="enterprise",
                reason=f"{len(several[-1])} enterprises of CSP {csp_id} now match it and "
                "none existed before this call",
                candidates=several[-1],
            ) from err
        raise
