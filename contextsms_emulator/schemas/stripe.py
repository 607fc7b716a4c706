"""Stripe bodies: the payment check and the (minimal) webhook event."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from contextsms_emulator.schemas.base import RequestModel, ResponseModel
from contextsms_emulator.validation import Email


class CheckPaymentRequest(RequestModel):
    email: Email


class CheckPaymentResponse(ResponseModel):
    email: str
    paid: bool
    subscription_status: str = Field(examples=["active", "none"])


class StripeEvent(RequestModel):
    """A Stripe event envelope; only ``id``, ``type`` and ``data.object`` are read."""

    id: str = Field(examples=["evt_1MqqbKLt4dXK03v5qaIbiNCC"])
    type: str = Field(examples=["customer.subscription.updated"])
    data: dict[str, Any] = Field(
        examples=[{"object": {"id": "sub_xxx", "status": "active", "customer_email": "a@b.co"}}]
    )


class WebhookAck(ResponseModel):
    status: str = Field(examples=["received"])
    processed: bool
