"""Plugin discovery of our Python language host, through the real CLI.

The host applies the upstream host's rules (tools/pulumi-language-python/packages.go):
an installed `pulumi-*` package without a ``pulumi-plugin.json`` saying
``"resource": false`` needs a resource plugin. The engine treats that as best effort (it
would try a download and go on), so the suite runs with CONTEXTSMS_HOST_FORBID_PLUGINS
and such a package fails the command: every other real-CLI test therefore also proves
that our own package, as installed for the tests, needs no plugin.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest
from cli_harness import VENV, PulumiProject

pytestmark = pytest.mark.pulumi_cli

PROGRAM = """
import pulumi
import pulumi_contextsms

pulumi.export("package", pulumi_contextsms.__name__)
"""


def site_packages(venv: Path) -> Path:
    relative = Path(sysconfig.get_path("purelib")).relative_to(sys.prefix)
    return venv / relative


def venv_with_fake_package(tmp_path: Path, plugin_json: dict[str, object] | None) -> Path:
    """A venv that sees the suite's packages, plus an installed `pulumi-fakecloud` 1.2.3."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = site_packages(venv)
    # addsitedir, not a bare path: the suite's editable install is itself a .pth file
    (site / "suite.pth").write_text(f"import site; site.addsitedir({str(site_packages(VENV))!r})\n")
    module = site / "pulumi_fakecloud"
    module.mkdir()
    (module / "__init__.py").write_text("")
    if plugin_json is not None:
        (module / "pulumi-plugin.json").write_text(json.dumps(plugin_json))
    info = site / "pulumi_fakecloud-1.2.3.dist-info"
    info.mkdir()
    metadata = "Metadata-Version: 2.1\nName: pulumi-fakecloud\nVersion: 1.2.3\n"
    (info / "METADATA").write_text(metadata)
    (info / "RECORD").write_text("")
    return venv


def project_in(tmp_path: Path, venv: Path, env: dict[str, str]) -> PulumiProject:
    root = tmp_path / "project"
    root.mkdir()
    (root / "Pulumi.yaml").write_text(
        textwrap.dedent(
            f"""\
            name: plugin-discovery
            runtime:
              name: python
              options:
                toolchain: pip
                virtualenv: {venv}
            """
        )
    )
    (root / "__main__.py").write_text(PROGRAM)
    project = PulumiProject(root=root, stack="test", env=env)
    project.run("stack", "init")
    return project


def test_a_package_the_upstream_host_would_fetch_a_plugin_for_fails_the_command(
    tmp_path: Path, pulumi_env: dict[str, str]
) -> None:
    project = project_in(tmp_path, venv_with_fake_package(tmp_path, None), pulumi_env)

    result = project.preview(check=False)
    output = result.stdout + result.stderr

    assert result.returncode != 0
    assert "pulumi-fakecloud 1.2.3 needs resource plugin fakecloud v1.2.3" in output
    assert "pulumi-contextsms" not in output  # ours needs none


def test_without_the_switch_the_engine_sees_the_requirement_and_goes_on_as_upstream(
    tmp_path: Path, pulumi_env: dict[str, str]
) -> None:
    env = {k: v for k, v in pulumi_env.items() if k != "CONTEXTSMS_HOST_FORBID_PLUGINS"}
    project = project_in(tmp_path, venv_with_fake_package(tmp_path, None), env)

    result = project.preview("-v=7", "--logtostderr")

    assert "package fakecloud-1.2.3 () is required by language host" in result.stderr
    assert "plugin fakecloud 1.2.3 not installed" in result.stderr  # nothing downloaded
    assert "package contextsms-" not in result.stderr  # ours is not taken for one


@pytest.mark.parametrize(
    "plugin_json",
    [{"resource": False}, {"resource": False, "name": "fakecloud"}],
    ids=["resource-false", "resource-false-named"],
)
def test_a_package_whose_plugin_json_says_resource_false_needs_no_plugin(
    tmp_path: Path, pulumi_env: dict[str, str], plugin_json: dict[str, object]
) -> None:
    project = project_in(tmp_path, venv_with_fake_package(tmp_path, plugin_json), pulumi_env)

    project.preview()


def test_a_plugin_json_that_does_not_parse_fails_the_command_naming_the_package(
    tmp_path: Path, pulumi_env: dict[str, str]
) -> None:
    venv = venv_with_fake_package(tmp_path, None)
    (site_packages(venv) / "pulumi_fakecloud" / "pulumi-plugin.json").write_text('{"resource": ')
    project = project_in(tmp_path, venv, pulumi_env)

    result = project.preview(check=False)

    assert result.returncode != 0
    assert "package pulumi-fakecloud: reading pulumi-plugin.json" in result.stdout + result.stderr
