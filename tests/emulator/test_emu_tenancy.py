"""A CSP sees only its own: 403 on another CSP's path, 404 on another tenant's record."""

from __future__ import annotations

import pytest
from emulator_testing import OTHER_CSP_ID, Session, assert_error

from contextsms_emulator import DEMO_CSP_ID

ENTERPRISE = {
    "name": "ABC Marketing Company",
    "contact": "Sarah Johnson",
    "phoneNumber": "+15551234567",
    "email": "sarah@abcmarketing.com",
}
MAPPING = {
    "messagingAppId": "webex-bot-12345",
    "phoneNumber": "+15551234567",
    "messagingAppType": "Webex",
}


@pytest.fixture
def owned(admin: Session) -> tuple[str, str]:
    """(enterpriseId, mappingId) created by the demo tenant."""
    enterprise_id = admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json=ENTERPRISE).json()[
        "enterpriseId"
    ]
    mapping = admin.post(f"/api/v1/mapping/add/{enterprise_id}", json=MAPPING).json()
    return enterprise_id, mapping["numberToMessageAppMapId"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/enterprise/{csp}"),
        ("GET", "/api/v1/mappings/csp/{csp}"),
        ("POST", "/api/v2/enterprise/{csp}"),
        ("GET", "/api/v2/csp/enterprises/{csp}"),
        ("GET", "/api/v2/mapping/csp/{csp}"),
    ],
)
def test_another_csps_path_is_403(other: Session, method: str, path: str) -> None:
    body = {**ENTERPRISE, "number": ENTERPRISE["phoneNumber"]} if method == "POST" else None
    response = other.request(method, path.format(csp=DEMO_CSP_ID), json=body)
    assert_error(response, 403, "PERMISSION_DENIED")


def test_an_unknown_csp_is_403_too(admin: Session) -> None:
    assert_error(admin.get("/api/v2/csp/enterprises/CSP9999999"), 403, "PERMISSION_DENIED")


def test_another_tenants_records_are_404(other: Session, owned: tuple[str, str]) -> None:
    enterprise_id, mapping_id = owned
    responses = [
        other.get(f"/api/v1/enterprise/getenterprise/{enterprise_id}"),
        other.get(f"/api/v2/enterprise/getenterprise/{enterprise_id}"),
        other.delete(f"/api/v1/enterprise/deleteenterprise/{enterprise_id}"),
        other.delete(f"/api/v2/enterprise/deleteenterprise/{enterprise_id}"),
        other.post(
            f"/api/v1/mapping/add/{enterprise_id}", json={**MAPPING, "phoneNumber": "+15550009999"}
        ),
        other.get(f"/api/v1/mappings/enterprise/{enterprise_id}"),
        other.get(f"/api/v2/numbertomessageappmapping/enterprise/{enterprise_id}"),
        other.delete(f"/api/v1/mapping/{mapping_id}"),
        other.delete(f"/api/v2/mapping/{mapping_id}"),
        other.put(f"/api/v2/mapping/{mapping_id}", json={"name": "stolen"}),
        other.post("/api/v2/mapping/messagingAppId", json={"messagingAppId": "webex-bot-12345"}),
        other.get("/api/v2/csp/getcspconfig", params={"phoneNumber": "+15551234567"}),
    ]
    for response in responses:
        assert_error(response, 404, "NOT_FOUND")


def test_another_tenant_sees_the_same_404_as_for_a_missing_record(
    other: Session, owned: tuple[str, str]
) -> None:
    real = other.get(f"/api/v1/enterprise/getenterprise/{owned[0]}").json()
    missing = other.get("/api/v1/enterprise/getenterprise/E9999999").json()
    assert real["code"] == missing["code"] and real["details"] == missing["details"]


def test_lists_show_only_the_callers_records(
    admin: Session, other: Session, owned: tuple[str, str]
) -> None:
    other_enterprise = other.post(
        f"/api/v2/enterprise/{OTHER_CSP_ID}",
        json={"name": "Other", "contact": "O", "number": "+15550002222", "email": "o@o.example"},
    ).json()
    assert [
        e["enterpriseId"] for e in other.get(f"/api/v2/csp/enterprises/{OTHER_CSP_ID}").json()
    ] == [other_enterprise["enterpriseId"]]
    assert other.get(f"/api/v1/mappings/csp/{OTHER_CSP_ID}").json() == []
    assert other.get(f"/api/v2/mapping/csp/{OTHER_CSP_ID}").json() == []
    assert len(admin.get(f"/api/v1/mappings/csp/{DEMO_CSP_ID}").json()) == 1


def test_a_duplicate_in_another_tenant_does_not_leak_its_ids(
    other: Session, owned: tuple[str, str]
) -> None:
    enterprise_id = other.post(f"/api/v1/enterprise/{OTHER_CSP_ID}", json=ENTERPRISE).json()[
        "enterpriseId"
    ]
    clash = other.post(f"/api/v1/mapping/add/{enterprise_id}", json=MAPPING)
    body = assert_error(clash, 409, "DUPLICATE_MAPPING", "phoneNumber")
    assert body["details"] == {"field": "phoneNumber"}
    assert owned[0] not in clash.text and owned[1] not in clash.text


def test_created_csps_belong_to_the_creators_tenant(
    admin: Session, other: Session, viewer: Session
) -> None:
    csp_id = admin.post("/api/v2/csp", json={"email": "a@csp.example", "name": "Sub"}).json()[
        "cspId"
    ]
    assert admin.get(f"/api/v2/csp/enterprises/{csp_id}").status_code == 200
    # Every user of the creating CSP may use it; other tenants may not.
    assert viewer.get(f"/api/v2/csp/enterprises/{csp_id}").status_code == 200
    assert_error(other.get(f"/api/v2/csp/enterprises/{csp_id}"), 403, "PERMISSION_DENIED")
