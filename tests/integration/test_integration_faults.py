"""The emulator's faults (500, 429 with Retry-After, commit-then-drop, commit-then-stall)
against the client,
in both of the client's modes:

* keys not trusted (the default), against an emulator that ignores Idempotency-Key as a
  service without it would: lookups before any replay; where there is no lookup (Webex
  enterprises) an ambiguous create stops with `AmbiguousCreateError`, never a duplicate;
* keys trusted, against an emulator that honours them: the replay is answered with the
  stored response.

Either way: exactly one record, or none and a clear stop.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from integration_support import RecordingSleep

from contextsms_emulator import DEMO_CSP_ID, EmulatorProcess
from pulumi_contextsms.client import (
    AmbiguousCreateError,
    APIConnectionError,
    ContextSmsClient,
    EnterpriseSpec,
    MappingPatch,
    MappingSpec,
    NotFoundError,
    Platform,
    RateLimitError,
    RetryPolicy,
    ServerError,
    Timeouts,
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


def creates(emulator: EmulatorProcess) -> list[tuple[int, str | None]]:
    return [(status, fault) for method, _, status, fault in log_lines(emulator) if method == "POST"]


@pytest.fixture(params=["untrusted", "trusted"])
def mode(request: pytest.FixtureRequest, emulator: EmulatorProcess) -> str:
    """untrusted: the emulator ignores keys; trusted: it honours them, as the user said."""
    if request.param == "untrusted":
        emulator.set_idempotency(False)
    return str(request.param)


@pytest.fixture
def moded(
    make_client: Callable[..., ContextSmsClient], platform: Platform, mode: str
) -> ContextSmsClient:
    return make_client(platform, trust_idempotency_keys=mode == "trusted")


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


def test_error_fault_on_a_create_makes_one_record_or_stops_without_a_second(
    moded: ContextSmsClient, platform: Platform, mode: str, emulator: EmulatorProcess
) -> None:
    moded.authenticate()
    emulator.fault_next("error", count=1, method="POST", path_regex="/enterprise/")
    if platform is Platform.WEBEX and mode == "untrusted":
        with pytest.raises(AmbiguousCreateError, match="the enterprise may have been created"):
            moded.create_enterprise(DEMO_CSP_ID, enterprise_spec())
        assert creates(emulator) == [(500, "error")] and records(emulator, "enterprises") == []
        return
    enterprise = moded.create_enterprise(DEMO_CSP_ID, enterprise_spec())
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
    client.create_enterprise(DEMO_CSP_ID, enterprise_spec(), existing_ids=())
    assert sleep.calls == [float(retry_after)] * 2
    assert creates(emulator) == [(429, "rate_limit"), (429, "rate_limit"), (201, None)]
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


def test_drop_on_create_enterprise_leaves_one_record_and_never_a_second(
    moded: ContextSmsClient, platform: Platform, mode: str, emulator: EmulatorProcess
) -> None:
    moded.authenticate()
    emulator.fault_next("drop", count=1, method="POST", path_regex="/enterprise/")
    version = "v1" if platform is Platform.WEBEX else "v2"
    create = ("POST", f"/api/{version}/enterprise/{DEMO_CSP_ID}")
    listing = ("GET", f"/api/v2/csp/enterprises/{DEMO_CSP_ID}", 200, None)
    if platform is Platform.WEBEX and mode == "untrusted":
        # no lookup, no trusted key: stop rather than risk a second enterprise
        with pytest.raises(AmbiguousCreateError):
            moded.create_enterprise(DEMO_CSP_ID, enterprise_spec())
        assert len(records(emulator, "enterprises")) == 1
        assert log_lines(emulator) == [(*create, 201, "drop")]
        return
    enterprise = moded.create_enterprise(DEMO_CSP_ID, enterprise_spec())
    stored = records(emulator, "enterprises")
    assert [e["enterprise_id"] for e in stored] == [enterprise.enterprise_id]
    if mode == "trusted":  # the key: the replay answers with the stored 201
        assert log_lines(emulator) == [(*create, 201, "drop"), (*create, 201, None)]
    else:  # Teams: found in the CSP's list (new since the snapshot) before posting again
        assert log_lines(emulator) == [listing, (*create, 201, "drop"), listing]


def test_drop_on_create_mapping_leaves_exactly_one_mapping(
    moded: ContextSmsClient, platform: Platform, mode: str, emulator: EmulatorProcess
) -> None:
    enterprise = moded.create_enterprise(DEMO_CSP_ID, enterprise_spec())
    emulator.clear_requests()
    emulator.fault_next("drop", count=1, method="POST", path_regex="/mapping/add/")
    mapping = moded.create_mapping(enterprise.enterprise_id, mapping_spec(platform))
    assert [m["mapping_id"] for m in records(emulator, "mappings")] == [mapping.mapping_id]
    status = 201 if platform is Platform.WEBEX else 200
    if mode == "trusted":
        assert creates(emulator) == [(status, "drop"), (status, None)]  # the replayed answer
    else:
        assert creates(emulator) == [(status, "drop")]  # found by its number, not posted again
        assert [method for method, *_ in log_lines(emulator)] == ["GET", "POST", "GET"]


def test_drops_on_every_create_attempt_leave_one_record_this_call_or_its_key_recovers(
    make_client: Callable[..., ContextSmsClient],
    platform: Platform,
    mode: str,
    emulator: EmulatorProcess,
) -> None:
    client = make_client(
        platform, retry=RetryPolicy(max_attempts=3), trust_idempotency_keys=mode == "trusted"
    )
    enterprise = client.create_enterprise(DEMO_CSP_ID, enterprise_spec())
    emulator.fault_next("drop", count=3, method="POST", path_regex="/mapping/add/")
    spec = mapping_spec(platform)
    if mode == "untrusted":  # the lookup after the last lost answer adopts it
        mapping = client.create_mapping(enterprise.enterprise_id, spec)
    else:  # no lookup on a trusted key: a later call with the same key gets the record
        with pytest.raises(APIConnectionError):
            client.create_mapping(enterprise.enterprise_id, spec, idempotency_key="k-lost")
        mapping = client.create_mapping(enterprise.enterprise_id, spec, idempotency_key="k-lost")
    assert [m["mapping_id"] for m in records(emulator, "mappings")] == [mapping.mapping_id]


def test_stalled_answer_of_a_create_times_out_and_leaves_exactly_one_mapping(
    make_client: Callable[..., ContextSmsClient],
    platform: Platform,
    mode: str,
    emulator: EmulatorProcess,
) -> None:
    """A committed create whose answer never comes (the client's read timeout ends the
    wait): found by its number, or answered through its key, never made twice."""
    client = make_client(
        platform, trust_idempotency_keys=mode == "trusted", timeouts=Timeouts(read=0.5)
    )
    enterprise = client.create_enterprise(DEMO_CSP_ID, enterprise_spec())
    emulator.clear_requests()
    emulator.fault_next("stall", count=1, method="POST", path_regex="/mapping/add/")
    mapping = client.create_mapping(enterprise.enterprise_id, mapping_spec(platform))
    assert [m["mapping_id"] for m in records(emulator, "mappings")] == [mapping.mapping_id]
    # the timed-out connection was closed: the emulator holds nothing back any more
    # (its log entry lands once it sees the close, so poll for it)
    status = 201 if platform is Platform.WEBEX else 200
    deadline = time.monotonic() + 5
    while (status, "stall") not in creates(emulator) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert emulator.faults()["held"] == 0
    expected = [(status, "stall"), (status, None)] if mode == "trusted" else [(status, "stall")]
    assert sorted(creates(emulator), key=str) == sorted(expected, key=str)


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


def test_random_faults_workload_makes_no_duplicates_and_no_untracked_record(
    make_client: Callable[..., ContextSmsClient],
    platform: Platform,
    mode: str,
    emulator: EmulatorProcess,
) -> None:
    client = make_client(
        platform, retry=RetryPolicy(max_attempts=10), trust_idempotency_keys=mode == "trusted"
    )
    emulator.set_faults(
        error_rate=0.2, rate_limit_rate=0.1, drop_rate=0.25, retry_after_seconds=0, seed=7
    )
    made: list[str] = []
    mapped: list[str] = []
    stopped: list[str] = []
    for n in range(6):
        name = f"Random Co {n}"
        try:
            enterprise = client.create_enterprise(DEMO_CSP_ID, enterprise_spec(name))
        except AmbiguousCreateError:
            stopped.append(name)  # the caller is told to look for it: not a silent orphan
            continue
        made.append(enterprise.enterprise_id)
        mapping = client.create_mapping(
            enterprise.enterprise_id, mapping_spec(platform, f"+1555123{n:04d}")
        )
        mapped.append(mapping.mapping_id)
    emulator.clear_faults()
    stored = records(emulator, "enterprises")
    assert sorted(e["enterprise_id"] for e in stored if e["name"] not in stopped) == sorted(made)
    assert len(stored) <= len(made) + len(stopped)  # at most one per stopped create
    assert sorted(m["mapping_id"] for m in records(emulator, "mappings")) == sorted(mapped)
    faults = [r["fault"] for r in emulator.requests() if r["fault"]]
    assert {"error", "drop"} <= set(faults)
    assert not stopped or (platform is Platform.WEBEX and mode == "untrusted")
