"""Stripe: signed webhooks (valid, forged, stale, replayed) drive check-payment."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from emulator_testing import Session, assert_error

from contextsms_emulator import stripe_signature
from contextsms_emulator.app import EmulatorApp
from contextsms_emulator.settings import DEFAULT_WEBHOOK_SECRET

WEBHOOK = "/api/v2/stripe/webhook"
CUSTOMER = "customer@example.com"


def event(
    event_id: str = "evt_1MqqbKLt4dXK03v5qaIbiNCC",
    kind: str = "customer.subscription.updated",
    status: str = "active",
    **obj: Any,
) -> bytes:
    body = {
        "id": event_id,
        "object": "event",
        "api_version": "2023-10-16",
        "type": kind,
        "data": {"object": {"id": "sub_xxx", "status": status, "customer_email": CUSTOMER, **obj}},
        "livemode": False,
    }
    return json.dumps(body).encode()


def deliver(
    client: httpx.Client,
    payload: bytes,
    secret: str = DEFAULT_WEBHOOK_SECRET,
    timestamp: int | None = None,
    signature: str | None = None,
) -> httpx.Response:
    header = signature or stripe_signature.header(payload, secret, timestamp)
    return client.post(
        WEBHOOK,
        content=payload,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


def payment(admin: Session, email: str = CUSTOMER) -> dict[str, Any]:
    response = admin.post("/api/v2/stripe/check-payment", json={"email": email})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_an_unknown_email_has_not_paid(admin: Session) -> None:
    assert payment(admin) == {"email": CUSTOMER, "paid": False, "subscriptionStatus": "none"}


def test_check_payment_needs_a_token_and_a_valid_email(admin: Session) -> None:
    response = admin.client.post("/api/v2/stripe/check-payment", json={"email": CUSTOMER})
    assert_error(response, 401, "UNAUTHORIZED")
    bad = admin.post("/api/v2/stripe/check-payment", json={"email": "nope"})
    assert_error(bad, 400, "INVALID_EMAIL", "email")


def test_a_signed_subscription_event_is_processed(client: httpx.Client, admin: Session) -> None:
    response = deliver(client, event())
    assert response.status_code == 200
    assert response.json() == {"status": "received", "processed": True}
    assert payment(admin) == {"email": CUSTOMER, "paid": True, "subscriptionStatus": "active"}
    assert payment(admin, CUSTOMER.upper())["paid"] is True  # emails compare case-insensitively


@pytest.mark.parametrize(
    ("status", "paid"),
    [("trialing", True), ("past_due", False), ("incomplete", False), ("unpaid", False)],
)
def test_only_active_and_trialing_count_as_paid(
    client: httpx.Client, admin: Session, status: str, paid: bool
) -> None:
    deliver(client, event(status=status))
    assert payment(admin) == {"email": CUSTOMER, "paid": paid, "subscriptionStatus": status}


def test_a_deleted_subscription_is_canceled(client: httpx.Client, admin: Session) -> None:
    deliver(client, event("evt_1", "customer.subscription.created"))
    deliver(client, event("evt_2", "customer.subscription.deleted", status="active"))
    assert payment(admin) == {"email": CUSTOMER, "paid": False, "subscriptionStatus": "canceled"}


def test_the_email_may_come_from_metadata(client: httpx.Client, admin: Session) -> None:
    payload = event(customer_email=None, metadata={"email": "meta@example.com"})
    deliver(client, payload)
    assert payment(admin, "meta@example.com")["paid"] is True


def test_a_replayed_event_id_is_acknowledged_but_not_reprocessed(
    client: httpx.Client, admin: Session
) -> None:
    deliver(client, event("evt_same", status="active"))
    replay = deliver(client, event("evt_same", status="canceled"))
    assert replay.status_code == 200
    assert replay.json() == {"status": "received", "processed": False}
    assert payment(admin)["subscriptionStatus"] == "active"


def test_other_event_types_are_acknowledged_without_effect(
    client: httpx.Client, admin: Session
) -> None:
    response = deliver(client, event("evt_inv", "invoice.paid"))
    assert response.json() == {"status": "received", "processed": True}
    assert payment(admin)["paid"] is False


def test_a_missing_signature_is_400(client: httpx.Client) -> None:
    response = client.post(WEBHOOK, content=event())
    assert_error(response, 400, "BAD_REQUEST", "Stripe-Signature")


def test_a_signature_with_the_wrong_secret_is_400(client: httpx.Client, admin: Session) -> None:
    response = deliver(client, event(), secret="whsec_wrong")
    assert_error(response, 400, "BAD_REQUEST", "Stripe-Signature")
    assert payment(admin)["paid"] is False


def test_a_signature_over_another_body_is_400(client: httpx.Client) -> None:
    signature = stripe_signature.header(event(status="canceled"), DEFAULT_WEBHOOK_SECRET)
    assert_error(deliver(client, event(), signature=signature), 400, "BAD_REQUEST")


@pytest.mark.parametrize(
    "header",
    ["garbage", "t=abc,v1=00", "v1=00", "t=1700000000", "t=1700000000,v0=00"],
)
def test_garbled_signature_headers_are_400(client: httpx.Client, header: str) -> None:
    assert_error(deliver(client, event(), signature=header), 400, "BAD_REQUEST")


def test_any_matching_v1_signature_is_enough(client: httpx.Client) -> None:
    payload = event()
    now = int(time.time())
    good = stripe_signature.compute(payload, DEFAULT_WEBHOOK_SECRET, now)
    header = f"t={now},v1={'0' * 64},v1={good}"
    assert deliver(client, payload, signature=header).status_code == 200


def test_a_stale_timestamp_is_400(client: httpx.Client) -> None:
    stale = deliver(client, event(), timestamp=int(time.time()) - 301)
    body = assert_error(stale, 400, "BAD_REQUEST", "Stripe-Signature")
    assert "tolerance" in body["error"]
    fresh = deliver(client, event(), timestamp=int(time.time()) - 290)
    assert fresh.status_code == 200


def test_tolerance_and_secret_are_configurable(
    make_client: Callable[..., tuple[EmulatorApp, httpx.Client]],
) -> None:
    _, client = make_client(stripe_webhook_secret="whsec_custom", webhook_tolerance=10)
    assert deliver(client, event("evt_a"), secret="whsec_custom").status_code == 200
    assert deliver(client, event("evt_b")).status_code == 400  # the default secret no longer
    old = deliver(client, event("evt_c"), "whsec_custom", int(time.time()) - 11)
    assert old.status_code == 400


def test_a_signed_but_malformed_event_is_400(client: httpx.Client) -> None:
    assert_error(deliver(client, b"{not json"), 400, "BAD_REQUEST")
    no_id = json.dumps({"type": "invoice.paid", "data": {}}).encode()
    assert_error(deliver(client, no_id), 400, "BAD_REQUEST", "id")


def test_the_webhook_needs_no_bearer_token_and_ignores_idempotency_keys(
    client: httpx.Client,
) -> None:
    payload = event("evt_k")
    header = stripe_signature.header(payload, DEFAULT_WEBHOOK_SECRET)
    headers = {"Stripe-Signature": header, "Idempotency-Key": "k"}
    first = client.post(WEBHOOK, content=payload, headers=headers)
    second = client.post(WEBHOOK, content=payload, headers=headers)
    assert first.json()["processed"] is True
    assert second.json()["processed"] is False
    assert "idempotent-replayed" not in second.headers
