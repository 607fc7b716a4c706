"""What a run costs the API: refresh lists an enterprise's mappings once, not once per
mapping, and finds no drift; preview and a no-op up send nothing at all."""

from __future__ import annotations

from collections import Counter

import pytest
from cli_harness import PROGRAM, api_requests

pytestmark = pytest.mark.pulumi_cli


def test_refresh_costs_three_requests_and_preview_and_noop_up_cost_none(project_factory, emulator):
    project = project_factory(PROGRAM)
    # a mixed-case email: the API stores it normalised, which must not read as drift
    config = {"test:mappings": "10", "test:email": "Sarah@ABCMarketing.com"}
    project.connect(emulator, "webex", extra=config)
    project.up()
    outputs = project.outputs()
    emulator.clear_requests()

    project.refresh("--expect-no-changes")

    log = api_requests(emulator)
    calls = Counter((r["method"], r["path"], r["status"]) for r in log)
    enterprise_id = outputs["enterprise_id"]
    assert calls == {
        ("POST", "/v1/auth/login", 200): 1,
        ("GET", f"/api/v1/enterprise/getenterprise/{enterprise_id}", 200): 1,
        ("GET", f"/api/v1/mappings/enterprise/{enterprise_id}", 200): 1,
    }, log

    emulator.clear_requests()
    project.preview("--expect-no-changes")
    assert api_requests(emulator) == []
    project.up("--expect-no-changes")
    assert api_requests(emulator) == []
    assert project.outputs() == outputs
