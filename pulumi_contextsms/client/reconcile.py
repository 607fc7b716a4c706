"""Ambiguous creates: never leave a duplicate or an untracked record behind.

A create POST fails *ambiguously* when the server may have acted on it although the
client saw no success: the connection dropped after the request was sent, the read
timed out, or the server answered 5xx. The request loop replays such a POST with the
same Idempotency-Key (one key per logical call), and a server that honours the key
(the emulator does) answers the replay with the stored response. Because the real
service may not honour the key, this module also looks the record up by its natural
key and adopts what the earlier attempt made:

* Mapping (both APIs): a phone number maps once. When a retry that follows an
  ambiguous failure gets 409 (DUPLICATE_MAPPING), or every attempt failed ambiguously,
  the enterprise's mappings are listed; a mapping with the same phone number,
  messaging_app_id and messaging_app_type is the one this call made and is returned.
  Otherwise the original error is raised.
* Enterprise, Teams: before each replay that follows an ambiguous failure (and once
  more if the call still fails), GET /csp/enterprises/{cspId} is searched for a
  non-deleted enterprise with the same name, contact, number and email (email compared
  case-insensitively) created at or after the call started, less `CREATED_SLACK`
  seconds of clock skew; the earliest such enterprise is adopted instead of posting again.
* Enterprise, Webex: the API has no enterprise list, so only the Idempotency-Key
  protects a replay. If the real service ignores the key, a replay after a dropped
  response can create a second enterprise (docs/client.md says so).

Lookups are best effort: if a lookup itself fails, it is logged and the create goes on
(or fails) as it would have without it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from .base import AttemptTrace, BeforeReplay
from .errors import APIError, ConflictError
from .models import Enterprise, EnterpriseSpec, MappingSpec, NumberMapping
from .settings import Platform

__all__ = [
    "CREATED_SLACK",
    "create_enterprise",
    "create_mapping",
    "matching_enterprise",
    "matching_mapping",
]

logger = logging.getLogger("pulumi_contextsms.client")

CREATED_SLACK = 5.0
"""Seconds: an enterprise created this long before the call started still counts."""


class Lookups(Protocol):
    """The read calls reconciliation needs (`ContextSmsClient` provides them)."""

    @property
    def platform(self) -> Platform: ...

    def list_enterprises(self, csp_id: str) -> list[Enterprise]: ...

    def list_mappings(self, enterprise_id: str) -> list[NumberMapping]: ...


def matching_enterprise(
    candidates: list[Enterprise], spec: EnterpriseSpec, started_at: float
) -> Enterprise | None:
    """The earliest live enterprise equal to `spec` created since `started_at` - slack."""
    floor_ms = (started_at - CREATED_SLACK) * 1000
    matches = [
        enterprise
        for enterprise in candidates
        if not enterprise.deleted
        and enterprise.name == spec.name
        and enterprise.contact == spec.contact
        and enterprise.phone_number == spec.phone_number
        and (enterprise.email or "").casefold() == spec.email.casefold()
        and enterprise.created_date is not None
        and enterprise.created_date >= floor_ms
    ]
    return min(matches, key=lambda e: e.created_date or 0, default=None)


def matching_mapping(candidates: list[NumberMapping], spec: MappingSpec) -> NumberMapping | None:
    """The mapping with `spec`'s phone number, messaging app id and type, if any."""
    return next(
        (
            mapping
            for mapping in candidates
            if mapping.phone_number == spec.phone_number
            and mapping.messaging_app_id == spec.messaging_app_id
            and mapping.messaging_app_type == spec.messaging_app_type
        ),
        None,
    )


def _find_enterprise(
    lookups: Lookups, csp_id: str, spec: EnterpriseSpec, started_at: float
) -> Enterprise | None:
    try:
        candidates = lookups.list_enterprises(csp_id)
    except APIError as err:
        logger.warning("could not list enterprises to reconcile a create: %s", err)
        return None
    found = matching_enterprise(candidates, spec, started_at)
    if found is not None:
        logger.info("adopting enterprise %s made by an earlier attempt", found.enterprise_id)
    return found


def _find_mapping(lookups: Lookups, enterprise_id: str, spec: MappingSpec) -> NumberMapping | None:
    try:
        candidates = lookups.list_mappings(enterprise_id)
    except APIError as err:
        logger.warning("could not list mappings to reconcile a create: %s", err)
        return None
    found = matching_mapping(candidates, spec)
    if found is not None:
        logger.info("adopting mapping %s made by an earlier attempt", found.mapping_id)
    return found


def create_enterprise(
    lookups: Lookups,
    post: Callable[[AttemptTrace, BeforeReplay | None], Enterprise],
    csp_id: str,
    spec: EnterpriseSpec,
    *,
    started_at: float,
) -> Enterprise:
    """Run the create POST `post`, adopting an enterprise an ambiguous attempt made."""
    trace = AttemptTrace()
    if lookups.platform is not Platform.TEAMS:
        return post(trace, None)  # no enterprise list: only the Idempotency-Key protects

    adopted: list[Enterprise] = []

    def before_replay() -> bool:
        found = _find_enterprise(lookups, csp_id, spec, started_at)
        if found is None:
            return False
        adopted.append(found)
        return True

    try:
        return post(trace, before_replay)
    except APIError:
        if adopted:
            return adopted[0]
        if trace.ambiguous:
            found = _find_enterprise(lookups, csp_id, spec, started_at)
            if found is not None:
                return found
        raise


def create_mapping(
    lookups: Lookups,
    post: Callable[[AttemptTrace, BeforeReplay | None], NumberMapping],
    enterprise_id: str,
    spec: MappingSpec,
) -> NumberMapping:
    """Run the create POST `post`; after an ambiguous failure, adopt the mapping it made."""
    trace = AttemptTrace()
    try:
        return post(trace, None)
    except ConflictError:
        if not trace.ambiguous:
            raise  # a first-attempt 409 is a real duplicate
        found = _find_mapping(lookups, enterprise_id, spec)
        if found is not None:
            return found
        raise
    except APIError:
        if trace.ambiguous:
            found = _find_mapping(lookups, enterprise_id, spec)
            if found is not None:
                return found
        raise
