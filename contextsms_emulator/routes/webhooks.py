"""``/_emulator`` webhook routes: registrations, simulated inbound messages, the delivery log.

No auth, like the rest of the operator API. The behaviour is in
:mod:`contextsms_emulator.webhooks`; these routes only translate bodies.
"""

from __future__ import annotations

import json as jsonlib
from dataclasses import asdict
from typing import Annotated, Any, Final

from fastapi import FastAPI, Query, Response
from fastapi.responses import JSONResponse

from contextsms_emulator import clock, errors
from contextsms_emulator.emulator import EmulatorState
from contextsms_emulator.records import Delivery, DeliveryAttempt, InboundMessage, Media, Webhook
from contextsms_emulator.routes.common import Routes, json
from contextsms_emulator.schemas.webhooks import (
    DeliveryOut,
    DeliveryStatus,
    InboundCreate,
    InboundOut,
    RecordId,
    WebhookCreate,
    WebhookOut,
)
from contextsms_emulator.services import WEBEX
from contextsms_emulator.webhooks import event_for

PREFIX: Final = "/_emulator"
TAG: Final = "Emulator operator: inbound messages and webhooks"


def webhook_body(webhook: Webhook) -> dict[str, Any]:
    return asdict(webhook)


def message_body(message: InboundMessage, deliveries: list[str]) -> dict[str, Any]:
    body = asdict(message)
    routed = message.mapping_id is not None
    body.update(
        routed=routed,
        event=event_for(message) if routed and message.service == WEBEX else None,
        deliveries=deliveries,
    )
    return body


def delivery_body(delivery: Delivery, attempts: list[DeliveryAttempt]) -> dict[str, Any]:
    body = asdict(delivery)
    body["event"] = jsonlib.loads(delivery.event)
    body["attempts"] = [
        {
            "attempt": a.attempt,
            "started_date": a.started_date,
            "time": clock.iso_utc(a.started_date / 1000, millis=True),
            "duration_ms": a.duration_ms,
            "status_code": a.status_code,
            "error": a.error,
        }
        for a in attempts
    ]
    return body


def register(app: FastAPI, state: EmulatorState) -> None:
    api = Routes(app, PREFIX, TAG)
    service = state.webhooks

    @api.post(
        "/webhooks",
        status_code=201,
        response_model=WebhookOut,
        responses=errors.responses(400, 404, faults=False)
        | {409: {"model": errors.ErrorResponse, "description": "URL already registered"}},
        summary="Register a webhook for an enterprise's or a CSP's inbound messages",
    )
    async def create_webhook(body: WebhookCreate) -> JSONResponse:
        webhook = service.register(body.url, body.enterprise_id, body.csp_id)
        if body.skip_verification:
            webhook = service.activate(webhook.webhook_id)
        else:
            webhook = await service.verify(webhook.webhook_id)
        return json(webhook_body(webhook), 201)

    @api.get("/webhooks", response_model=list[WebhookOut], summary="Every webhook")
    async def list_webhooks() -> JSONResponse:
        return json([webhook_body(w) for w in service.webhooks()])

    @api.get(
        "/webhooks/{webhook_id}",
        response_model=WebhookOut,
        responses=errors.responses(404, faults=False),
        summary="One webhook",
    )
    async def get_webhook(webhook_id: str) -> JSONResponse:
        return json(webhook_body(service.webhook(webhook_id)))

    @api.delete(
        "/webhooks/{webhook_id}",
        status_code=204,
        response_class=Response,
        responses=errors.responses(404, faults=False),
        summary="Remove a webhook; its pending deliveries are cancelled",
    )
    async def delete_webhook(webhook_id: str) -> Response:
        service.delete(webhook_id)
        return Response(status_code=204)

    @api.post(
        "/webhooks/{webhook_id}/verify",
        response_model=WebhookOut,
        responses=errors.responses(404, faults=False),
        summary="Send a new challenge; active exactly when it is echoed",
    )
    async def verify_webhook(webhook_id: str) -> JSONResponse:
        return json(webhook_body(await service.verify(webhook_id)))

    @api.post(
        "/inbound",
        status_code=202,
        response_model=InboundOut,
        responses=errors.responses(400, faults=False),
        summary="Simulate an SMS/MMS reaching a platform number",
    )
    async def inbound(body: InboundCreate) -> JSONResponse:
        if not body.text and not body.media:
            raise errors.bad_request("Give 'text', 'media', or both", "text")
        media = [Media(m.url, m.content_type) for m in body.media]
        received = service.receive(body.to, body.from_, body.text, media, body.service)
        ids = [d.delivery_id for d in received.deliveries]
        return json(message_body(received.message, ids), 202)

    @api.get("/inbound", response_model=list[InboundOut], summary="Every inbound message")
    async def list_inbound() -> JSONResponse:
        found, _ = service.deliveries()
        by_message: dict[str, list[str]] = {}
        for delivery in found:
            by_message.setdefault(delivery.message_id, []).append(delivery.delivery_id)
        return json([message_body(m, by_message.get(m.message_id, [])) for m in service.messages()])

    @api.get(
        "/deliveries",
        response_model=list[DeliveryOut],
        responses=errors.responses(400, faults=False),
        summary="The delivery log: every event sent or being sent, with its attempts",
    )
    async def list_deliveries(
        webhook_id: Annotated[RecordId | None, Query()] = None,
        message_id: Annotated[RecordId | None, Query()] = None,
        status: Annotated[DeliveryStatus | None, Query()] = None,
    ) -> JSONResponse:
        found, attempts = service.deliveries(
            webhook_id=webhook_id, message_id=message_id, status=status
        )
        return json([delivery_body(d, attempts[d.delivery_id]) for d in found])
