"""A record belongs to one stack: a second stack never takes it over, a renamed profile
replaces nothing, and settings that reach another service are refused, not obeyed."""

from __future__ import annotations

import json

import pytest
from cli_harness import (
    DETAILED_PROGRAM,
    api_requests,
    assert_records_match_outputs,
    connection_config,
    writes,
)

from contextsms_emulator import DEMO_PASSWORD
from contextsms_emulator.process import EmulatorProcess

pytestmark = pytest.mark.pulumi_cli


@pytest.mark.parametrize("platform", ["webex", "teams"])
def test_a_second_stack_declaring_the_first_stacks_mapping_fails_and_leaves_it_untouched(
    project_factory, emulator, platform
):
    first = project_factory(DETAILED_PROGRAM, stack="first")
    second = project_factory(DETAILED_PROGRAM, stack="second")
    first.connect(emulator, platform, extra={"test:mappings": "1"})
    first.up()
    mine = first.outputs()
    enterprise_id = mine["enterprise"]["enterprise_id"]
    (mapping,) = mine["mappings"]
    # the second stack maps the same number, app id and type into the first's enterprise
    second.connect(
        emulator,
        platform,
        extra={"test:mappings": "1", "test:enterprise_id": enterprise_id, "test:name": "Other Co"},
    )

    refused = second.up(check=False)

    assert refused.returncode != 0
    assert (
        f"+15559870000 is already mapped by {mapping['mapping_id']} (enterprise "
        f"{enterprise_id}, messaging app 'app-0'), with the same values, but this stack cannot "
        "show that it made it: another stack may manage it." in refused.stdout
    ), refused.stdout
    assert not [r for r in second.resources() if r["type"].endswith(":NumberMapping")]

    emulator.clear_requests()
    second.destroy()
    log = api_requests(emulator)
    assert all(mapping["mapping_id"] not in r["path"] for r in writes(log))
    assert all(enterprise_id not in r["path"] for r in writes(log))
    _only_the_first_stacks_records_live(emulator, mine)
    first.refresh("--expect-no-changes")
    first.preview("--expect-no-changes")


def _only_the_first_stacks_records_live(emulator, outputs):  # type: ignore[no-untyped-def]
    """The first stack's enterprise and mapping, and nothing the second stack made."""
    records = emulator.records()
    live = [e for e in records["enterprises"] if not e["deleted"]]
    assert [e["enterprise_id"] for e in live] == [outputs["enterprise"]["enterprise_id"]]
    assert [m["mapping_id"] for m in records["mappings"]] == [
        m["mapping_id"] for m in outputs["mappings"]
    ]


PROFILE_PROGRAM = """
import pulumi
import pulumi_contextsms as contextsms

profile = pulumi.Config("test").require("profile")
ent = contextsms.Enterprise(
    "acme",
    name="ABC Marketing Company",
    contact="Sarah Johnson",
    phone_number="+15551234567",
    email="sarah@abcmarketing.com",
    profile=profile,
)
mappings = [
    contextsms.NumberMapping(
        f"m{i}",
        enterprise_id=ent.enterprise_id,
        phone_number=f"+1555987{i:04d}",
        messaging_app_id=f"app-{i}",
        name=f"Desk {i}",
        profile=profile,
    )
    for i in range(2)
]
pulumi.export("enterprise_id", ent.enterprise_id)
pulumi.export("mapping_ids", [m.mapping_id for m in mappings])
pulumi.export("connection", ent.connection)
"""


def assert_refused_as_moved(command, emulator, elsewhere):  # type: ignore[no-untyped-def]
    """`command` fails saying the records live on `emulator`, not where settings now reach."""
    refused = command(check=False)
    assert refused.returncode != 0
    assert (
        f"lives on webex {emulator.webex_api_base}, but this stack's settings now "
        f"reach webex {elsewhere.webex_api_base}; refusing to act on it through "
        "another service" in refused.stdout
    ), refused.stdout


def _profile(project, emulator, name):  # type: ignore[no-untyped-def]
    values = {
        f"contextsms:profiles.{name}.{key.removeprefix('contextsms:')}": value
        for key, value in connection_config(emulator, "teams").items()
    }
    project.config_all(
        values, secrets={f"contextsms:profiles.{name}.password": DEMO_PASSWORD}, path=True
    )


