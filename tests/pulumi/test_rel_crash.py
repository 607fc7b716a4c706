"""Crash safety: `pulumi up` killed with SIGKILL part-way through its creates; the
documented recovery (cancel the stale lock, refresh clearing pending creates, up)
converges with no duplicate."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
from cli_harness import DETAILED_PROGRAM, PULUMI, api_requests, creates
from reliability_support import assert_live_records_match, report

from contextsms_emulator.process import EmulatorProcess

pytestmark = pytest.mark.pulumi_cli


def _wait_for_mappings(emulator: EmulatorProcess, count: int, timeout: float = 120) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        made = len(emulator.records()["mappings"])
        if made >= count:
            return made
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} mappings were created in {timeout} s")


@pytest.mark.parametrize(
    "mappings",
    [pytest.param(40, id="short"), pytest.param(100, id="long", marks=pytest.mark.slow)],
)
def test_sigkill_mid_up_then_documented_recovery_converges_without_duplicates(
    project_factory, mappings
):
    with EmulatorProcess(latency_ms=40) as emulator:
        project = project_factory(DETAILED_PROGRAM)
        project.connect(emulator, "webex", extra={"test:mappings": str(mappings)})
        crashed = subprocess.Popen(
            [str(PULUMI), "up", "--yes", "--skip-preview", "--non-interactive"],
            cwd=project.root,
            env=project.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            _wait_for_mappings(emulator, mappings // 3)
        finally:
            # The whole process group, like a machine going down: the CLI, the language
            # host, the program and the provider all die at once.
            os.killpg(crashed.pid, signal.SIGKILL)
            crashed.wait()
        time.sleep(0.5)  # let in-flight requests land in the emulator
        made_before = len(emulator.records()["mappings"])

        # The documented recovery (README, "Reliability").
        project.run("cancel", "--yes")
        project.refresh("--clear-pending-creates")
        emulator.clear_requests()
        project.up()

        outputs = project.outputs()
        assert_live_records_match(emulator, outputs)
        assert len(outputs["mappings"]) == mappings
        log = api_requests(emulator)
        report(
            "crash_recovery",
            mappings=mappings,
            created_before_kill=made_before,
            create_posts_after=len(creates(log)),
            adopted_after_409=sum(1 for r in log if r["status"] == 409),
        )
        project.destroy()
