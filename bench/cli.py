"""Driving the real Pulumi CLI: one throwaway project and local state backend per run.

Same set-up as the test suite's harness (tests/pulumi/cli_harness.py): a file backend,
its own PULUMI_HOME, offline, the repo's virtualenv. ``PYTHONPATH`` holds the repo root
so that the program and the provider process can both import `bench.floor`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .procmem import ProviderMemory

REPO = Path(__file__).resolve().parents[1]
VENV = REPO / ".venv"
PULUMI = VENV / "bin" / "pulumi"
PASSPHRASE = "contextsms-bench"
PROGRAM = Path(__file__).with_name("program.py")
TIMEOUT = 1800.0


SOURCES = ("pulumi_contextsms", "contextsms_emulator", "bench")


def ensure_bytecode() -> None:
    """Compile our sources to ``__pycache__`` as pip does when it installs the wheel.

    An editable checkout imports from source, and where PYTHONDONTWRITEBYTECODE is set
    (as on this machine) every process would compile our modules again on each import:
    a cost a user's installed package never pays, and which would be charged to us."""
    import compileall

    for name in SOURCES:
        compileall.compile_dir(str(REPO / name), quiet=1)


class CliError(RuntimeError):
    """A CLI command failed; the message holds its output."""


def cli_version() -> str:
    return subprocess.run(
        [str(PULUMI), "version"], capture_output=True, text=True, check=True
    ).stdout.strip()


@dataclass(frozen=True)
class Run:
    """One timed CLI command."""

    seconds: float
    provider_processes: int
    provider_peak_mib: float
    stdout: str


class Workspace:
    """A project directory and state backend shared by every stack of one benchmark run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.project = root / "project"
        self.project.mkdir(parents=True)
        (root / "state").mkdir()
        (self.project / "Pulumi.yaml").write_text(
            "name: contextsms-bench\n"
            f"runtime:\n  name: python\n  options:\n    virtualenv: {VENV}\n"
        )
        shutil.copyfile(PROGRAM, self.project / "__main__.py")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTEXTSMS_", "PULUMI_"))}
        env.update(
            PATH=f"{VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}",
            PYTHONPATH=str(REPO),
            # metadata=skip: no non-atomic `.attrs` sidecars (README, "Reliability")
            PULUMI_BACKEND_URL=f"file://{root / 'state'}?metadata=skip",
            PULUMI_CONFIG_PASSPHRASE=PASSPHRASE,
            PULUMI_HOME=str(root / "pulumi-home"),
            # the provider's record of creates in flight, thrown away with these stacks
            CONTEXTSMS_STATE_DIR=str(root / "creates-in-flight"),
            PULUMI_SKIP_UPDATE_CHECK="true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
            PYTHONUNBUFFERED="1",
        )
        self.env = env

    def stack(
        self,
        name: str,
        plain: Mapping[str, str],
        secrets: Mapping[str, str],
        env: Mapping[str, str] | None = None,
    ) -> PulumiStack:
        """A new stack with its config set (neither step is timed); `env` is added to
        the CLI's environment for every command of this stack."""
        stack = PulumiStack(self, name, {**self.env, **(env or {})})
        stack.run("stack", "init")
        args = ["config", "set-all"]
        args += [a for k, v in plain.items() for a in ("--plaintext", f"{k}={v}")]
        args += [a for k, v in secrets.items() for a in ("--secret", f"{k}={v}")]
        stack.run(*args)
        return stack


class PulumiStack:
    def __init__(self, workspace: Workspace, name: str, env: Mapping[str, str]) -> None:
        self.workspace = workspace
        self.name = name
        self.env = dict(env)

    def run(self, *args: str) -> Run:
        """Run ``pulumi ARGS`` to completion, timing it and sampling provider memory."""
        command = [str(PULUMI), *args, "--non-interactive", "--stack", self.name]
        started = time.perf_counter()
        with subprocess.Popen(
            command,
            cwd=self.workspace.project,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as proc:
            with ProviderMemory(proc.pid) as memory:
                stdout, stderr = proc.communicate(timeout=TIMEOUT)
            seconds = time.perf_counter() - started
        if proc.returncode != 0:
            raise CliError(
                f"pulumi {' '.join(args)} (stack {self.name}) exited {proc.returncode}\n"
                f"--- stdout ---\n{stdout[-4000:]}\n--- stderr ---\n{stderr[-4000:]}"
            )
        return Run(seconds, memory.processes, memory.peak_mib, stdout)

    def up(self, *extra: str) -> Run:
        return self.run("up", "--yes", "--skip-preview", *extra)

    def preview(self, *extra: str) -> Run:
        return self.run("preview", *extra)

    def refresh(self, *extra: str) -> Run:
        return self.run("refresh", "--yes", "--skip-preview", *extra)

    def destroy(self, *extra: str) -> Run:
        return self.run("destroy", "--yes", "--skip-preview", *extra)

    def export(self, *, show_secrets: bool = False) -> str:
        """`pulumi stack export` as printed (by default with secrets still encrypted)."""
        return self.run("stack", "export", *(["--show-secrets"] if show_secrets else [])).stdout
