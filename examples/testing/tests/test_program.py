"""Unit tests of the program: no Pulumi CLI, no network, our providers' own validation.

ContextSmsMocks runs each ContextSMS resource through its provider's check(), so a bad
input fails here exactly as `pulumi preview` would fail it, and a good one gets the
outputs a real create gives (fake ids of the right shape, the platform).
"""

import runpy
from pathlib import Path

import pulumi
import pytest

from pulumi_contextsms.testing import CheckFailedError, ContextSmsMocks

PROGRAM = Path(__file__).resolve().parents[1] / "__main__.py"
STACK_CONFIG = {"contextsms:platform": "webex", "contextsms:cspId": "CSP0000001"}


def run_program(**config: str) -> dict:
    """Install the mocks with this stack config, then run the program; its globals."""
    ContextSmsMocks(config={**STACK_CONFIG, **config}).install()
    return runpy.run_path(str(PROGRAM))


@pulumi.runtime.test
def test_the_front_desk_number_is_mapped_to_the_clinic_on_webex():
    program = run_program()
    clinic, front_desk = program["clinic"], program["front_desk"]

    def check(values):
        enterprise_id, mapping_enterprise, mapping_id, platform, app_type = values
        assert enterprise_id.startswith("E") and len(enterprise_id) == 8
        assert mapping_enterprise == enterprise_id
        assert mapping_id.startswith("NTMAP")
        assert (platform, app_type) == ("webex", "Webex")

    return pulumi.Output.all(
        clinic.enterprise_id,
        front_desk.enterprise_id,
        front_desk.mapping_id,
        front_desk.platform,
        front_desk.messaging_app_type,
    ).apply(check)


def test_a_number_that_is_not_e164_fails_with_the_providers_message():
    @pulumi.runtime.test
    def deploy():
        return run_program(**{"frontdesk:number": "555-0100"})["front_desk"].mapping_id

    with pytest.raises(CheckFailedError) as failure:
        deploy()
    assert failure.value.name == "front-desk"
    assert [f.property for f in failure.value.failures] == ["phone_number"]
    assert "phone_number" in str(failure.value) and "E.164" in str(failure.value)
