"""Inbound-message webhook events (the Webex Bot API's "Receive Events"), for receivers.

When an SMS/MMS reaches a number mapped to a Webex bot, ContextSMS POSTs a
``message.received`` event to the integrator's webhook and retries with exponential
backoff until it gets a 2xx. A receiver parses the body with :func:`parse_event`::

    from pulumi_contextsms.events import InvalidEventError, parse_event

    def handle(body: bytes) -> int:
        try:
            event = parse_event(body)
        except InvalidEventError as exc:
            return 400  # exc says which fields are wrong
        remember(event.message.message_id)  # retries repeat it: deduplicate on it
        forward(event.mapping_id, event.message.from_, event.message.text)
        return 200

The guide also says the platform "may perform a verification handshake (challenge)".
:func:`parse_webhook` returns either an event or a :class:`WebhookChallenge`, whose
answer is :func:`challenge_response` (the emulator's handshake: docs/emulator.md).

This module imports pydantic only (no Pulumi, no HTTP client, no emulator), so a
receiver can use it on its own. Field names are snake_case in Python and camelCase on
the wire; unknown fields are ignored, so an event with fields added later still parses.
Phone numbers are checked for E.164 *shape* (``+`` and 2-15 digits), not against a
numbering plan: a receiver must not drop a real message because its plan data is old.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from .failures import InvalidEventError

__all__ = [
    "InboundMessage",
    "InvalidEventError",
    "MESSAGE_RECEIVED",
    "MediaItem",
    "MessageReceivedEvent",
    "WEBHOOK_VERIFICATION",
    "WebhookChallenge",
    "challenge_response",
    "parse_event",
    "parse_webhook",
]

MESSAGE_RECEIVED: Final = "message.received"
WEBHOOK_VERIFICATION: Final = "webhook.verification"

_E164_SHAPE: Final = re.compile(r"\+[1-9][0-9]{1,14}")


def _e164_shape(value: str) -> str:
    if not _E164_SHAPE.fullmatch(value):
        raise PydanticCustomError(
            "e164",
            "must be an E.164 phone number like +15551234567, got {value}",
            {"value": value},
        )
    return value


PhoneNumber = Annotated[str, AfterValidator(_e164_shape)]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]


class _Wire(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True
    )


class MediaItem(_Wire):
    """One MMS attachment: where to fetch it and its MIME type."""

    url: NonEmpty
    content_type: NonEmpty = Field(examples=["image/jpeg"])


class InboundMessage(_Wire):
    """The message inside an event. ``phone_number`` and ``to`` are the platform number
    it reached (the mapped one); ``from_`` (``from`` on the wire) is the sender."""

    message_id: NonEmpty = Field(examples=["MSG123456"])
    phone_number: PhoneNumber
    from_: PhoneNumber = Field(alias="from")
    to: PhoneNumber
    text: str = ""
    media: tuple[MediaItem, ...] = ()


class MessageReceivedEvent(_Wire):
    """``message.received``: an SMS/MMS reached ``mapping_id`` of ``enterprise_id``."""

    event_type: Literal["message.received"]
    timestamp: AwareDatetime
    message: InboundMessage
    enterprise_id: NonEmpty = Field(examples=["E0000123"])
    mapping_id: NonEmpty = Field(examples=["NTMAP0000456"])


class WebhookChallenge(_Wire):
    """``webhook.verification``: answer it with :func:`challenge_response` (2xx)."""

    event_type: Literal["webhook.verification"]
    challenge: NonEmpty
    webhook_id: str | None = None
    timestamp: datetime | None = None


_ANY_WEBHOOK: Final[TypeAdapter[MessageReceivedEvent | WebhookChallenge]] = TypeAdapter(
    Annotated[MessageReceivedEvent | WebhookChallenge, Field(discriminator="event_type")]
)


def _decode(body: bytes | str | Mapping[str, Any]) -> Any:
    if isinstance(body, Mapping):
        return dict(body)
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidEventError(f"the webhook body is not JSON: {exc}") from None


def _invalid(what: str, exc: ValidationError) -> InvalidEventError:
    problems = []
    paths = []
    for error in exc.errors():
        path = ".".join(str(p) for p in error["loc"] if not _is_union_tag(p))
        if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
            path = "eventType"
        paths.append(path)
        problems.append(f"{path or 'body'}: {error['msg']}")
    return InvalidEventError(f"invalid {what}: " + "; ".join(problems), tuple(paths))


def _is_union_tag(part: Any) -> bool:
    return part in (MESSAGE_RECEIVED, WEBHOOK_VERIFICATION)


def parse_event(body: bytes | str | Mapping[str, Any]) -> MessageReceivedEvent:
    """The ``message.received`` event in a webhook body (raw bytes, text or a decoded
    dict), or :class:`InvalidEventError` naming every bad field."""
    data = _decode(body)
    try:
        return MessageReceivedEvent.model_validate(data)
    except ValidationError as exc:
        raise _invalid(f"{MESSAGE_RECEIVED} event", exc) from None


def parse_webhook(body: bytes | str | Mapping[str, Any]) -> MessageReceivedEvent | WebhookChallenge:
    """Either an event or a verification challenge, told apart by ``eventType``."""
    data = _decode(body)
    try:
        return _ANY_WEBHOOK.validate_python(data)
    except ValidationError as exc:
        raise _invalid("webhook body", exc) from None


def challenge_response(challenge: WebhookChallenge) -> dict[str, str]:
    """The JSON body that passes the handshake: ``{"challenge": <the token>}``."""
    return {"challenge": challenge.challenge}
