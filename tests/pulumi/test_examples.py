"""The examples are real projects: each one runs through the real CLI here."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import secret_scan
import yaml
from cli_harness import (
    VENV,
    PulumiProject,
    api_requests,
    emulator_client,
    live_records,
    writes,
)

from contextsms_emulator import DEMO_PASSWORD
from pulumi_contextsms.client.errors import ConfigurationError
from pulumi_contextsms.client.settings import TEAMS_PRODUCTION_API_BASE
from pulumi_contextsms.client.specs import MappingSpec
from pulumi_contextsms.config import StackSettings

pytestmark = pytest.mark.pulumi_cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _copy_example(name: str, tmp_path: Path) -> Path:
    """A copy of the example whose virtualenv points at the repo's .venv."""
    root = tmp_path / name
    shutil.copytree(EXAMPLES / name, root)
    manifest = root / "Pulumi.yaml"
    manifest.write_text(manifest.read_text().replace("../../.venv", str(VENV)))
    return root


@pytest.mark.parametrize("platform", ["quickstart-webex", "quickstart-teams"])
def test_the_quickstart_deploys_on_either_platform_is_stable_and_destroys(
    tmp_path, pulumi_env, emulator, platform
):
    project = PulumiProject(_copy_example("quickstart", tmp_path), "example", dict(pulumi_env))
    project.run("stack", "init")
    project.connect(emulator, platform.removeprefix("quickstart-"))
    project.up()
    outputs = project.outputs()
    enterprises, mappings = live_records(emulator)
    assert [e["enterprise_id"] for e in enterprises] == [outputs["enterprise_id"]]
    assert sorted(m["mapping_id"] for m in mappings) == sorted(
        [outputs["front_desk_mapping_id"], outputs["support_mapping_id"]]
    )
    project.preview("--expect-no-changes")
    project.destroy()
    assert live_records(emulator) == ([], [])


@pytest.mark.parametrize("platform", ["webex", "teams"])
def test_platform_example_deploys_is_stable_and_destroys(tmp_path, pulumi_env, emulator, platform):
    project = PulumiProject(_copy_example(platform, tmp_path), "example", dict(pulumi_env))
    project.run("stack", "init")
    project.connect(emulator, platform)

    project.up()
    outputs = project.outputs()
    enterprises, mappings = live_records(emulator)
    assert [e["enterprise_id"] for e in enterprises] == [outputs["enterprise_id"]]
    assert sorted(m["mapping_id"] for m in mappings) == sorted(outputs["mapping_ids"])
    if platform == "webex":
        listed = sorted(m["mapping_id"] for m in outputs["mappings"])
        assert listed == sorted(outputs["mapping_ids"])
    else:
        assert outputs["front_desk_lookup"]["mapping_id"] == outputs["mapping_ids"][0]

    project.preview("--expect-no-changes")
    project.destroy()
    assert live_records(emulator) == ([], [])


def test_multi_env_dev_stack_deploys_to_its_emulator_and_prod_plans_offline(
    tmp_path, pulumi_env, emulator
):
    root = _copy_example("multi-env", tmp_path)
    dev = PulumiProject(root, "dev", dict(pulumi_env))
    dev.run("stack", "init")
    dev.config("contextsms:apiBase", emulator.teams_api_base)  # the test's emulator port
    dev.config("contextsms:password", DEMO_PASSWORD, secret=True)
    dev.up()
    _, mappings = live_records(emulator)
    assert sorted(m["phone_number"] for m in mappings) == ["+15550100001", "+15550100002"]

    # prod plans its three mappings without a single request (preview is offline)
    emulator.clear_requests()
    prod = PulumiProject(root, "prod", dict(pulumi_env, CONTEXTSMS_PASSWORD="not-used"))
    prod.run("stack", "init")
    preview = prod.preview()
    assert "+ 5 to create" in preview.stdout, preview.stdout
    assert api_requests(emulator) == []

    dev.destroy()
    assert live_records(emulator) == ([], [])


def _stack_settings(stack: str, **overrides: str) -> StackSettings:
    config = yaml.safe_load((EXAMPLES / "multi-env" / f"Pulumi.{stack}.yaml").read_text())
    values = {**config["config"], **overrides, "contextsms:password": "x"}
    return StackSettings.from_config(values.get, environ={})