def test_renaming_a_profile_with_identical_settings_replaces_nothing_and_sends_no_write(
    project_factory, emulator
):
    project = project_factory(PROFILE_PROGRAM)
    _profile(project, emulator, "old")
    project.config("test:profile", "old")
    project.up()
    before = project.outputs()
    assert before["connection"] == {"platform": "teams", "api_base": emulator.teams_api_base}

    _profile(project, emulator, "new")
    project.config("test:profile", "new")
    emulator.clear_requests()
    project.preview("--expect-no-changes")  # no replacement, and no update either
    project.up("--expect-no-changes")
    project.run("config", "rm", "--path", "contextsms:profiles.old")
    project.preview("--expect-no-changes")

    assert api_requests(emulator) == []  # no login either: nothing needed the API
    assert project.outputs() == before
    project.refresh("--run-program")  # with the current settings: "old" is gone
    assert {
        r["outputs"].get("profile") for r in project.resources() if "contextsms" in r["type"]
    } == {"new"}
    project.preview("--expect-no-changes")


def test_settings_that_reach_another_service_are_refused_until_the_user_says_it_moved(
    project_factory, emulator
):
    project = project_factory(DETAILED_PROGRAM)
    project.connect(emulator, "webex", extra={"test:mappings": "1"})
    project.up()
    before = project.outputs()
    records = emulator.records()

    with EmulatorProcess() as elsewhere:
        project.config("contextsms:apiBase", elsewhere.webex_api_base)
        # every command that acts with these settings is refused: refresh and destroy
        # too, once they run with them (--run-program, or after an up recorded them)
        for command in (
            project.preview,
            lambda **kw: project.refresh("--run-program", **kw),
            lambda **kw: project.destroy("--run-program", **kw),
            project.up,
            project.refresh,
            project.destroy,
        ):
            assert_refused_as_moved(command, emulator, elsewhere)
        assert api_requests(elsewhere) == []  # nothing reached the other service
        assert emulator.records() == records

    # the same service under another name (as through a proxy): refused until allowed
    proxied = emulator.webex_api_base.replace("127.0.0.1", "localhost")
    project.config("contextsms:apiBase", proxied)
    assert project.preview(check=False).returncode != 0
    project.config("contextsms:allowConnectionChange", "true")
    project.refresh("--run-program")  # the README's step: records the new connection
    project.run("config", "rm", "contextsms:allowConnectionChange")
    project.preview("--expect-no-changes")
    assert project.outputs() == before
    assert emulator.records() == records
    recorded = {
        (r["outputs"].get("platform"), r["outputs"].get("api_base"), "connection" in r["outputs"])
        for r in project.resources()
        if "contextsms" in r["type"]
    }
    assert recorded == {("webex", proxied, False)}
    assert_records_match_outputs(emulator, before)


def as_earlier_build(export: str) -> str:
    """A stack export as development builds before the footprint work wrote it: each
    record's service as a `connection` dict in its inputs and its outputs, no `api_base`
    output (docs/upgrading.md)."""
    stack = json.loads(export)
    for resource in stack["deployment"]["resources"]:
        if not resource["type"].startswith("pulumi-python:dynamic/contextsms:"):
            continue
        outputs = resource["outputs"]
        connection = {"api_base": outputs.pop("api_base"), "platform": outputs["platform"]}
        outputs["connection"] = resource["inputs"]["connection"] = connection
    return json.dumps(stack, indent=4)


def test_a_stack_recorded_by_an_earlier_build_plans_nothing_refuses_a_move_and_migrates(
    project_factory, emulator, tmp_path
):
    """State written before the service moved to the outputs' `api_base` (a `connection`
    dict in inputs and outputs): no diff, no write, the same refusal of another service,
    and a refresh (or any update) rewrites it in today's form."""
    project = project_factory(DETAILED_PROGRAM)
    project.connect(emulator, "webex", extra={"test:mappings": "2"})
    project.up()
    before = project.outputs()
    records = emulator.records()
    earlier = tmp_path / "earlier.json"
    earlier.write_text(as_earlier_build(project.export()))
    project.run("stack", "import", "--file", str(earlier))
    ours = [r for r in project.resources() if "contextsms" in r["type"]]
    assert all("connection" in r["inputs"] and "api_base" not in r["outputs"] for r in ours)

    emulator.clear_requests()
    project.preview("--expect-no-changes")
    project.up("--expect-no-changes")
    assert writes(api_requests(emulator)) == []
    assert project.outputs() == before

    with EmulatorProcess() as elsewhere:
        project.config("contextsms:apiBase", elsewhere.webex_api_base)
        for command in (project.preview, lambda **kw: project.refresh("--run-program", **kw)):
            assert_refused_as_moved(command, emulator, elsewhere)
        assert api_requests(elsewhere) == []
    project.config("contextsms:apiBase", emulator.webex_api_base)

    project.refresh("--run-program")  # the refused runs left their settings in the state
    ours = [r for r in project.resources() if "contextsms" in r["type"]]
    assert {"connection" in r["inputs"] or "connection" in r["outputs"] for r in ours} == {False}
    assert {r["outputs"]["api_base"] for r in ours} == {emulator.webex_api_base}
    project.preview("--expect-no-changes")
    assert emulator.records() == records
    assert project.outputs() == before


