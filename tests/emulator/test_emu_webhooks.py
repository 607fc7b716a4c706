"""Inbound messages and message.received webhooks, in-process and in no real time.

The emulator's courier gets an ``httpx.MockTransport`` receiver, a fake clock and a
sleep that only advances that clock, so whole retry schedules run instantly and the
gaps between attempts are exact.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio.from_thread
import httpx
import pytest
from emulator_testing import ACCOUNTS, PortalTransport, Session

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER, Settings, create_app
from contextsms_emulator.app import EmulatorApp
from contextsms_emulator.delivery import Courier, DeliveryPolicy
from pulumi_contextsms.events import parse_event

HOOK = "http://127.0.0.1:8000/webhooks/messages"
WEBEX_NUMBER = "+15559871234"
TEAMS_NUMBER = "+15559875555"
CUSTOMER = "+15551230001"
START = 1_760_443_200.0  # 2025-10-14T12:00:00Z


@dataclass
class FakeTime:
    now: float = START
    slept: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def wait_forever(seconds: float) -> None:
    """A retry wait that ends only when cancelled (a reset, a stop)."""
    await asyncio.get_running_loop().create_future()


@dataclass
class Receiver:
    """The integrator's endpoint: how it answers challenges and events, and what came."""

    time: FakeTime
    challenge: str = "json"  # json | text | wrong | status | refuse
    event_answers: deque[int | Exception] = field(default_factory=deque)
    gate: threading.Event | None = None  # events wait for it (a slow receiver)
    seen: list[tuple[float, str, dict[str, Any], httpx.Headers]] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.seen.append((self.time.now, str(request.url), body, request.headers))
        if body["eventType"] == "webhook.verification":
            token = body["challenge"]
            if self.challenge == "refuse":
                raise httpx.ConnectError("connection refused", request=request)
            if self.challenge == "json":
                return httpx.Response(200, json={"challenge": token})
            if self.challenge == "text":
                return httpx.Response(200, text=token)
            if self.challenge == "wrong":
                return httpx.Response(200, json={"challenge": "something else"})
            return httpx.Response(404)
        if self.gate is not None:
            self.gate.wait(10)  # holds the courier's thread, never the server's
        answer = self.event_answers.popleft() if self.event_answers else 200
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(answer)

    @property
    def challenges(self) -> list[dict[str, Any]]:
        return [body for _, _, body, _ in self.seen if body["eventType"] != "message.received"]

    @property
    def events(self) -> list[tuple[float, dict[str, Any], httpx.Headers]]:
        return [(t, b, h) for t, _, b, h in self.seen if b["eventType"] == "message.received"]


@dataclass
class World:
    app: EmulatorApp
    client: httpx.Client
    admin: Session
    receiver: Receiver
    time: FakeTime
    courier: Courier
    ids: dict[str, str] = field(default_factory=dict)

    def settle(self) -> None:
        assert self.courier.wait_idle(10), "deliveries did not settle"

    def register(self, **body: Any) -> httpx.Response:
        return self.client.post("/_emulator/webhooks", json={"url": HOOK, **body})

    def inbound(self, to: str = WEBEX_NUMBER, **body: Any) -> httpx.Response:
        body = {"to": to, "from": CUSTOMER, "text": "Hello, I need help", **body}
        return self.client.post("/_emulator/inbound", json=body)

    def deliveries(self, **query: str) -> list[dict[str, Any]]:
        response = self.client.get("/_emulator/deliveries", params=query)
        assert response.status_code == 200, response.text
        result: list[dict[str, Any]] = response.json()
        return result


def open_world(
    portal: anyio.from_thread.BlockingPortal,
    db: str = ":memory:",
    policy: DeliveryPolicy | None = None,
    time: FakeTime | None = None,
    **settings: Any,
) -> World:
    time = time or FakeTime()
    receiver = Receiver(time)
    courier = Courier(transport=httpx.MockTransport(receiver), sleep=time.sleep, clock=time.clock)
    app = create_app(
        Settings(db_path=db, accounts=ACCOUNTS, delivery=policy or DeliveryPolicy(), **settings),
        courier=courier,
    )
    client = httpx.Client(transport=PortalTransport(app, portal), base_url="http://emulator.test")
    admin = Session(client, DEMO_USER, DEMO_PASSWORD)
    return World(app, client, admin, receiver, time, courier)


