"""Every documented call, for both platforms, against a real emulator process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from contextsms_emulator import DEMO_CSP_ID, EmulatorProcess
from pulumi_contextsms.client import (
    ContextSmsClient,
    CspSpec,
    DuplicateMappingError,
    EnterpriseSpec,
    MappingPatch,
    MappingSpec,
    NotFoundError,
    Platform,
    UnsupportedOperationError,
)


def enterprise_spec(platform: Platform, name: str = "ABC Marketing Company") -> EnterpriseSpec:
    extra: dict[str, Any] = {"default_mms_selection": True} if platform is Platform.WEBEX else {}
    return EnterpriseSpec(
        name=name,
        contact="Sarah Johnson",
        phone_number="+15551234567",
        email="sarah@abcmarketing.com",
        **extra,
    )


def mapping_spec(
    platform: Platform, number: str = "+15559871234", app: str = "bot-1"
) -> MappingSpec:
    if platform is Platform.WEBEX:
        return MappingSpec(
            phone_number=number, messaging_app_type="Webex", messaging_app_id=app, mms_enabled=True
        )
    return MappingSpec(
        phone_number=number, messaging_app_type="Teams", messaging_app_id=app, name="FrontDesk"
    )


def api_calls(emulator: EmulatorProcess) -> list[str]:
    return [
        f"{r['method']} {r['path']} {r['status']}"
        for r in emulator.requests()
        if "/auth/" not in r["path"]
    ]


def test_enterprise_lifecycle(
    client: ContextSmsClient, platform: Platform, emulator: EmulatorProcess
) -> None:
    spec = enterprise_spec(platform)
    created = client.create_enterprise(DEMO_CSP_ID, spec)
    assert created.enterprise_id.startswith("E")
    assert (created.name, created.contact, created.phone_number, created.email) == (
        spec.name,
        spec.contact,
        spec.phone_number,
        spec.email,
    )
    assert created.deleted is False and created.created_date and created.update_date
    if platform is Platform.WEBEX:
        assert created.default_mms_selection is True

    fetched = client.get_enterprise(created.enterprise_id)
    assert fetched.enterprise_id == created.enterprise_id
    assert fetched.phone_number == spec.phone_number

    client.delete_enterprise(created.enterprise_id)
    try:
        gone = client.get_enterprise(created.enterprise_id)
    except NotFoundError:
        pass
    else:
        assert gone.deleted is True
    with pytest.raises(NotFoundError):
        client.delete_enterprise(created.enterprise_id)

    version = "v1" if platform is Platform.WEBEX else "v2"
    eid = created.enterprise_id
    created_status = 201
    delete_status = 204 if platform is Platform.WEBEX else 200
    # Teams snapshots the CSP's enterprises first: Idempotency-Key is not trusted
    snapshot = (
        [] if platform is Platform.WEBEX else [f"GET /api/v2/csp/enterprises/{DEMO_CSP_ID} 200"]
    )
    assert api_calls(emulator)[: len(snapshot) + 3] == [
        *snapshot,
        f"POST /api/{version}/enterprise/{DEMO_CSP_ID} {created_status}",
        f"GET /api/{version}/enterprise/getenterprise/{eid} 200",
        f"DELETE /api/{version}/enterprise/deleteenterprise/{eid} {delete_status}",
    ]


def test_mapping_lifecycle(client: ContextSmsClient, platform: Platform) -> None:
    enterprise = client.create_enterprise(DEMO_CSP_ID, enterprise_spec(platform))
    spec = mapping_spec(platform)
    mapping = client.create_mapping(enterprise.enterprise_id, spec)
    assert mapping.mapping_id.startswith("NTMAP")
    assert (mapping.phone_number, mapping.messaging_app_id, mapping.messaging_app_type) == (
        spec.phone_number,
        spec.messaging_app_id,
        spec.messaging_app_type,
    )
    if platform is Platform.WEBEX:
        assert mapping.mms_enabled is True
    else:
        assert mapping.name == "FrontDesk"

    assert [m.mapping_id for m in client.list_mappings(enterprise.enterprise_id)] == [
        mapping.mapping_id
    ]
    assert [m.mapping_id for m in client.list_csp_mappings(DEMO_CSP_ID)] == [mapping.mapping_id]
    found = client.find_mapping_by_number(enterprise.enterprise_id, spec.phone_number)
    assert found is not None and found.mapping_id == mapping.mapping_id
    assert client.find_mapping_by_number(enterprise.enterprise_id, "+15550000000") is None

    client.delete_mapping(mapping.mapping_id)
    assert client.list_mappings(enterprise.enterprise_id) == []
    with pytest.raises(NotFoundError):
        client.delete_mapping(mapping.mapping_id)


def test_duplicate_mapping_is_raised_on_a_first_attempt(
    client: ContextSmsClient, platform: Platform
) -> None:
    first = client.create_enterprise(DEMO_CSP_ID, enterprise_spec(platform, "First"))
    second = client.create_enterprise(DEMO_CSP_ID, enterprise_spec(platform, "Second"))
    client.create_mapping(first.enterprise_id, mapping_spec(platform))
    with pytest.raises(DuplicateMappingError) as info:
        client.create_mapping(second.enterprise_id, mapping_spec(platform, app="bot-2"))
    assert info.value.status_code == 409 and info.value.code == "DUPLICATE_MAPPING"
    assert info.value.request_id and info.value.request_id.startswith("req-")
    assert str(info.value).startswith(f"POST {info.value.path} failed: 409 DUPLICATE_MAPPING: ")


def test_unknown_enterprise_is_not_found(client: ContextSmsClient) -> None:
    with pytest.raises(NotFoundError):
        client.get_enterprise("E9999999")


def test_webex_csp_mappings_paging_and_status(
    make_client: Callable[..., ContextSmsClient], emulator: EmulatorProcess
) -> None:
    client = make_client(Platform.WEBEX)
    enterprise = client.create_enterprise(DEMO_CSP_ID, enterprise_spec(Platform.WEBEX))
    numbers = ["+15559871231", "+15559871232", "+15559871233"]
    for n, number in enumerate(numbers):
        client.create_mapping(
            enterprise.enterprise_id, mapping_spec(Platform.WEBEX, number, f"bot-{n}")
        )
    page0 = client.list_csp_mappings(DEMO_CSP_ID, page=0, size=2, status="active")
    page1 = client.list_csp_mappings(DEMO_CSP_ID, page=1, size=2, status="active")
    assert sorted(m.phone_number or "" for m in page0 + page1) == numbers
    assert (len(page0), len(page1)) == (2, 1)
    queries = [
        r["query"] for r in emulator.requests() if r["path"].startswith("/api/v1/mappings/csp")
    ]
    assert queries == ["page=0&size=2&status=active", "page=1&size=2&status=active"]


def test_teams_only_calls(make_client: Callable[..., ContextSmsClient]) -> None:
    client = make_client(Platform.TEAMS)
    enterprise = client.create_enterprise(DEMO_CSP_ID, enterprise_spec(Platform.TEAMS))
    assert [e.enterprise_id for e in client.list_enterprises(DEMO_CSP_ID)] == [
        enterprise.enterprise_id
    ]
    mapping = client.create_mapping(enterprise.enterprise_id, mapping_spec(Platform.TEAMS))

    updated = client.update_mapping(
        mapping.mapping_id, MappingPatch(name="Reception", messaging_app_id="chan-2")
    )
    assert (updated.mapping_id, updated.name, updated.messaging_app_id) == (
        mapping.mapping_id,
        "Reception",
        "chan-2",
    )
    assert updated.phone_number == mapping.phone_number

    found = client.find_mapping_by_app_id("chan-2")
    assert found is not None and found.mapping_id == mapping.mapping_id
    assert client.find_mapping_by_app_id("no-such-app") is None

    config = client.get_csp_config(mapping.phone_number or "")
    assert config.product_name

    status = client.check_payment("customer@example.com")
    assert status.email == "customer@example.com" and status.paid is False

    csp = client.create_csp(
        CspSpec(email="admin@newcsp.example.com", name="New CSP", city="Austin")
    )
    assert csp.csp_id and csp.csp_id.startswith("CSP") and csp.name == "New CSP"
    # a CSP created by this user is in its tenancy
    assert client.list_enterprises(csp.csp_id) == []


def test_webex_lacks_the_teams_only_calls_and_sends_nothing(
    make_client: Callable[..., ContextSmsClient], emulator: EmulatorProcess
) -> None:
    client = make_client(Platform.WEBEX)
    calls: list[Callable[[], object]] = [
        lambda: client.list_enterprises(DEMO_CSP_ID),
        lambda: client.update_mapping("NTMAP0000001", MappingPatch(messaging_app_id="x")),
        lambda: client.find_mapping_by_app_id("x"),
        lambda: client.create_csp(CspSpec(email="a@example.com", name="n")),
        lambda: client.get_csp_config("+15551234567"),
        lambda: client.check_payment("a@example.com"),
    ]
    for call in calls:
        with pytest.raises(UnsupportedOperationError):
            call()
    assert emulator.requests() == []