CSP_PROGRAM = """
import pulumi
import pulumi_contextsms as contextsms

cfg = pulumi.Config("test")
reseller = contextsms.Csp(
    "reseller",
    email="ops@reseller-inc.com",
    name=cfg.get("name") or "Reseller Inc",
    allow_reregistration=cfg.get_bool("allow"),
)
pulumi.export("csp_id", reseller.csp_id)
"""


def test_a_csp_change_that_would_leave_the_old_csp_behind_fails_at_preview_unless_allowed(
    project_factory, emulator
):
    project = project_factory(CSP_PROGRAM)
    project.connect(emulator, "teams")
    project.up()
    first = project.outputs()["csp_id"]
    project.config("test:name", "Reseller Incorporated")

    emulator.clear_requests()
    refused = project.preview(check=False)
    assert refused.returncode != 0
    assert (
        "changing name would register a new CSP, and the CSP registered now would stay in "
        "ContextSMS (the Teams Platform API cannot change or delete a CSP); keep name as it "
        "was, or set allow_reregistration=True to register a new CSP anyway" in refused.stdout
    ), refused.stdout
    assert api_requests(emulator) == []

    project.config("test:allow", "true")
    project.up()
    second = project.outputs()["csp_id"]
    assert second != first
    assert sorted(c["csp_id"] for c in emulator.records()["csps"]) == sorted([first, second])


TWINS_PROGRAM = """
import pulumi
import pulumi_contextsms as contextsms

fields = dict(
    name="ABC Marketing Company",
    contact="Sarah Johnson",
    phone_number="+15551234567",
    email="sarah@abcmarketing.com",
)
first, second = contextsms.Enterprise("first", **fields), contextsms.Enterprise("second", **fields)
a = contextsms.NumberMapping(
    "a", enterprise_id=first.enterprise_id, phone_number="+15559870000", messaging_app_id="app-a"
)
b = contextsms.NumberMapping(
    "b",
    enterprise_id=first.enterprise_id,
    phone_number="+15559870000",
    messaging_app_id="app-b",
    opts=pulumi.ResourceOptions(depends_on=[a]),
)
pulumi.export("enterprise_ids", [first.enterprise_id, second.enterprise_id])
"""


@pytest.mark.parametrize("keys", ["honoured", "ignored"])
def test_two_resources_of_one_stack_never_share_a_record(project_factory, keys):
    """Found by the issue-11 work: the record of creates in flight named the stack, not
    the resource, so a second resource declaring the same record passed for the
    recovery of the first (a reused Idempotency-Key; with identical enterprises, one
    enterprise owned twice)."""
    with EmulatorProcess(honour_idempotency_keys=keys == "honoured") as emulator:
        project = project_factory(TWINS_PROGRAM)
        project.connect(emulator, "webex")

        result = project.up(check=False)

        assert result.returncode != 0
        assert "IDEMPOTENCY_KEY_REUSED" not in result.stdout, result.stdout
        assert "+15559870000 is already mapped by NTMAP" in result.stdout, result.stdout
        enterprises = [e for e in emulator.records()["enterprises"] if not e["deleted"]]
        in_state = {r["id"] for r in project.resources() if r["type"].endswith(":Enterprise")}
        assert len(enterprises) == 2 and in_state == {e["enterprise_id"] for e in enterprises}
        (mapping,) = emulator.records()["mappings"]
        assert mapping["messaging_app_id"] == "app-a"
