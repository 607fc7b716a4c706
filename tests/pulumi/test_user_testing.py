"""The documented example of a user's tests (examples/testing, docs/testing.md) passes
the way a user runs it: pytest in a directory outside this repository, the fixtures
coming from the plugin as installed (its pytest11 entry point), the real Pulumi CLI
driven by the Automation API against the plugin's emulators."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import secret_scan
from cli_harness import VENV

pytestmark = pytest.mark.pulumi_cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "testing"


def _pytest(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(VENV / "bin" / "python"), "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    secret_scan.record_cli_run(("pytest", *args), result.stdout + result.stderr)
    return result


@pytest.fixture
def user_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "infra"
    shutil.copytree(EXAMPLE, repo, ignore=shutil.ignore_patterns("__pycache__"))
    return repo


def test_the_documented_user_tests_pass_through_the_installed_plugin(
    tmp_path: Path, user_repo: Path, pulumi_env: dict[str, str]
) -> None:
    result = _pytest(user_repo, pulumi_env, "-v", "--basetemp", str(tmp_path / "runs"))

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert f"rootdir: {user_repo}" in output  # the user's repository, not ours
    assert "pulumi-contextsms" in output.split("plugins:")[1].splitlines()[0]
    for test in (
        "test_program.py::test_the_front_desk_number_is_mapped_to_the_clinic_on_webex PASSED",
        "test_program.py::test_a_number_that_is_not_e164_fails_with_the_providers_message PASSED",
        "test_deploy.py::test_up_creates_the_clinic_and_its_number_and_destroy_removes_them PASSED",
        "test_deploy.py::test_a_text_to_the_deployed_number_reaches_our_webhook PASSED",
    ):
        assert test in output, output
    assert "4 passed" in output


def test_without_the_plugin_the_deploy_tests_have_no_fixtures(
    tmp_path: Path, user_repo: Path, pulumi_env: dict[str, str]
) -> None:
    result = _pytest(
        user_repo, pulumi_env, "-p", "no:contextsms", "--basetemp", str(tmp_path / "runs")
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "fixture 'contextsms_stack_config' not found" in output
    assert re.search(r"\b2 passed, .*2 errors", output)  # the unit tests need only the package
    assert "Unknown config option: contextsms_platform" in output  # nobody registered it


def test_pytest_fixtures_in_the_users_repository_lists_ours(
    user_repo: Path, pulumi_env: dict[str, str]
) -> None:
    result = _pytest(user_repo, pulumi_env, "--fixtures")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "fixtures defined from pulumi_contextsms.testing.pytest_plugin" in result.stdout
    for name in ("contextsms_emulator", "contextsms_stack_config", "contextsms_client"):
        assert f"\n{name} " in result.stdout or f"\n{name} --" in result.stdout