def test_multi_env_prod_reaches_production_only_through_its_explicit_opt_in():
    assert _stack_settings("prod").connection().api_base == TEAMS_PRODUCTION_API_BASE
    assert _stack_settings("dev").connection().api_base.startswith("http://127.0.0.1:")
    with pytest.raises(ConfigurationError, match="production"):
        _stack_settings("dev", **{"contextsms:apiBase": TEAMS_PRODUCTION_API_BASE}).connection()


# --- promote: the Automation API example ---------------------------------------------------

PROD_USER = "ops@example.com"
PROD_PASSWORD = "prod-only-password"


def _promote_project(tmp_path: Path, env: dict[str, str], dev_emulator, prod_emulator):
    """The promote example with dev on one emulator and prod on another: dev's password
    through CONTEXTSMS_PASSWORD, prod's as a stack secret (both ways users take)."""
    root = _copy_example("promote", tmp_path)
    env = dict(env, CONTEXTSMS_PASSWORD=DEMO_PASSWORD)
    dev = PulumiProject(root, "dev", env)
    dev.run("stack", "init")
    dev.config("contextsms:apiBase", dev_emulator.webex_api_base)
    prod = PulumiProject(root, "prod", env)
    prod.run("stack", "init")
    prod.config_all(
        {"contextsms:apiBase": prod_emulator.webex_api_base},
        secrets={"contextsms:password": PROD_PASSWORD},
    )
    return root, env


