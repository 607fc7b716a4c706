"""Bodies of the operator API's webhook routes (snake_case, unknown fields refused).

The event itself (camelCase, as the Webex guide shows it) is what the emulator *sends*;
its documented shape is :class:`MessageReceivedEvent` here, and
``pulumi_contextsms.events`` is the integrator-side model of the same JSON.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from contextsms_emulator.schemas.operator import OperatorModel
from contextsms_emulator.services import Service
from contextsms_emulator.validation import E164

MAX_URL: int = 2048
MAX_MESSAGE_TEXT: int = 1600
"""Ten concatenated SMS segments: what carriers commonly accept as one message."""
MAX_MEDIA: int = 10

Url = Annotated[
    str,
    Field(min_length=1, max_length=MAX_URL, examples=["http://127.0.0.1:8000/webhooks/messages"]),
]
RecordId = Annotated[str, Field(min_length=1, max_length=255)]
DeliveryStatus = Literal["pending", "delivered", "failed", "cancelled"]


class WebhookCreate(OperatorModel):
    """Exactly one of ``enterprise_id`` and ``csp_id``: whose messages the URL gets."""

    url: Url
    enterprise_id: RecordId | None = Field(default=None, examples=["E0000001"])
    csp_id: RecordId | None = Field(default=None, examples=["CSP0000001"])
    skip_verification: bool = Field(
        default=False,
        description="Activate without the challenge, for a receiver that implements none",
    )


class MediaIn(OperatorModel):
    """Where the picture is; the emulator only passes the URL on, it never fetches it."""

    url: str = Field(
        max_length=MAX_URL, pattern=r"^https?://\S+$", examples=["https://cdn.test/mms/abcd.jpg"]
    )
    content_type: str = Field(
        min_length=3, max_length=255, pattern=r"^[\w.+-]+/[\w.+-]+$", examples=["image/jpeg"]
    )


class InboundCreate(OperatorModel):
    """An SMS (``text``) or MMS (``media``, with or without text) sent to ``to``."""

    to: E164
    service: Service | None = Field(
        default=None,
        description="Where `to` is mapped; needed only when it is mapped on both services",
    )
    from_: E164 = Field(alias="from", examples=["+15551230001"])
    text: str = Field(default="", max_length=MAX_MESSAGE_TEXT, examples=["Hello, I need help"])
    media: list[MediaIn] = Field(default_factory=list, max_length=MAX_MEDIA)


class WebhookOut(OperatorModel):
    webhook_id: str = Field(examples=["WH0000001"])
    url: str
    enterprise_id: str | None
    csp_id: str | None
    active: bool = Field(description="Gets events: its challenge was echoed (or skipped)")
    created_date: int = Field(description="Epoch milliseconds")
    verified_date: int | None = Field(description="Epoch ms of the last challenge")
    verification_status: int | None = Field(description="HTTP status of the challenge answer")
    verification_error: str | None


class MediaOut(OperatorModel):
    url: str
    content_type: str


class EventMessage(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    messageId: str = Field(examples=["MSG0000001"])
    phoneNumber: str = Field(description="The platform number the message reached")
    from_: str = Field(alias="from", description="The sender")
    to: str
    text: str
    media: list[dict[str, str]] = Field(description="``{url, contentType}`` items")


class MessageReceivedEvent(BaseModel):
    """The ``message.received`` event, as POSTed to a webhook."""

    eventType: Literal["message.received"]
    timestamp: str = Field(examples=["2025-10-14T12:00:00Z"])
    message: EventMessage
    enterpriseId: str
    mappingId: str


class InboundOut(OperatorModel):
    message_id: str = Field(examples=["MSG0000001"])
    to_number: str
    from_number: str
    text: str
    media: list[MediaOut]
    received_date: int = Field(description="Epoch milliseconds")
    mapping_id: str | None = Field(description="The mapping that routed it; null if none")
    enterprise_id: str | None
    messaging_app_type: str | None
    media_forwarded: bool = Field(description="False when the mapping has MMS disabled")
    service: Service | None = Field(description="The service that routed it (or was asked)")
    routed: bool
    event: MessageReceivedEvent | None = Field(description="What webhooks get; null if none")
    deliveries: list[str] = Field(description="Delivery ids, one per active webhook")


class AttemptOut(OperatorModel):
    attempt: int
    started_date: int = Field(description="Epoch milliseconds")
    time: str = Field(description="started_date as ISO-8601 UTC, milliseconds")
    duration_ms: int
    status_code: int | None = Field(description="The receiver's status; null if none came")
    error: str | None


class DeliveryOut(OperatorModel):
    delivery_id: str = Field(examples=["DLV0000001"])
    webhook_id: str
    message_id: str
    url: str
    status: DeliveryStatus
    attempts: list[AttemptOut]
    next_attempt_date: int | None = Field(description="Epoch ms of the next attempt, if any")
    created_date: int
    update_date: int
    event: MessageReceivedEvent
