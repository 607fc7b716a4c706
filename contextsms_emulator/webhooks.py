"""Inbound messages and the webhooks they reach: the Webex guide's "Receive Events".

The guide: when an SMS/MMS reaches a mapped number, the platform POSTs a
``message.received`` event to the integrator's webhook, acknowledged by a quick 200,
retried with exponential backoff while the endpoint is unavailable; the platform "may
perform a verification handshake (challenge)". The emulator's readings (docs/emulator.md):

* Webhooks are the Webex service's: only its guide documents events. A webhook is
  registered through the operator API for one Webex enterprise or one account's CSP
  (a Teams enterprise, or a CSP created through the Teams API, would never get an
  event, so registering one is refused with a 400 that says why). On
  registration (and on demand) the emulator POSTs a challenge,
  ``{"eventType": "webhook.verification", "challenge": TOKEN, "webhookId": ...,
  "timestamp": ...}``; the receiver passes by answering 2xx with ``TOKEN`` as its body,
  or ``{"challenge": TOKEN}``. Only then is the webhook active.
* An inbound message is routed by the mapping of its ``to`` number on the service where
  that number is mapped; a number mapped on both services needs ``service`` to say
  which. A message routed on Webex makes one delivery per active webhook of the
  mapping's enterprise and of its CSP. A number no mapping routes, or one routed on
  Teams (whose API documents no webhook), makes none.
* Deliveries run on the :class:`~contextsms_emulator.delivery.Courier` with the
  :class:`~contextsms_emulator.delivery.DeliveryPolicy` schedule; every attempt is
  logged, and pending deliveries resume after a restart.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from contextsms_emulator import clock, errors, ids
from contextsms_emulator.accounts import AccountRegistry
from contextsms_emulator.delivery import Answer, Courier, DeliveryPolicy
from contextsms_emulator.errors import ApiError
from contextsms_emulator.records import (
    Delivery,
    DeliveryAttempt,
    InboundMessage,
    Mapping,
    Media,
    Webhook,
)
from contextsms_emulator.services import API_NAMES, SERVICES, TEAMS, WEBEX, Service
from contextsms_emulator.store import Store

EVENT_TYPE: Final = "message.received"
VERIFICATION_EVENT_TYPE: Final = "webhook.verification"
DUPLICATE_WEBHOOK: Final = "DUPLICATE_WEBHOOK"
HEADER_WEBHOOK: Final = "X-ContextSMS-Webhook-Id"
HEADER_DELIVERY: Final = "X-ContextSMS-Delivery-Id"
HEADER_ATTEMPT: Final = "X-ContextSMS-Delivery-Attempt"

PENDING: Final = "pending"
DELIVERED: Final = "delivered"
FAILED: Final = "failed"
CANCELLED: Final = "cancelled"


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, *, allow_remote: bool, field: str = "url") -> str:
    """An http(s) URL without credentials; on a loopback host unless ``allow_remote``.

    Loopback by default: the emulator is a test tool, and a test must never make it
    reach out to the internet (or anywhere else on the network) by accident.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port
    except ValueError as exc:
        raise errors.bad_request(f"Field '{field}' is not a valid URL: {exc}", field) from None
    if parts.scheme not in ("http", "https") or not host:
        raise errors.bad_request(f"Field '{field}' must be an http:// or https:// URL", field)
    if parts.username is not None or parts.password is not None:
        raise errors.bad_request(f"Field '{field}' must not contain credentials", field)
    if not allow_remote and not _is_loopback(host):
        raise errors.bad_request(
            f"Field '{field}' must be on a loopback host (localhost, 127.0.0.0/8, ::1); "
            "start the emulator with --allow-remote-webhooks to reach other hosts",
            field,
        )
    return url


def echoes_challenge(body: bytes, token: str) -> bool:
    """The receiver's answer repeats the challenge: as the whole body, or as JSON
    ``{"challenge": TOKEN}`` (or the JSON string ``"TOKEN"``)."""
    text = body.decode("utf-8", "replace").strip()
    if text == token:
        return True
    try:
        answer = json.loads(text)
    except ValueError:
        return False
    if isinstance(answer, dict):
        return answer.get("challenge") == token
    return bool(answer == token)


def event_for(message: InboundMessage) -> dict[str, Any]:
    """The documented ``message.received`` event of a routed message."""
    media = message.media if message.media_forwarded else ()
    return {
        "eventType": EVENT_TYPE,
        "timestamp": clock.iso_utc(message.received_date / 1000),
        "message": {
            "messageId": message.message_id,
            "phoneNumber": message.to_number,
            "from": message.from_number,
            "to": message.to_number,
            "text": message.text,
            "media": [{"url": m.url, "contentType": m.content_type} for m in media],
        },
        "enterpriseId": message.enterprise_id,
        "mappingId": message.mapping_id,
    }


@dataclass(frozen=True, slots=True)
class Received:
    message: InboundMessage
    deliveries: list[Delivery]


