"""The rules both APIs follow, each within its own service: tenancy, soft delete, one
mapping per number.

Services: a caller comes from one auth service and acts on that service's records
only; a record of the other service is reported missing (404) exactly like an unknown
id, and lists never show it (:mod:`contextsms_emulator.services`).

Tenancy: a caller acts for its account's CSP, and on Teams also for every CSP created
(``POST /csp``, Teams only) by a user of that CSP. A CSP outside that set in a path is
refused (403); a record that belongs to another tenant is reported missing (404), so
its existence never leaks.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Final

from contextsms_emulator import clock, ids
from contextsms_emulator.accounts import Account, AccountRegistry, Role
from contextsms_emulator.errors import (
    DUPLICATE_MAPPING,
    ApiError,
    not_found,
    permission_denied,
)
from contextsms_emulator.records import Branding, Csp, Enterprise, Mapping, Subscription
from contextsms_emulator.services import TEAMS, Service
from contextsms_emulator.store import Store

PAID_STATUSES: Final = frozenset({"active", "trialing"})
NO_SUBSCRIPTION: Final = "none"


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated user a request acts for: its service, and the CSPs it may touch."""

    username: str
    csp_id: str
    role: Role
    service: Service
    csps: frozenset[str]

    @property
    def can_write(self) -> bool:
        return self.role == "CSP_ADMIN"


