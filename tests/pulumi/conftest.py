"""Fixtures for the real-CLI tests: a project factory and an emulator per test."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import secret_scan
from cli_harness import (
    PASSPHRASE,
    VENV,
    PulumiProject,
    file_backend,
    require_cli,
    write_program,
)
from reliability_support import REPORT_ENV, report

from contextsms_emulator import DEMO_PASSWORD
from contextsms_emulator.process import EmulatorProcess


@pytest.fixture
def pulumi_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The CLI's environment for one test: its own local state backend and PULUMI_HOME,
    offline, and no CONTEXTSMS_* or PULUMI_* variable leaking in from the caller.

    Afterwards, everything the test produced is scanned for secrets (`secret_scan`)."""
    require_cli()
    secret_scan.start_test()
    secret_scan.register_password(DEMO_PASSWORD)
    stop = EmulatorProcess.stop

    def stop_and_keep_log(self: EmulatorProcess) -> None:
        calls = [json.dumps(call) for call in self.requests()] if self.running else []
        stop(self)
        secret_scan.record_emulator_output([*calls, *self.output])

    monkeypatch.setattr(EmulatorProcess, "stop", stop_and_keep_log)
    state = tmp_path / "state"
    state.mkdir()
    home = tmp_path / "pulumi-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTEXTSMS_", "PULUMI_"))}
    env.update(
        PATH=f"{VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        PULUMI_BACKEND_URL=file_backend(state),
        PULUMI_CONFIG_PASSPHRASE=PASSPHRASE,
        PULUMI_HOME=str(home),
        # the providers' record of creates in flight (a machine's own), per test
        XDG_STATE_HOME=str(tmp_path / "xdg-state"),
        PULUMI_SKIP_UPDATE_CHECK="true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
        # a package that would make the upstream host fetch a plugin fails the command
        CONTEXTSMS_HOST_FORBID_PLUGINS="true",
        PYTHONUNBUFFERED="1",
    )
    yield env
    findings = secret_scan.finish_test(tmp_path)
    shutil.rmtree(home, ignore_errors=True)
    assert findings == [], "secrets leaked:\n" + "\n".join(findings)


@pytest.fixture
def project_factory(tmp_path: Path, pulumi_env: dict[str, str]) -> Any:
    """Make PulumiProjects sharing one state backend (for several stacks of a project)."""

    def make(source: str, stack: str = "test", root: Path | None = None) -> PulumiProject:
        root = root or tmp_path / "project"
        root.mkdir(exist_ok=True)
        write_program(root, source)
        project = PulumiProject(root=root, stack=stack, env=dict(pulumi_env))
        project.run("stack", "init")
        return project

    return make


@pytest.fixture
def emulator(pulumi_env: dict[str, str]) -> Iterator[EmulatorProcess]:
    """An emulator per test; set up after (so stopped before) the secrets scan."""
    with EmulatorProcess() as process:
        yield process


def pytest_terminal_summary(terminalreporter: Any) -> None:
    totals = secret_scan.TOTALS
    if not totals.tests:
        return
    terminalreporter.write_line(
        f"secrets scan: {totals.tests} tests, {totals.files} files "
        f"({totals.bytes / 1e6:.1f} MB), {totals.cli_runs} CLI runs, "
        f"{totals.emulator_lines} emulator log lines and calls: {len(totals.findings)} findings"
    )
    if not os.environ.get(REPORT_ENV):
        return
    report(
        "secrets_scan",
        tests=totals.tests,
        files=totals.files,
        megabytes=round(totals.bytes / 1e6, 1),
        cli_runs=totals.cli_runs,
        emulator_log_lines=totals.emulator_lines,
        findings=len(totals.findings),
    )
