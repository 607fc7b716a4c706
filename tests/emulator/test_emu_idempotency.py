"""Idempotency-Key: the first completed response is replayed; the key is bound to its body."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import anyio
import httpx
from emulator_testing import Session, assert_error

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER
from contextsms_emulator.app import EmulatorApp
from contextsms_emulator.faults import OneShotFault
from contextsms_emulator.idempotency import IdempotencyMiddleware
from contextsms_emulator.middleware import read_body, send_json

ENTERPRISE = {
    "name": "ABC Marketing Company",
    "contact": "Sarah Johnson",
    "phoneNumber": "+15551234567",
    "email": "sarah@abcmarketing.com",
}
PATH = f"/api/v1/enterprise/{DEMO_CSP_ID}"


def test_a_repeated_key_replays_without_creating_again(app: EmulatorApp, admin: Session) -> None:
    key = {"Idempotency-Key": "create-abc-1"}
    first = admin.post(PATH, json=ENTERPRISE, headers=key)
    second = admin.post(PATH, json=ENTERPRISE, headers=key)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert second.headers["content-type"] == "application/json"
    assert second.headers["x-request-id"] != first.headers["x-request-id"]
    assert len(app.emulator.store.dump()["enterprises"]) == 1


def test_the_body_comparison_ignores_key_order_and_spacing(admin: Session) -> None:
    key = {"Idempotency-Key": "order", "Content-Type": "application/json"}
    first = admin.post(PATH, json=ENTERPRISE, headers=key)
    reordered = dict(reversed(list(ENTERPRISE.items())))
    again = admin.post(PATH, content=json.dumps(reordered, indent=2), headers=key)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"


def test_the_same_key_with_another_body_is_refused(app: EmulatorApp, admin: Session) -> None:
    key = {"Idempotency-Key": "reused"}
    admin.post(PATH, json=ENTERPRISE, headers=key)
    reused = admin.post(PATH, json={**ENTERPRISE, "name": "Another"}, headers=key)
    body = assert_error(reused, 400, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key")
    assert "different" in body["error"]
    assert len(app.emulator.store.dump()["enterprises"]) == 1


def test_different_keys_create_different_records(app: EmulatorApp, admin: Session) -> None:
    a = admin.post(PATH, json=ENTERPRISE, headers={"Idempotency-Key": "a"}).json()
    b = admin.post(PATH, json=ENTERPRISE, headers={"Idempotency-Key": "b"}).json()
    assert a["enterpriseId"] != b["enterpriseId"]


def test_keys_are_scoped_per_user_and_path(admin: Session, other: Session) -> None:
    key = {"Idempotency-Key": "shared-key"}
    mine = admin.post(PATH, json=ENTERPRISE, headers=key)
    theirs = other.post("/api/v1/enterprise/CSP0000002", json=ENTERPRISE, headers=key)
    assert theirs.status_code == 201 and "idempotent-replayed" not in theirs.headers
    assert theirs.json()["enterpriseId"] != mine.json()["enterpriseId"]
    teams = admin.post(
        f"/api/v2/enterprise/{DEMO_CSP_ID}",
        json={
            **{k: v for k, v in ENTERPRISE.items() if k != "phoneNumber"},
            "number": "+15551234567",
        },
        headers=key,
    )
    assert teams.status_code == 201 and "idempotent-replayed" not in teams.headers


def test_error_answers_are_replayed_too(admin: Session) -> None:
    enterprise_id = admin.post(PATH, json=ENTERPRISE).json()["enterpriseId"]
    mapping = {"messagingAppId": "b", "phoneNumber": "+15551234567", "messagingAppType": "Webex"}
    admin.post(f"/api/v1/mapping/add/{enterprise_id}", json=mapping)
    key = {"Idempotency-Key": "dup"}
    first = admin.post(f"/api/v1/mapping/add/{enterprise_id}", json=mapping, headers=key)
    assert first.status_code == 409
    admin.delete(f"/api/v1/mapping/{first.json()['details']['existingMappingId']}")
    replay = admin.post(f"/api/v1/mapping/add/{enterprise_id}", json=mapping, headers=key)
    assert replay.status_code == 409 and replay.json() == first.json()
    assert replay.headers["idempotent-replayed"] == "true"


def test_server_errors_are_not_stored(app: EmulatorApp, admin: Session) -> None:
    key = {"Idempotency-Key": "after-500"}
    app.emulator.faults.add_next(OneShotFault("error", 1))
    failed = admin.post(PATH, json=ENTERPRISE, headers=key)
    assert failed.status_code == 500
    retried = admin.post(PATH, json=ENTERPRISE, headers=key)
    assert retried.status_code == 201 and "idempotent-replayed" not in retried.headers


def test_keys_are_not_applied_without_a_valid_token(admin: Session) -> None:
    response = admin.client.post(PATH, json=ENTERPRISE, headers={"Idempotency-Key": "anon"})
    assert_error(response, 401, "UNAUTHORIZED")
    created = admin.post(PATH, json=ENTERPRISE, headers={"Idempotency-Key": "anon"})
    assert created.status_code == 201 and "idempotent-replayed" not in created.headers


def test_an_oversized_key_is_refused(admin: Session) -> None:
    response = admin.post(PATH, json=ENTERPRISE, headers={"Idempotency-Key": "k" * 256})
    assert_error(response, 400, "BAD_REQUEST", "Idempotency-Key")


def test_reset_wipes_the_keys(app: EmulatorApp, admin: Session) -> None:
    key = {"Idempotency-Key": "wiped"}
    admin.post(PATH, json=ENTERPRISE, headers=key)
    app.emulator.reset()
    again = admin.post(PATH, json=ENTERPRISE, headers=key)
    assert again.status_code == 201 and "idempotent-replayed" not in again.headers


def test_keys_expire_after_their_ttl(
    make_client: Callable[..., tuple[EmulatorApp, httpx.Client]],
) -> None:
    _, client = make_client(idempotency_ttl=0)
    token = client.post(
        "/v1/auth/login", json={"username": DEMO_USER, "password": DEMO_PASSWORD}
    ).json()["accessToken"]
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "short-lived"}
    first = client.post(PATH, json=ENTERPRISE, headers=headers)
    time.sleep(0.005)
    second = client.post(PATH, json=ENTERPRISE, headers=headers)
    assert second.status_code == 201 and "idempotent-replayed" not in second.headers
    assert second.json()["enterpriseId"] != first.json()["enterpriseId"]


def test_a_concurrent_retry_waits_for_the_first_and_replays(
    app: EmulatorApp, admin: Session
) -> None:
    """Two requests with one key in flight at once: the app runs once, both get its answer."""
    runs: list[int] = []

    async def slow_app(scope: Any, receive: Any, send: Any) -> None:
        await read_body(receive)
        runs.append(1)
        await anyio.sleep(0.05)  # still running when the second request arrives
        await send_json(send, 201, {"run": len(runs)})

    middleware = IdempotencyMiddleware(slow_app, app.emulator)
    results: list[httpx.Response] = []

    async def race() -> None:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=middleware), base_url="http://emulator.test"
        ) as aclient:
            headers = {**admin.headers, "Idempotency-Key": "in-flight"}

            async def post() -> None:
                results.append(await aclient.post(PATH, json=ENTERPRISE, headers=headers))

            async with anyio.create_task_group() as group:
                group.start_soon(post)
                group.start_soon(post)

    anyio.run(race)
    assert len(runs) == 1
    assert [r.json() for r in results] == [{"run": 1}, {"run": 1}]
    assert sorted(r.headers.get("idempotent-replayed", "no") for r in results) == ["no", "true"]


def test_ignoring_keys_runs_every_request_like_a_service_without_them(
    app: EmulatorApp, admin: Session, client: httpx.Client
) -> None:
    assert client.put("/_emulator/idempotency", json={"honour": False}).json() == {"honour": False}
    key = {"Idempotency-Key": "ignored"}
    first = admin.post(PATH, json=ENTERPRISE, headers=key)
    second = admin.post(PATH, json=ENTERPRISE, headers=key)
    reused = admin.post(PATH, json={**ENTERPRISE, "name": "Another"}, headers=key)
    assert [r.status_code for r in (first, second, reused)] == [201, 201, 201]
    assert "idempotent-replayed" not in second.headers
    assert len({r.json()["enterpriseId"] for r in (first, second, reused)}) == 3
    assert client.get("/_emulator/idempotency").json() == {"honour": False}


def test_reset_restores_the_start_up_idempotency_setting(
    app: EmulatorApp, admin: Session, client: httpx.Client
) -> None:
    client.put("/_emulator/idempotency", json={"honour": False})
    client.post("/_emulator/reset")
    assert client.get("/_emulator/idempotency").json() == {"honour": True}
    key = {"Idempotency-Key": "honoured-again"}
    admin.post(PATH, json=ENTERPRISE, headers=key)
    assert admin.post(PATH, json=ENTERPRISE, headers=key).headers["idempotent-replayed"] == "true"


def test_the_start_up_setting_can_ignore_keys(
    make_client: Callable[..., tuple[EmulatorApp, httpx.Client]],
) -> None:
    _, client = make_client(honour_idempotency_keys=False)
    token = client.post(
        "/v1/auth/login", json={"username": DEMO_USER, "password": DEMO_PASSWORD}
    ).json()["accessToken"]
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "start-up"}
    first = client.post(PATH, json=ENTERPRISE, headers=headers)
    second = client.post(PATH, json=ENTERPRISE, headers=headers)
    assert second.json()["enterpriseId"] != first.json()["enterpriseId"]
    assert client.get("/_emulator/idempotency").json() == {"honour": False}


def test_the_idempotency_switch_refuses_a_non_boolean(client: httpx.Client) -> None:
    response = client.put("/_emulator/idempotency", json={"honour": "no"})
    assert response.status_code == 400
    assert client.get("/_emulator/idempotency").json() == {"honour": True}


def test_a_request_whose_client_left_mid_body_neither_runs_nor_claims_its_key(
    app: EmulatorApp, admin: Session
) -> None:
    """Found by the crash test: a client killed while sending left an empty body that
    answered 400 and was stored under its key, so the recovery's whole request with the
    same key was refused as a reused key."""
    runs: list[int] = []

    async def counting_app(scope: Any, receive: Any, send: Any) -> None:
        runs.append(1)
        await send_json(send, 201, {})

    middleware = IdempotencyMiddleware(counting_app, app.emulator)
    headers = [
        (k.lower().encode(), v.encode())
        for k, v in {**admin.headers, "Idempotency-Key": "cut-short"}.items()
    ]
    scope = {"type": "http", "method": "POST", "path": PATH, "headers": headers}
    sent: list[Any] = []
    messages = iter(
        [
            {"type": "http.request", "body": b'{"name": "ABC', "more_body": True},
            {"type": "http.disconnect"},
        ]
    )

    async def receive() -> Any:
        return next(messages)

    async def send(message: Any) -> None:
        sent.append(message)

    anyio.run(middleware, scope, receive, send)
    assert runs == [] and sent == []
    created = admin.post(PATH, json=ENTERPRISE, headers={"Idempotency-Key": "cut-short"})
    assert created.status_code == 201 and "idempotent-replayed" not in created.headers
