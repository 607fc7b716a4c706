"""Fixtures for the real-CLI tests: a project factory and an emulator per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_harness import (
    PASSPHRASE,
    VENV,
    PulumiProject,
    file_backend,
    require_cli,
    write_program,
)

from contextsms_emulator.process import EmulatorProcess


@pytest.fixture
def pulumi_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The CLI's environment for one test: its own local state backend and PULUMI_HOME,
    offline, and no CONTEXTSMS_* or PULUMI_* variable leaking in from the caller."""
    require_cli()
    state = tmp_path / "state"
    state.mkdir()
    home = tmp_path / "pulumi-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTEXTSMS_", "PULUMI_"))}
    env.update(
        PATH=f"{VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        PULUMI_BACKEND_URL=file_backend(state),
        PULUMI_CONFIG_PASSPHRASE=PASSPHRASE,
        PULUMI_HOME=str(home),
        PULUMI_SKIP_UPDATE_CHECK="true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
        PYTHONUNBUFFERED="1",
    )
    yield env
    shutil.rmtree(home, ignore_errors=True)


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
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess() as process:
        yield process
