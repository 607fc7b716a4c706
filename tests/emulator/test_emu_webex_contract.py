"""The Webex Bot API (v1) as its guide documents it, example by example."""

from __future__ import annotations

import re
import time

from emulator_testing import Session, assert_error

from contextsms_emulator import DEMO_CSP_ID
from contextsms_emulator.schemas.webex import WebexEnterprise, WebexMapping

ABC_MARKETING = {
    "name": "ABC Marketing Company",
    "contact": "Sarah Johnson",
    "phoneNumber": "+15551234567",
    "email": "sarah@abcmarketing.com",
    "defaultMmsSelection": True,
}
ABC_MAPPING = {
    "messagingAppId": "webex-bot-12345",
    "phoneNumber": "+15551234567",
    "messagingAppType": "Webex",
    "mmsEnabled": True,
}
BRIGHTSTAR = {
    "name": "BrightStar Marketing",
    "contact": "Mike Chen",
    "phoneNumber": "+15559871234",
    "email": "mike@brightstar.com",
    "defaultMmsSelection": True,
}
BRIGHTSTAR_MAPPING = {
    "messagingAppId": "brightstar-webex-bot",
    "phoneNumber": "+15559871234",
    "messagingAppType": "Webex",
    "mmsEnabled": True,
}
ENTERPRISE_KEYS = [
    "enterpriseId",
    "name",
    "contact",
    "phoneNumber",
    "email",
    "deleted",
    "createdDate",
    "updateDate",
    "webexSettings",
    "numberToMessageAppMaps",
    "defaultMmsSelection",
]
MAPPING_KEYS = [
    "numberToMessageAppMapId",
    "messagingAppId",
    "phoneNumber",
    "messagingAppType",
    "mmsEnabled",
]


def create_enterprise(admin: Session, body: dict[str, object] | None = None) -> dict[str, object]:
    response = admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json=body or ABC_MARKETING)
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created


def test_create_enterprise_answers_201_with_the_documented_enterprise(admin: Session) -> None:
    before = int(time.time() * 1000)
    response = admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json=ABC_MARKETING)
    after = int(time.time() * 1000)

    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ENTERPRISE_KEYS
    WebexEnterprise.model_validate(body)
    assert re.fullmatch(r"E\d{7}", body["enterpriseId"])
    assert {k: body[k] for k in ABC_MARKETING} == ABC_MARKETING
    assert body["deleted"] is False
    assert body["webexSettings"] is None and body["numberToMessageAppMaps"] is None
    assert isinstance(body["createdDate"], int) and before <= body["createdDate"] <= after
    assert body["updateDate"] == body["createdDate"]


def test_default_mms_selection_is_optional_and_defaults_to_false(admin: Session) -> None:
    body = {k: v for k, v in ABC_MARKETING.items() if k != "defaultMmsSelection"}
    assert create_enterprise(admin, body)["defaultMmsSelection"] is False


def test_get_enterprise_returns_the_same_object(admin: Session) -> None:
    created = create_enterprise(admin)
    response = admin.get(f"/api/v1/enterprise/getenterprise/{created['enterpriseId']}")
    assert response.status_code == 200
    assert response.json() == created


def test_enterprise_ids_are_sequential(admin: Session) -> None:
    first = create_enterprise(admin)
    second = create_enterprise(admin, BRIGHTSTAR)
    assert (first["enterpriseId"], second["enterpriseId"]) == ("E0000001", "E0000002")


def test_unknown_enterprise_is_404(admin: Session) -> None:
    assert_error(admin.get("/api/v1/enterprise/getenterprise/E9999999"), 404, "NOT_FOUND")


