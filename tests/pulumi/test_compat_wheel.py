"""The compat lane: the built wheel in a fresh infra project, as a user installs it.

For each lane (the SDK floor and the newest SDK on Python 3.11 and 3.13, the newest on
3.12; see
compat_support.py and requirements/compat-*.txt) a fresh venv outside the clone gets
`pip install <wheel>[emulator] pulumi==<sdk>`, a new project directory gets the
Pulumi.yaml a user writes (toolchain pip, that virtualenv), and the project's CLI runs
`up`, `preview --expect-no-changes`, `refresh` and `destroy` against an emulator started
from the wheel's own `contextsms-emulator`. Both the program and the provider process
must import the package from the venv, never from the clone.
"""

from __future__ import annotations

import json
import textwrap
import zipfile
from email.parser import Parser
from pathlib import Path
from typing import Any

import pytest
from cli_harness import PulumiProject, writes
from compat_support import LANES, REPO, Lane, build_wheel, cli_path, fresh_venv, in_venv, run

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER, EmulatorProcess

pytestmark = [pytest.mark.pulumi_cli, pytest.mark.compat]

PROGRAM = '''\
"""ACME's SMS routing: a Webex line and a Teams reseller, managed with pulumi-contextsms."""

import importlib.metadata
import sys

import pulumi
import pulumi.dynamic

import pulumi_contextsms as contextsms


class _Where(pulumi.dynamic.ResourceProvider):
    """Reports, from inside the provider process, where pulumi_contextsms comes from."""

    def create(self, props):
        import sys
        from importlib.metadata import version

        import pulumi_contextsms

        return pulumi.dynamic.CreateResult(
            "where",
            {
                "module": pulumi_contextsms.__file__,
                "python": sys.executable,
                "sdk": version("pulumi"),
            },
        )


class Where(pulumi.dynamic.Resource):
    module: pulumi.Output[str]
    python: pulumi.Output[str]
    sdk: pulumi.Output[str]

    def __init__(self, name):
        super().__init__(_Where(), name, {"module": None, "python": None, "sdk": None})


acme = contextsms.Enterprise(
    "acme",
    name="ABC Marketing Company",
    contact="Sarah Johnson",
    phone_number="+15551234567",
    email="sarah@abcmarketing.com",
    default_mms_selection=True,
)
front_desk = contextsms.NumberMapping(
    "front-desk",
    enterprise_id=acme.enterprise_id,
    phone_number="+15551234567",
    messaging_app_id="webex-bot-12345",
    mms_enabled=True,
)
reseller = contextsms.Csp("reseller", email="ops@reseller-inc.com", name="Reseller Inc",
                          profile="teams")
sunshine = contextsms.Enterprise(
    "sunshine",
    name="Sunshine Dental Clinic",
    contact="Dr. Maria Rodriguez",
    phone_number="+15559876543",
    email="maria@sunshinedental.com",
    csp_id=reseller.csp_id,
    profile="teams",
)
billing = contextsms.NumberMapping(
    "billing",
    enterprise_id=sunshine.enterprise_id,
    phone_number="+12223334444",
    messaging_app_id="teams-channel-id-67890",
    name="Billing",
    profile="teams",
)
where = Where("where")

pulumi.export("enterprise_ids", [acme.enterprise_id, sunshine.enterprise_id])
pulumi.export("mapping_ids", [front_desk.mapping_id, billing.mapping_id])
pulumi.export("csp_id", reseller.csp_id)
pulumi.export("program", {"module": contextsms.__file__, "python": sys.executable,
                          "sdk": importlib.metadata.version("pulumi")})
pulumi.export("provider", {"module": where.module, "python": where.python, "sdk": where.sdk})
'''


@pytest.fixture
def venv_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the fresh venv goes: outside the clone, and outside the test's own tmp_path
    (which the secrets scan reads: the installed sources name the demo password)."""
    return tmp_path_factory.mktemp("venv") / "venv"


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of the working tree, built once per run: every lane tests this one."""
    return build_wheel(tmp_path_factory.mktemp("dist"))


def user_project(root: Path, venv: Path, env: dict[str, str]) -> PulumiProject:
    root.mkdir()
    (root / "Pulumi.yaml").write_text(
        textwrap.dedent(
            f"""\
            name: acme-sms-infra
            description: A user's infra repo with pulumi-contextsms installed from its wheel
            runtime:
              name: python
              options:
                toolchain: pip
                virtualenv: {venv}
            """
        )
    )
    (root / "__main__.py").write_text(PROGRAM)
    project = PulumiProject(root=root, stack="dev", env=env)
    project.run("stack", "init")
    return project