@pytest.fixture
def make_world(portal: anyio.from_thread.BlockingPortal) -> Iterator[Callable[..., World]]:
    """``make_world(db=..., policy=..., **settings)``: a seeded emulator and its receiver."""
    opened: list[World] = []

    def make(**options: Any) -> World:
        world = open_world(portal, **options)
        opened.append(world)
        _seed(world)
        return world

    yield make
    for world in opened:
        world.client.close()
        world.app.emulator.close()


def _seed(world: World) -> None:
    """Two Webex enterprises of the demo CSP, one with a number, one empty; a Teams
    enterprise with a number."""
    admin = world.admin
    for key, phone in (("enterprise", "+15551234567"), ("other_enterprise", "+15551234568")):
        created = admin.post(
            f"/api/v1/enterprise/{DEMO_CSP_ID}",
            json={"name": "ABC", "contact": "Sarah", "phoneNumber": phone, "email": "s@abc.co"},
        )
        assert created.status_code == 201, created.text
        world.ids[key] = created.json()["enterpriseId"]
    enterprise = world.ids["enterprise"]
    webex = admin.post(
        f"/api/v1/mapping/add/{enterprise}",
        json={
            "messagingAppId": "webex-bot-12345",
            "phoneNumber": WEBEX_NUMBER,
            "messagingAppType": "Webex",
            "mmsEnabled": True,
        },
    )
    teams_enterprise = admin.post(
        f"/api/v2/enterprise/{DEMO_CSP_ID}",
        json={"name": "ABC", "contact": "Sarah", "number": "+15551234569", "email": "s@abc.co"},
    )
    assert teams_enterprise.status_code == 201, teams_enterprise.text
    world.ids["teams_enterprise"] = teams_enterprise.json()["enterpriseId"]
    teams = admin.post(
        f"/api/v2/mapping/add/{world.ids['teams_enterprise']}",
        json={"phoneNumber": TEAMS_NUMBER, "messagingAppType": "Teams", "messagingAppId": "ch-1"},
    )
    assert webex.status_code == 201 and teams.status_code == 200
    world.ids["mapping"] = webex.json()["numberToMessageAppMapId"]
    world.ids["teams_mapping"] = teams.json()["numberToMessageAppMapId"]


@pytest.fixture
def world(make_world: Callable[..., World]) -> World:
    """A seeded emulator: a Webex number, an empty Webex enterprise, a Teams number."""
    return make_world()


# --- registration and the challenge ---------------------------------------------------------


def test_registration_sends_a_challenge_and_is_active_once_it_is_echoed(world: World) -> None:
    response = world.register(enterprise_id=world.ids["enterprise"])

    assert response.status_code == 201, response.text
    webhook = response.json()
    assert webhook["webhook_id"] == "WH0000001"
    assert webhook["active"] is True
    assert webhook["verification_status"] == 200 and webhook["verification_error"] is None
    [challenge] = world.receiver.challenges
    assert challenge["eventType"] == "webhook.verification"
    assert challenge["webhookId"] == "WH0000001"
    assert len(challenge["challenge"]) >= 32
    assert challenge["timestamp"] == "2025-10-14T12:00:00Z"
    assert world.client.get("/_emulator/webhooks").json() == [webhook]


@pytest.mark.parametrize("answer", ["json", "text"])
def test_the_challenge_passes_echoed_as_json_or_as_the_whole_body(
    make_world: Callable[..., World], answer: str
) -> None:
    world = make_world()
    world.receiver.challenge = answer
    assert world.register(csp_id=DEMO_CSP_ID).json()["active"] is True


