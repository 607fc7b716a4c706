"""Calls at once against a far-away API: as many as `--parallel` allows, past the SDK's
four provider threads, and never more than `contextsms:maxParallel`.

The emulator answers every call 300 ms late, so calls that overlap in time were in
flight together: the peak is read from the emulator's request log (start times).
"""

from __future__ import annotations

import pytest
from cli_harness import PROGRAM, api_requests, writes

from bench.latency import peak_in_flight

pytestmark = pytest.mark.pulumi_cli

LATENCY_MS = 300
MAPPINGS = 24


def test_calls_run_as_parallel_as_the_cli_allows_up_to_max_parallel(project_factory, emulator):
    project = project_factory(PROGRAM)
    project.connect(emulator, "webex", extra={"test:mappings": str(MAPPINGS)})
    emulator.set_faults(latency_ms=LATENCY_MS)

    emulator.clear_requests()
    project.up("--parallel", "8")
    creates = writes(api_requests(emulator))
    assert len(creates) == MAPPINGS + 1
    peak = peak_in_flight(creates, LATENCY_MS)
    assert 7 <= peak <= 8, peak  # past the SDK's 4, within --parallel

    emulator.clear_requests()
    project.destroy("--parallel", "32")
    deletes = writes(api_requests(emulator))
    assert len(deletes) == MAPPINGS + 1
    peak = peak_in_flight(deletes, LATENCY_MS)
    assert MAPPINGS - 4 <= peak <= MAPPINGS, peak  # all at once: under the default bound, 32

    project.config("contextsms:maxParallel", "12")
    emulator.clear_requests()
    project.up("--parallel", "32")
    creates = writes(api_requests(emulator))
    peak = peak_in_flight(creates, LATENCY_MS)
    assert 11 <= peak <= 12, peak  # contextsms:maxParallel bounds it
    project.destroy()