def _promote(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(VENV / "bin" / "python"), "promote.py", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    secret_scan.record_cli_run(("promote.py", *args), result.stdout + result.stderr)
    return result


def _numbers(emulator) -> list[str]:
    return sorted(m["phone_number"] for m in live_records(emulator)[1])


def test_promote_ups_dev_checks_it_previews_prod_then_ups_prod(
    tmp_path, pulumi_env, contextsms_emulator_factory
):
    dev_emulator = contextsms_emulator_factory()
    prod_emulator = contextsms_emulator_factory(users=[f"{PROD_USER}:{PROD_PASSWORD}:CSP0000003"])
    root, env = _promote_project(tmp_path, pulumi_env, dev_emulator, prod_emulator)

    result = _promote(root, env)
    assert result.returncode == 0, result.stdout + result.stderr
    steps = [line for line in result.stdout.splitlines() if line.startswith("=== ")]
    assert steps == [
        "=== 1/4 up dev",
        "=== 2/4 check dev",
        "=== 3/4 preview prod",
        "=== 4/4 up prod",
    ]
    assert "promoted dev to prod" in result.stdout
    assert _numbers(dev_emulator) == ["+15550300001", "+15550300002"]
    assert _numbers(prod_emulator) == ["+15550400001", "+15550400002"]
    [prod_enterprise] = live_records(prod_emulator)[0]
    assert (prod_enterprise["name"], prod_enterprise["csp_id"]) == (
        "BrightStar Marketing (prod)",
        "CSP0000003",
    )
    # prod heard nothing before dev was up and checked
    dev_writes = [r["time"] for r in dev_emulator.requests() if r["method"] != "GET"]
    assert min(r["time"] for r in prod_emulator.requests()) > max(dev_writes)

    again = _promote(root, env)  # promoting again changes nothing anywhere
    assert again.returncode == 0, again.stdout + again.stderr
    assert "prod plan: {'same': 4}" in again.stdout
    assert _numbers(prod_emulator) == ["+15550400001", "+15550400002"]


def test_promote_stops_at_a_failing_dev_and_never_touches_prod(
    tmp_path, pulumi_env, contextsms_emulator_factory
):
    dev_emulator = contextsms_emulator_factory()
    prod_emulator = contextsms_emulator_factory()
    root, env = _promote_project(tmp_path, pulumi_env, dev_emulator, prod_emulator)
    PulumiProject(root, "dev", env).run(
        "config", "set", "--path", "contextsms-promote:numbers[1]", "555-0100"
    )

    result = _promote(root, env)

    assert result.returncode == 1
    assert "promotion stopped: pulumi up of dev failed" in result.stderr
    assert "phone_number" in result.stdout + result.stderr
    assert prod_emulator.requests() == []


# --- adopt: a portal-made account brought under two stacks -------------------------------

SEED = Path(__file__).resolve().parents[2] / "contextsms_emulator" / "seeds" / "portal-account.json"


def _discover(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(VENV / "bin" / "contextsms"), "discover", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    secret_scan.record_cli_run(("contextsms", "discover", *args), result.stdout + result.stderr)
    return result


def test_adopt_discovers_a_portal_made_account_adopts_it_writing_nothing_and_runs_day_two(
    tmp_path, pulumi_env, emulator
):
    seeded = emulator.seed(json.loads(SEED.read_text()))
    root = _copy_example("adopt", tmp_path)
    env = dict(pulumi_env, CONTEXTSMS_PASSWORD=DEMO_PASSWORD)
    stacks = {}
    for platform, base in (("teams", emulator.teams_api_base), ("webex", emulator.webex_api_base)):
        stack_file = root / f"Pulumi.{platform}.yaml"
        local = re.sub(r"http://127\.0\.0\.1:\d+/api/v\d", base, stack_file.read_text())
        stack_file.write_text(local)
        stacks[platform] = PulumiProject(root, platform, env)
        stacks[platform].run("stack", "init")
    webex_ids = [e["enterprise_id"] for e in seeded["enterprises"] if e["service"] == "webex"]
    assert len(seeded["enterprises"]) + len(seeded["mappings"]) >= 30

    # 1. discover, 2. adopt with no write, then nothing to change
    found = _discover(root, env, "--stack", "teams", "--out", "inventory/teams.yaml")
    assert found.returncode == 0, found.stdout + found.stderr
    named = [a for i in webex_ids for a in ("--enterprise", i)]
    found = _discover(root, env, "--stack", "webex", "--out", "inventory/webex.yaml", *named)
    assert found.returncode == 0, found.stdout + found.stderr
    before = emulator.records()
    for stack in stacks.values():
        emulator.clear_requests()
        stack.up()
        assert writes(api_requests(emulator)) == []
        stack.preview("--expect-no-changes")
    assert emulator.records() == before

    # 3. day two on Teams: a move, an add and a removal in the file, each one `up`
    teams, path = stacks["teams"], root / "inventory" / "teams.yaml"
    data = yaml.safe_load(path.read_text())
    first, second, third = data["enterprises"].values()
    moved = next(iter(first["numbers"]))
    second["numbers"][moved] = first["numbers"].pop(moved)
    edits: list[tuple[str, list[str]]] = [("move", ["DELETE", "POST"])]
    edits.append(("add", ["POST"]))
    edits.append(("remove", ["DELETE"]))
    for edit, expected in edits:
        if edit == "add":
            third["numbers"]["+15557770001"] = {"messaging_app_id": "teams-channel-new"}
        if edit == "remove":
            removed = next(iter(first["numbers"]))
            del first["numbers"][removed]
        path.write_text(yaml.safe_dump(data))
        emulator.clear_requests()
        teams.up()
        assert [r["method"] for r in writes(api_requests(emulator))] == expected, edit
        teams.preview("--expect-no-changes")
    live = {m["phone_number"]: m["enterprise_id"] for m in emulator.records("teams")["mappings"]}
    assert live[moved] == second["id"]
    assert live["+15557770001"] == third["id"]
    assert removed not in live

    # 4. what the stack cannot see: a number added in the portal, reported by --check
    check = ("--stack", "teams", "--out", "inventory/teams.yaml", "--check")
    agreed = _discover(root, env, *check)
    assert agreed.returncode == 0, agreed.stdout + agreed.stderr
    with emulator_client(emulator, "teams") as portal:
        added = portal.create_mapping(
            first["id"],
            MappingSpec(
                phone_number="+15557770002",
                messaging_app_type="Teams",
                messaging_app_id="portal-made",
            ),
        )
    drift = _discover(root, env, *check)
    assert drift.returncode == 1, drift.stdout + drift.stderr
    assert added.mapping_id in drift.stdout and "+15557770002" in drift.stdout, drift.stdout
