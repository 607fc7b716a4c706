"""Taking over records that already exist: a crashed run's leftovers, and `adopt_id`."""

from __future__ import annotations

import pytest
from cli_harness import (
    DETAILED_PROGRAM,
    api_requests,
    assert_records_match_outputs,
    creates,
    emulator_client,
    live_records,
    run_concurrently,
)

from pulumi_contextsms.client.specs import EnterpriseSpec, MappingSpec

pytestmark = pytest.mark.pulumi_cli

ADOPT_PROGRAM = """
import pulumi
import pulumi_contextsms as contextsms

cfg = pulumi.Config("test")
ent = contextsms.Enterprise(
    "acme",
    name="ABC Marketing Company",
    contact=cfg.get("contact") or "Sarah Johnson",
    phone_number="+15551234567",
    email="sarah@abcmarketing.com",
    adopt_id=cfg.require("adopt_enterprise"),
)
mapping = contextsms.NumberMapping(
    "frontdesk",
    enterprise_id=ent.enterprise_id,
    phone_number="+15559870000",
    messaging_app_id="teams-channel-1",
    name="Front Desk",
    adopt_id=cfg.require("adopt_mapping"),
)
pulumi.export("enterprise_id", ent.enterprise_id)
pulumi.export("mapping_id", mapping.mapping_id)
"""


def test_an_identical_leftover_is_refused_by_name_and_taken_over_by_the_named_recovery(
    project_factory, emulator
):
    """A mapping this stack cannot show it made (no create of it in flight here): the up
    stops naming it; the recovery the message gives (adopt_id) takes it over."""
    project = project_factory(DETAILED_PROGRAM)
    project.connect(emulator, "webex", extra={"test:mappings": "0"})
    project.up()
    enterprise_id = project.outputs()["enterprise"]["enterprise_id"]
    with emulator_client(emulator, "webex") as client:
        leftover = client.create_mapping(
            enterprise_id,
            MappingSpec(
                phone_number="+15559870000",
                messaging_app_type="Webex",
                messaging_app_id="app-0",
                mms_enabled=True,
            ),
        )
    emulator.clear_requests()
    project.config("test:mappings", "1")

    refused = project.up(check=False)

    assert refused.returncode != 0
    assert (
        f"+15559870000 is already mapped by {leftover.mapping_id} (enterprise {enterprise_id}, "
        "messaging app 'app-0'), with the same values, but this stack cannot show that it "
        f"made it" in refused.stdout
    ), refused.stdout
    assert f'take it over with adopt_id="{leftover.mapping_id}"' in refused.stdout
    assert project.outputs()["mappings"] == []

    project.config("test:adopt0", leftover.mapping_id)  # the recovery, as given
    emulator.clear_requests()
    project.up()
    outputs = project.outputs()
    assert [m["mapping_id"] for m in outputs["mappings"]] == [leftover.mapping_id]
    assert creates(api_requests(emulator)) == []  # adopted, not created
    assert_records_match_outputs(emulator, outputs)
    project.preview("--expect-no-changes")


def test_adopt_id_takes_over_matching_records_and_refuses_a_differing_one(
    project_factory, emulator
):
    with emulator_client(emulator, "teams") as client:
        enterprise = client.create_enterprise(
            "CSP0000001",
            EnterpriseSpec(
                name="ABC Marketing Company",
                contact="Sarah Johnson",
                phone_number="+15551234567",
                email="sarah@abcmarketing.com",
            ),
        )
        mapping = client.create_mapping(
            enterprise.enterprise_id,
            MappingSpec(
                phone_number="+15559870000",
                messaging_app_type="Teams",
                messaging_app_id="teams-channel-1",
                name="Front Desk",
            ),
        )
    adopt = {
        "test:adopt_enterprise": enterprise.enterprise_id,
        "test:adopt_mapping": mapping.mapping_id,
    }
    good = project_factory(ADOPT_PROGRAM, stack="adopts")
    differs = project_factory(ADOPT_PROGRAM, stack="differs")
    run_concurrently(
        lambda: good.connect(emulator, "teams", extra=adopt),
        lambda: differs.connect(emulator, "teams", extra={**adopt, "test:contact": "Jane Roe"}),
    )
    before = emulator.records()
    emulator.clear_requests()

    def adopt_then_preview() -> None:
        good.up()
        good.preview("--expect-no-changes")  # makes no request: the log below stays exact

    _, refused = run_concurrently(adopt_then_preview, lambda: differs.up(check=False))

    assert good.outputs() == {
        "enterprise_id": enterprise.enterprise_id,
        "mapping_id": mapping.mapping_id,
    }
    assert refused.returncode != 0
    assert (
        f"adopt_id {enterprise.enterprise_id} does not match the program: contact is "
        "'Sarah Johnson' in ContextSMS but 'Jane Roe' in the program" in refused.stdout
    ), refused.stdout
    log = api_requests(emulator)
    assert creates(log) == []
    assert [r for r in log if r["method"] in ("PUT", "DELETE")] == []
    assert emulator.records() == before  # adoption never writes, not even on a mismatch

    good.destroy()
    assert live_records(emulator) == ([], [])
    deleted = emulator.records()["enterprises"]
    assert [(e["enterprise_id"], e["deleted"]) for e in deleted] == [
        (enterprise.enterprise_id, True)
    ]
