"""The Teams Platform API (v2) as its document shows it, example by example."""

from __future__ import annotations

import re

from emulator_testing import Session, assert_error

from contextsms_emulator import DEMO_CSP_ID
from contextsms_emulator.schemas.teams import CspConfig, TeamsCsp, TeamsEnterprise, TeamsMapping

SUNSHINE = {
    "name": "Sunshine Dental Clinic",
    "contact": "Dr. Maria Rodriguez",
    "number": "+15559876543",
    "email": "maria@sunshinedental.com",
}
FRONTDESK = {
    "phoneNumber": "+15559876543",
    "messagingAppType": "Teams",
    "messagingAppId": "teams-channel-id-12345",
    "name": "FrontDesk",
}
SECOND_MAPPING = {
    "phoneNumber": "+12223334444",
    "messagingAppType": "Teams",
    "messagingAppId": "teams-channel-id-12345",
    "name": "FrontDesk",
}
EXAMPLE_CSP = {
    "email": "admin@csp.com",
    "name": "Example CSP",
    "carrier": "BANDWIDTH",
    "houseNumber": "700 S",
    "streetName": "1st ST",
    "city": "Austin",
    "stateCode": "TX",
    "zip": "78704",
    "country": "USA",
    "locationId": "844849",
    "subAccountId": "109733",
    "authorizingPersonName": "CSP Admin",
}
ENTERPRISE_KEYS = [
    "enterpriseId",
    "name",
    "contact",
    "number",
    "email",
    "deleted",
    "createdDate",
    "updateDate",
]
MAPPING_KEYS = [
    "numberToMessageAppMapId",
    "phoneNumber",
    "messagingAppType",
    "messagingAppId",
    "name",
]


def create_enterprise(admin: Session, csp_id: str = DEMO_CSP_ID) -> dict[str, object]:
    response = admin.post(f"/api/v2/enterprise/{csp_id}", json=SUNSHINE)
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created


def add_mapping(admin: Session, enterprise_id: object, body: dict[str, str]) -> dict[str, str]:
    response = admin.post(f"/api/v2/mapping/add/{enterprise_id}", json=body)
    assert response.status_code == 200, response.text
    created: dict[str, str] = response.json()
    return created


def test_login_on_the_teams_base_names_the_teams_service(admin: Session) -> None:
    response = admin.client.post(
        "/api/v2/auth/login", json={"username": admin.username, "password": "demo-password"}
    )
    assert response.status_code == 200
    assert response.json()["services"] == ["Teams"]


def test_create_enterprise_answers_201_in_the_teams_dialect(admin: Session) -> None:
    response = admin.post(f"/api/v2/enterprise/{DEMO_CSP_ID}", json=SUNSHINE)
    assert response.status_code == 201
    body = response.json()
    assert list(body) == ENTERPRISE_KEYS
    TeamsEnterprise.model_validate(body)
    assert re.fullmatch(r"E\d{7}", body["enterpriseId"])
    assert {k: body[k] for k in SUNSHINE} == SUNSHINE
    assert body["deleted"] is False
    assert isinstance(body["createdDate"], int) and isinstance(body["updateDate"], int)


def test_teams_enterprise_fields_are_all_required(admin: Session) -> None:
    for field in SUNSHINE:
        body = {k: v for k, v in SUNSHINE.items() if k != field}
        response = admin.post(f"/api/v2/enterprise/{DEMO_CSP_ID}", json=body)
        error = assert_error(response, 400, "BAD_REQUEST", field)
        assert error["error"] == f"Missing required field '{field}'"


def test_get_enterprise_and_the_csp_enterprise_list(admin: Session) -> None:
    created = create_enterprise(admin)
    got = admin.get(f"/api/v2/enterprise/getenterprise/{created['enterpriseId']}")
    assert got.status_code == 200 and got.json() == created
    listed = admin.get(f"/api/v2/csp/enterprises/{DEMO_CSP_ID}")
    assert listed.status_code == 200 and listed.json() == [created]