@pytest.mark.parametrize(
    ("answer", "status", "error"),
    [
        ("wrong", 200, "the answer did not echo the challenge"),
        ("status", 404, "HTTP 404"),
    ],
)
def test_a_receiver_that_does_not_echo_stays_inactive_and_gets_no_event(
    make_world: Callable[..., World], answer: str, status: int, error: str
) -> None:
    world = make_world()
    world.receiver.challenge = answer
    webhook = world.register(enterprise_id=world.ids["enterprise"]).json()
    assert (webhook["active"], webhook["verification_status"]) == (False, status)
    assert webhook["verification_error"] == error

    assert world.inbound().json()["deliveries"] == []
    world.settle()
    assert world.receiver.events == []


def test_a_failed_webhook_is_activated_by_a_later_challenge_it_echoes(world: World) -> None:
    world.receiver.challenge = "wrong"
    webhook_id = world.register(enterprise_id=world.ids["enterprise"]).json()["webhook_id"]
    world.receiver.challenge = "json"

    verified = world.client.post(f"/_emulator/webhooks/{webhook_id}/verify")

    assert verified.status_code == 200
    assert verified.json()["active"] is True
    assert len(world.receiver.challenges) == 2
    assert len(world.inbound().json()["deliveries"]) == 1


def test_a_connection_error_fails_the_challenge_with_its_reason(world: World) -> None:
    world.receiver.challenge = "refuse"
    webhook = world.register(enterprise_id=world.ids["enterprise"]).json()
    assert webhook["active"] is False
    assert webhook["verification_status"] is None
    assert webhook["verification_error"].startswith("ConnectError")


def test_skip_verification_activates_without_any_request(world: World) -> None:
    webhook = world.register(csp_id=DEMO_CSP_ID, skip_verification=True).json()
    assert webhook["active"] is True
    assert world.receiver.seen == []


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"url": "https://example.com/hook", "csp_id": DEMO_CSP_ID}, 400, "url"),
        ({"url": "ftp://127.0.0.1/hook", "csp_id": DEMO_CSP_ID}, 400, "url"),
        ({"url": "http://user:pw@127.0.0.1/hook", "csp_id": DEMO_CSP_ID}, 400, "url"),
        ({"url": "http://127.0.0.1:99999/hook", "csp_id": DEMO_CSP_ID}, 400, "url"),
        ({"url": HOOK}, 400, "enterprise_id"),
        ({"url": HOOK, "csp_id": DEMO_CSP_ID, "enterprise_id": "E0000001"}, 400, "enterprise_id"),
        ({"url": HOOK, "enterprise_id": "E0999999"}, 404, None),
        ({"url": HOOK, "csp_id": "CSP0999999"}, 404, None),
        ({"url": HOOK, "csp_id": DEMO_CSP_ID, "verify": True}, 400, "verify"),
        ({"url": HOOK, "csp_id": DEMO_CSP_ID, "skip_verification": "yes"}, 400, None),
    ],
)
def test_bad_registrations_are_refused_before_any_request(
    world: World, body: dict[str, Any], status: int, field: str | None
) -> None:
    response = world.client.post("/_emulator/webhooks", json=body)
    assert response.status_code == status, response.text
    if field:
        assert response.json()["details"]["field"] == field
    assert world.receiver.seen == []
    assert world.client.get("/_emulator/webhooks").json() == []


def test_the_same_url_registers_once_per_scope(world: World) -> None:
    first = world.register(enterprise_id=world.ids["enterprise"]).json()
    again = world.register(enterprise_id=world.ids["enterprise"])
    assert again.status_code == 409
    assert again.json()["code"] == "DUPLICATE_WEBHOOK"
    assert again.json()["details"]["existingWebhookId"] == first["webhook_id"]
    assert world.register(csp_id=DEMO_CSP_ID).status_code == 201  # another scope


def test_remote_webhook_urls_need_the_opt_in(make_world: Callable[..., World]) -> None:
    world = make_world(allow_remote_webhooks=True)
    response = world.client.post(
        "/_emulator/webhooks", json={"url": "https://hooks.example.com/in", "csp_id": DEMO_CSP_ID}
    )
    assert response.status_code == 201
    assert world.receiver.seen[0][1] == "https://hooks.example.com/in"


