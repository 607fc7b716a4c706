"""The records, dialect-neutral (snake_case, as ``/_emulator/records`` shows).

Every CSP, enterprise and mapping belongs to one ``service`` and is served by that
service's API only; ``schemas/`` renders it in that API's dialect (Webex
``phoneNumber``/``defaultMmsSelection``/``mmsEnabled``, Teams ``number``/``name``).
``service`` comes last so the stored rows keep their column positions.
"""

from __future__ import annotations

from dataclasses import dataclass

from contextsms_emulator.services import Service


@dataclass(frozen=True, slots=True)
class Csp:
    """A CSP created through ``POST /api/v2/csp``, owned by ``parent_csp_id``'s tenant.

    Only the Teams API creates CSPs, so ``service`` is always ``teams``."""

    csp_id: str
    parent_csp_id: str
    email: str
    name: str
    carrier: str | None
    house_number: str | None
    street_name: str | None
    city: str | None
    state_code: str | None
    zip: str | None
    country: str | None
    location_id: str | None
    sub_account_id: str | None
    authorizing_person_name: str | None
    product_name: str
    favicon: str
    logo: str
    color: str
    created_date: int
    update_date: int
    service: Service


@dataclass(frozen=True, slots=True)
class Branding:
    """The white-label settings ``GET /csp/getcspconfig`` returns."""

    product_name: str = "ContextSMS"
    favicon: str = ""
    logo: str = ""
    color: str = "#000000"


@dataclass(frozen=True, slots=True)
class Enterprise:
    enterprise_id: str
    csp_id: str
    name: str
    contact: str
    phone_number: str
    email: str
    default_mms_selection: bool
    deleted: bool
    created_date: int
    update_date: int
    service: Service


@dataclass(frozen=True, slots=True)
class Mapping:
    """A phone number → messaging app link; a number maps at most once per service."""

    mapping_id: str
    enterprise_id: str
    csp_id: str
    phone_number: str
    messaging_app_type: str
    messaging_app_id: str
    mms_enabled: bool
    name: str | None
    created_date: int
    update_date: int
    service: Service


@dataclass(frozen=True, slots=True)
class Subscription:
    email: str
    status: str
    subscription_id: str | None
    update_date: int


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """A response kept under an Idempotency-Key, replayed byte for byte."""

    fingerprint: str
    status: int
    content_type: str | None
    body: bytes


# --- inbound messages and their webhooks (the Webex guide's "Receive Events") -----------


@dataclass(frozen=True, slots=True)
class Webhook:
    """An integrator's endpoint for ``message.received`` events of one enterprise or CSP.

    Exactly one of ``enterprise_id`` and ``csp_id`` is set. Only an ``active`` webhook
    (its verification challenge answered, or skipped on request) gets events.
    """

    webhook_id: str
    url: str
    enterprise_id: str | None
    csp_id: str | None
    active: bool
    created_date: int
    verified_date: int | None
    verification_status: int | None
    verification_error: str | None


@dataclass(frozen=True, slots=True)
class Media:
    url: str
    content_type: str


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """An SMS/MMS that reached a platform number; ``mapping_id`` is None if none routes it.

    ``service`` is the service whose mapping routed it (or the one asked for), else None."""

    message_id: str
    to_number: str
    from_number: str
    text: str
    media: tuple[Media, ...]
    received_date: int
    mapping_id: str | None
    enterprise_id: str | None
    messaging_app_type: str | None
    media_forwarded: bool
    service: Service | None


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message's event on its way to one webhook; ``event`` is the exact JSON sent."""

    delivery_id: str
    webhook_id: str
    message_id: str
    url: str
    event: str
    status: str  # pending, delivered, failed, cancelled
    attempts: int
    next_attempt_date: int | None
    created_date: int
    update_date: int


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    delivery_id: str
    attempt: int
    started_date: int
    duration_ms: int
    status_code: int | None
    error: str | None
