"""Stripe: the payment check (bearer-authenticated) and the signed webhook (not).

The webhook accepts ``customer.subscription.created|updated|deleted`` and stores the
subscription status under the customer's email, read from ``data.object.customer_email``
or else ``data.object.metadata.email``; ``deleted`` stores ``canceled``. Any other
well-signed event is acknowledged and recorded (so its replay is recognised) but changes
nothing.
"""

from typing import Annotated, Any, Final

from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from contextsms_emulator import clock, errors, stripe_signature
from contextsms_emulator.emulator import EmulatorState
from contextsms_emulator.records import Subscription
from contextsms_emulator.routes.common import Routes, caller_dependency, json
from contextsms_emulator.rules import PAID_STATUSES, Caller
from contextsms_emulator.schemas.stripe import (
    CheckPaymentRequest,
    CheckPaymentResponse,
    StripeEvent,
    WebhookAck,
)
from contextsms_emulator.services import TEAMS

PREFIX: Final = "/api/v2/stripe"
WEBHOOK_PATH: Final = PREFIX + "/webhook"
SUBSCRIPTION_EVENTS: Final = frozenset(
    {
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
    }
)


def subscription_from(event: StripeEvent) -> Subscription | None:
    """The subscription state an event sets, or None if it sets none."""
    if event.type not in SUBSCRIPTION_EVENTS:
        return None
    obj: Any = event.data.get("object")
    if not isinstance(obj, dict):
        return None
    metadata = obj.get("metadata")
    email = obj.get("customer_email") or (
        metadata.get("email") if isinstance(metadata, dict) else None
    )
    status = "canceled" if event.type.endswith(".deleted") else obj.get("status")
    if not isinstance(email, str) or not email or not isinstance(status, str):
        return None
    sub_id = obj.get("id")
    return Subscription(email, status, sub_id if isinstance(sub_id, str) else None, clock.now_ms())


def register(app: FastAPI, state: EmulatorState) -> None:
    api = Routes(app, PREFIX, "Teams Platform API v2: Stripe")
    caller = caller_dependency(state, TEAMS)
    settings = state.settings

    @api.post(
        "/check-payment",
        response_model=CheckPaymentResponse,
        responses=errors.responses(400, 401),
        summary="Whether an email has a paid (active or trialing) subscription",
    )
    async def check_payment(
        body: CheckPaymentRequest, who: Annotated[Caller, Depends(caller)]
    ) -> JSONResponse:
        status = state.platform.subscription_status(body.email)
        return json(
            {"email": body.email, "paid": status in PAID_STATUSES, "subscriptionStatus": status}
        )

    @api.post(
        "/webhook",
        response_model=WebhookAck,
        responses=errors.responses(400),
        summary="Receive a Stripe event (verified with Stripe-Signature, not a bearer token)",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": StripeEvent.model_json_schema()}},
            }
        },
    )
    async def webhook(
        request: Request,
        stripe_signature_header: Annotated[
            str | None,
            Header(alias="Stripe-Signature", description="t=TIMESTAMP,v1=HMAC-SHA256 hex"),
        ] = None,
    ) -> JSONResponse:
        payload = await request.body()
        try:
            stripe_signature.verify(
                payload,
                stripe_signature_header,
                settings.stripe_webhook_secret,
                settings.webhook_tolerance,
            )
        except stripe_signature.SignatureError as exc:
            raise errors.bad_request(str(exc), "Stripe-Signature") from None
        try:
            event = StripeEvent.model_validate_json(payload)
        except ValidationError as exc:
            raise errors.validation_error(exc.errors()) from None
        processed = state.platform.apply_stripe_event(
            event.id, event.type, subscription_from(event)
        )
        return json({"status": "received", "processed": processed})