# --- events ------------------------------------------------------------------------------


def test_a_text_to_a_webex_number_delivers_the_documented_event_to_its_enterprises_webhook(
    world: World,
) -> None:
    world.register(enterprise_id=world.ids["enterprise"])
    world.time.now += 60

    answer = world.inbound()
    world.settle()

    assert answer.status_code == 202
    message = answer.json()
    assert message["routed"] is True
    assert (message["mapping_id"], message["enterprise_id"]) == (
        world.ids["mapping"],
        world.ids["enterprise"],
    )
    [(_, event, headers)] = world.receiver.events
    assert event == {
        "eventType": "message.received",
        "timestamp": "2025-10-14T12:01:00Z",
        "message": {
            "messageId": "MSG0000001",
            "phoneNumber": WEBEX_NUMBER,
            "from": CUSTOMER,
            "to": WEBEX_NUMBER,
            "text": "Hello, I need help",
            "media": [],
        },
        "enterpriseId": world.ids["enterprise"],
        "mappingId": world.ids["mapping"],
    }
    assert message["event"] == event
    assert headers["content-type"] == "application/json"
    assert headers["x-contextsms-delivery-attempt"] == "1"
    assert headers["x-contextsms-webhook-id"] == "WH0000001"
    parsed = parse_event(event)  # the package's model reads what the emulator sends
    assert (parsed.mapping_id, parsed.message.from_) == (world.ids["mapping"], CUSTOMER)
    [delivery] = world.deliveries()
    assert delivery["status"] == "delivered"
    assert [a["status_code"] for a in delivery["attempts"]] == [200]
    assert delivery["event"] == event


def test_an_mms_carries_its_media_unless_the_mapping_has_mms_disabled(world: World) -> None:
    world.register(csp_id=DEMO_CSP_ID)
    picture = {"url": "https://cdn.test/mms/abcd.jpg", "content_type": "image/jpeg"}
    world.inbound(text="", media=[picture])
    world.settle()
    [(_, event, _)] = world.receiver.events
    assert event["message"]["media"] == [
        {"url": "https://cdn.test/mms/abcd.jpg", "contentType": "image/jpeg"}
    ]
    assert event["message"]["text"] == ""

    mms_off = world.admin.post(
        f"/api/v1/mapping/add/{world.ids['other_enterprise']}",
        json={
            "messagingAppId": "b",
            "phoneNumber": "+15559870000",
            "messagingAppType": "Webex",
            "mmsEnabled": False,
        },
    )
    assert mms_off.status_code == 201
    answer = world.inbound(to="+15559870000", text="look", media=[picture]).json()
    world.settle()
    assert answer["media_forwarded"] is False
    assert world.receiver.events[-1][1]["message"]["media"] == []


def test_a_csp_webhook_gets_every_enterprises_messages_an_enterprise_webhook_only_its_own(
    world: World,
) -> None:
    world.register(csp_id=DEMO_CSP_ID)
    world.client.post(
        "/_emulator/webhooks",
        json={"url": HOOK + "/other", "enterprise_id": world.ids["other_enterprise"]},
    )
    other_number = "+15559876666"
    created = world.admin.post(
        f"/api/v1/mapping/add/{world.ids['other_enterprise']}",
        json={"messagingAppId": "b2", "phoneNumber": other_number, "messagingAppType": "Webex"},
    )
    assert created.status_code == 201

    first = world.inbound().json()
    second = world.inbound(to=other_number).json()
    world.settle()

    assert len(first["deliveries"]) == 1 and len(second["deliveries"]) == 2
    urls = sorted(
        url
        for _, url, body, _ in world.receiver.seen
        if body["eventType"] != "webhook.verification"
    )
    assert urls == [HOOK, HOOK, HOOK + "/other"]
    assert {d["webhook_id"] for d in world.deliveries(message_id=second["message_id"])} == {
        "WH0000001",
        "WH0000002",
    }


