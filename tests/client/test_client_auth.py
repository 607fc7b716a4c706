"""Login once, refresh before expiry and on 401, fall back to login, single flight."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx
import pytest
from client_fakes import PASSWORD, FakeAPI, FakeClock, iso, json_response

from pulumi_contextsms.client import (
    AuthenticationError,
    ContextSmsClient,
    Platform,
    RetryPolicy,
    ServerError,
)
from pulumi_contextsms.client.auth import refresh_margin

LIST = ("GET", "/api/v1/mappings/enterprise/E1")


@pytest.fixture(autouse=True)
def _routes(api: FakeAPI) -> None:
    api.on(*LIST, json_response(200, []))
    api.on("GET", "/api/v2/csp/enterprises/CSP1", json_response(200, []))


def test_logs_in_once_and_reuses_the_token(api: FakeAPI, webex: ContextSmsClient) -> None:
    for _ in range(5):
        webex.list_mappings("E1")
    assert api.logins == 1 and api.refreshes == 0
    assert webex.login_count == 1 and webex.refresh_count == 0
    assert {r.headers["Authorization"] for r in api.api_requests()} == {"Bearer access-1"}


def test_login_body_is_the_documented_one(api: FakeAPI, webex: ContextSmsClient) -> None:
    webex.authenticate()
    login = api.requests[0]
    assert login.url.path == "/v1/auth/login"
    assert "Authorization" not in login.headers
    assert login.read() == b'{"username":"ops@example.com","password":"pa55-w0rd-SECRET"}'


@pytest.mark.parametrize(
    ("ttl", "margin"), [(3600.0, 30.0), (120.0, 30.0), (60.0, 15.0), (2.0, 0.5), (0.4, 0.1)]
)
def test_refresh_margin_is_min_of_30s_and_a_quarter_of_the_lifetime(
    ttl: float, margin: float
) -> None:
    assert refresh_margin(ttl) == pytest.approx(margin)


@pytest.mark.parametrize(("ttl", "margin"), [(3600.0, 30.0), (2.0, 0.5)])
def test_refreshes_shortly_before_expiry(
    api: FakeAPI, clock: FakeClock, webex: ContextSmsClient, ttl: float, margin: float
) -> None:
    api.token_ttl = ttl
    webex.list_mappings("E1")
    clock.advance(ttl - margin - 0.01)
    webex.list_mappings("E1")
    assert api.refreshes == 0
    clock.advance(0.02)
    webex.list_mappings("E1")
    assert api.refreshes == 1 and api.logins == 1
    assert api.paths() == [
        "POST /v1/auth/login",
        "GET /api/v1/mappings/enterprise/E1",
        "GET /api/v1/mappings/enterprise/E1",
        "POST /v1/auth/getaccesstoken",
        "GET /api/v1/mappings/enterprise/E1",
    ]
    refresh = api.requests[3]
    assert refresh.read() == b'{"username":"ops@example.com","refreshToken":"refresh-1"}'
    assert api.requests[-1].headers["Authorization"] == "Bearer access-2"
    assert webex.refresh_count == 1


def test_a_two_second_token_keeps_working_over_a_long_run(
    api: FakeAPI, clock: FakeClock, webex: ContextSmsClient
) -> None:
    api.token_ttl = 2.0
    for _ in range(40):
        webex.list_mappings("E1")
        clock.advance(0.25)
    assert api.logins == 1 and api.refreshes >= 5


def test_a_401_refreshes_and_retries_once(
    api: FakeAPI, clock: FakeClock, webex: ContextSmsClient
) -> None:
    webex.list_mappings("E1")
    api.valid.clear()  # the server forgets every access token (e.g. key rotation)
    assert webex.list_mappings("E1") == []
    assert api.paths()[-3:] == [
        "GET /api/v1/mappings/enterprise/E1",
        "POST /v1/auth/getaccesstoken",
        "GET /api/v1/mappings/enterprise/E1",
    ]
    assert api.refreshes == 1 and api.logins == 1


@pytest.mark.parametrize("status", [400, 401, 403])
def test_refused_refresh_falls_back_to_a_fresh_login(
    api: FakeAPI, webex: ContextSmsClient, status: int
) -> None:
    webex.list_mappings("E1")
    api.valid.clear()
    api.refuse_refresh_status = status
    assert webex.list_mappings("E1") == []
    assert api.paths()[-4:] == [
        "GET /api/v1/mappings/enterprise/E1",
        "POST /v1/auth/getaccesstoken",
        "POST /v1/auth/login",
        "GET /api/v1/mappings/enterprise/E1",
    ]
    assert webex.login_count == 2 and webex.refresh_count == 0


def test_a_second_401_is_raised_not_looped(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on(
        *LIST,
        json_response(401, {"error": "Invalid or expired access token", "code": "UNAUTHORIZED"}),
    )
    with pytest.raises(AuthenticationError) as info:
        webex.list_mappings("E1")
    assert info.value.status_code == 401
    assert [p for p in api.paths() if "mappings" in p] == ["GET /api/v1/mappings/enterprise/E1"] * 2


def test_bad_credentials_raise_authentication_error_with_a_hint(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.login_status = 401
    with pytest.raises(AuthenticationError) as info:
        webex.list_mappings("E1")
    message = str(info.value)
    assert message.startswith("POST /v1/auth/login failed: 401 UNAUTHORIZED: Invalid credentials")
    assert message.endswith("; check the username (ops@example.com) and the password")
    assert PASSWORD not in message
    assert info.value.request is None and info.value.response is None and info.value.body is None
    assert info.value.__cause__ is None
    assert api.api_requests() == []
    assert len(api.requests) == 1  # a 401 from login is not retried


def test_transient_refresh_failure_keeps_the_still_valid_token(
    api: FakeAPI, clock: FakeClock, make_client: Callable[..., ContextSmsClient]
) -> None:
    client = make_client(Platform.WEBEX, retry=RetryPolicy.no_retries())
    client.list_mappings("E1")
    clock.advance(3600 - 10)  # inside the refresh margin, not yet expired
    api.refuse_refresh_status = 503
    assert client.list_mappings("E1") == []
    assert api.requests[-1].headers["Authorization"] == "Bearer access-1"


def test_transient_refresh_failure_after_expiry_is_raised(
    api: FakeAPI, clock: FakeClock, make_client: Callable[..., ContextSmsClient]
) -> None:
    client = make_client(Platform.WEBEX, retry=RetryPolicy.no_retries())
    client.list_mappings("E1")
    clock.advance(3600 + 1)
    api.refuse_refresh_status = 503
    with pytest.raises(ServerError):
        client.list_mappings("E1")


def test_an_expiry_already_past_by_the_local_clock_relies_on_401(
    api: FakeAPI, clock: FakeClock, webex: ContextSmsClient, caplog: pytest.LogCaptureFixture
) -> None:
    api.token_ttl = 3600
    clock.advance(-7200)  # local clock two hours behind... the server's expiry looks past
    original_issue = api._issue

    def skewed() -> httpx.Response:
        response = original_issue()
        body = response.json()
        body["expirationTimeInUTC"] = iso(clock() - 60)
        api.valid[body["accessToken"]] = float("inf")
        return json_response(200, body)

    api._issue = skewed  # type: ignore[method-assign]
    for _ in range(3):
        webex.list_mappings("E1")
    assert api.logins == 1 and api.refreshes == 0
    assert "clock skew" in caplog.text


def test_tokens_without_expiry_are_used_until_a_401(api: FakeAPI, webex: ContextSmsClient) -> None:
    original_issue = api._issue

    def no_expiry() -> httpx.Response:
        body = original_issue().json()
        del body["expirationTimeInUTC"]
        return json_response(200, body)

    api._issue = no_expiry  # type: ignore[method-assign]
    webex.list_mappings("E1")
    webex.list_mappings("E1")
    assert api.logins == 1 and api.refreshes == 0


def test_refresh_response_without_refresh_token_keeps_the_old_one(
    api: FakeAPI, clock: FakeClock, webex: ContextSmsClient
) -> None:
    original_issue = api._issue
    issued = 0

    def issue() -> httpx.Response:
        nonlocal issued
        issued += 1
        body = original_issue().json()
        if issued > 1:
            del body["refreshToken"]
        return json_response(200, body)

    api._issue = issue  # type: ignore[method-assign]
    webex.list_mappings("E1")
    clock.advance(3600 - 1)
    webex.list_mappings("E1")
    clock.advance(3600 - 1)
    webex.list_mappings("E1")
    refreshes = [r for r in api.requests if r.url.path.endswith("getaccesstoken")]
    assert [r.read() for r in refreshes] == [
        b'{"username":"ops@example.com","refreshToken":"refresh-1"}'
    ] * 2
    assert api.logins == 1


# -- single flight ---------------------------------------------------------------------


def run_in_threads(n: int, work: Callable[[], object]) -> list[BaseException]:
    barrier = threading.Barrier(n)
    failures: list[BaseException] = []

    def run() -> None:
        barrier.wait()
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            failures.append(exc)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return failures


def test_eight_threads_at_once_cause_exactly_one_login(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.login_delay = lambda: time.sleep(0.05)
    assert run_in_threads(8, lambda: webex.list_mappings("E1")) == []
    assert api.logins == 1 and webex.login_count == 1
    assert len(api.api_requests()) == 8


def test_eight_threads_past_the_margin_cause_exactly_one_refresh(
    api: FakeAPI, clock: FakeClock, webex: ContextSmsClient
) -> None:
    webex.list_mappings("E1")
    clock.advance(3600 - 5)
    assert run_in_threads(8, lambda: webex.list_mappings("E1")) == []
    assert api.refreshes == 1 and api.logins == 1


def test_eight_threads_hitting_401_cause_exactly_one_refresh(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    webex.list_mappings("E1")
    api.valid.clear()
    assert run_in_threads(8, lambda: webex.list_mappings("E1")) == []
    assert api.refreshes == 1 and api.logins == 1


def test_teams_client_counts_logins_too(api: FakeAPI, teams: ContextSmsClient) -> None:
    teams.list_enterprises("CSP1")
    teams.list_enterprises("CSP1")
    assert teams.login_count == 1
    assert api.paths()[0] == "POST /api/v2/auth/login"
