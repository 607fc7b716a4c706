"""Fault soak: repeated up/destroy while the emulator injects 500s, 429s and dropped
connections converges every round with no duplicate and no orphan, in both modes:

* keys ignored: the emulator ignores Idempotency-Key like a service without it, and the
  stack does not trust keys (the default). A Webex enterprise create that fails
  ambiguously stops the up with an adopt instruction; the soak follows it exactly as a
  user would (finds the enterprise in ContextSMS, sets adopt_id, runs `pulumi up` again);
* keys trusted: the emulator honours keys and the stack says it trusts them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from cli_harness import DETAILED_PROGRAM, PulumiProject, api_requests, record_view
from reliability_support import assert_no_live_records, report, run_until_success

from contextsms_emulator.process import EmulatorProcess

pytestmark = pytest.mark.pulumi_cli

SOAK_FAULTS = {
    "error_rate": 0.10,
    "rate_limit_rate": 0.05,
    "retry_after_seconds": 1,
    "drop_rate": 0.05,
}
ADOPT_INSTRUCTION = 'set adopt_id="E..." on this Enterprise'
MAX_UPS = 4


def strays(emulator: EmulatorProcess, outputs: dict[str, Any]) -> tuple[int, int]:
    """(duplicates, orphans): live records beyond the stack's own, identical to one of
    them or not."""
    enterprises, mappings = record_view(emulator)
    live = [e for e in enterprises if not e.pop("deleted")]
    mine = outputs.get("enterprise") or {}
    extra = [e for e in live if e["enterprise_id"] != mine.get("enterprise_id")]
    duplicates = sum(
        1 for e in extra if {**e, "enterprise_id": None} == {**mine, "enterprise_id": None}
    )
    recorded = {m["mapping_id"] for m in outputs.get("mappings") or []}
    orphan_mappings = [m for m in mappings if m["mapping_id"] not in recorded]
    return duplicates, len(extra) - duplicates + len(orphan_mappings)


def up_following_instructions(
    project: PulumiProject, emulator: EmulatorProcess
) -> tuple[int, int, int]:
    """`pulumi up` until it succeeds; an adopt instruction is followed as a user would.
    Returns (ups run, adopt instructions met, enterprises adopted by following them)."""
    stops = adopted = 0
    for ups in range(1, MAX_UPS + 1):
        result = project.up(check=False)
        if result.returncode == 0:
            return ups, stops, adopted
        if ADOPT_INSTRUCTION in result.stdout:
            stops += 1
            # "Look in ContextSMS for an enterprise of CSP ... named ...": the operator API
            # stands for the console; the stack holds no enterprise yet
            wanted = ("ABC Marketing Company", "Sarah Johnson", "+15551234567")
            found = [
                e
                for e in emulator.records()["enterprises"]
                if not e["deleted"] and (e["name"], e["contact"], e["phone_number"]) == wanted
            ]
            if found:  # else the create made nothing: "run `pulumi up` again"
                (enterprise,) = found  # never a second one
                project.config("test:adopt_enterprise", enterprise["enterprise_id"])
                adopted += 1
    raise AssertionError(f"pulumi up did not converge in {MAX_UPS} runs:\n{result.stdout}")


@pytest.mark.parametrize("keys", ["ignored", "trusted"])
@pytest.mark.parametrize(
    ("platform", "rounds", "mappings"),
    [
        pytest.param("webex", 2, 25, id="webex-short"),
        pytest.param("teams", 1, 25, id="teams-short"),
        pytest.param("webex", 10, 100, id="webex-long", marks=pytest.mark.slow),
        pytest.param("teams", 10, 100, id="teams-long", marks=pytest.mark.slow),
    ],
)
def test_fault_soak_every_up_and_destroy_converges_with_no_duplicate_or_orphan(
    project_factory, platform, rounds, mappings, keys
):
    trusted = keys == "trusted"
    with EmulatorProcess(honour_idempotency_keys=trusted) as emulator:
        project = project_factory(DETAILED_PROGRAM)
        extra = {"test:mappings": str(mappings)}
        if trusted:
            extra["contextsms:trustIdempotencyKeys"] = "true"
        project.connect(emulator, platform, extra=extra)
        emulator.set_faults(**SOAK_FAULTS, seed=20261123)
        up_runs, destroy_attempts, seconds = [], [], []
        adopt_stops = adoptions = 0
        duplicates = orphans = 0
        for _ in range(rounds):
            ups, stops, adopted = up_following_instructions(project, emulator)
            up_runs.append(ups)
            adopt_stops, adoptions = adopt_stops + stops, adoptions + adopted
            outputs = project.outputs()
            dup, orphan = strays(emulator, outputs)
            duplicates, orphans = duplicates + dup, orphans + orphan
            assert len(outputs["mappings"]) == mappings
            attempts, took = run_until_success(project, "destroy")
            destroy_attempts.append(attempts)
            seconds.append(round(took, 1))
            assert_no_live_records(emulator)
            project.run("config", "rm", "test:adopt_enterprise", check=False)
        injected = Counter(r["fault"] for r in api_requests(emulator) if r.get("fault"))
        report(
            f"fault_soak[{platform},keys-{keys}]",
            rounds=rounds,
            resources=mappings + 1,
            ups_per_round=up_runs,
            first_attempt=sum(1 for u in up_runs if u == 1),
            adopt_instructions=adopt_stops,
            adopted_by_instruction=adoptions,
            duplicates=duplicates,
            orphans=orphans,
            destroy_attempts=destroy_attempts,
            injected=dict(injected),
            api_requests=len(api_requests(emulator)),
        )
        assert sum(injected.values()) > 0, "the soak injected no fault"
        assert (duplicates, orphans) == (0, 0)
        assert destroy_attempts == [1] * rounds
        # every up converged at once but where it stopped with an adopt instruction, and
        # only a create that nothing can look up may stop (a Webex enterprise, keys ignored)
        assert sum(up_runs) == rounds + adopt_stops
        if trusted or platform == "teams":
            assert adopt_stops == 0