def live(records: dict[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    return {
        "enterprises": sorted(
            e["enterprise_id"] for e in records["enterprises"] if not e["deleted"]
        ),
        "mappings": sorted(m["mapping_id"] for m in records["mappings"]),
        "csps": sorted(c["csp_id"] for c in records["csps"]),
    }


@pytest.mark.parametrize("lane", LANES, ids=lambda lane: lane.name)
def test_the_wheel_in_a_fresh_project_goes_up_previews_clean_refreshes_and_destroys(
    lane: Lane, wheel: Path, tmp_path: Path, venv_path: Path, pulumi_env: dict[str, str]
) -> None:
    venv = fresh_venv(lane, venv_path, f"{wheel}[emulator]", f"pulumi=={lane.sdk}")
    env = {k: v for k, v in pulumi_env.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = cli_path()
    project = user_project(tmp_path / "infra", venv, env)

    with EmulatorProcess(command=[str(venv / "bin" / "contextsms-emulator")]) as emulator:
        project.config_all(
            {
                "contextsms:platform": "webex",
                "contextsms:apiBase": emulator.webex_api_base,
                "contextsms:username": DEMO_USER,
                "contextsms:cspId": DEMO_CSP_ID,
                "contextsms:profiles.teams.platform": "teams",
                "contextsms:profiles.teams.apiBase": emulator.teams_api_base,
                "contextsms:profiles.teams.username": DEMO_USER,
                "contextsms:profiles.teams.cspId": DEMO_CSP_ID,
            },
            secrets={
                "contextsms:password": DEMO_PASSWORD,
                "contextsms:profiles.teams.password": DEMO_PASSWORD,
            },
            path=True,
        )

        project.run("up", "--yes")  # with its preview, as a user runs it

        outputs = project.outputs()
        for process in ("program", "provider"):
            where = outputs[process]
            assert in_venv(where["module"], venv), (process, where, venv)
            assert in_venv(where["python"], venv), (process, where, venv)
            assert where["sdk"] == lane.sdk
        records = emulator.records()
        assert live(records) == {
            "enterprises": sorted(outputs["enterprise_ids"]),
            "mappings": sorted(outputs["mapping_ids"]),
            "csps": [outputs["csp_id"]],
        }

        project.preview("--expect-no-changes")

        emulator.clear_requests()
        project.refresh()
        assert writes(emulator.requests()) == []
        assert emulator.records() == records

        project.destroy()
        assert live(emulator.records()) == {
            "enterprises": [],
            "mappings": [],
            "csps": [outputs["csp_id"]],  # the API cannot delete a CSP
        }
        assert [r["type"] for r in project.resources()] == []


def test_without_the_emulator_extra_the_command_says_what_to_install(
    wheel: Path, venv_path: Path
) -> None:
    lane = LANES[-1]
    venv = fresh_venv(lane, venv_path, wheel, f"pulumi=={lane.sdk}")
    python = venv / "bin" / "python"
    absent = run(python, "-c", "import importlib.util as u; print(u.find_spec('fastapi'))")
    assert absent.stdout.strip() == "None"

    for command in ([venv / "bin" / "contextsms-emulator"], [python, "-m", "contextsms_emulator"]):
        result = run_failing(*command, "--port", "0")
        assert result.returncode == 1
        assert "pip install 'pulumi-contextsms[emulator]'" in result.stderr
        assert "Traceback" not in result.stderr
    # the provider itself needs none of it
    run(python, "-c", "import pulumi_contextsms._state_refs, pulumi_contextsms.resources")


def run_failing(*args: str | Path) -> Any:
    import subprocess

    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False)


def wheel_metadata(wheel: Path) -> Any:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return Parser().parsestr(archive.read(name).decode())


def test_the_wheel_publishes_ranges_classifiers_license_and_urls_but_no_dev_extra(
    wheel: Path,
) -> None:
    meta = wheel_metadata(wheel)
    requires = meta.get_all("Requires-Dist")
    assert "pulumi<4,>=3.216.0" in requires
    assert not any("==" in r.split(";")[0] for r in requires)  # ranges, no pins
    assert meta.get_all("Provides-Extra") == ["emulator"]  # dev tools are a dependency group
    assert not any(r.split()[0].lower() in {"pytest", "ruff", "mypy"} for r in requires)
    classifiers = meta.get_all("Classifier")
    for version in ("3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta.get_all("License-File") == ["LICENSE"]
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert set(urls) >= {"Homepage", "Changelog", "Issues"}
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        license_text = archive.read(
            next(n for n in names if n.endswith(".dist-info/licenses/LICENSE"))
        ).decode()
        plugin = json.loads(archive.read("pulumi_contextsms/pulumi-plugin.json"))
    assert license_text == (REPO / "LICENSE").read_text()
    assert "Apache License" in license_text and "END OF TERMS AND CONDITIONS" in license_text
    assert plugin == {"resource": False, "name": "contextsms"}
    assert {"pulumi_contextsms/py.typed", "pulumi_contextsms/_state_refs.py"} <= names
    assert not any(n.startswith(("tests/", "scripts/", "tools/")) for n in names)