class WebhookService:
    def __init__(
        self,
        store: Store,
        accounts: AccountRegistry,
        policy: DeliveryPolicy,
        courier: Courier,
        *,
        allow_remote: bool = False,
    ) -> None:
        self._store = store
        self._accounts = accounts
        self.policy = policy
        self.courier = courier
        self._allow_remote = allow_remote

    # --- registration ---------------------------------------------------------------------

    def register(self, url: str, enterprise_id: str | None, csp_id: str | None) -> Webhook:
        """Store an inactive webhook for an existing enterprise or CSP (400, 404, 409)."""
        check_url(url, allow_remote=self._allow_remote)
        if (enterprise_id is None) == (csp_id is None):
            raise errors.bad_request(
                "Give exactly one of 'enterprise_id' and 'csp_id'", "enterprise_id"
            )
        if enterprise_id is not None:
            enterprise = self._store.get_enterprise(enterprise_id)
            if enterprise is None or enterprise.deleted:
                raise errors.not_found(f"Enterprise {enterprise_id} not found")
            if enterprise.service != WEBEX:
                raise self._no_events(f"Enterprise {enterprise_id}", "enterprise_id")
        elif csp_id is not None and csp_id not in self._accounts.csp_ids():
            if csp_id not in self._store.csp_ids(TEAMS):
                raise errors.not_found(f"CSP {csp_id} not found")
            raise self._no_events(f"CSP {csp_id}", "csp_id")
        now = self.courier.now_ms()
        try:
            with self._store.transaction() as tx:
                seq = self._store.next_seq(tx, "webhook")
                webhook = Webhook(
                    webhook_id=ids.webhook_id(seq),
                    url=url,
                    enterprise_id=enterprise_id,
                    csp_id=csp_id,
                    active=False,
                    created_date=now,
                    verified_date=None,
                    verification_status=None,
                    verification_error=None,
                )
                self._store.insert_webhook(tx, seq, webhook)
        except sqlite3.IntegrityError:
            existing = self._store.find_webhook(url, enterprise_id, csp_id)
            raise ApiError(
                409,
                DUPLICATE_WEBHOOK,
                "This URL is already registered for this enterprise or CSP",
                {"field": "url", "existingWebhookId": existing.webhook_id if existing else None},
            ) from None
        return webhook

    @staticmethod
    def _no_events(what: str, field: str) -> ApiError:
        return errors.bad_request(
            f"{what} is a record of the {API_NAMES[TEAMS]}, which documents no webhook "
            f"events: only the {API_NAMES[WEBEX]}'s numbers send them",
            field,
        )

    def webhook(self, webhook_id: str) -> Webhook:
        found = self._store.get_webhook(webhook_id)
        if found is None:
            raise errors.not_found(f"Webhook {webhook_id} not found")
        return found

    def webhooks(self) -> list[Webhook]:
        return self._store.list_webhooks()

    def activate(self, webhook_id: str) -> Webhook:
        """Make a webhook active without a challenge (a receiver that has none)."""
        self.webhook(webhook_id)
        self._store.set_verification(
            webhook_id, active=True, when=self.courier.now_ms(), status=None, error=None
        )
        return self.webhook(webhook_id)

    async def verify(self, webhook_id: str) -> Webhook:
        """Send a fresh challenge; the webhook is active exactly when it is echoed."""
        webhook = self.webhook(webhook_id)
        future = self.courier.submit(self._challenge(webhook), cancellable=False)
        answer, passed = await asyncio.wrap_future(future)
        error = answer.error
        if answer.ok and not passed:
            error = "the answer did not echo the challenge"
        self._store.set_verification(
            webhook_id,
            active=passed,
            when=self.courier.now_ms(),
            status=answer.status_code,
            error=None if passed else error,
        )
        return self.webhook(webhook_id)  # 404 if a reset removed it meanwhile

    async def _challenge(self, webhook: Webhook) -> tuple[Answer, bool]:
        token = secrets.token_urlsafe(24)
        body = {
            "eventType": VERIFICATION_EVENT_TYPE,
            "challenge": token,
            "webhookId": webhook.webhook_id,
            "timestamp": clock.iso_utc(self.courier.clock()),
        }
        answer = await self.courier.post(
            webhook.url,
            json.dumps(body).encode(),
            {HEADER_WEBHOOK: webhook.webhook_id},
            self.policy.timeout_seconds,
        )
        return answer, answer.ok and echoes_challenge(answer.body, token)

    def delete(self, webhook_id: str) -> None:
        if not self._store.delete_webhook(webhook_id, self.courier.now_ms()):
            raise errors.not_found(f"Webhook {webhook_id} not found")

    # --- inbound messages -------------------------------------------------------------------

    def route(self, to_number: str, service: Service | None) -> Mapping | None:
        """The mapping an inbound message to ``to_number`` reaches: on ``service`` if
        given, else on the one service where the number is mapped (400 if on both)."""
        if service is not None:
            return self._store.get_mapping_by_phone(to_number, service)
        found = self._store.mappings_of_phone(to_number)
        if len(found) > 1:
            raise errors.bad_request(
                f"Phone number {to_number} is mapped on both services; "
                f"give 'service' ({' or '.join(SERVICES)})",
                "service",
            )
        return found[0] if found else None

    def receive(
        self,
        to_number: str,
        from_number: str,
        text: str,
        media: Iterable[Media],
        service: Service | None = None,
    ) -> Received:
        """Record a message reaching ``to_number`` and start delivering its event."""
        media = tuple(media)
        now = self.courier.now_ms()
        mapping = self.route(to_number, service)
        with self._store.transaction() as tx:
            message_seq = self._store.next_seq(tx, "message")
            message = InboundMessage(
                message_id=ids.message_id(message_seq),
                to_number=to_number,
                from_number=from_number,
                text=text,
                media=media,
                received_date=now,
                mapping_id=mapping.mapping_id if mapping else None,
                enterprise_id=mapping.enterprise_id if mapping else None,
                messaging_app_type=mapping.messaging_app_type if mapping else None,
                media_forwarded=bool(media) and mapping is not None and mapping.mms_enabled,
                service=mapping.service if mapping else service,
            )
            self._store.insert_message(tx, message_seq, message)
            deliveries: list[Delivery] = []
            if mapping is not None and mapping.service == WEBEX:
                event = json.dumps(event_for(message), separators=(",", ":"))
                for webhook in self._store.active_webhooks_for(
                    mapping.enterprise_id, mapping.csp_id
                ):
                    seq = self._store.next_seq(tx, "delivery")
                    delivery = Delivery(
                        delivery_id=ids.delivery_id(seq),
                        webhook_id=webhook.webhook_id,
                        message_id=message.message_id,
                        url=webhook.url,
                        event=event,
                        status=PENDING,
                        attempts=0,
                        next_attempt_date=now,
                        created_date=now,
                        update_date=now,
                    )
                    self._store.insert_delivery(tx, seq, delivery)
                    deliveries.append(delivery)
        for delivery in deliveries:
            self.courier.submit(self._deliver(delivery.delivery_id))
        return Received(message, deliveries)

    def messages(self) -> list[InboundMessage]:
        return self._store.list_messages()

    # --- deliveries ---------------------------------------------------------------------

    def resume(self) -> int:
        """Restart the deliveries a stopped emulator left pending; how many."""
        pending = self._store.pending_delivery_ids()
        for delivery_id in pending:
            self.courier.submit(self._deliver(delivery_id))
        return len(pending)

    async def _deliver(self, delivery_id: str) -> None:
        """Attempt until delivered, out of attempts, or settled elsewhere (a deleted
        webhook, a reset); each attempt is logged before the next is scheduled."""
        courier = self.courier
        while True:
            delivery = self._store.get_delivery(delivery_id)
            if delivery is None or delivery.status != PENDING:
                return
            due = delivery.next_attempt_date or 0
            wait_ms = due - courier.now_ms()
            if wait_ms > 0:
                await courier.sleep(wait_ms / 1000)
            webhook = self._store.get_webhook(delivery.webhook_id)
            if webhook is None or not webhook.active:
                self._store.settle_delivery(delivery_id, CANCELLED, courier.now_ms())
                return
            attempt = delivery.attempts + 1
            started = courier.now_ms()
            answer = await courier.post(
                delivery.url,
                delivery.event.encode(),
                {
                    HEADER_WEBHOOK: delivery.webhook_id,
                    HEADER_DELIVERY: delivery_id,
                    HEADER_ATTEMPT: str(attempt),
                },
                self.policy.timeout_seconds,
            )
            finished = courier.now_ms()
            delay = None if answer.ok else self.policy.retry_delay(attempt)
            if answer.ok:
                status, next_date = DELIVERED, None
            elif delay is None:
                status, next_date = FAILED, None
            else:
                status, next_date = PENDING, finished + int(delay * 1000)
            record = DeliveryAttempt(
                delivery_id,
                attempt,
                started,
                answer.duration_ms,
                answer.status_code,
                answer.error,
            )
            moved = self._store.record_attempt(
                record, status=status, next_attempt_date=next_date, now=finished
            )
            if not moved or status != PENDING:
                return

    def deliveries(
        self,
        *,
        webhook_id: str | None = None,
        message_id: str | None = None,
        status: str | None = None,
    ) -> tuple[list[Delivery], dict[str, list[DeliveryAttempt]]]:
        found = self._store.list_deliveries(
            webhook_id=webhook_id, message_id=message_id, status=status
        )
        return found, self._store.attempts_of(d.delivery_id for d in found)

    # --- lifecycle ----------------------------------------------------------------------

    def stop_deliveries(self) -> None:
        """Cancel every delivery in flight (before a reset wipes them)."""
        self.courier.cancel_all()

    def close(self) -> None:
        self.courier.close()
