"""Calls at once against a far-away API: as many as `--parallel` allows, past the SDK's
four provider threads, and never more than `contextsms:maxParallel`.

The emulator answers every call 300 ms late, so calls that overlap in time were in
flight together: the peak is read from the emulator's request log (start times).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from cli_harness import PROGRAM, api_requests, writes

pytestmark = pytest.mark.pulumi_cli

LATENCY = 0.3
MAPPINGS = 24


def _seconds(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def peak_in_flight(log: list[dict[str, Any]], latency: float = LATENCY) -> int:
    """The most calls that started within one latency of each other: each was still
    waiting for its answer when the last of them started."""
    starts = sorted(_seconds(r["time"]) for r in log)
    peak, first = 0, 0
    for last, started in enumerate(starts):
        while starts[first] <= started - latency:
            first += 1
        peak = max(peak, last - first + 1)
    return peak


def test_peak_in_flight_counts_overlapping_calls():
    def at(*seconds: float) -> list[dict[str, Any]]:
        return [{"time": datetime.fromtimestamp(s).astimezone().isoformat()} for s in seconds]

    assert peak_in_flight(at(0.0, 0.1, 0.2, 0.31, 0.35)) == 4
    assert peak_in_flight(at(0.0, 0.3, 0.6)) == 1


def test_calls_run_as_parallel_as_the_cli_allows_up_to_max_parallel(project_factory, emulator):
    project = project_factory(PROGRAM)
    project.connect(emulator, "webex", extra={"test:mappings": str(MAPPINGS)})
    emulator.set_faults(latency_ms=int(LATENCY * 1000))

    emulator.clear_requests()
    project.up("--parallel", "8")
    creates = writes(api_requests(emulator))
    assert len(creates) == MAPPINGS + 1
    peak = peak_in_flight(creates)
    assert 7 <= peak <= 8, peak  # past the SDK's 4, within --parallel

    emulator.clear_requests()
    project.destroy("--parallel", "32")
    deletes = writes(api_requests(emulator))
    assert len(deletes) == MAPPINGS + 1
    peak = peak_in_flight(deletes)
    assert MAPPINGS - 4 <= peak <= MAPPINGS, peak  # all at once: under the default bound, 32

    project.config("contextsms:maxParallel", "12")
    emulator.clear_requests()
    project.up("--parallel", "32")
    creates = writes(api_requests(emulator))
    peak = peak_in_flight(creates)
    assert 11 <= peak <= 12, peak  # contextsms:maxParallel bounds it
    project.destroy()
