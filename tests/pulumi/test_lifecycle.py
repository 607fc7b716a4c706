"""The whole lifecycle of a stack, per platform, through the real Pulumi CLI."""

from __future__ import annotations

import pytest
from cli_harness import PROGRAM, api_requests, live_records, logins, writes

from pulumi_contextsms.client import ConnectionSettings, ContextSmsClient

pytestmark = pytest.mark.pulumi_cli


def _client(emulator, platform):  # type: ignore[no-untyped-def]
    from contextsms_emulator import DEMO_PASSWORD, DEMO_USER

    base = emulator.webex_api_base if platform == "webex" else emulator.teams_api_base
    return ContextSmsClient(
        ConnectionSettings.resolve(
            platform, api_base=base, username=DEMO_USER, password=DEMO_PASSWORD
        )
    )


@pytest.mark.parametrize("platform", ["webex", "teams"])
def test_lifecycle_preview_up_noop_refresh_change_drift_destroy(
    project_factory, emulator, platform
):
    project = project_factory(PROGRAM)
    project.connect(emulator, platform)
    emulator.clear_requests()

    # preview: plans the stack plus 3 creates, touches nothing
    preview = project.preview()
    assert "+ 4 to create" in preview.stdout, preview.stdout
    assert api_requests(emulator) == []

    # up: exactly one write per resource, one login; no read but, on Teams, the CSP's
    # enterprise list that a create needs to reconcile without trusting Idempotency-Key
    project.up()
    log = api_requests(emulator)
    assert len(writes(log)) == 3
    assert len(logins(log)) == 1
    snapshot = [] if platform == "webex" else ["/api/v2/csp/enterprises/CSP0000001"]
    assert [r["path"] for r in log if r["method"] == "GET"] == snapshot
    outputs = project.outputs()
    enterprises, mappings = live_records(emulator)
    assert [e["enterprise_id"] for e in enterprises] == [outputs["enterprise_id"]]
    assert sorted(m["mapping_id"] for m in mappings) == sorted(outputs["mapping_ids"])

    # a second preview and a refresh find nothing to do
    emulator.clear_requests()
    project.preview("--expect-no-changes")
    assert api_requests(emulator) == []
    project.refresh("--expect-no-changes")
    project.preview("--expect-no-changes")

    # change a field: Webex replaces the mapping, Teams updates it in place
    old_ids = outputs["mapping_ids"]
    if platform == "webex":
        project.config("test:app0", "app-0-renamed")
    else:
        project.config("test:label0", "Front Desk")
    project.up()
    new_ids = project.outputs()["mapping_ids"]
    if platform == "webex":
        assert new_ids[0] != old_ids[0]
    else:
        assert new_ids[0] == old_ids[0]
    assert new_ids[1] == old_ids[1]
    _, mappings = live_records(emulator)
    assert len(mappings) == 2
    project.preview("--expect-no-changes")

    # someone deletes a mapping by hand: refresh notices, up recreates it
    with _client(emulator, platform) as client:
        client.delete_mapping(new_ids[1])
    refresh = project.refresh()
    assert "deleted" in refresh.stdout
    project.up()
    recreated = project.outputs()["mapping_ids"]
    assert recreated[0] == new_ids[0] and recreated[1] != new_ids[1]
    project.preview("--expect-no-changes")

    # destroy leaves the API empty
    project.destroy()
    enterprises, mappings = live_records(emulator)
    assert enterprises == [] and mappings == []
