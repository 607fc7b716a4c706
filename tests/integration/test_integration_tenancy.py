"""Tenancy and roles: another CSP's records are invisible (404), its CSP is off limits (403)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from integration_support import (
    OTHER_CSP_ID,
    OTHER_PASSWORD,
    OTHER_USER,
    READER_PASSWORD,
    READER_USER,
)

from contextsms_emulator import DEMO_CSP_ID, EmulatorProcess
from pulumi_contextsms.client import (
    AuthenticationError,
    ContextSmsClient,
    EnterpriseSpec,
    MappingSpec,
    NotFoundError,
    PermissionDeniedError,
    Platform,
)

SPEC = EnterpriseSpec(
    name="Tenant A Co", contact="Ann", phone_number="+15551230001", email="ann@tenant-a.example"
)


def mapping(platform: Platform) -> MappingSpec:
    app_type = "Webex" if platform is Platform.WEBEX else "Teams"
    return MappingSpec(
        phone_number="+15551230002", messaging_app_type=app_type, messaging_app_id="app-a"
    )


def test_another_csps_records_are_not_found_and_its_csp_is_forbidden(
    make_client: Callable[..., ContextSmsClient], platform: Platform
) -> None:
    owner = make_client(platform)
    other = make_client(platform, username=OTHER_USER, password=OTHER_PASSWORD)
    enterprise = owner.create_enterprise(DEMO_CSP_ID, SPEC)
    mapped = owner.create_mapping(enterprise.enterprise_id, mapping(platform))

    with pytest.raises(NotFoundError):
        other.get_enterprise(enterprise.enterprise_id)
    with pytest.raises(NotFoundError):
        other.delete_enterprise(enterprise.enterprise_id)
    with pytest.raises(NotFoundError):
        other.delete_mapping(mapped.mapping_id)
    with pytest.raises((NotFoundError, PermissionDeniedError)):
        other.list_mappings(enterprise.enterprise_id)
    with pytest.raises(PermissionDeniedError) as info:
        other.create_enterprise(DEMO_CSP_ID, SPEC)
    assert info.value.status_code == 403
    with pytest.raises(PermissionDeniedError):
        other.list_csp_mappings(DEMO_CSP_ID)

    # the other tenant works normally in its own CSP, and the owner's records are intact
    own = other.create_enterprise(OTHER_CSP_ID, SPEC)
    assert own.enterprise_id != enterprise.enterprise_id
    assert owner.get_enterprise(enterprise.enterprise_id).deleted is False
    assert [m.mapping_id for m in owner.list_mappings(enterprise.enterprise_id)] == [
        mapped.mapping_id
    ]


def test_teams_enterprise_list_is_per_tenant(make_client: Callable[..., ContextSmsClient]) -> None:
    owner = make_client(Platform.TEAMS)
    other = make_client(Platform.TEAMS, username=OTHER_USER, password=OTHER_PASSWORD)
    owner.create_enterprise(DEMO_CSP_ID, SPEC)
    with pytest.raises(PermissionDeniedError):
        other.list_enterprises(DEMO_CSP_ID)
    assert other.list_enterprises(OTHER_CSP_ID) == []


def test_a_read_only_role_can_read_but_not_write(
    make_client: Callable[..., ContextSmsClient], platform: Platform
) -> None:
    admin = make_client(platform)
    reader = make_client(platform, username=READER_USER, password=READER_PASSWORD)
    enterprise = admin.create_enterprise(DEMO_CSP_ID, SPEC)
    assert reader.get_enterprise(enterprise.enterprise_id).name == SPEC.name
    with pytest.raises(PermissionDeniedError):
        reader.create_enterprise(DEMO_CSP_ID, SPEC)
    with pytest.raises(PermissionDeniedError):
        reader.delete_enterprise(enterprise.enterprise_id)


def test_wrong_password_is_an_authentication_error_saying_what_to_check(
    make_client: Callable[..., ContextSmsClient], platform: Platform, emulator: EmulatorProcess
) -> None:
    client = make_client(platform, password="wrong-password")
    with pytest.raises(AuthenticationError) as info:
        client.get_enterprise("E0000001")
    message = str(info.value)
    assert "401" in message and message.endswith(
        "; check the username (demo@contextsms.test) and the password"
    )
    assert "wrong-password" not in message
    assert [r["status"] for r in emulator.requests()] == [401]  # one login, not retried
