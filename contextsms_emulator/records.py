"""The platform's records, dialect-neutral (snake_case, as ``/_emulator/records`` shows).

Both APIs read and write these same records; ``schemas/`` renders them in each API's
own dialect (Webex ``phoneNumber``/``defaultMmsSelection``/``mmsEnabled``, Teams
``number``/``name``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Csp:
    """A CSP created through ``POST /api/v2/csp``, owned by ``parent_csp_id``'s tenant."""

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


@dataclass(frozen=True, slots=True)
class Mapping:
    """A phone number → messaging app link; a number maps at most once platform-wide."""

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
