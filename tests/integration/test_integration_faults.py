"""The emulator's faults (500, 429 with Retry-After, commit-then-drop) against the client.

The emulator honours Idempotency-Key, so a dropped create is answered on replay with the
stored response; on Teams the reconciliation finds the enterprise first. Either way:
exactly one record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from integration_support import RecordingSleep

from contextsms_emulator import DEMO_CSP_ID, EmulatorProcess
from pulumi_contextsms.client import (
    ContextSmsClient,
    EnterpriseSpec,
    MappingPatch,
    MappingSpec,
    NotFoundError,
    Platform,
    RateLimitError,
    RetryPolicy,
    ServerError,
)


def enterprise_spec(name: str = "Fault Co") -> EnterpriseSpec:
    return EnterpriseSpec(
        name=name, contact="Fay", phone_number="+15551238888", email="fay@fault.example"
    )


def mapping_spec(platform: Platform, number: str = "+15551237777") -> MappingSpec:
    app_type = "Webex" if platform is Platform.WEBEX else "Teams"
    return MappingSpec(phone_number=number, messaging_app_type=app_type, messaging_app_id="app-f")


def log_lines(emulator: EmulatorProcess) -> list[tuple[str, str, int, str | None]]:
    return [
        (r["method"], r["path"], r["status"], r["fault"])
        for r in emulator.requests()
        if "/auth/" not in r["path"]
    ]


def records(emulator: EmulatorProcess, kind: str) -> list[dict[str, Any]]:
    return emulator.records()[kind]


def test_error_fault_on_a_read_is_retried(
    client: ContextSmsClient, emulator: EmulatorProcess, sleep: RecordingSleep
) -> None:
    client.authenticate()
    emulator.fault_next("error", count=2, method="GET")
    assert client.list_csp_mappings(DEMO_CSP_ID) == []
    assert [(status, fault) for _, _, status, fault in log_lines(emulator)] == [
        (500, "error"),
        (500, "error"),
        (200, None),
    ]
    assert len(sleep.calls) == 2 and sleep.calls[0] <= 0.5 and sleep.calls[1] <= 1.0


def test_error_fault_on_a_create_is_retried_with_the_key_and_makes_one_record(
    client: ContextSmsClient, emulator: EmulatorProcess
) -> None:
    client.authenticate()
    emulator.fault_next("error", count=1, method="POST", path_regex="/enterprise/")
    enterprise = client.create_enterprise(DEMO_CSP_ID, enterprise_spec())
    assert [e["enterprise_id"] for e in records(emulator, "enterprises")] == [
        enterprise.enterprise_id
    ]


def test_persistent_errors_give_up_after_max_attempts(
    make_client: Callable[..., ContextSmsClient], platform: Platform, emulator: EmulatorProcess
) -> None:
    client = make_client(platform, retry=RetryPolicy(max_attempts=3))
    client.authenticate()
    emulator.fault_next("error", count=10, method="GET")
    with pytest.raises(ServerError) as info:
        client.get_enterprise("E0000001")
    assert info.value.request_id and info.value.request_id.startswith("req-")
    assert len(log_lines(emulator)) == 3


@pytest.mark.parametrize("retry_after", [0, 1])
def test_rate_limit_fault_waits_the_retry_after(
    client: ContextSmsClient, emulator: EmulatorProcess, sleep: RecordingSleep, retry_after: int
) -> None:
    client.authenticate()
    emulator.set_faults(retry_after_seconds=retry_after)
    emulator.fault_next("rate_limit", count=2)
    client.create_enterprise(DEMO_CSP_ID, enterprise_spec())
    assert sleep.calls == [float(retry_after)] * 2
    assert [(status, fault) for _, _, status, fault in log_lines(emulator)] == [
        (429, "rate_limit"),
        (429, "rate_limit"),
        (201, None),
    ]
    assert len(records(emulator, "enterprises")) == 1


def test_persistent_rate_limit_raises_rate_limit_error(
    make_client: Callable[..., ContextSmsClient], platform: Platform, emulator: EmulatorProcess
) -> None:
    client = make_client(platform, retry=RetryPolicy(max_attempts=2))
    client.authenticate()
    emulator.set_faults(retry_after_seconds=1)
    emulator.fault_next("rate_limit", count=5)
    with pytest.raises(RateLimitError) as info:
        client.list_csp_mappings(DEMO_CSP_ID)
    assert info.value.retry_after == 1.0 and info.value.code == "RATE_LIMITED"


def test_drop_on_create_enterprise_leaves_exactly_one_record(
    client: ContextSmsClient, platform: Platform, emulator: EmulatorProcess
) -> None:
    client.authenticate()
    emulator.fault_next("drop", count=1, method="POST", path_regex="/enterprise/")
    enterprise = client.create_enterprise(DEMO_CSP_ID, enterprise_spec())
    stored = records(emulator, "enterprises")
    assert [e["enterprise_id"] for e in stored] == [enterprise.enterprise_id]
    version = "v1" if platform is Platform.WEBEX else "v2"
    create = ("POST", f"/api/{version}/enterprise/{DEMO_CSP_ID}")
    if platform is Platform.WEBEX:  # only the key: the replay answers with the stored 201
        assert log_lines(emulator) == [(*create, 201, "drop"), (*create, 201, None)]
    else:  # Teams: the reconciliation finds it in the CSP's list before posting again
        assert log_lines(emulator) == [
            (*create, 201, "drop"),
            ("GET", f"/api/v2/csp/enterprises/{DEMO_CSP_ID}", 200, None),
        ]


def test_drop_on_create_mapping_leaves_exactly_one_mapping(
    client: ContextSmsClient, platform: Platform, emulator: EmulatorProcess
) -> None:
    enterprise = client.create_enterprise(DEMO_CSP_ID, enterprise_spec())
    emulator.fault_next("drop", count=1, method="POST", path_regex="/mapping/add/")
    mapping = client.create_mapping(enterprise.enterprise_id, mapping_spec(platform))
    assert [m["mapping_id"] for m in records(emulator, "mappings")] == [mapping.mapping_id]
    adds = [line for line in log_lines(emulator) if "/mapping/add/" in line[1]]
    assert [(status, fault) for _, _, status, fault in adds] == [
        (adds[0][2], "drop"),
        (adds[0][2], None),  # the replayed response, same status
    ]


def test_drops_on_every_create_attempt_still_leave_one_record(
    make_client: Callable[..., ContextSmsClient], platform: Platform, emulator: EmulatorProcess
) -> None:
    client = make_client(platform, retry=RetryPolicy(max_attempts=3))
    enterprise = client.create_enterprise(DEMO_CSP_ID, enterprise_spec())
    emulator.fault_next("drop", count=3, method="POST", path_regex="/mapping/add/")
    mapping = client.create_mapping(enterprise.enterprise_id, mapping_spec(platform))
    # every answer was lost; the lookup after the last one adopts the mapping
    assert [m["mapping_id"] for m in records(emulator, "mappings")] == [mapping.mapping_id]


def test_drop_on_delete_is_retried_and_reports_not_found(
    client: ContextSmsClient, emulator: EmulatorProcess
) -> None:
    enterprise = client.create_enterprise(DEMO_CSP_ID, enterprise_spec())
    emulator.fault_next("drop", count=1, method="DELETE")
    # the first DELETE committed, its answer was lost; the replay finds nothing to delete:
    # the caller (the Pulumi provider) treats NotFoundError on delete as "already gone"
    with pytest.raises(NotFoundError):
        client.delete_enterprise(enterprise.enterprise_id)
    assert records(emulator, "enterprises")[0]["deleted"] is True


def test_drop_on_update_mapping_is_replayed(
    make_client: Callable[..., ContextSmsClient], emulator: EmulatorProcess
) -> None:
    client = make_client(Platform.TEAMS)
    enterprise = client.create_enterprise(DEMO_CSP_ID, enterprise_spec())
    mapping = client.create_mapping(enterprise.enterprise_id, mapping_spec(Platform.TEAMS))
    emulator.fault_next("drop", count=1, method="PUT")
    updated = client.update_mapping(mapping.mapping_id, MappingPatch(name="After"))
    assert updated.name == "After"


def test_random_faults_workload_makes_no_duplicates(
    make_client: Callable[..., ContextSmsClient], platform: Platform, emulator: EmulatorProcess
) -> None:
    client = make_client(platform, retry=RetryPolicy(max_attempts=10))
    emulator.set_faults(
        error_rate=0.2, rate_limit_rate=0.1, drop_rate=0.25, retry_after_seconds=0, seed=7
    )
    made: list[str] = []
    mapped: list[str] = []
    for n in range(6):
        enterprise = client.create_enterprise(DEMO_CSP_ID, enterprise_spec(f"Random Co {n}"))
        made.append(enterprise.enterprise_id)
        mapping = client.create_mapping(
            enterprise.enterprise_id, mapping_spec(platform, f"+1555123{n:04d}")
        )
        mapped.append(mapping.mapping_id)
    emulator.clear_faults()
    assert sorted(e["enterprise_id"] for e in records(emulator, "enterprises")) == sorted(made)
    assert sorted(m["mapping_id"] for m in records(emulator, "mappings")) == sorted(mapped)
    faults = [r["fault"] for r in emulator.requests() if r["fault"]]
    assert {"error", "drop"} <= set(faults)
