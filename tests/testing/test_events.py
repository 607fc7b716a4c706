"""`pulumi_contextsms.events`: what a user's receiver parses, against what is sent."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime

import pytest

import pulumi_contextsms.events as events
from contextsms_emulator.records import InboundMessage, Media
from contextsms_emulator.webhooks import event_for
from pulumi_contextsms.events import (
    InvalidEventError,
    MessageReceivedEvent,
    WebhookChallenge,
    challenge_response,
    parse_event,
    parse_webhook,
)

# The Webex guide's "Suggested webhook schema", verbatim (its elided media URL filled in).
DOCUMENTED = """{
  "eventType": "message.received",
  "timestamp": "2025-10-14T12:00:00Z",
  "message": {
    "messageId": "MSG123456",
    "phoneNumber": "+15559871234",
    "from": "+15551230001",
    "to": "+15559871234",
    "text": "Hello, I need help",
    "media": [
      {
        "url": "https://cdn.example.com/mms/abcd.jpg",
        "contentType": "image/jpeg"
      }
    ]
  },
  "enterpriseId": "E0000123",
  "mappingId": "NTMAP0000456"
}"""


def test_the_documented_example_parses_into_snake_case_fields() -> None:
    event = parse_event(DOCUMENTED.encode())
    assert event.event_type == "message.received"
    assert event.timestamp == datetime(2025, 10, 14, 12, 0, tzinfo=UTC)
    assert (event.enterprise_id, event.mapping_id) == ("E0000123", "NTMAP0000456")
    message = event.message
    assert (message.message_id, message.phone_number) == ("MSG123456", "+15559871234")
    assert (message.from_, message.to, message.text) == (
        "+15551230001",
        "+15559871234",
        "Hello, I need help",
    )
    assert [(m.url, m.content_type) for m in message.media] == [
        ("https://cdn.example.com/mms/abcd.jpg", "image/jpeg")
    ]
    assert json.loads(event.model_dump_json(by_alias=True)) == {
        **json.loads(DOCUMENTED),
        "timestamp": "2025-10-14T12:00:00Z",
    }


def test_what_the_emulator_sends_is_what_the_model_reads() -> None:
    message = InboundMessage(
        "MSG0000007",
        "+15559871234",
        "+15551230001",
        "pic",
        (Media("https://cdn.test/a.png", "image/png"),),
        1_760_443_200_000,
        "NTMAP0000002",
        "E0000001",
        "Webex",
        True,
        "webex",
    )
    sent = event_for(message)
    event = parse_event(json.dumps(sent))
    assert event.model_dump(mode="json", by_alias=True) == sent


@pytest.mark.parametrize("body", [DOCUMENTED, DOCUMENTED.encode(), json.loads(DOCUMENTED)])
def test_bytes_text_and_decoded_dicts_are_all_accepted(body: object) -> None:
    assert parse_event(body).mapping_id == "NTMAP0000456"  # type: ignore[arg-type]


def _with(**changes: object) -> dict[str, object]:
    body: dict[str, object] = json.loads(DOCUMENTED)
    message = dict(body["message"])  # type: ignore[call-overload]
    for key, value in changes.items():
        if key.startswith("message_"):
            message[key.removeprefix("message_")] = value
        else:
            body[key] = value
    body["message"] = message
    return body


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (_with(mappingId=None), ("mappingId",)),
        (_with(message_from="555-0100"), ("message.from",)),
        (_with(message_phoneNumber="+1"), ("message.phoneNumber",)),
        (_with(message_messageId=""), ("message.messageId",)),
        (_with(timestamp="2025-10-14T12:00:00"), ("timestamp",)),  # no zone: ambiguous
        (_with(message_media=[{"url": "https://x"}]), ("message.media.0.contentType",)),
        (_with(eventType="message.sent"), ("eventType",)),
        ({"eventType": "message.received"}, ("timestamp", "message", "enterpriseId", "mappingId")),
    ],
)
def test_an_invalid_event_names_every_bad_field(
    body: dict[str, object], fields: tuple[str, ...]
) -> None:
    with pytest.raises(InvalidEventError) as failure:
        parse_event(body)
    assert failure.value.fields == fields
    assert all(field in str(failure.value) for field in fields)
    assert isinstance(failure.value, ValueError)


def test_a_body_that_is_not_json_is_an_invalid_event() -> None:
    with pytest.raises(InvalidEventError, match="not JSON"):
        parse_event(b"\xff{")


def test_fields_added_later_are_ignored_and_text_and_media_may_be_absent() -> None:
    body = _with(channel="sms", message_text=None, message_media=None)
    message = body["message"]
    assert isinstance(message, dict)
    del message["text"], message["media"]
    message["segments"] = 2
    event = parse_event(body)
    assert (event.message.text, event.message.media) == ("", ())


def test_parse_webhook_tells_a_challenge_from_an_event_and_answers_it() -> None:
    challenge = parse_webhook(
        {"eventType": "webhook.verification", "challenge": "tok-123", "webhookId": "WH0000001"}
    )
    assert isinstance(challenge, WebhookChallenge)
    assert challenge_response(challenge) == {"challenge": "tok-123"}
    assert isinstance(parse_webhook(DOCUMENTED), MessageReceivedEvent)
    with pytest.raises(InvalidEventError) as failure:
        parse_webhook({"eventType": "ping"})
    assert failure.value.fields == ("eventType",)


def test_events_are_immutable() -> None:
    event = parse_event(DOCUMENTED)
    with pytest.raises(ValueError):
        event.mapping_id = "NTMAP0000999"  # type: ignore[misc]


def test_the_public_names_are_pinned() -> None:
    assert events.__all__ == sorted(events.__all__)
    assert events.__all__ == [
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


def test_a_receiver_importing_the_events_loads_neither_pulumi_nor_http_nor_the_emulator() -> None:
    code = "import sys, pulumi_contextsms.events; print('\\n'.join(sys.modules))"
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    heavy = {"pulumi", "httpx", "contextsms_emulator", "fastapi", "phonenumbers", "grpc"}
    assert loaded.isdisjoint(heavy), loaded & heavy
    assert "pydantic" in loaded