def test_delete_enterprise_is_204_and_a_soft_delete(admin: Session) -> None:
    created = create_enterprise(admin)
    enterprise_id = created["enterpriseId"]
    admin.post(f"/api/v1/mapping/add/{enterprise_id}", json=ABC_MAPPING)

    response = admin.delete(f"/api/v1/enterprise/deleteenterprise/{enterprise_id}")
    assert response.status_code == 204
    assert response.content == b""

    after = admin.get(f"/api/v1/enterprise/getenterprise/{enterprise_id}").json()
    assert after["deleted"] is True
    assert after["updateDate"] >= created["updateDate"]
    assert after["createdDate"] == created["createdDate"]
    # Its mappings are gone, so their numbers are free again.
    assert admin.get(f"/api/v1/mappings/enterprise/{enterprise_id}").json() == []
    other = create_enterprise(admin, BRIGHTSTAR)
    again = admin.post(f"/api/v1/mapping/add/{other['enterpriseId']}", json=ABC_MAPPING)
    assert again.status_code == 201


def test_deleting_a_deleted_or_unknown_enterprise_is_404(admin: Session) -> None:
    enterprise_id = create_enterprise(admin)["enterpriseId"]
    admin.delete(f"/api/v1/enterprise/deleteenterprise/{enterprise_id}")
    again = admin.delete(f"/api/v1/enterprise/deleteenterprise/{enterprise_id}")
    assert_error(again, 404, "NOT_FOUND")
    assert_error(admin.delete("/api/v1/enterprise/deleteenterprise/E7654321"), 404, "NOT_FOUND")


def test_add_mapping_answers_201_with_the_documented_mapping(admin: Session) -> None:
    enterprise_id = create_enterprise(admin)["enterpriseId"]
    response = admin.post(f"/api/v1/mapping/add/{enterprise_id}", json=ABC_MAPPING)
    assert response.status_code == 201
    body = response.json()
    assert list(body) == MAPPING_KEYS
    WebexMapping.model_validate(body)
    assert re.fullmatch(r"NTMAP\d{7}", body["numberToMessageAppMapId"])
    assert {k: body[k] for k in ABC_MAPPING} == ABC_MAPPING


def test_mms_enabled_is_optional_and_defaults_to_false(admin: Session) -> None:
    enterprise_id = create_enterprise(admin)["enterpriseId"]
    body = {k: v for k, v in ABC_MAPPING.items() if k != "mmsEnabled"}
    response = admin.post(f"/api/v1/mapping/add/{enterprise_id}", json=body)
    assert response.status_code == 201
    assert response.json()["mmsEnabled"] is False


def test_add_mapping_to_a_deleted_or_unknown_enterprise_is_404(admin: Session) -> None:
    enterprise_id = create_enterprise(admin)["enterpriseId"]
    admin.delete(f"/api/v1/enterprise/deleteenterprise/{enterprise_id}")
    gone = admin.post(f"/api/v1/mapping/add/{enterprise_id}", json=ABC_MAPPING)
    assert_error(gone, 404, "NOT_FOUND")
    unknown = admin.post("/api/v1/mapping/add/E5555555", json=ABC_MAPPING)
    assert_error(unknown, 404, "NOT_FOUND")


def test_the_documented_brightstar_full_flow(admin: Session) -> None:
    enterprise = create_enterprise(admin, BRIGHTSTAR)
    mapping = admin.post(
        f"/api/v1/mapping/add/{enterprise['enterpriseId']}", json=BRIGHTSTAR_MAPPING
    )
    assert mapping.status_code == 201
    listed = admin.get(f"/api/v1/mappings/enterprise/{enterprise['enterpriseId']}")
    assert listed.status_code == 200
    assert listed.json() == [mapping.json()]


def test_list_mappings_of_an_unknown_enterprise_is_404(admin: Session) -> None:
    assert_error(admin.get("/api/v1/mappings/enterprise/E1234567"), 404, "NOT_FOUND")