def test_delete_enterprise_answers_plain_text_and_soft_deletes(admin: Session) -> None:
    created = create_enterprise(admin)
    enterprise_id = created["enterpriseId"]
    add_mapping(admin, enterprise_id, FRONTDESK)

    response = admin.delete(f"/api/v2/enterprise/deleteenterprise/{enterprise_id}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == f"Deleted enterprise {enterprise_id}"

    got = admin.get(f"/api/v2/enterprise/getenterprise/{enterprise_id}").json()
    assert got["deleted"] is True
    assert admin.get(f"/api/v2/csp/enterprises/{DEMO_CSP_ID}").json() == []
    assert admin.get(f"/api/v2/numbertomessageappmapping/enterprise/{enterprise_id}").json() == []
    again = admin.delete(f"/api/v2/enterprise/deleteenterprise/{enterprise_id}")
    assert_error(again, 404, "NOT_FOUND")


def test_the_documented_sunshine_dental_quick_start(admin: Session) -> None:
    enterprise_id = create_enterprise(admin)["enterpriseId"]
    response = admin.post(f"/api/v2/mapping/add/{enterprise_id}", json=FRONTDESK)
    assert response.status_code == 200  # the document says 200 for this create
    mapping = response.json()
    assert list(mapping) == MAPPING_KEYS
    TeamsMapping.model_validate(mapping)
    assert re.fullmatch(r"NTMAP\d{7}", mapping["numberToMessageAppMapId"])
    assert {k: mapping[k] for k in FRONTDESK} == FRONTDESK

    verify = admin.get(f"/api/v2/numbertomessageappmapping/enterprise/{enterprise_id}")
    assert verify.status_code == 200 and verify.json() == [mapping]


def test_mapping_name_is_optional(admin: Session) -> None:
    enterprise_id = create_enterprise(admin)["enterpriseId"]
    body = {k: v for k, v in FRONTDESK.items() if k != "name"}
    assert add_mapping(admin, enterprise_id, body)["name"] is None


def test_csp_mapping_list(admin: Session) -> None:
    enterprise_id = create_enterprise(admin)["enterpriseId"]
    first = add_mapping(admin, enterprise_id, FRONTDESK)
    second = add_mapping(admin, enterprise_id, SECOND_MAPPING)
    listed = admin.get(f"/api/v2/mapping/csp/{DEMO_CSP_ID}")
    assert listed.status_code == 200 and listed.json() == [first, second]


def test_put_mapping_updates_only_the_fields_sent(admin: Session) -> None:
    enterprise_id = create_enterprise(admin)["enterpriseId"]
    mapping = add_mapping(admin, enterprise_id, FRONTDESK)
    mapping_id = mapping["numberToMessageAppMapId"]

    response = admin.put(f"/api/v2/mapping/{mapping_id}", json={"messagingAppId": "app789"})
    assert response.status_code == 200
    assert response.json() == {**mapping, "messagingAppId": "app789"}

    moved = admin.put(f"/api/v2/mapping/{mapping_id}", json={"phoneNumber": "+12223334444"})
    assert moved.json()["phoneNumber"] == "+12223334444"
    listed = admin.get(f"/api/v2/numbertomessageappmapping/enterprise/{enterprise_id}").json()
    assert listed == [moved.json()]
    # The old number is free again.
    add_mapping(admin, enterprise_id, FRONTDESK)


def test_put_mapping_keeps_one_mapping_per_number(admin: Session) -> None:
    enterprise_id = create_enterprise(admin)["enterpriseId"]
    first = add_mapping(admin, enterprise_id, FRONTDESK)
    second = add_mapping(admin, enterprise_id, SECOND_MAPPING)
    clash = admin.put(
        f"/api/v2/mapping/{second['numberToMessageAppMapId']}",
        json={"phoneNumber": FRONTDESK["phoneNumber"]},
    )
    body = assert_error(clash, 409, "DUPLICATE_MAPPING", "phoneNumber")
    assert body["details"]["existingMappingId"] == first["numberToMessageAppMapId"]
    same = admin.put(
        f"/api/v2/mapping/{first['numberToMessageAppMapId']}",
        json={"phoneNumber": FRONTDESK["phoneNumber"]},
    )
    assert same.status_code == 200


def test_put_mapping_refuses_an_empty_body_or_nulls(admin: Session) -> None:
    enterprise_id = create_enterprise(admin)["enterpriseId"]
    mapping_id = add_mapping(admin, enterprise_id, FRONTDESK)["numberToMessageAppMapId"]
    assert_error(admin.put(f"/api/v2/mapping/{mapping_id}", json={}), 400, "BAD_REQUEST")
    assert_error(admin.put(f"/api/v2/mapping/{mapping_id}"), 400, "BAD_REQUEST")
    null = admin.put(f"/api/v2/mapping/{mapping_id}", json={"phoneNumber": None})
    assert_error(null, 400, "BAD_REQUEST", "phoneNumber")
    bad = admin.put(f"/api/v2/mapping/{mapping_id}", json={"phoneNumber": "555-1234"})
    assert_error(bad, 400, "INVALID_PHONE", "phoneNumber")
    unknown = admin.put("/api/v2/mapping/NTMAP7777777", json={"name": "x"})
    assert_error(unknown, 404, "NOT_FOUND")


def test_delete_mapping_answers_plain_text(admin: Session) -> None:
    enterprise_id = create_enterprise(admin)["enterpriseId"]
    mapping_id = add_mapping(admin, enterprise_id, FRONTDESK)["numberToMessageAppMapId"]
    response = admin.delete(f"/api/v2/mapping/{mapping_id}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == f"Deleted mapping {mapping_id}"
    assert_error(admin.delete(f"/api/v2/mapping/{mapping_id}"), 404, "NOT_FOUND")


def test_find_mapping_by_messaging_app_id(admin: Session) -> None:
    enterprise_id = create_enterprise(admin)["enterpriseId"]
    mapping = add_mapping(admin, enterprise_id, {**FRONTDESK, "messagingAppId": "app789"})
    found = admin.post("/api/v2/mapping/messagingAppId", json={"messagingAppId": "app789"})
    assert found.status_code == 200 and found.json() == mapping
    missing = admin.post("/api/v2/mapping/messagingAppId", json={"messagingAppId": "nope"})
    assert_error(missing, 404, "NOT_FOUND")


def test_create_csp_with_the_documented_example(admin: Session) -> None:
    response = admin.post("/api/v2/csp", json=EXAMPLE_CSP)
    assert response.status_code == 201
    body = response.json()
    TeamsCsp.model_validate(body)
    # CSP0000001 and CSP0000002 belong to accounts, so the first new CSP is the third.
    assert body["cspId"] == "CSP0000003"
    assert {k: body[k] for k in EXAMPLE_CSP} == EXAMPLE_CSP
    assert (body["productName"], body["favicon"], body["logo"], body["color"]) == (
        "ContextSMS",
        "",
        "",
        "#000000",
    )
    assert isinstance(body["createdDate"], int) and isinstance(body["updateDate"], int)


def test_create_csp_needs_only_email_and_name(admin: Session) -> None:
    response = admin.post("/api/v2/csp", json={"email": "x@csp.example", "name": "Minimal"})
    assert response.status_code == 201
    assert response.json()["carrier"] is None
    missing = admin.post("/api/v2/csp", json={"email": "x@csp.example"})
    assert_error(missing, 400, "BAD_REQUEST", "name")
    bad_email = admin.post("/api/v2/csp", json={"email": "not-an-email", "name": "X"})
    assert_error(bad_email, 400, "INVALID_EMAIL", "email")


def test_a_created_csp_is_usable_by_its_creator(admin: Session) -> None:
    csp_id = admin.post("/api/v2/csp", json=EXAMPLE_CSP).json()["cspId"]
    enterprise = create_enterprise(admin, csp_id)
    assert admin.get(f"/api/v2/csp/enterprises/{csp_id}").json() == [enterprise]


def test_csp_config_is_the_branding_of_the_csp_owning_the_number(admin: Session) -> None:
    branding = {"productName": "Acme SMS", "favicon": "f.ico", "logo": "l.png", "color": "#ff0000"}
    csp_id = admin.post("/api/v2/csp", json={**EXAMPLE_CSP, **branding}).json()["cspId"]
    enterprise_id = create_enterprise(admin, csp_id)["enterpriseId"]
    add_mapping(admin, enterprise_id, SECOND_MAPPING)

    by_mapping = admin.get("/api/v2/csp/getcspconfig", params={"phoneNumber": "+12223334444"})
    assert by_mapping.status_code == 200
    assert by_mapping.json() == branding
    CspConfig.model_validate(by_mapping.json())
    # The enterprise's own number also identifies its CSP.
    by_enterprise = admin.get("/api/v2/csp/getcspconfig", params={"phoneNumber": "+15559876543"})
    assert by_enterprise.json() == branding


def test_csp_config_of_an_account_csp_is_the_default_branding(admin: Session) -> None:
    create_enterprise(admin)
    response = admin.get("/api/v2/csp/getcspconfig", params={"phoneNumber": "+15559876543"})
    assert response.json() == {
        "productName": "ContextSMS",
        "favicon": "",
        "logo": "",
        "color": "#000000",
    }


def test_csp_config_errors(admin: Session) -> None:
    unknown = admin.get("/api/v2/csp/getcspconfig", params={"phoneNumber": "+15550001111"})
    assert_error(unknown, 404, "NOT_FOUND")
    bad = admin.get("/api/v2/csp/getcspconfig", params={"phoneNumber": "5550001111"})
    assert_error(bad, 400, "INVALID_PHONE", "phoneNumber")
    missing = admin.get("/api/v2/csp/getcspconfig")
    assert_error(missing, 400, "BAD_REQUEST", "phoneNumber")
