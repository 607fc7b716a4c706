"""Fault soak: repeated up/destroy while the emulator injects 500s, 429s and dropped
connections converges every round with no duplicate and no orphan."""

from __future__ import annotations

from collections import Counter

import pytest
from cli_harness import DETAILED_PROGRAM, api_requests
from reliability_support import (
    assert_live_records_match,
    assert_no_live_records,
    report,
    run_until_success,
)

from contextsms_emulator.process import EmulatorProcess

pytestmark = pytest.mark.pulumi_cli

SOAK_FAULTS = {
    "error_rate": 0.10,
    "rate_limit_rate": 0.05,
    "retry_after_seconds": 1,
    "drop_rate": 0.05,
}


@pytest.mark.parametrize(
    ("platform", "rounds", "mappings"),
    [
        pytest.param("webex", 2, 25, id="webex-short"),
        pytest.param("teams", 1, 25, id="teams-short"),
        pytest.param("webex", 10, 100, id="webex-long", marks=pytest.mark.slow),
        pytest.param("teams", 10, 100, id="teams-long", marks=pytest.mark.slow),
    ],
)
def test_fault_soak_every_up_and_destroy_converges_in_one_attempt(
    project_factory, platform, rounds, mappings
):
    with EmulatorProcess() as emulator:
        project = project_factory(DETAILED_PROGRAM)
        project.connect(emulator, platform, extra={"test:mappings": str(mappings)})
        emulator.set_faults(**SOAK_FAULTS, seed=20261123)
        up_attempts, destroy_attempts, seconds = [], [], []
        for _ in range(rounds):
            attempts, took = run_until_success(project, "up")
            up_attempts.append(attempts)
            seconds.append(round(took, 1))
            assert_live_records_match(emulator, project.outputs())
            attempts, _ = run_until_success(project, "destroy")
            destroy_attempts.append(attempts)
            assert_no_live_records(emulator)
        injected = Counter(r["fault"] for r in api_requests(emulator) if r.get("fault"))
        report(
            f"fault_soak[{platform}]",
            rounds=rounds,
            resources=mappings + 1,
            up_attempts=up_attempts,
            destroy_attempts=destroy_attempts,
            up_seconds=seconds,
            injected=dict(injected),
            api_requests=len(api_requests(emulator)),
        )
        assert sum(injected.values()) > 0, "the soak injected no fault"
        assert up_attempts == [1] * rounds
        assert destroy_attempts == [1] * rounds
