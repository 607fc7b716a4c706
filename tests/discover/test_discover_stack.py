"""`contextsms discover --stack NAME` reads the settings where the provider reads them: a
real Pulumi project and stack (the real CLI, offline, through the Automation API), its
config decrypted (a `--secret` password, a profile), plus the CONTEXTSMS_* fallback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from discover_support import CSP, enterprise, seed

from contextsms_emulator import DEMO_PASSWORD, DEMO_USER
from contextsms_emulator.process import EmulatorProcess
from pulumi_contextsms.inventory import load

pytestmark = pytest.mark.pulumi_cli

VENV_BIN = Path(sys.executable).parent
PULUMI = VENV_BIN / "pulumi"


@pytest.fixture
def pulumi_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The CLI offline, with its own state backend and PULUMI_HOME; the venv's bin on
    PATH so that the Automation API finds `pulumi`; no CONTEXTSMS_* or PULUMI_* from the
    caller."""
    if not PULUMI.exists():
        pytest.fail("the Pulumi CLI is not installed: run scripts/install-pulumi.sh")
    state = tmp_path / "state"
    state.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTEXTSMS_", "PULUMI_"))}
    env.update(
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
        PULUMI_BACKEND_URL=f"file://{state}?metadata=skip",
        PULUMI_CONFIG_PASSPHRASE="discover-tests",
        PULUMI_HOME=str(tmp_path / "pulumi-home"),
        PULUMI_SKIP_UPDATE_CHECK="true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
    )
    yield env


def pulumi(env: dict[str, str], cwd: Path, *args: str) -> None:
    result = subprocess.run(
        [str(PULUMI), *args, "--non-interactive"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def discover(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV_BIN / "contextsms"), "discover", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def project(tmp_path: Path, pulumi_env: dict[str, str], emulator: EmulatorProcess) -> Path:
    """A project whose stack `dev` reaches Teams at the top level (password secret, the
    CSP from the environment) and Webex through the profile `portal`."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "Pulumi.yaml").write_text("name: discover-test\nruntime: python\n")
    pulumi(pulumi_env, root, "stack", "init", "dev")
    pulumi(
        pulumi_env,
        root,
        "config",
        "set-all",
        "--stack",
        "dev",
        "--path",
        "--plaintext",
        "contextsms:platform=teams",
        "--plaintext",
        f"contextsms:apiBase={emulator.teams_api_base}",
        "--plaintext",
        f"contextsms:username={DEMO_USER}",
        "--secret",
        f"contextsms:password={DEMO_PASSWORD}",
        "--plaintext",
        "contextsms:profiles.portal.platform=webex",
        "--plaintext",
        f"contextsms:profiles.portal.apiBase={emulator.webex_api_base}",
        "--plaintext",
        f"contextsms:profiles.portal.username={DEMO_USER}",
        "--secret",
        f"contextsms:profiles.portal.password={DEMO_PASSWORD}",
        "--plaintext",
        f"contextsms:profiles.portal.cspId={CSP}",
    )
    pulumi_env["CONTEXTSMS_CSP_ID"] = CSP  # the top level's CSP: the environment fallback
    return root


def test_stack_config_and_a_profile_reach_the_account(
    project: Path, pulumi_env: dict[str, str], emulator: EmulatorProcess
) -> None:
    teams = seed(emulator, "teams", [enterprise("teams", n) for n in range(2)])
    webex = seed(emulator, "webex", [enterprise("webex", 5)])
    webex_id = webex["enterprises"][0]["enterprise_id"]

    top = discover(pulumi_env, project, "--stack", "dev", "--out", "teams")
    portal = discover(
        pulumi_env,
        project,
        "--stack",
        "dev",
        "--profile",
        "portal",
        "--enterprise",
        webex_id,
        "--out",
        "webex",
    )

    assert (top.returncode, top.stderr) == (0, "")
    assert top.stdout.splitlines()[0] == (
        f"wrote teams/contextsms.yaml: 2 enterprises, 4 numbers from teams "
        f"{emulator.teams_api_base}, CSP {CSP}, stack dev"
    )
    assert {e.id for e in load(project / "teams/contextsms.yaml").enterprises.values()} == {
        e["enterprise_id"] for e in teams["enterprises"]
    }
    assert (portal.returncode, portal.stderr) == (0, "")
    assert portal.stdout.splitlines()[0] == (
        f"wrote webex/contextsms.yaml: 1 enterprise, 2 numbers from webex "
        f"{emulator.webex_api_base}, CSP {CSP}, stack dev, profile portal"
    )
    program = (project / "webex/__main__.py").read_text()
    assert program.endswith("contextsms.declare_inventory(\"contextsms.yaml\", profile='portal')\n")
    for written in project.glob("*/*"):
        assert DEMO_PASSWORD not in written.read_text()


def test_an_unknown_stack_is_named_with_the_command_that_lists_them(
    project: Path, pulumi_env: dict[str, str]
) -> None:
    result = discover(pulumi_env, project, "--stack", "nope")

    assert result.returncode == 1
    assert result.stderr == (
        f"contextsms discover: no stack named 'nope' in the Pulumi project in {project}: "
        "`pulumi stack ls` lists its stacks\n"
    )
    assert not (project / "contextsms.yaml").exists()


def test_stack_outside_a_pulumi_project_is_an_error(
    tmp_path: Path, pulumi_env: dict[str, str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    result = discover(pulumi_env, elsewhere, "--stack", "dev")

    assert result.returncode == 1
    assert result.stderr == (
        f"contextsms discover: --stack needs a Pulumi project and {elsewhere} has none (no "
        "Pulumi.yaml): run discover in the project's directory, or leave out --stack to read "
        "the CONTEXTSMS_* environment variables\n"
    )
