"""Token expiry against an emulator issuing 2-second access tokens.

Counts come from the emulator's request log, so they are what the server saw.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from integration_support import OTHER_CSP_ID, OTHER_PASSWORD, OTHER_USER, USERS

from contextsms_emulator import DEMO_CSP_ID, EmulatorProcess
from pulumi_contextsms.client import ContextSmsClient, EnterpriseSpec, Platform

TOKEN_TTL = 2
RUN_SECONDS = 2.6  # longer than a token lives
MAX_SECONDS = 8.0
SPEC = EnterpriseSpec(
    name="Token Co", contact="Tim", phone_number="+15551239999", email="tim@token.example"
)


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(users=USERS, token_ttl=TOKEN_TTL) as emu:
        yield emu


def hammer(client: ContextSmsClient, enterprise_id: str, failures: list[BaseException]) -> int:
    """GET in a loop for RUN_SECONDS, and on until the client has refreshed once (the
    token's exact lifetime is 2 to 3 s: its expiry is rounded up to a whole second)."""
    calls = 0
    started = time.monotonic()
    while True:
        elapsed = time.monotonic() - started
        if elapsed >= MAX_SECONDS or (elapsed >= RUN_SECONDS and client.refresh_count >= 1):
            return calls
        try:
            client.get_enterprise(enterprise_id)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            failures.append(exc)
            return calls
        calls += 1
        time.sleep(0.05)


def test_runs_longer_than_a_token_keep_working(
    make_client: Callable[..., ContextSmsClient], emulator: EmulatorProcess
) -> None:
    webex = make_client(Platform.WEBEX)
    teams = make_client(Platform.TEAMS)
    # a client whose clock runs 30 s slow never refreshes early: it meets the 401s
    skewed = make_client(
        Platform.WEBEX,
        username=OTHER_USER,
        password=OTHER_PASSWORD,
        clock=lambda: time.time() - 30,
    )
    webex_id = webex.create_enterprise(DEMO_CSP_ID, SPEC).enterprise_id
    teams_id = teams.create_enterprise(DEMO_CSP_ID, SPEC).enterprise_id
    skewed_id = skewed.create_enterprise(OTHER_CSP_ID, SPEC).enterprise_id

    failures: list[BaseException] = []
    jobs = [(webex, webex_id)] * 4 + [(teams, teams_id)] * 4 + [(skewed, skewed_id)]
    threads = [threading.Thread(target=hammer, args=(c, e, failures)) for c, e in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []

    log = emulator.requests()

    def count(path_end: str, status: int | None = None) -> int:
        return sum(
            1
            for r in log
            if r["path"].endswith(path_end) and (status is None or r["status"] == status)
        )

    # proactive refresh: the well-clocked clients never met a 401
    assert count(f"/getenterprise/{webex_id}", 401) == 0
    assert count(f"/getenterprise/{teams_id}", 401) == 0
    assert count(f"/getenterprise/{webex_id}", 200) >= 20
    # the slow-clocked client met the expiry as 401s, refreshed, and carried on
    assert count(f"/getenterprise/{skewed_id}", 401) >= 1
    assert count(f"/getenterprise/{skewed_id}", 200) >= 10

    # one login per client, ever; refreshes single-flight (the log agrees with the counters)
    assert (webex.login_count, teams.login_count, skewed.login_count) == (1, 1, 1)
    assert count("/v1/auth/login") == 2 and count("/api/v2/auth/login") == 1
    assert webex.refresh_count >= 1 and teams.refresh_count >= 1 and skewed.refresh_count >= 1
    assert count("/api/v2/auth/getaccesstoken") == teams.refresh_count
    assert count("/v1/auth/getaccesstoken") == webex.refresh_count + skewed.refresh_count
    assert teams.refresh_count <= 4  # ~every 1.5-2.3 s over 2.6-4 s, not once per thread


def test_refused_refresh_falls_back_to_login(
    make_client: Callable[..., ContextSmsClient], emulator: EmulatorProcess
) -> None:
    # a slow clock keeps the client from refreshing early, however long the restart takes
    client = make_client(Platform.WEBEX, clock=lambda: time.time() - 30)
    client.list_csp_mappings(DEMO_CSP_ID)
    emulator.restart()  # in-memory database: a new signing secret, so every token is void
    assert client.list_csp_mappings(DEMO_CSP_ID) == []
    assert [(r["method"], r["path"], r["status"]) for r in emulator.requests()] == [
        ("GET", f"/api/v1/mappings/csp/{DEMO_CSP_ID}", 401),
        ("POST", "/v1/auth/getaccesstoken", 401),
        ("POST", "/v1/auth/login", 200),
        ("GET", f"/api/v1/mappings/csp/{DEMO_CSP_ID}", 200),
    ]
    assert client.login_count == 2 and client.refresh_count == 0
