"""One project, several stacks: each stack's settings reach only its own API."""

from __future__ import annotations

import pytest
from cli_harness import (
    DETAILED_PROGRAM,
    api_requests,
    assert_records_match_outputs,
    live_records,
    run_concurrently,
)

from contextsms_emulator.process import EmulatorProcess

pytestmark = pytest.mark.pulumi_cli


def test_dev_and_prod_stacks_write_only_to_their_own_api_and_destroy_dev_spares_prod(
    project_factory,
):
    dev = project_factory(DETAILED_PROGRAM, stack="dev")
    prod = project_factory(DETAILED_PROGRAM, stack="prod")
    assert dev.root == prod.root  # one project directory, one state backend

    with EmulatorProcess() as dev_api, EmulatorProcess() as prod_api:
        dev.connect(dev_api, "teams", extra={"test:name": "Dev Co", "test:mappings": "2"})
        prod.connect(prod_api, "teams", extra={"test:name": "Prod Co", "test:mappings": "3"})

        run_concurrently(dev.up, prod.up)

        dev_outputs, prod_outputs = dev.outputs(), prod.outputs()
        assert dev_outputs["enterprise"]["name"] == "Dev Co"
        assert prod_outputs["enterprise"]["name"] == "Prod Co"
        # each emulator holds exactly its own stack's records, and nothing of the other's
        assert_records_match_outputs(dev_api, dev_outputs)
        assert_records_match_outputs(prod_api, prod_outputs)

        prod_before = prod_api.records()
        prod_api.clear_requests()
        dev.destroy()

        assert live_records(dev_api) == ([], [])
        assert prod_api.records() == prod_before
        assert api_requests(prod_api) == []
        # prod's state still describes prod's records
        assert prod.outputs() == prod_outputs
