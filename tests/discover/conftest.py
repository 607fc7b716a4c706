"""Fixtures of the discover tests: one emulator process per module, reset for each test,
an environment without the caller's CONTEXTSMS_* variables, and a scratch working
directory (discover writes to `.` by default)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from contextsms_emulator.process import EmulatorProcess


@pytest.fixture(scope="module")
def emulator_process() -> Iterator[EmulatorProcess]:
    with EmulatorProcess() as running:
        yield running


@pytest.fixture
def emulator(emulator_process: EmulatorProcess) -> EmulatorProcess:
    emulator_process.reset()
    return emulator_process


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for key in list(os.environ):
        if key.startswith("CONTEXTSMS_"):
            monkeypatch.delenv(key)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work
