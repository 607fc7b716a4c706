"""A resource with several bad inputs has all of them reported by one `pulumi preview`,
field by field, before any HTTP. (Each invalid input and setting on its own, counted:
test_rel_bad_input.py.)

The engine stops a deployment at the first resource whose check() fails (its step
generator bails on an invalid resource), so one preview reports the failures of one
resource only. The program below therefore holds every invalid resource, and each
stack's `test:case` picks the one it declares; the stacks preview at once.
"""

from __future__ import annotations

import re

import pytest
from cli_harness import api_requests, connection_config, run_concurrently

from contextsms_emulator import DEMO_PASSWORD

pytestmark = pytest.mark.pulumi_cli

INVALID_PROGRAM = """
import pulumi
import pulumi_contextsms as contextsms

case = pulumi.Config("test").require("case")
if case == "enterprise":
    contextsms.Enterprise(
        "bad-enterprise",
        name="",                              # empty
        contact="x" * 256,                    # longer than 255
        phone_number="5551234567",            # not E.164: no +country code
        email="sarah.abcmarketing.com",       # no @
        default_mms_selection=True,           # Webex only, this stack is teams
    )
if case == "teams-mapping":
    contextsms.NumberMapping(
        "bad-teams-mapping",
        enterprise_id="E0000001",
        phone_number="+1 (555) CALL-NOW",     # malformed
        messaging_app_type="Webex",           # this stack is teams
        mms_enabled=True,                     # Webex only
        # messaging_app_id missing: required
    )
if case == "webex-mapping":
    contextsms.NumberMapping(
        "bad-webex-mapping",
        enterprise_id="E0000001",
        phone_number="+15559870000",
        messaging_app_id="webex-bot-1",
        messaging_app_type="Teams",           # this stack is webex
        name="Front desk",                    # Teams only
    )
"""

# case -> (stack platform, the (resource, property) pairs its preview must name, exactly)
FIELD_CASES = {
    "enterprise": (
        "teams",
        {
            ("bad-enterprise", "name"),
            ("bad-enterprise", "contact"),
            ("bad-enterprise", "phone_number"),
            ("bad-enterprise", "email"),
            ("bad-enterprise", "default_mms_selection"),
        },
    ),
    "teams-mapping": (
        "teams",
        {
            ("bad-teams-mapping", "phone_number"),
            ("bad-teams-mapping", "messaging_app_type"),
            ("bad-teams-mapping", "mms_enabled"),
            ("bad-teams-mapping", "messaging_app_id"),
        },
    ),
    "webex-mapping": (
        "webex",
        {("bad-webex-mapping", "messaging_app_type"), ("bad-webex-mapping", "name")},
    ),
}

FAILURE = re.compile(r"resource '([\w-]+)': property (\w+) value \{")


def named_failures(text: str) -> set[tuple[str, str]]:
    return set(FAILURE.findall(text))


def test_preview_names_every_bad_field_of_a_resource_at_once_without_any_request(
    project_factory, emulator
):
    password = {"contextsms:password": DEMO_PASSWORD}
    stacks = {
        case: ({**connection_config(emulator, platform), "test:case": case}, password)
        for case, (platform, _) in FIELD_CASES.items()
    }
    projects = {stack: project_factory(INVALID_PROGRAM, stack=stack) for stack in stacks}
    run_concurrently(
        *(
            lambda p=projects[stack], v=values, s=secrets: p.config_all(v, secrets=s)
            for stack, (values, secrets) in stacks.items()
        )
    )
    emulator.clear_requests()

    previews = dict(
        zip(
            projects,
            run_concurrently(*(lambda p=p: p.preview(check=False) for p in projects.values())),
            strict=True,
        )
    )

    outputs = {case: result.stdout + result.stderr for case, result in previews.items()}
    for case, result in previews.items():
        assert result.returncode != 0, f"{case}: preview passed\n{outputs[case]}"
    for case, (_, expected) in FIELD_CASES.items():
        assert named_failures(outputs[case]) == expected, outputs[case]

    text = outputs["enterprise"]
    assert "name: String should have at least 1 character" in text
    assert "contact: String should have at most 255 characters" in text
    assert "'5551234567' is not an E.164 phone number" in text
    assert "email: value is not a valid email address" in text
    assert "default_mms_selection belongs to the webex API" in text
    text = outputs["teams-mapping"]
    assert "'+1 (555) CALL-NOW' is not an E.164 phone number" in text
    assert "messaging_app_type must be 'Teams' on contextsms:platform=teams, got 'Webex'" in text
    assert "mms_enabled belongs to the webex API" in text
    assert "messaging_app_id is required" in text
    text = outputs["webex-mapping"]
    assert "messaging_app_type must be 'Webex' on contextsms:platform=webex" in text
    assert "name belongs to the teams API" in text

    # nothing was sent: no login, no read, no write
    assert api_requests(emulator) == []
