"""A run survives what a real API does to it: tokens expiring mid-run, 5xx, 429 with
Retry-After, and connections cut after the server committed a write. Each fault test
runs against a service that ignores Idempotency-Key (the default: keys not trusted) and
one that honours it for a stack that says so (`contextsms:trustIdempotencyKeys`)."""

from __future__ import annotations

from datetime import datetime

import pytest
from cli_harness import (
    DETAILED_PROGRAM,
    api_requests,
    assert_records_match_outputs,
    creates,
    faults,
    live_records,
)

from contextsms_emulator.process import EmulatorProcess

pytestmark = pytest.mark.pulumi_cli

# Seed 44 draws, per API call in arrival order: .DR....EE.R..E.E.....ED... (D drop,
# R 429, E 500). A read draws fewer numbers than a write, so once calls of both kinds
# run at once the kinds a given call meets depend on scheduling: the tests that must
# meet every kind add one-shot faults of each.
FAULTS = {
    "error_rate": 0.10,
    "rate_limit_rate": 0.05,
    "retry_after_seconds": 1,
    "drop_rate": 0.05,
    "seed": 44,
}


def _seconds(entry: dict[str, str]) -> float:
    return datetime.fromisoformat(entry["time"].replace("Z", "+00:00")).timestamp()


def test_up_outlives_a_two_second_token_by_refreshing_it(project_factory):
    project = project_factory(DETAILED_PROGRAM)
    with EmulatorProcess(token_ttl=2, latency_ms=250) as emulator:
        project.connect(emulator, "teams", extra={"test:mappings": "20"})
        emulator.clear_requests()

        project.up("--parallel", "2")

        log = api_requests(emulator)
        assert _seconds(log[-1]) - _seconds(log[0]) > 2.5, "the run did not outlive the 2 s token"
        refreshes = [r for r in log if r["path"].endswith("/auth/getaccesstoken")]
        logins = [r for r in log if r["path"].endswith("/auth/login")]
        assert len(refreshes) + len(logins) >= 2, log
        assert all(r["status"] == 200 for r in refreshes + logins), log
        # a call refused for an expired token was sent again and succeeded
        for index, entry in enumerate(log):
            if entry["status"] == 401:
                assert any(
                    later["method"] == entry["method"]
                    and later["path"] == entry["path"]
                    and 200 <= later["status"] < 300
                    for later in log[index + 1 :]
                ), f"{entry} was not retried"
        assert len([r for r in creates(log) if 200 <= r["status"] < 300]) == 21
        assert_records_match_outputs(emulator, project.outputs())


TRUSTED = {"contextsms:trustIdempotencyKeys": "true"}


def _modes(emulator: EmulatorProcess, trusted: bool) -> dict[str, str]:
    """Keys trusted: the emulator honours them; not trusted: it ignores them."""
    emulator.set_idempotency(trusted)
    return TRUSTED if trusted else {}


@pytest.mark.parametrize("trusted", [False, True], ids=["keys-ignored", "keys-trusted"])
def test_up_converges_in_one_run_under_random_faults_and_destroy_cleans_up(
    project_factory, emulator, trusted
):
    project = project_factory(DETAILED_PROGRAM)
    project.connect(emulator, "webex", extra={"test:mappings": "0", **_modes(emulator, trusted)})
    project.up()  # the Webex enterprise: an ambiguous create of it stops, tested below
    project.config("test:mappings", "20")
    emulator.clear_requests()
    emulator.set_faults(**FAULTS)  # and one of each kind for certain: which calls draw
    for kind in ("drop", "error", "rate_limit"):  # depends on their order, which varies
        emulator.fault_next(kind, 1, "POST", r"/mapping/add/")

    project.up()

    log = api_requests(emulator)
    assert {"error", "rate_limit", "drop"} <= set(faults(log)), faults(log)
    outputs = project.outputs()
    assert len(outputs["mappings"]) == 20
    assert_records_match_outputs(emulator, outputs)  # 1 enterprise, 20 mappings, no extra

    emulator.clear_requests()
    emulator.set_faults(**FAULTS)  # reseeded, and one of each kind for certain, as above
    for kind in ("drop", "error", "rate_limit"):
        emulator.fault_next(kind, 1, "DELETE")
    project.destroy()

    assert {"error", "rate_limit", "drop"} <= set(faults(api_requests(emulator)))
    assert live_records(emulator) == ([], [])


@pytest.mark.parametrize("trusted", [False, True], ids=["keys-ignored", "keys-trusted"])
@pytest.mark.parametrize("platform", ["webex", "teams"])
def test_connection_dropped_after_a_create_committed_leaves_exactly_one_record(
    project_factory, emulator, platform, trusted
):
    project = project_factory(DETAILED_PROGRAM)
    project.connect(emulator, platform, extra={"test:mappings": "2", **_modes(emulator, trusted)})
    emulator.clear_requests()
    emulator.fault_next("drop", 1, "POST", r"/enterprise/CSP")
    emulator.fault_next("drop", 1, "POST", r"/mapping/add/")

    first = project.up(check=False)

    if platform == "webex" and not trusted:
        # no lookup and no trusted key: the up stops instead of creating a second one,
        # saying what to look for and how to adopt it
        assert first.returncode != 0
        assert (
            "the enterprise may have been created: the Webex Bot API cannot look enterprises "
            "up and Idempotency-Key is not trusted, so it was not sent again. Look in "
            "ContextSMS for an enterprise of CSP CSP0000001 named 'ABC Marketing Company' "
            "(contact 'Sarah Johnson', +15551234567, sarah@abcmarketing.com): if this "
            'stack\'s is there, set adopt_id="E..." on this Enterprise and run `pulumi up` '
            "again; if not, run `pulumi up` again to create it"
        ) in first.stdout, first.stdout
        (made,) = emulator.records()["enterprises"]  # one, and the stack does not have it
        assert made["name"] == "ABC Marketing Company"
        project.config("test:adopt_enterprise", made["enterprise_id"])  # the recovery
        project.up()
    else:
        assert first.returncode == 0, first.stdout
    log = api_requests(emulator)
    dropped = [r for r in log if r["fault"] == "drop"]
    assert len(dropped) == 2, dropped
    assert "/enterprise/CSP" in dropped[0]["path"] and "/mapping/add/" in dropped[1]["path"]
    assert all(200 <= r["status"] < 300 for r in dropped)  # committed, then cut
    assert_records_match_outputs(emulator, project.outputs())
