"""A long `pulumi up` outlives many 2-second access tokens."""

from __future__ import annotations

from datetime import datetime

import pytest
from cli_harness import DETAILED_PROGRAM, api_requests, logins
from reliability_support import assert_live_records_match, report, run_until_success

from contextsms_emulator.process import EmulatorProcess

pytestmark = pytest.mark.pulumi_cli

TOKEN_TTL = 2


@pytest.mark.parametrize(
    ("resources", "latency_ms"),
    [
        pytest.param(40, 150, id="short"),
        pytest.param(200, 50, id="long", marks=pytest.mark.slow),
    ],
)
def test_up_of_many_resources_succeeds_across_token_expiries(
    project_factory, resources, latency_ms
):
    with EmulatorProcess(token_ttl=TOKEN_TTL, latency_ms=latency_ms) as emulator:
        project = project_factory(DETAILED_PROGRAM)
        project.connect(emulator, "webex", extra={"test:mappings": str(resources - 1)})
        # Two operations at a time, so the API traffic spans several token lifetimes.
        attempts, took = run_until_success(project, "up", "--parallel", "2")
        assert attempts == 1
        assert_live_records_match(emulator, project.outputs())
        log = api_requests(emulator)
        refreshes = [r for r in log if r["path"].endswith("/auth/getaccesstoken")]
        unauthorized = [r for r in log if r["status"] == 401]
        times = [datetime.fromisoformat(r["time"].replace("Z", "+00:00")) for r in log]
        span = (max(times) - min(times)).total_seconds()
        report(
            "token_lifetime",
            resources=resources,
            token_ttl=TOKEN_TTL,
            seconds=round(took, 1),
            api_span_seconds=round(span, 1),
            logins=len(logins(log)),
            refreshes=len(refreshes),
            answered_401=len(unauthorized),
        )
        assert span > 1.5 * TOKEN_TTL, "the API traffic must outlive a token to prove anything"
        # one login, then refreshes before each expiry: the refresh token stays valid
        assert len(logins(log)) == 1
        assert len(refreshes) >= 1