def test_a_number_no_mapping_routes_produces_no_event(world: World) -> None:
    world.register(csp_id=DEMO_CSP_ID)

    answer = world.inbound(to="+15550009999").json()
    world.settle()

    assert answer["routed"] is False
    assert (answer["mapping_id"], answer["event"], answer["deliveries"]) == (None, None, [])
    assert world.receiver.events == []
    assert world.deliveries() == []
    assert [m["message_id"] for m in world.client.get("/_emulator/inbound").json()] == [
        answer["message_id"]
    ]


def test_a_number_routed_to_teams_produces_no_webhook_event(world: World) -> None:
    world.register(csp_id=DEMO_CSP_ID)

    answer = world.inbound(to=TEAMS_NUMBER).json()
    world.settle()

    assert (answer["routed"], answer["messaging_app_type"]) == (True, "Teams")
    assert (answer["service"], answer["enterprise_id"]) == ("teams", world.ids["teams_enterprise"])
    assert answer["deliveries"] == [] and world.receiver.events == []


def test_a_message_is_routed_on_the_service_where_its_number_is_mapped(world: World) -> None:
    answer = world.inbound().json()
    assert (answer["service"], answer["mapping_id"]) == ("webex", world.ids["mapping"])
    unrouted = world.inbound(to="+15550009999").json()
    assert (unrouted["service"], unrouted["routed"]) == (None, False)


def map_webex_number_on_teams_too(world: World) -> str:
    both = world.admin.post(
        f"/api/v2/mapping/add/{world.ids['teams_enterprise']}",
        json={"phoneNumber": WEBEX_NUMBER, "messagingAppType": "Teams", "messagingAppId": "ch-2"},
    )
    assert both.status_code == 200, both.text
    mapping_id: str = both.json()["numberToMessageAppMapId"]
    return mapping_id


def test_a_number_mapped_on_both_services_needs_the_service_named(world: World) -> None:
    map_webex_number_on_teams_too(world)
    refused = world.inbound()
    assert refused.status_code == 400, refused.text
    assert refused.json()["details"]["field"] == "service"
    assert world.client.get("/_emulator/inbound").json() == []


def test_the_named_service_routes_a_number_mapped_on_both_with_its_own_records(
    world: World,
) -> None:
    teams_mapping = map_webex_number_on_teams_too(world)
    world.register(csp_id=DEMO_CSP_ID)

    on_webex = world.inbound(service="webex").json()
    on_teams = world.inbound(service="teams").json()
    world.settle()

    assert (on_webex["mapping_id"], on_webex["enterprise_id"]) == (
        world.ids["mapping"],
        world.ids["enterprise"],
    )
    assert on_webex["event"]["mappingId"] == world.ids["mapping"]
    assert (on_teams["mapping_id"], on_teams["enterprise_id"], on_teams["event"]) == (
        teams_mapping,
        world.ids["teams_enterprise"],
        None,
    )
    assert [event["mappingId"] for _, event, _ in world.receiver.events] == [world.ids["mapping"]]


def test_a_service_where_the_number_is_not_mapped_routes_nothing(world: World) -> None:
    answer = world.inbound(to=TEAMS_NUMBER, service="webex").json()
    assert (answer["routed"], answer["service"], answer["deliveries"]) == (False, "webex", [])


def test_a_webhook_for_a_teams_record_is_refused_as_it_would_get_no_event(world: World) -> None:
    teams = world.register(enterprise_id=world.ids["teams_enterprise"])
    assert teams.status_code == 400, teams.text
    assert teams.json()["details"]["field"] == "enterprise_id"
    created = world.admin.post("/api/v2/csp", json={"email": "c@csp.test", "name": "Sub"})
    sub_csp = world.register(csp_id=created.json()["cspId"])
    assert sub_csp.status_code == 400, sub_csp.text
    assert sub_csp.json()["details"]["field"] == "csp_id"
    assert world.receiver.seen == [] and world.client.get("/_emulator/webhooks").json() == []


