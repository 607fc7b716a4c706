"""The real thing: the CLI as a subprocess, real sockets, cut connections, restarts."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER, EmulatorProcess

ENTERPRISE = {
    "name": "ABC Marketing Company",
    "contact": "Sarah Johnson",
    "phoneNumber": "+15551234567",
    "email": "sarah@abcmarketing.com",
    "defaultMmsSelection": True,
}


def login(client: httpx.Client, base: str) -> dict[str, str]:
    response = client.post(
        f"{base}/auth/login", json={"username": DEMO_USER, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['accessToken']}"}


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(log_level="info") as emulator:
        yield emulator


@pytest.fixture
def emu(server: EmulatorProcess) -> EmulatorProcess:
    server.reset()
    return server


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    limits = httpx.Limits(max_connections=32)
    with httpx.Client(timeout=10, limits=limits) as client:
        yield client


def test_the_process_announces_its_address_and_bases(emu: EmulatorProcess) -> None:
    assert emu.url.startswith("http://127.0.0.1:") and emu.port > 0
    assert emu.webex_api_base == emu.url + "/api/v1"
    assert emu.webex_auth_base == emu.url + "/v1"
    assert emu.teams_api_base == emu.url + "/api/v2"
    assert httpx.get(emu.url + "/openapi.json").status_code == 200


def test_a_dropped_create_is_committed_and_replayed_on_retry(
    emu: EmulatorProcess, http: httpx.Client
) -> None:
    headers = {**login(http, emu.webex_auth_base), "Idempotency-Key": "drop-then-retry"}
    emu.fault_next("drop", method="POST", path_regex=r"/enterprise/")
    url = f"{emu.webex_api_base}/enterprise/{DEMO_CSP_ID}"

    with pytest.raises(httpx.RemoteProtocolError):
        http.post(url, json=ENTERPRISE, headers=headers)

    committed = emu.records()["enterprises"]
    assert [e["name"] for e in committed] == ["ABC Marketing Company"]
    retry = http.post(url, json=ENTERPRISE, headers=headers)
    assert retry.status_code == 201
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json()["enterpriseId"] == committed[0]["enterprise_id"]
    assert len(emu.records()["enterprises"]) == 1
    drop, replay = emu.requests()[-2:]
    assert (drop["fault"], drop["status"]) == ("drop", 201)
    assert (replay["fault"], replay["status"]) == (None, 201)


def test_a_process_started_to_ignore_keys_creates_again_on_a_retry(
    http: httpx.Client,
) -> None:
    """`--ignore-idempotency-keys`: a dropped create replayed with its key makes a second
    record, as a service without Idempotency-Key support would; the switch turns it back."""
    with EmulatorProcess(honour_idempotency_keys=False) as emu:
        assert emu.idempotency() is False
        headers = {**login(http, emu.webex_auth_base), "Idempotency-Key": "not-honoured"}
        url = f"{emu.webex_api_base}/enterprise/{DEMO_CSP_ID}"
        emu.fault_next("drop", method="POST", path_regex=r"/enterprise/")
        with pytest.raises(httpx.RemoteProtocolError):
            http.post(url, json=ENTERPRISE, headers=headers)
        retry = http.post(url, json=ENTERPRISE, headers=headers)
        assert retry.status_code == 201 and "idempotent-replayed" not in retry.headers
        assert len(emu.records()["enterprises"]) == 2
        emu.set_idempotency(True)
        again = http.post(url, json=ENTERPRISE, headers={**headers, "Idempotency-Key": "k2"})
        replay = http.post(url, json=ENTERPRISE, headers={**headers, "Idempotency-Key": "k2"})
        assert replay.json() == again.json()
        assert replay.headers["idempotent-replayed"] == "true"


def test_a_dropped_bodiless_delete_is_still_seen_as_cut(
    emu: EmulatorProcess, http: httpx.Client
) -> None:
    headers = login(http, emu.webex_auth_base)
    created = http.post(
        f"{emu.webex_api_base}/enterprise/{DEMO_CSP_ID}", json=ENTERPRISE, headers=headers
    ).json()
    emu.fault_next("drop", method="DELETE")
    url = f"{emu.webex_api_base}/enterprise/deleteenterprise/{created['enterpriseId']}"
    with pytest.raises(httpx.RemoteProtocolError):
        http.delete(url, headers=headers)
    assert emu.records()["enterprises"][0]["deleted"] is True
    assert http.delete(url, headers=headers).status_code == 404  # the retry finds it gone


def test_drops_are_logged_in_one_line_without_a_traceback(emu: EmulatorProcess) -> None:
    with httpx.Client(timeout=10) as client:
        headers = login(client, emu.webex_auth_base)
        emu.fault_next("drop", count=3)
        for _ in range(3):
            with pytest.raises(httpx.RemoteProtocolError):
                client.post(
                    f"{emu.teams_api_base}/csp",
                    json={"email": "a@b.example", "name": "X"},
                    headers=headers,
                )
    emu.requests()  # a round trip, so the log lines have been written
    output = "\n".join(emu.output)
    assert "Traceback" not in output
    assert output.count("Injected drop") >= 3


def test_random_faults_set_through_the_helper(emu: EmulatorProcess, http: httpx.Client) -> None:
    emu.set_faults(error_rate=1.0)
    assert http.get(f"{emu.teams_api_base}/mapping/csp/{DEMO_CSP_ID}").status_code == 500
    assert emu.faults()["error_rate"] == 1.0
    emu.clear_faults()
    assert http.get(f"{emu.teams_api_base}/mapping/csp/{DEMO_CSP_ID}").status_code == 401
    emu.clear_requests()
    assert emu.requests() == []


def test_concurrent_clients_cannot_map_one_number_twice(
    emu: EmulatorProcess, http: httpx.Client
) -> None:
    headers = login(http, emu.webex_auth_base)
    enterprise_id = http.post(
        f"{emu.webex_api_base}/enterprise/{DEMO_CSP_ID}", json=ENTERPRISE, headers=headers
    ).json()["enterpriseId"]

    def create(n: int) -> int:
        return http.post(
            f"{emu.webex_api_base}/mapping/add/{enterprise_id}",
            json={
                "messagingAppId": f"bot-{n}",
                "phoneNumber": "+15559990000",
                "messagingAppType": "Webex",
            },
            headers=headers,
        ).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = sorted(pool.map(create, range(32)))
    assert statuses == [201] + [409] * 31
    assert len(emu.records()["mappings"]) == 1


def test_state_and_tokens_survive_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "emulator.db"
    with EmulatorProcess(db=str(db)) as emu, httpx.Client(timeout=10) as http:
        headers = login(http, emu.webex_auth_base)
        first = http.post(
            f"{emu.webex_api_base}/enterprise/{DEMO_CSP_ID}", json=ENTERPRISE, headers=headers
        ).json()
        port = emu.port

        emu.restart()
        assert emu.port == port
        assert db.exists()
        got = http.get(
            f"{emu.webex_api_base}/enterprise/getenterprise/{first['enterpriseId']}",
            headers=headers,  # signed before the restart: the secret is in the database
        )
        assert got.status_code == 200 and got.json() == first
        second = http.post(
            f"{emu.webex_api_base}/enterprise/{DEMO_CSP_ID}", json=ENTERPRISE, headers=headers
        ).json()
        assert (first["enterpriseId"], second["enterpriseId"]) == ("E0000001", "E0000002")
    assert emu.returncode == 0  # SIGTERM is a clean shutdown


def test_the_cli_refuses_a_non_loopback_host() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "contextsms_emulator", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "--allow-remote" in result.stderr
    assert result.stdout == ""


def test_users_and_roles_come_from_the_command_line() -> None:
    users = ["ops@csp9.test:s3cret:CSP0000009", "read@csp9.test:r3ad:CSP0000009:CSP_BUSINESS"]
    with EmulatorProcess(users=users) as emu, httpx.Client(timeout=10) as http:
        demo = http.post(
            f"{emu.webex_auth_base}/auth/login",
            json={"username": DEMO_USER, "password": DEMO_PASSWORD},
        )
        assert demo.status_code == 401  # explicit users replace the demo account
        reader = http.post(
            f"{emu.teams_api_base}/auth/login",
            json={"username": "read@csp9.test", "password": "r3ad"},
        ).json()
        assert (reader["roles"], reader["tenantId"]) == (["CSP_BUSINESS"], "CSP0000009")
        assert "s3cret" not in "\n".join(emu.output)


def test_small_responses_are_not_held_back_by_nagle(
    emu: EmulatorProcess, http: httpx.Client
) -> None:
    """Headers and body go out in two writes: without TCP_NODELAY each costs ~40 ms."""
    http.get(emu.url + "/_emulator/faults")  # open the keep-alive connection
    started = time.perf_counter()
    for _ in range(20):
        http.get(emu.url + "/_emulator/faults")
    assert (time.perf_counter() - started) / 20 < 0.02


def test_seed_posts_portal_made_accounts_and_records_filters_by_service(
    emu: EmulatorProcess,
) -> None:
    account = {
        "service": "teams",
        "csp_id": DEMO_CSP_ID,
        "enterprises": [
            {
                "name": "Sunshine Dental Clinic",
                "contact": "Dr. Maria Rodriguez",
                "phone_number": "+15559876543",
                "email": "maria@sunshinedental.com",
                "numbers": [{"phone_number": "+15559876543", "messaging_app_id": "ch-1"}],
            }
        ],
    }
    made = emu.seed(account)
    assert [(e["enterprise_id"], e["service"]) for e in made["enterprises"]] == [
        ("E0000001", "teams")
    ]
    assert emu.records(service="teams") == made
    assert emu.records(service="webex") == {"csps": [], "enterprises": [], "mappings": []}
    with pytest.raises(httpx.HTTPStatusError) as refused:
        emu.seed([{**account, "service": "webex"}, account])  # the Teams number again
    assert refused.value.response.status_code == 409
    assert emu.records() == made  # all or nothing


def test_seed_files_seed_a_new_file_database_once(tmp_path: Path) -> None:
    from contextsms_emulator.seeds import PORTAL_ACCOUNT

    db = str(tmp_path / "emulator.db")
    with EmulatorProcess(db=db, seed_files=[PORTAL_ACCOUNT]) as emu:
        seeded = emu.records()
        assert {e["service"] for e in seeded["enterprises"]} == {"webex", "teams"}
        emu.restart()
        assert emu.records() == seeded
