"""Shared pieces of the reliability tests: live-record comparison, up-until-converged,
and the figures each test reports (docs/reliability.md is written from them)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from cli_harness import PulumiProject, record_view

from contextsms_emulator.process import EmulatorProcess

# `make reliability` sets this; each test appends one JSON line of figures.
REPORT_ENV = "CONTEXTSMS_RELIABILITY_REPORT"
MAX_ATTEMPTS = 3


def report(test: str, **figures: Any) -> None:
    line = json.dumps({"test": test, **figures}, sort_keys=True)
    print(line)  # noqa: T201 - visible with -s and in the failure report
    path = os.environ.get(REPORT_ENV)
    if path:
        with Path(path).open("a") as handle:
            handle.write(line + "\n")


def assert_live_records_match(emulator: EmulatorProcess, outputs: dict[str, Any]) -> None:
    """Live records equal the stack's, record by record (soft-deleted enterprises of
    earlier rounds are ignored): no duplicate, no orphan."""
    enterprises, mappings = record_view(emulator)
    live = [e for e in enterprises if not e.pop("deleted")]
    assert live == [outputs["enterprise"]]
    assert mappings == sorted(outputs["mappings"], key=lambda m: m["mapping_id"])


def assert_no_live_records(emulator: EmulatorProcess) -> None:
    enterprises, mappings = record_view(emulator)
    assert [e for e in enterprises if not e["deleted"]] == []
    assert mappings == []


def run_until_success(project: PulumiProject, command: str, *args: str) -> tuple[int, float]:
    """Run `pulumi <command>` until it succeeds (at most MAX_ATTEMPTS); return the
    number of attempts and the seconds they took."""
    started = time.monotonic()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        result = getattr(project, command)(*args, check=False)
        if result.returncode == 0:
            return attempt, time.monotonic() - started
    output = f"{result.stdout}\n{result.stderr}"
    raise AssertionError(f"pulumi {command} failed {MAX_ATTEMPTS} times; last output:\n{output}")