def test_csp_mappings_are_paged_from_page_0_in_id_order(admin: Session) -> None:
    enterprise_id = create_enterprise(admin)["enterpriseId"]
    ids = []
    for n in range(5):
        body = {**ABC_MAPPING, "phoneNumber": f"+1555123456{n}", "messagingAppId": f"bot-{n}"}
        ids.append(admin.post(f"/api/v1/mapping/add/{enterprise_id}", json=body).json())
    expected = [m["numberToMessageAppMapId"] for m in ids]

    everything = admin.get(f"/api/v1/mappings/csp/{DEMO_CSP_ID}")
    assert everything.status_code == 200
    assert [m["numberToMessageAppMapId"] for m in everything.json()] == expected

    def page(n: int) -> list[str]:
        response = admin.get(f"/api/v1/mappings/csp/{DEMO_CSP_ID}", params={"page": n, "size": 2})
        return [m["numberToMessageAppMapId"] for m in response.json()]

    assert [page(0), page(1), page(2), page(3)] == [expected[:2], expected[2:4], expected[4:], []]


def test_csp_mappings_status_filter_accepts_only_active(admin: Session) -> None:
    enterprise_id = create_enterprise(admin)["enterpriseId"]
    admin.post(f"/api/v1/mapping/add/{enterprise_id}", json=ABC_MAPPING)
    for status in ("active", "ACTIVE", "Active"):
        response = admin.get(f"/api/v1/mappings/csp/{DEMO_CSP_ID}", params={"status": status})
        assert response.status_code == 200 and len(response.json()) == 1
    inactive = admin.get(f"/api/v1/mappings/csp/{DEMO_CSP_ID}", params={"status": "inactive"})
    assert_error(inactive, 400, "BAD_REQUEST", "status")


def test_csp_mappings_page_size_is_bounded(admin: Session) -> None:
    base = f"/api/v1/mappings/csp/{DEMO_CSP_ID}"
    assert admin.get(base, params={"size": 1000}).status_code == 200
    assert_error(admin.get(base, params={"size": 1001}), 400, "BAD_REQUEST", "size")
    assert_error(admin.get(base, params={"size": 0}), 400, "BAD_REQUEST", "size")
    assert_error(admin.get(base, params={"page": -1}), 400, "BAD_REQUEST", "page")
    assert_error(admin.get(base, params={"page": "first"}), 400, "BAD_REQUEST", "page")


def test_csp_mappings_default_page_size_is_100(admin: Session) -> None:
    enterprise_id = create_enterprise(admin)["enterpriseId"]
    for n in range(101):
        body = {**ABC_MAPPING, "phoneNumber": f"+1555200{n:04d}", "messagingAppId": f"b{n}"}
        assert admin.post(f"/api/v1/mapping/add/{enterprise_id}", json=body).status_code == 201
    first = admin.get(f"/api/v1/mappings/csp/{DEMO_CSP_ID}").json()
    second = admin.get(f"/api/v1/mappings/csp/{DEMO_CSP_ID}", params={"page": 1}).json()
    assert (len(first), len(second)) == (100, 1)


def test_delete_mapping_is_204_then_404(admin: Session) -> None:
    enterprise_id = create_enterprise(admin)["enterpriseId"]
    mapping = admin.post(f"/api/v1/mapping/add/{enterprise_id}", json=ABC_MAPPING).json()
    mapping_id = mapping["numberToMessageAppMapId"]
    response = admin.delete(f"/api/v1/mapping/{mapping_id}")
    assert response.status_code == 204 and response.content == b""
    assert admin.get(f"/api/v1/mappings/enterprise/{enterprise_id}").json() == []
    assert_error(admin.delete(f"/api/v1/mapping/{mapping_id}"), 404, "NOT_FOUND")


def test_a_phone_number_maps_only_once(admin: Session) -> None:
    enterprise_id = create_enterprise(admin)["enterpriseId"]
    first = admin.post(f"/api/v1/mapping/add/{enterprise_id}", json=ABC_MAPPING).json()
    second_enterprise = create_enterprise(admin, BRIGHTSTAR)["enterpriseId"]
    duplicate = admin.post(f"/api/v1/mapping/add/{second_enterprise}", json=ABC_MAPPING)
    body = assert_error(duplicate, 409, "DUPLICATE_MAPPING", "phoneNumber")
    assert body["error"] == "Phone number +15551234567 is already mapped to another enterprise"
    assert body["details"]["existingMappingId"] == first["numberToMessageAppMapId"]
    assert body["details"]["enterpriseId"] == enterprise_id
