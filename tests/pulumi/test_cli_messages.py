"""What users read in the CLI when the provider fails: our one line last, no chained
tracebacks, and a 409 for a renamed resource that says how to rename it."""

from __future__ import annotations

import re

import pytest
from cli_harness import PROGRAM

pytestmark = pytest.mark.pulumi_cli

SDK_SERVER = "pulumi/dynamic/__main__.py"
OUR_BOUNDARY = "pulumi_contextsms/failures.py"


def error_block(output: str, kind: str) -> str:
    """The diagnostics of the failed `kind` resource, as the CLI printed them."""
    start = output.index(f"pulumi-python:dynamic/contextsms:{kind} (")
    rest = output[start:]
    end = re.search(r"\n\n(?=\S|  \S)", rest)
    return rest[: end.start()] if end else rest


def assert_one_line_last(block: str, line: str) -> None:
    assert "direct cause" not in block and "During handling" not in block, block
    frames = re.findall(r'File "([^"]+)"', block)
    assert all(f.endswith((SDK_SERVER, OUR_BOUNDARY)) for f in frames), frames
    assert sum(f.endswith(OUR_BOUNDARY) for f in frames) <= 1, frames
    last = block.rstrip().splitlines()[-1].strip()
    assert last == f"pulumi_contextsms.failures.ProviderError: {line}", block


def test_create_update_delete_and_read_failures_end_with_our_one_line(project_factory, emulator):
    project = project_factory(PROGRAM)
    project.connect(emulator, "teams", extra={"contextsms:maxAttempts": "1"})
    project.up()
    enterprise_id = project.outputs()["enterprise_id"]
    m0, m1 = project.outputs()["mapping_ids"]

    # create: a third mapping, answered 500
    project.config("test:mappings", "3")
    emulator.fault_next("error", 1, "POST", r"/mapping/add/")
    failed = project.up(check=False)
    block = error_block(failed.stdout, "NumberMapping")
    request_id = re.search(r"requestId (req-[0-9a-f]+)", block)
    assert request_id, block
    assert_one_line_last(
        block,
        f"NumberMapping: create of +15559870002 failed: POST /api/v2/mapping/add/{enterprise_id} "
        f"failed: 500 INTERNAL_ERROR: Internal server error (requestId {request_id[1]})",
    )

    # update: a Teams PUT, answered 500
    project.config("test:mappings", "2")
    project.config("test:label0", "Reception")
    emulator.fault_next("error", 1, "PUT")
    failed = project.up(check=False)
    block = error_block(failed.stdout, "NumberMapping")
    assert_one_line_last(block, block.rstrip().splitlines()[-1].split(": ", 1)[1].strip())
    assert f"NumberMapping: update of {m0} failed: PUT /api/v2/mapping/{m0} failed: 500" in block

    # delete: one mapping fewer, its DELETE answered 500
    project.config("test:label0", "Desk 0")
    project.config("test:mappings", "1")
    emulator.fault_next("error", 1, "DELETE")
    failed = project.up(check=False)
    block = error_block(failed.stdout, "NumberMapping")
    assert_one_line_last(block, block.rstrip().splitlines()[-1].split(": ", 1)[1].strip())
    assert f"NumberMapping: delete of {m1} failed: DELETE /api/v2/mapping/{m1} failed: 500" in block

    # read: a refresh whose listing is answered 500
    emulator.fault_next("error", 1, "GET", r"/numbertomessageappmapping/")
    failed = project.refresh(check=False)
    block = error_block(failed.stdout, "NumberMapping")
    assert_one_line_last(block, block.rstrip().splitlines()[-1].split(": ", 1)[1].strip())
    assert "NumberMapping: refresh of NTMAP" in block and "failed: GET /api/v2/" in block


def test_a_renamed_mapping_without_an_alias_says_how_to_keep_its_state(project_factory, emulator):
    source = PROGRAM.replace('f"m{i}"', 'cfg.get("prefix", "m") + str(i)')
    project = project_factory(source)
    project.connect(emulator, "webex", extra={"test:mappings": "1"})
    project.up()
    project.config("test:prefix", "line-")

    refused = project.up(check=False)

    assert refused.returncode != 0
    assert (
        "If this program renamed the resource that manages it, keep that resource's state "
        'instead: opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="<its old name>")]) '
        "on this NumberMapping" in refused.stdout
    ), refused.stdout
