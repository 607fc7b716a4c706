"""The /_emulator operator API: request log, records, reset, and fault injection."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import httpx
import pytest
from emulator_testing import Session, assert_error

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER, FaultConfig
from contextsms_emulator.app import EmulatorApp
from contextsms_emulator.middleware import InjectedDrop

ENTERPRISE = {
    "name": "ABC Marketing Company",
    "contact": "Sarah Johnson",
    "phoneNumber": "+15551234567",
    "email": "sarah@abcmarketing.com",
}
LIST_PATH = f"/api/v1/mappings/csp/{DEMO_CSP_ID}"


def test_every_response_carries_a_request_id(client: httpx.Client, admin: Session) -> None:
    for response in (
        admin.get(LIST_PATH),
        client.get("/_emulator/requests"),
        client.get("/openapi.json"),
        client.get("/nowhere"),
    ):
        assert re.fullmatch(r"req-[0-9a-f]{16}", response.headers["x-request-id"])


def test_the_request_log_records_api_calls_only(client: httpx.Client, admin: Session) -> None:
    client.delete("/_emulator/requests")
    response = admin.get(LIST_PATH, params={"page": 0, "size": 5})
    admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json={})
    client.post("/v1/auth/login", json={"username": DEMO_USER, "password": "wrong"})
    client.get("/openapi.json")
    client.get("/_emulator/records")

    log = client.get("/_emulator/requests").json()
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("GET", LIST_PATH, 200),
        ("POST", f"/api/v1/enterprise/{DEMO_CSP_ID}", 400),
        ("POST", "/v1/auth/login", 401),
    ]
    first = log[0]
    assert first["query"] == "page=0&size=5"
    assert first["fault"] is None
    assert first["requestId"] == response.headers["x-request-id"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", first["time"])


def test_clearing_the_request_log(client: httpx.Client, admin: Session) -> None:
    admin.get(LIST_PATH)
    assert client.delete("/_emulator/requests").status_code == 204
    assert client.get("/_emulator/requests").json() == []


def test_the_request_log_is_bounded(
    make_client: Callable[..., tuple[EmulatorApp, httpx.Client]],
) -> None:
    _, client = make_client(request_log_limit=3)
    for _ in range(5):
        client.get(LIST_PATH)
    assert len(client.get("/_emulator/requests").json()) == 3


def test_records_show_every_tenant_in_snake_case(
    client: httpx.Client, admin: Session, other: Session
) -> None:
    admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json=ENTERPRISE)
    other.post("/api/v1/enterprise/CSP0000002", json={**ENTERPRISE, "name": "Other"})
    csp = admin.post("/api/v2/csp", json={"email": "a@csp.example", "name": "Sub"}).json()
    records = client.get("/_emulator/records").json()
    assert set(records) == {"csps", "enterprises", "mappings"}
    assert [(e["enterprise_id"], e["csp_id"]) for e in records["enterprises"]] == [
        ("E0000001", DEMO_CSP_ID),
        ("E0000002", "CSP0000002"),
    ]
    assert records["enterprises"][0] == {
        "enterprise_id": "E0000001",
        "csp_id": DEMO_CSP_ID,
        "name": "ABC Marketing Company",
        "contact": "Sarah Johnson",
        "phone_number": "+15551234567",
        "email": "sarah@abcmarketing.com",
        "default_mms_selection": False,
        "deleted": False,
        "created_date": records["enterprises"][0]["created_date"],
        "update_date": records["enterprises"][0]["update_date"],
        "service": "webex",
    }
    assert records["csps"][0]["csp_id"] == csp["cspId"]
    assert records["csps"][0]["parent_csp_id"] == DEMO_CSP_ID
    assert records["csps"][0]["service"] == "teams"


def test_reset_wipes_data_but_keeps_accounts_and_tokens(
    client: httpx.Client, admin: Session
) -> None:
    admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json=ENTERPRISE)
    client.put("/_emulator/faults", json={"latency_ms": 5})
    assert client.post("/_emulator/reset").status_code == 204
    assert client.get("/_emulator/records").json() == {
        "csps": [],
        "enterprises": [],
        "mappings": [],
    }
    assert client.get("/_emulator/requests").json() == []
    assert client.get("/_emulator/faults").json()["latency_ms"] == 0
    # The same token still works, and sequences start over.
    created = admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json=ENTERPRISE)
    assert created.json()["enterpriseId"] == "E0000001"
    login = client.post("/v1/auth/login", json={"username": DEMO_USER, "password": DEMO_PASSWORD})
    assert login.status_code == 200


def test_fault_settings_round_trip(client: httpx.Client) -> None:
    settings = {
        "error_rate": 0.25,
        "rate_limit_rate": 0.5,
        "retry_after_seconds": 7,
        "latency_ms": 3,
        "drop_rate": 0.1,
        "seed": 42,
    }
    put = client.put("/_emulator/faults", json=settings)
    assert put.status_code == 200
    assert put.json() == {**settings, "next": [], "held": 0}
    assert client.get("/_emulator/faults").json() == {**settings, "next": [], "held": 0}
    # PUT replaces: what is left out goes back to its default.
    assert client.put("/_emulator/faults", json={"latency_ms": 1}).json()["error_rate"] == 0.0
    assert client.delete("/_emulator/faults").status_code == 204
    assert client.get("/_emulator/faults").json() == {
        "error_rate": 0.0,
        "rate_limit_rate": 0.0,
        "retry_after_seconds": 1,
        "latency_ms": 0,
        "drop_rate": 0.0,
        "seed": None,
        "next": [],
        "held": 0,
    }


@pytest.mark.parametrize(
    "body",
    [{"error_rate": 1.5}, {"drop_rate": -0.1}, {"latency_ms": -1}, {"error_rat": 0.1}],
)
def test_bad_fault_settings_are_400(client: httpx.Client, body: dict[str, float]) -> None:
    assert_error(client.put("/_emulator/faults", json=body), 400, "BAD_REQUEST")


def test_error_fault_answers_500_without_doing_anything(
    client: httpx.Client, admin: Session
) -> None:
    client.post("/_emulator/faults/next", json={"kind": "error", "method": "POST"})
    response = admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json=ENTERPRISE)
    assert response.status_code == 500
    body = response.json()
    assert set(body) == {"error", "code", "requestId", "timestamp"}
    assert body["error"] == "Internal server error" and body["code"] == "INTERNAL_ERROR"
    assert body["requestId"] == response.headers["x-request-id"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["timestamp"])
    assert client.get("/_emulator/records").json()["enterprises"] == []
    assert client.get("/_emulator/requests").json()[-1]["fault"] == "error"


def test_rate_limit_fault_answers_429_with_retry_after(
    client: httpx.Client, admin: Session
) -> None:
    client.put("/_emulator/faults", json={"retry_after_seconds": 3})
    client.post("/_emulator/faults/next", json={"kind": "rate_limit", "count": 2})
    for _ in range(2):
        response = admin.get(LIST_PATH)
        body = assert_error(response, 429, "RATE_LIMITED")
        assert response.headers["retry-after"] == "3"
        assert body["details"] == {"retryAfterSeconds": 3}
    assert admin.get(LIST_PATH).status_code == 200
    faults = [e["fault"] for e in client.get("/_emulator/requests").json()]
    assert faults == ["rate_limit", "rate_limit", None]


def test_faults_apply_to_the_auth_service_too(client: httpx.Client) -> None:
    client.post("/_emulator/faults/next", json={"kind": "rate_limit", "path_regex": "/auth/login$"})
    login = client.post("/v1/auth/login", json={"username": DEMO_USER, "password": DEMO_PASSWORD})
    assert login.status_code == 429


def test_one_shot_faults_match_method_and_path(client: httpx.Client, admin: Session) -> None:
    client.post(
        "/_emulator/faults/next",
        json={"kind": "error", "count": 1, "method": "get", "path_regex": r"/api/v2/"},
    )
    pending = client.get("/_emulator/faults").json()["next"]
    assert pending == [{"kind": "error", "remaining": 1, "method": "GET", "path_regex": "/api/v2/"}]
    assert admin.get(LIST_PATH).status_code == 200  # v1: no match
    assert admin.post(f"/api/v2/mapping/csp/{DEMO_CSP_ID}").status_code == 405  # POST: no match
    assert admin.get(f"/api/v2/mapping/csp/{DEMO_CSP_ID}").status_code == 500
    assert admin.get(f"/api/v2/mapping/csp/{DEMO_CSP_ID}").status_code == 200
    assert client.get("/_emulator/faults").json()["next"] == []


def test_one_shot_faults_are_validated(client: httpx.Client) -> None:
    bad_regex = client.post("/_emulator/faults/next", json={"kind": "error", "path_regex": "("})
    assert_error(bad_regex, 400, "BAD_REQUEST", "path_regex")
    assert_error(client.post("/_emulator/faults/next", json={"kind": "boom"}), 400, "BAD_REQUEST")
    zero = client.post("/_emulator/faults/next", json={"kind": "error", "count": 0})
    assert_error(zero, 400, "BAD_REQUEST", "count")


def test_a_drop_skips_reads_and_hits_the_next_write(app: EmulatorApp, admin: Session) -> None:
    admin.client.post("/_emulator/faults/next", json={"kind": "drop"})
    assert admin.get(LIST_PATH).status_code == 200
    # In-process there is no socket to cut: the injected exception surfaces instead.
    with pytest.raises(InjectedDrop):
        admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json=ENTERPRISE)
    assert len(app.emulator.store.dump()["enterprises"]) == 1  # committed before the drop
    assert app.emulator.request_log.entries()[-1]["fault"] == "drop"
    assert app.emulator.request_log.entries()[-1]["status"] == 201


def test_latency_is_added_to_api_calls_only(client: httpx.Client, admin: Session) -> None:
    client.put("/_emulator/faults", json={"latency_ms": 150})
    started = time.perf_counter()
    admin.get(LIST_PATH)
    assert time.perf_counter() - started >= 0.15
    started = time.perf_counter()
    client.get("/_emulator/faults")
    assert time.perf_counter() - started < 0.15


def test_random_faults_are_reproducible_with_a_seed(client: httpx.Client, admin: Session) -> None:
    def run() -> list[int]:
        client.put("/_emulator/faults", json={"error_rate": 0.3, "rate_limit_rate": 0.3, "seed": 7})
        return [admin.get(LIST_PATH).status_code for _ in range(30)]

    first, second = run(), run()
    assert first == second
    assert {200, 429, 500} == set(first)


def test_fault_flags_become_the_starting_configuration(
    make_client: Callable[..., tuple[EmulatorApp, httpx.Client]],
) -> None:
    _, client = make_client(faults=FaultConfig(error_rate=1.0))
    response = client.post(
        "/v1/auth/login", json={"username": DEMO_USER, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 500
    assert client.get("/_emulator/faults").json()["error_rate"] == 1.0


def test_an_unexpected_exception_is_a_documented_500(
    app: EmulatorApp,
    admin: Session,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(app.emulator.platform, "mappings_of_csp", broken)
    response = admin.get(LIST_PATH)
    assert response.status_code == 500
    body = response.json()
    assert (body["error"], body["code"]) == ("Internal server error", "INTERNAL_ERROR")
    assert body["requestId"] == response.headers["x-request-id"]
    assert app.emulator.request_log.entries()[-1]["status"] == 500
    assert body["requestId"] in caplog.text
