"""A portal-made account brought under a stack through an inventory file, then changed
on day 2, through the real CLI: preview says what it adopts (and fails there on a wrong
id), `up` adopts writing nothing, and a move, a bot change or a mapping deleted in the
portal with its adopt id left in never leaves a number unmapped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from cli_harness import api_requests, creates, emulator_client, logins, writes

from contextsms_emulator import DEMO_CSP_ID
from pulumi_contextsms.inventory import Inventory, dump

pytestmark = pytest.mark.pulumi_cli

PROGRAM = """
import pulumi
import pulumi_contextsms as contextsms

declared = contextsms.declare_inventory("contextsms.yaml")
pulumi.export("enterprises", {k: e.enterprise_id for k, e in declared.enterprises.items()})
pulumi.export("numbers", {n: m.mapping_id for n, m in declared.numbers.items()})
"""


def portal_account(platform: str) -> dict[str, Any]:
    """Two enterprises with three numbers each, as someone made them in the portal."""
    webex = platform == "webex"
    enterprises = []
    for e, name in enumerate(("Sunshine Dental Clinic", "BrightStar Marketing")):
        numbers = []
        for n in range(3):
            number: dict[str, Any] = {
                "phone_number": f"+1555{e}00{n:04d}",
                "messaging_app_id": f"app-{e}-{n}",
            }
            number.update({"mms_enabled": n % 2 == 0} if webex else {"name": f"Desk {n}"})
            numbers.append(number)
        enterprise: dict[str, Any] = {
            "name": name,
            "contact": "Maria Rodriguez",
            "phone_number": f"+1555{e}000000",
            "email": f"ops{e}@example.com",
            "numbers": numbers,
        }
        if webex:
            enterprise["default_mms_selection"] = True
        enterprises.append(enterprise)
    return {"service": platform, "csp_id": DEMO_CSP_ID, "enterprises": enterprises}


def inventory_of(seeded: dict[str, Any], platform: str) -> dict[str, Any]:
    """The inventory a discovery of `seeded` writes (ids included), as a dict."""
    numbers_by_enterprise: dict[str, dict[str, Any]] = {}
    for m in seeded["mappings"]:
        entry: dict[str, Any] = {"id": m["mapping_id"], "messaging_app_id": m["messaging_app_id"]}
        entry.update({"mms_enabled": m["mms_enabled"]} if platform == "webex" else {})
        if platform == "teams" and m.get("name"):
            entry["name"] = m["name"]
        numbers_by_enterprise.setdefault(m["enterprise_id"], {})[m["phone_number"]] = entry
    enterprises = {}
    for e in seeded["enterprises"]:
        key = e["name"].lower().replace(" ", "-")
        enterprises[key] = {
            "id": e["enterprise_id"],
            "name": e["name"],
            "contact": e["contact"],
            "phone_number": e["phone_number"],
            "email": e["email"],
            "numbers": numbers_by_enterprise.get(e["enterprise_id"], {}),
        }
        if platform == "webex":
            enterprises[key]["default_mms_selection"] = e["default_mms_selection"]
    return {"platform": platform, "enterprises": enterprises}


def write_inventory(root: Path, inventory: dict[str, Any]) -> None:
    text = dump(Inventory.model_validate(inventory), "written by the test")
    (root / "contextsms.yaml").write_text(text)


def adopted_project(project_factory: Any, emulator: Any, platform: str) -> tuple[Any, dict]:
    seeded = emulator.seed(portal_account(platform))
    project = project_factory(PROGRAM)
    project.connect(emulator, platform)
    inventory = inventory_of(seeded, platform)
    write_inventory(project.root, inventory)
    return project, inventory


def diagnostics_of(output: str) -> str:
    return output[output.index("Diagnostics:") :] if "Diagnostics:" in output else ""


@pytest.mark.parametrize("platform", ["webex", "teams"])
def test_a_portal_made_account_is_adopted_with_no_write_and_preview_says_so(
    project_factory, emulator, platform
):
    project, inventory = adopted_project(project_factory, emulator, platform)
    before = emulator.records()
    emulator.clear_requests()

    preview = project.preview()

    said = diagnostics_of(preview.stdout)
    for entry in inventory["enterprises"].values():
        assert f"adopts enterprise {entry['id']} ({entry['name']!r}) as it is" in said, said
        for number, mapping in entry["numbers"].items():
            assert f"adopts {mapping['id']} ({number} in enterprise {entry['id']})" in said
    log = api_requests(emulator)
    reads = sorted(r["path"] for r in log if r["method"] == "GET")
    # one read of each enterprise, one listing of each: never one per record
    assert len(logins(log)) == 1 and writes(log) == []
    assert len(reads) == 4, reads
    assert len([p for p in reads if "/getenterprise/" in p]) == 2, reads

    emulator.clear_requests()
    project.up()
    assert writes(api_requests(emulator)) == []
    assert emulator.records() == before
    outputs = project.outputs()
    assert outputs["numbers"] == {
        n: m["id"] for e in inventory["enterprises"].values() for n, m in e["numbers"].items()
    }

    emulator.clear_requests()
    project.preview("--expect-no-changes")
    assert api_requests(emulator) == []  # in the stack now: nothing to read at preview
    project.preview("--refresh", "--expect-no-changes")


@pytest.mark.parametrize("platform", ["webex", "teams"])
def test_day_two_changes_with_adopt_ids_left_in_never_leave_a_number_unmapped(
    project_factory, emulator, platform
):
    project, inventory = adopted_project(project_factory, emulator, platform)
    project.up()
    first, second = inventory["enterprises"].values()
    number = next(iter(first["numbers"]))
    old_id = first["numbers"][number]["id"]

    # Teams: a move to the other enterprise; Webex: another bot (both replace it)
    if platform == "teams":
        second["numbers"][number] = first["numbers"].pop(number)
        home = second["id"]
    else:
        first["numbers"][number]["messaging_app_id"] = "webex-bot-new"
        home = first["id"]
    write_inventory(project.root, inventory)
    emulator.clear_requests()

    project.up()

    made = {m["phone_number"]: m for m in emulator.records()["mappings"]}
    assert made[number]["enterprise_id"] == home
    assert made[number]["mapping_id"] != old_id
    assert [r["method"] for r in writes(api_requests(emulator))] == ["DELETE", "POST"]
    assert project.outputs()["numbers"][number] == made[number]["mapping_id"]
    project.preview("--expect-no-changes")

    # deleted in the portal; the file still names the old id: `up --refresh` maps it again
    with emulator_client(emulator, platform) as portal:
        portal.delete_mapping(made[number]["mapping_id"])
    emulator.clear_requests()

    project.up("--refresh")

    again = {m["phone_number"]: m for m in emulator.records()["mappings"]}
    assert again[number]["enterprise_id"] == home
    assert len(creates(api_requests(emulator))) == 1
    project.preview("--refresh", "--expect-no-changes")


def test_a_wrong_adopt_id_or_a_mismatch_fails_at_preview_and_nothing_is_written(
    project_factory, emulator
):
    project, inventory = adopted_project(project_factory, emulator, "webex")
    first, _second = inventory["enterprises"].values()
    numbers = list(first["numbers"])
    # the id of another number of the same enterprise, and a contact that differs
    first["numbers"][numbers[0]]["id"] = first["numbers"][numbers[1]]["id"]
    write_inventory(project.root, inventory)
    emulator.clear_requests()

    refused = project.preview(check=False)

    assert refused.returncode != 0
    taken = first["numbers"][numbers[1]]["id"]
    assert (
        f"adopt_id {taken} does not match the program: phone_number is '{numbers[1]}' in "
        f"ContextSMS but '{numbers[0]}' in the program" in refused.stdout
    ), refused.stdout
    assert writes(api_requests(emulator)) == []

    first["numbers"][numbers[0]]["id"] = first["numbers"][numbers[1]]["id"].replace(
        "NTMAP", "NTMAP9"
    )
    first["contact"] = "Someone Else"
    write_inventory(project.root, inventory)
    refused = project.preview(check=False)
    assert (
        f"adopt_id {first['id']} does not match the program: contact is 'Maria Rodriguez' in "
        "ContextSMS but 'Someone Else' in the program" in refused.stdout
    ), refused.stdout


def test_an_inventory_problem_fails_the_program_with_one_line_per_problem(project_factory):
    project = project_factory(PROGRAM)
    project.config_all({"contextsms:platform": "teams"})
    bad = {
        "enterprises": {
            "acme": {
                "name": "Acme",
                "contact": "Jo",
                "phone_number": "+15550000001",
                "email": "jo@acme.com",
                "default_mms_selection": True,
                "numbers": {"+15550000002": {"messaging_app_id": "x", "mms": True}},
            }
        }
    }
    (project.root / "contextsms.yaml").write_text(yaml.safe_dump(bad))

    refused = project.preview(check=False)

    assert refused.returncode != 0
    assert (
        "contextsms.yaml: enterprises.acme.numbers.+15550000002.mms: unknown key 'mms': remove "
        "it, or fix its spelling" in refused.stdout
    ), refused.stdout
    assert "Traceback" not in refused.stdout + refused.stderr