def test_a_deleted_mapping_routes_nothing_any_more(world: World) -> None:
    world.register(csp_id=DEMO_CSP_ID)
    assert world.admin.delete(f"/api/v1/mapping/{world.ids['mapping']}").status_code == 204
    assert world.inbound().json()["routed"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to": "555-0100"}, "to"),
        ({"from": "+1"}, "from"),
        ({"text": "", "media": []}, "text"),
        ({"text": "x" * 1601}, "text"),
        ({"media": [{"url": "file:///etc/passwd", "content_type": "image/jpeg"}]}, "media.url"),
        (
            {"media": [{"url": "https://x.test/a.jpg", "content_type": "jpeg"}]},
            "media.content_type",
        ),
        ({"channel": "sms"}, "channel"),
        ({"service": "sms"}, "service"),
    ],
)
def test_bad_inbound_messages_are_refused_and_record_nothing(
    world: World, body: dict[str, Any], field: str
) -> None:
    response = world.inbound(**body)
    assert response.status_code == 400, response.text
    assert response.json()["details"]["field"] == field
    assert world.client.get("/_emulator/inbound").json() == []


# --- retries -------------------------------------------------------------------------------


def test_a_failing_receiver_gets_retries_with_growing_gaps_until_it_answers(world: World) -> None:
    world.register(enterprise_id=world.ids["enterprise"])
    world.receiver.event_answers.extend([503, 500, httpx.ConnectError("refused"), 429])

    world.inbound()
    world.settle()

    arrivals = [t for t, _, _ in world.receiver.events]
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]
    assert gaps == [1.0, 2.0, 4.0, 8.0]
    assert world.time.slept == [1.0, 2.0, 4.0, 8.0]
    assert [h["x-contextsms-delivery-attempt"] for _, _, h in world.receiver.events] == [
        "1",
        "2",
        "3",
        "4",
        "5",
    ]
    assert {b["message"]["messageId"] for _, b, _ in world.receiver.events} == {"MSG0000001"}
    [delivery] = world.deliveries()
    assert delivery["status"] == "delivered"
    attempts = delivery["attempts"]
    assert [a["status_code"] for a in attempts] == [503, 500, None, 429, 200]
    assert attempts[2]["error"].startswith("ConnectError")
    assert [a["started_date"] - attempts[0]["started_date"] for a in attempts] == [
        0,
        1000,
        3000,
        7000,
        15000,
    ]
    assert attempts[1]["time"] == "2025-10-14T12:00:01.000Z"
    assert delivery["next_attempt_date"] is None


def test_attempts_are_bounded_and_the_last_failure_settles_the_delivery(
    make_world: Callable[..., World],
) -> None:
    world = make_world(
        policy=DeliveryPolicy(max_attempts=4, first_retry_seconds=0.5, max_retry_seconds=1.5)
    )
    world.register(enterprise_id=world.ids["enterprise"])
    world.receiver.event_answers.extend([503] * 10)

    world.inbound()
    world.settle()

    assert world.time.slept == [0.5, 1.0, 1.5]  # doubled, then capped
    [delivery] = world.deliveries()
    assert delivery["status"] == "failed"
    assert len(delivery["attempts"]) == 4
    assert world.deliveries(status="failed") == [delivery]
    assert world.deliveries(status="pending") == []


def test_deleting_a_webhook_cancels_its_pending_delivery(world: World) -> None:
    webhook_id = world.register(enterprise_id=world.ids["enterprise"]).json()["webhook_id"]
    world.receiver.event_answers.extend([503] * 10)
    real_sleep = world.time.sleep

    async def sleep_and_delete(seconds: float) -> None:
        world.app.emulator.webhooks.delete(webhook_id)  # the operator deletes it meanwhile
        await real_sleep(seconds)

    world.courier.sleep = sleep_and_delete
    world.inbound()
    world.settle()

    [delivery] = world.deliveries()
    assert delivery["status"] == "cancelled"
    assert len(delivery["attempts"]) == 1
    assert world.client.get(f"/_emulator/webhooks/{webhook_id}").status_code == 404


