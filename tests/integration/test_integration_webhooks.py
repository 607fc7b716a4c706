"""Inbound-message webhooks in real time: an emulator process, a real HTTP receiver.

The unit tests (tests/emulator/test_emu_webhooks.py) pin the schedule exactly with a
fake clock; these check that the real thing behaves the same over sockets and threads,
with a fast schedule (first retry after 0.2 s, doubling).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from contextsms_emulator import DEMO_CSP_ID, EmulatorProcess
from pulumi_contextsms.client import ContextSmsClient, EnterpriseSpec, MappingSpec
from pulumi_contextsms.testing import WebhookReceiver, emulator_client

NUMBER = "+15559871234"
CUSTOMER = "+15551230001"
FAST = {"delivery_first_retry": 0.2, "delivery_backoff": 2.0, "delivery_attempts": 5}


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as running:
        yield running


def _mapped(emulator: EmulatorProcess) -> dict[str, str]:
    """An enterprise with NUMBER mapped to a Webex bot, made through the real API."""
    client: ContextSmsClient = emulator_client(emulator, "webex")
    with client:
        enterprise = client.create_enterprise(
            DEMO_CSP_ID,
            EnterpriseSpec(
                name="BrightStar", contact="Mike", phone_number=NUMBER, email="mike@brightstar.com"
            ),
        )
        mapping = client.create_mapping(
            enterprise.enterprise_id,
            MappingSpec(phone_number=NUMBER, messaging_app_id="bot", messaging_app_type="Webex"),
        )
    return {"enterprise_id": enterprise.enterprise_id, "mapping_id": mapping.mapping_id}


def test_a_failing_receiver_gets_the_event_again_after_growing_gaps(
    contextsms_emulator_factory: Any, receiver: WebhookReceiver
) -> None:
    emulator = contextsms_emulator_factory(**FAST)
    ids = _mapped(emulator)
    webhook = emulator.register_webhook(receiver.url, enterprise_id=ids["enterprise_id"])
    assert webhook["active"] is True
    receiver.fail_next(3, status=503)

    sent = emulator.send_inbound(NUMBER, CUSTOMER, "Hello, I need help")
    [event] = receiver.wait_for_events(1, timeout=20)

    assert (event.mapping_id, event.enterprise_id) == (ids["mapping_id"], ids["enterprise_id"])
    assert event.message.message_id == sent["message_id"]
    arrivals = [r.received_at for r in receiver.event_attempts(sent["message_id"])]
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:], strict=False)]
    assert len(gaps) == 3
    assert gaps[0] >= 0.2 and gaps[1] >= 0.4 and gaps[2] >= 0.8, gaps
    assert gaps[0] < gaps[1] < gaps[2], gaps
    [delivery] = emulator.wait_for_deliveries(timeout=10)
    assert [a["status_code"] for a in delivery["attempts"]] == [503, 503, 503, 200]


def test_a_slow_receiver_does_not_hold_up_the_api(
    contextsms_emulator_factory: Any, receiver: WebhookReceiver
) -> None:
    emulator = contextsms_emulator_factory()
    ids = _mapped(emulator)
    emulator.register_webhook(receiver.url, enterprise_id=ids["enterprise_id"])
    receiver.delay_events(2.0)

    emulator.send_inbound(NUMBER, CUSTOMER, "Are you open?")
    started = time.monotonic()
    with httpx.Client(base_url=emulator.url) as http:
        for _ in range(5):
            assert http.get("/_emulator/records").status_code == 200
    assert time.monotonic() - started < 1.0  # the delivery is still waiting on the receiver
    assert [d["status"] for d in emulator.deliveries()] == ["pending"]
    assert len(receiver.wait_for_events(1, timeout=10)) == 1


def test_an_unmapped_number_produces_nothing(
    contextsms_emulator_factory: Any, receiver: WebhookReceiver
) -> None:
    emulator = contextsms_emulator_factory()
    emulator.register_webhook(receiver.url, csp_id=DEMO_CSP_ID)

    sent = emulator.send_inbound("+15550009999", CUSTOMER, "Wrong number?")

    assert (sent["routed"], sent["deliveries"]) == (False, [])
    assert emulator.wait_for_deliveries() == []
    assert [r.is_challenge for r in receiver.requests] == [True]


def test_a_delivery_pending_at_shutdown_is_completed_after_the_restart(
    contextsms_emulator_factory: Any, receiver: WebhookReceiver, tmp_path: Any
) -> None:
    emulator = contextsms_emulator_factory(
        db=str(tmp_path / "emulator.db"), delivery_first_retry=1.0
    )
    ids = _mapped(emulator)
    emulator.register_webhook(receiver.url, enterprise_id=ids["enterprise_id"])
    receiver.fail_next(1)
    sent = emulator.send_inbound(NUMBER, CUSTOMER, "Still there?")
    deadline = time.monotonic() + 10
    while not receiver.event_attempts(sent["message_id"]):
        assert time.monotonic() < deadline
        time.sleep(0.02)

    emulator.restart()  # during the 1 s wait before the retry

    [event] = receiver.wait_for_events(1, timeout=10)
    assert event.message.message_id == sent["message_id"]
    [delivery] = emulator.wait_for_deliveries(timeout=10)
    assert [a["status_code"] for a in delivery["attempts"]] == [503, 200]
