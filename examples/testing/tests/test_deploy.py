"""Deploy the program for real, with the Automation API, against a local ContextSMS
emulator: `pulumi up`, look at what the API holds, send it a text, `pulumi destroy`.

The fixtures come from the pulumi-contextsms pytest plugin (installed with the
`emulator` extra): `contextsms_emulator` is an emulator on a free port for this test,
`contextsms_stack_config` the `contextsms:*` config that points a stack at it.
"""

import shutil
from pathlib import Path

import pulumi.automation as auto
import pytest

from pulumi_contextsms.testing import automation_config

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture
def stack(tmp_path, contextsms_stack_config):
    """A throwaway stack of the program: a copy of the project, a local file backend
    and PULUMI_HOME in tmp_path, and the emulator's settings (password as a secret)."""
    work_dir = tmp_path / "project"
    shutil.copytree(PROJECT, work_dir, ignore=shutil.ignore_patterns("tests", "Pulumi.*.yaml"))
    state = tmp_path / "state"
    state.mkdir()
    stack = auto.create_stack(
        "test",
        work_dir=str(work_dir),
        opts=auto.LocalWorkspaceOptions(
            pulumi_home=str(tmp_path / "pulumi-home"),
            env_vars={
                "PULUMI_BACKEND_URL": f"file://{state}?metadata=skip",
                "PULUMI_CONFIG_PASSPHRASE": "only-for-tests",
            },
        ),
    )
    stack.set_all_config(automation_config(contextsms_stack_config))
    yield stack
    stack.destroy()  # nothing left behind, even when the test failed half-way
    stack.workspace.remove_stack("test")


def test_up_creates_the_clinic_and_its_number_and_destroy_removes_them(stack, contextsms_emulator):
    outputs = stack.up().outputs

    records = contextsms_emulator.records()
    [clinic] = records["enterprises"]
    [front_desk] = records["mappings"]
    assert clinic["enterprise_id"] == outputs["enterprise_id"].value
    assert clinic["name"] == "Sunshine Dental Clinic"
    assert front_desk["mapping_id"] == outputs["mapping_id"].value
    assert front_desk["phone_number"] == "+15559876543"
    assert front_desk["messaging_app_id"] == "sunshine-frontdesk-bot"
    stack.preview(expect_no_changes=True)  # a second run would change nothing

    stack.destroy()
    assert contextsms_emulator.records()["mappings"] == []
    assert [e["deleted"] for e in contextsms_emulator.records()["enterprises"]] == [True]


def test_a_text_to_the_deployed_number_reaches_our_webhook(
    stack, contextsms_emulator, contextsms_webhook_receiver
):
    outputs = stack.up().outputs
    contextsms_emulator.register_webhook(
        contextsms_webhook_receiver.url, enterprise_id=outputs["enterprise_id"].value
    )

    contextsms_emulator.send_inbound(outputs["number"].value, "+15551230001", "Can I come at 3?")

    [event] = contextsms_webhook_receiver.wait_for_events(1)
    assert event.mapping_id == outputs["mapping_id"].value
    assert event.enterprise_id == outputs["enterprise_id"].value
    assert (event.message.from_, event.message.text) == ("+15551230001", "Can I come at 3?")