def test_reset_stops_deliveries_and_forgets_webhooks_messages_and_the_log(world: World) -> None:
    world.register(enterprise_id=world.ids["enterprise"])
    world.receiver.event_answers.extend([503] * 10)

    world.courier.sleep = wait_forever
    world.inbound()
    assert world.client.post("/_emulator/reset").status_code == 204

    assert world.courier.wait_idle(5)
    for path in ("/_emulator/webhooks", "/_emulator/inbound", "/_emulator/deliveries"):
        assert world.client.get(path).json() == []
    assert world.client.get("/_emulator/webhooks/WH0000001").status_code == 404


def test_webhooks_messages_and_pending_deliveries_survive_a_restart(
    make_world: Callable[..., World], portal: anyio.from_thread.BlockingPortal, tmp_path: Path
) -> None:
    db = str(tmp_path / "emulator.db")
    first = make_world(db=db)
    first.register(enterprise_id=first.ids["enterprise"])
    first.receiver.event_answers.append(503)
    first.courier.sleep = wait_forever  # the emulator stops during the retry wait
    first.inbound()
    first.app.emulator.close()  # like SIGTERM: the wait is cancelled, the delivery pending

    second = open_world(portal, db=db, time=FakeTime(now=first.time.now))
    try:
        second.settle()
        [(_, event, headers)] = second.receiver.events
        assert event["mappingId"] == first.ids["mapping"]
        assert headers["x-contextsms-delivery-attempt"] == "2"
        assert [w["webhook_id"] for w in second.client.get("/_emulator/webhooks").json()] == [
            "WH0000001"
        ]
        [delivery] = second.deliveries()
        assert delivery["status"] == "delivered"
        assert [a["status_code"] for a in delivery["attempts"]] == [503, 200]
        assert [m["message_id"] for m in second.client.get("/_emulator/inbound").json()] == [
            "MSG0000001"
        ]
    finally:
        second.client.close()
        second.app.emulator.close()


def test_the_server_answers_while_a_receiver_is_slow(world: World) -> None:
    """Deliveries run on the courier's own loop: a receiver that takes its time holds
    no API request up (the real-time version is in tests/integration)."""
    world.register(enterprise_id=world.ids["enterprise"])
    world.receiver.gate = threading.Event()
    world.inbound()
    try:
        listing = world.admin.get(f"/api/v1/mappings/enterprise/{world.ids['enterprise']}")
        assert listing.status_code == 200
        assert world.deliveries()[0]["status"] == "pending"
    finally:
        world.receiver.gate.set()
    world.settle()
    assert world.deliveries()[0]["status"] == "delivered"


# --- the policy ----------------------------------------------------------------------------


def test_the_default_schedule_is_five_doubling_retries_after_the_first_attempt() -> None:
    policy = DeliveryPolicy()
    assert policy.schedule() == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert policy.retry_delay(6) is None
    assert DeliveryPolicy(max_attempts=9, max_retry_seconds=10).schedule()[-3:] == [10, 10, 10]


@pytest.mark.parametrize(
    "options",
    [
        {"max_attempts": 0},
        {"first_retry_seconds": 0},
        {"timeout_seconds": -1},
        {"backoff_factor": 0.5},
        {"first_retry_seconds": 5, "max_retry_seconds": 1},
    ],
)
def test_a_nonsense_policy_is_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        DeliveryPolicy(**options)


def test_the_cli_flags_set_the_policy_and_the_remote_opt_in() -> None:
    from contextsms_emulator.command import parser, settings_from

    args = parser().parse_args(
        [
            "--delivery-attempts",
            "3",
            "--delivery-first-retry",
            "0.05",
            "--delivery-backoff",
            "3",
            "--delivery-max-retry",
            "0.2",
            "--delivery-timeout",
            "2",
            "--allow-remote-webhooks",
        ]
    )
    settings = settings_from(args)
    assert settings.delivery == DeliveryPolicy(3, 0.05, 3.0, 0.2, 2.0)
    assert settings.delivery.schedule() == [0.05, pytest.approx(0.15)]
    assert settings.allow_remote_webhooks is True
    defaults = settings_from(parser().parse_args([]))
    assert (defaults.delivery, defaults.allow_remote_webhooks) == (DeliveryPolicy(), False)