class Platform:
    def __init__(self, store: Store, accounts: AccountRegistry) -> None:
        self._store = store
        self._accounts = accounts
        self._reserved_csp_ids = accounts.csp_ids()
        self._children: defaultdict[str, set[str]] = defaultdict(set)
        self._callers: dict[tuple[str, Service], Caller] = {}
        for csp_id, parent in store.csp_parents():
            self._children[parent].add(csp_id)

    # --- callers and permissions --------------------------------------------------------

    def caller(self, account: Account, service: Service) -> Caller:
        """The account acting through ``service``'s API; created CSPs are Teams records."""
        cached = self._callers.get((account.username, service))
        if cached is None:
            created = self._children.get(account.csp_id, ()) if service == TEAMS else ()
            csps = frozenset({account.csp_id, *created})
            cached = Caller(account.username, account.csp_id, account.role, service, csps)
            self._callers[(account.username, service)] = cached
        return cached

    @staticmethod
    def require_write(caller: Caller, action: str) -> None:
        if not caller.can_write:
            raise permission_denied(f"CSP does not have permission to {action}", role=caller.role)

    @staticmethod
    def require_csp(caller: Caller, csp_id: str) -> None:
        if csp_id not in caller.csps:
            raise permission_denied(
                f"CSP does not have permission to access CSP {csp_id}", cspId=csp_id
            )

    # --- CSPs ---------------------------------------------------------------------------

    def create_csp(self, caller: Caller, **fields: Any) -> Csp:
        now = clock.now_ms()
        with self._store.transaction() as tx:
            while True:
                seq = self._store.next_seq(tx, "csp")
                csp_id = ids.csp_id(seq)
                if csp_id not in self._reserved_csp_ids and not self._store.csp_exists(tx, csp_id):
                    break
            csp = Csp(
                csp_id=csp_id,
                parent_csp_id=caller.csp_id,
                created_date=now,
                update_date=now,
                service=TEAMS,
                **fields,
            )
            self._store.insert_csp(tx, seq, csp)
        self._children[caller.csp_id].add(csp_id)
        self._callers.clear()
        return csp

    def branding_for_phone(self, caller: Caller, phone: str) -> Branding:
        """The branding of the caller's CSP that owns ``phone`` (via a mapping or enterprise)."""
        mapping = self._store.get_mapping_by_phone(phone, caller.service)
        owner: str | None = None
        if mapping is not None and mapping.csp_id in caller.csps:
            owner = mapping.csp_id
        else:
            enterprise = self._store.find_enterprise_by_phone(phone, caller.csps, caller.service)
            owner = enterprise.csp_id if enterprise else None
        if owner is None:
            raise not_found(f"No CSP configuration found for phone number {phone}")
        csp = self._store.get_csp(owner)
        if csp is None:  # an account's own CSP: never created through the API
            return Branding()
        return Branding(csp.product_name, csp.favicon, csp.logo, csp.color)

    # --- enterprises --------------------------------------------------------------------

    def create_enterprise(
        self,
        caller: Caller,
        csp_id: str,
        *,
        name: str,
        contact: str,
        phone_number: str,
        email: str,
        default_mms_selection: bool = False,
    ) -> Enterprise:
        self.require_csp(caller, csp_id)
        now = clock.now_ms()
        with self._store.transaction() as tx:
            seq = self._store.next_seq(tx, "enterprise")
            enterprise = Enterprise(
                enterprise_id=ids.enterprise_id(seq),
                csp_id=csp_id,
                name=name,
                contact=contact,
                phone_number=phone_number,
                email=email,
                default_mms_selection=default_mms_selection,
                deleted=False,
                created_date=now,
                update_date=now,
                service=caller.service,
            )
            self._store.insert_enterprise(tx, seq, enterprise)
        return enterprise

    def enterprise(self, caller: Caller, enterprise_id: str) -> Enterprise:
        """The enterprise, soft-deleted ones included; 404 if unknown, another tenant's or
        another service's."""
        enterprise = self._store.get_enterprise(enterprise_id)
        if (
            enterprise is None
            or enterprise.service != caller.service
            or enterprise.csp_id not in caller.csps
        ):
            raise not_found(f"Enterprise {enterprise_id} not found")
        return enterprise

    def live_enterprise(self, caller: Caller, enterprise_id: str) -> Enterprise:
        enterprise = self.enterprise(caller, enterprise_id)
        if enterprise.deleted:
            raise not_found(f"Enterprise {enterprise_id} not found")
        return enterprise

    def delete_enterprise(self, caller: Caller, enterprise_id: str) -> None:
        """Soft delete: mark deleted and hard-delete its mappings, freeing their numbers."""
        with self._store.transaction() as tx:  # check and write in one transaction
            self.live_enterprise(caller, enterprise_id)
            self._store.soft_delete_enterprise(tx, enterprise_id, clock.now_ms())

    def enterprises_of(self, caller: Caller, csp_id: str) -> list[Enterprise]:
        self.require_csp(caller, csp_id)
        return self._store.list_enterprises(csp_id, caller.service)

    # --- mappings -----------------------------------------------------------------------

    def _duplicate(self, caller: Caller, phone: str) -> ApiError:
        details: dict[str, Any] = {"field": "phoneNumber"}
        existing = self._store.get_mapping_by_phone(phone, caller.service)
        if existing is not None and existing.csp_id in caller.csps:
            details["existingMappingId"] = existing.mapping_id
            details["enterpriseId"] = existing.enterprise_id
        return ApiError(
            409,
            DUPLICATE_MAPPING,
            f"Phone number {phone} is already mapped to another enterprise",
            details,
        )

    def add_mapping(
        self,
        caller: Caller,
        enterprise_id: str,
        *,
        phone_number: str,
        messaging_app_type: str,
        messaging_app_id: str,
        mms_enabled: bool = False,
        name: str | None = None,
    ) -> Mapping:
        now = clock.now_ms()
        try:
            with self._store.transaction() as tx:
                enterprise = self.live_enterprise(caller, enterprise_id)
                seq = self._store.next_seq(tx, "mapping")
                mapping = Mapping(
                    mapping_id=ids.mapping_id(seq),
                    enterprise_id=enterprise_id,
                    csp_id=enterprise.csp_id,
                    phone_number=phone_number,
                    messaging_app_type=messaging_app_type,
                    messaging_app_id=messaging_app_id,
                    mms_enabled=mms_enabled,
                    name=name,
                    created_date=now,
                    update_date=now,
                    service=enterprise.service,
                )
                self._store.insert_mapping(tx, seq, mapping)
        except sqlite3.IntegrityError:
            raise self._duplicate(caller, phone_number) from None
        return mapping

    def mapping(self, caller: Caller, mapping_id: str) -> Mapping:
        mapping = self._store.get_mapping(mapping_id)
        if (
            mapping is None
            or mapping.service != caller.service
            or mapping.csp_id not in caller.csps
        ):
            raise not_found(f"Mapping {mapping_id} not found")
        return mapping

    def mappings_of_enterprise(self, caller: Caller, enterprise_id: str) -> list[Mapping]:
        self.enterprise(caller, enterprise_id)
        return self._store.list_mappings_by_enterprise(enterprise_id, caller.service)

    def mappings_of_csp(
        self, caller: Caller, csp_id: str, *, limit: int = -1, offset: int = 0
    ) -> list[Mapping]:
        self.require_csp(caller, csp_id)
        return self._store.list_mappings_by_csp(csp_id, caller.service, limit, offset)

    def update_mapping(self, caller: Caller, mapping_id: str, **changes: Any) -> Mapping:
        """Apply a partial update; a new phone number still maps at most once."""
        try:
            with self._store.transaction() as tx:
                current = self.mapping(caller, mapping_id)
                updated = dataclasses.replace(current, update_date=clock.now_ms(), **changes)
                self._store.replace_mapping(tx, updated)
        except sqlite3.IntegrityError:
            raise self._duplicate(caller, updated.phone_number) from None
        return updated

    def delete_mapping(self, caller: Caller, mapping_id: str) -> None:
        with self._store.transaction() as tx:
            self.mapping(caller, mapping_id)
            self._store.delete_mapping(tx, mapping_id)

    def mapping_by_app_id(self, caller: Caller, messaging_app_id: str) -> Mapping:
        mapping = self._store.find_mapping_by_app_id(messaging_app_id, caller.csps, caller.service)
        if mapping is None:
            raise not_found(f"No mapping found for messagingAppId {messaging_app_id}")
        return mapping

    # --- subscriptions (Stripe) ---------------------------------------------------------------

    def subscription_status(self, email: str) -> str:
        subscription = self._store.get_subscription(email.casefold())
        return subscription.status if subscription else NO_SUBSCRIPTION

    def apply_stripe_event(
        self,
        event_id: str,
        event_type: str,
        subscription: Subscription | None,
    ) -> bool:
        """Record the event id and apply its subscription change; False for a replay."""
        with self._store.transaction() as tx:
            if not self._store.record_event(tx, event_id, event_type, clock.now_ms()):
                return False
            if subscription is not None:
                self._store.put_subscription(
                    tx, dataclasses.replace(subscription, email=subscription.email.casefold())
                )
        return True

    # --- operator ---------------------------------------------------------------------------

    def reset(self) -> None:
        self._store.wipe()
        self._children.clear()
        self._callers.clear()
