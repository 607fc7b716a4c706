"""The client-side request rate (`requests_per_second`): every send of a client (calls,
retries, logins, refreshes) starts at least 1/rate seconds after the previous one, from
any number of threads; off by default, and then nothing ever waits. Nothing really
sleeps: the clocks here are fakes. The rules: docs/client.md, "Request rate"."""

from __future__ import annotations

import math
import subprocess
import sys
from typing import Any

import httpx
import pytest
from client_fakes import FakeAPI, FakeClock, json_response, settings_for
from concurrency import at_once

from pulumi_contextsms.client import ContextSmsClient, Platform
from pulumi_contextsms.client.rate import RequestSpacing
from pulumi_contextsms.client.settings import DEFAULT_REQUESTS_PER_SECOND

PATH = "/api/v1/enterprise/getenterprise/E0000001"
ENTERPRISE = {"enterpriseId": "E0000001", "name": "Acme"}


class FrozenClock(FakeClock):
    """A clock that sleeping does not move: each thread's wait is then exactly how far
    ahead its turn was reserved."""

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)


class Timed:
    """A transport in front of `api` that notes the (fake) time of every send."""

    def __init__(self, api: FakeAPI, clock: FakeClock) -> None:
        self.api, self.clock = api, clock
        self.sends: list[tuple[float, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sends.append((self.clock(), request.url.path))
        return self.api(request)

    def gaps(self) -> list[float]:
        times = [t for t, _ in self.sends]
        return [b - a for a, b in zip(times, times[1:], strict=False)]


def spaced_client(
    api: FakeAPI, clock: FakeClock, rate: float | None, **overrides: Any
) -> tuple[ContextSmsClient, Timed]:
    timed = Timed(api, clock)
    client = ContextSmsClient(
        settings_for(Platform.WEBEX, requests_per_second=rate, **overrides),
        transport=httpx.MockTransport(timed),
        sleep=clock.sleep,
        clock=clock,
    )
    return client, timed


# -- the spacing on its own -------------------------------------------------------------


def test_turns_are_spaced_by_one_over_the_rate(clock: FakeClock) -> None:
    spacing = RequestSpacing(4, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(4):
        spacing.wait_turn()
        starts.append(clock())
    assert [t - starts[0] for t in starts] == pytest.approx([0, 0.25, 0.5, 0.75], abs=1e-6)
    assert clock.sleeps == pytest.approx([0.25, 0.25, 0.25], abs=1e-6)


def test_turns_already_far_enough_apart_never_wait(clock: FakeClock) -> None:
    spacing = RequestSpacing(2, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        assert spacing.wait_turn() == 0
        clock.advance(0.5)
    assert clock.sleeps == []


def test_many_threads_each_get_their_own_turn() -> None:
    clock = FrozenClock(now=0.0)
    spacing = RequestSpacing(10, clock=clock, sleep=clock.sleep)
    waits = at_once(100, lambda _: spacing.wait_turn())
    assert sorted(waits) == pytest.approx([i * 0.1 for i in range(100)], abs=1e-6)


def test_a_clock_set_back_does_not_make_anyone_wait_for_the_step(clock: FakeClock) -> None:
    spacing = RequestSpacing(1, clock=clock, sleep=clock.sleep)
    spacing.wait_turn()
    clock.now -= 3600
    assert spacing.wait_turn() == pytest.approx(1.0)


@pytest.mark.parametrize("rate", [0, -1, math.inf, math.nan, 1e-320])
def test_a_rate_that_cannot_space_requests_is_refused(rate: float) -> None:
    with pytest.raises(ValueError, match="requests_per_second must be a finite number > 0"):
        RequestSpacing(rate)


# -- through the client ---------------------------------------------------------------


def test_off_by_default_nothing_ever_waits(api: FakeAPI, clock: FakeClock) -> None:
    assert DEFAULT_REQUESTS_PER_SECOND is None
    assert settings_for(Platform.WEBEX).requests_per_second is None
    api.on("GET", PATH, json_response(200, ENTERPRISE))
    client, timed = spaced_client(api, clock, None)
    with client:
        for _ in range(20):
            client.get_enterprise("E0000001")
    assert len(timed.sends) == 21 and clock.sleeps == []


def test_the_login_and_every_call_are_spaced(api: FakeAPI, clock: FakeClock) -> None:
    api.on("GET", PATH, json_response(200, ENTERPRISE))
    client, timed = spaced_client(api, clock, 5)
    with client:
        for _ in range(5):
            client.get_enterprise("E0000001")
    assert [path for _, path in timed.sends][:2] == ["/v1/auth/login", PATH]
    assert len(timed.sends) == 6
    assert all(gap >= 0.2 - 1e-6 for gap in timed.gaps()), timed.gaps()


def test_retries_and_token_refreshes_are_spaced_too(api: FakeAPI, clock: FakeClock) -> None:
    api.token_ttl = 8.0  # refreshed 2 s before it expires
    api.on("GET", PATH, json_response(503, {"error": "busy"}), json_response(200, ENTERPRISE))
    client, timed = spaced_client(api, clock, 1)
    with client:
        client.get_enterprise("E0000001")  # login, 503, 200
        clock.advance(4.5)
        client.get_enterprise("E0000001")  # refresh, 200
    assert [path.rsplit("/", 1)[-1] for _, path in timed.sends] == [
        "login",
        "E0000001",
        "E0000001",
        "getaccesstoken",
        "E0000001",
    ]
    assert client.refresh_count == 1
    assert all(gap >= 1.0 - 1e-6 for gap in timed.gaps()), timed.gaps()


def test_many_threads_share_one_spacing_logins_included() -> None:
    clock = FrozenClock()
    frozen_api = FakeAPI(clock)
    frozen_api.on("GET", PATH, json_response(200, ENTERPRISE))
    client, timed = spaced_client(frozen_api, clock, 4)
    with client:
        at_once(40, lambda _: client.get_enterprise("E0000001"))
    assert client.login_count == 1 and len(timed.sends) == 41
    # the login took the first turn, each call one of the next 40
    assert sorted(clock.sleeps) == pytest.approx([i * 0.25 for i in range(1, 41)], abs=1e-6)


def test_a_429_still_waits_its_retry_after(api: FakeAPI, clock: FakeClock) -> None:
    api.on(
        "GET",
        PATH,
        json_response(429, {"error": "slow down"}, headers={"Retry-After": "2"}),
        json_response(200, ENTERPRISE),
    )
    client, timed = spaced_client(api, clock, 100)
    with client:
        client.get_enterprise("E0000001")
    assert 2.0 in clock.sleeps
    assert timed.gaps()[-1] >= 2.0


def test_waiting_for_a_turn_does_not_use_up_the_retry_timeout(
    api: FakeAPI, clock: FakeClock
) -> None:
    # one request per 100 s: every send waits longer than the 60 s retry timeout
    api.on("GET", PATH, json_response(503, {"error": "busy"}), json_response(200, ENTERPRISE))
    client, timed = spaced_client(api, clock, 0.01)
    with client:
        assert client.get_enterprise("E0000001").enterprise_id == "E0000001"
    assert len(timed.sends) == 3
    assert all(gap >= 100 - 1e-6 for gap in timed.gaps())


def test_a_client_without_a_rate_never_loads_the_rate_module() -> None:
    # the start-up budgets (tests/providers/test_providers_import_cost.py) count modules
    code = (
        "import sys; "
        "from pulumi_contextsms.client import ConnectionSettings, ContextSmsClient; "
        "s = ConnectionSettings.resolve('webex', api_base='http://127.0.0.1:9/api/v1', "
        "username='u', password='p'); "
        "ContextSmsClient(s).close(); "
        "assert 'pulumi_contextsms.client.rate' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
