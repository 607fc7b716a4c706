"""Invalid input is a 400 ErrorResponse naming the first bad field, never FastAPI's 422."""

from __future__ import annotations

from typing import Any

import pytest
from emulator_testing import Session, assert_error

from contextsms_emulator import DEMO_CSP_ID

WEBEX_ENTERPRISE: dict[str, Any] = {
    "name": "ABC Marketing Company",
    "contact": "Sarah Johnson",
    "phoneNumber": "+15551234567",
    "email": "sarah@abcmarketing.com",
    "defaultMmsSelection": True,
}
WEBEX_MAPPING: dict[str, Any] = {
    "messagingAppId": "webex-bot-12345",
    "phoneNumber": "+15551234567",
    "messagingAppType": "Webex",
    "mmsEnabled": True,
}
TEAMS_MAPPING: dict[str, Any] = {
    "phoneNumber": "+15559876543",
    "messagingAppType": "Teams",
    "messagingAppId": "teams-channel-id-12345",
    "name": "FrontDesk",
}


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"phoneNumber": "5551234567"}, "INVALID_PHONE", "phoneNumber"),
        ({"phoneNumber": "+1 555 123 4567"}, "INVALID_PHONE", "phoneNumber"),
        ({"phoneNumber": "+1555123"}, "INVALID_PHONE", "phoneNumber"),
        ({"phoneNumber": "+15551234567890"}, "INVALID_PHONE", "phoneNumber"),
        ({"phoneNumber": "+9991234567"}, "INVALID_PHONE", "phoneNumber"),
        ({"email": "sarah.abcmarketing.com"}, "INVALID_EMAIL", "email"),
        ({"email": "sarah@"}, "INVALID_EMAIL", "email"),
        ({"name": ""}, "BAD_REQUEST", "name"),
        ({"name": "   "}, "BAD_REQUEST", "name"),
        ({"name": "x" * 256}, "BAD_REQUEST", "name"),
        ({"contact": "y" * 300}, "BAD_REQUEST", "contact"),
        ({"name": 42}, "BAD_REQUEST", "name"),
        ({"defaultMmsSelection": "yes"}, "BAD_REQUEST", "defaultMmsSelection"),
        ({"defaultMmsSelection": 1}, "BAD_REQUEST", "defaultMmsSelection"),
        ({"contact": None}, "BAD_REQUEST", "contact"),
    ],
)
def test_bad_enterprise_fields_are_named(
    admin: Session, change: dict[str, Any], code: str, field: str
) -> None:
    response = admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json={**WEBEX_ENTERPRISE, **change})
    assert_error(response, 400, code, field)


def test_invalid_phone_matches_the_documented_error_body(admin: Session) -> None:
    response = admin.post(
        f"/api/v1/enterprise/{DEMO_CSP_ID}", json={**WEBEX_ENTERPRISE, "phoneNumber": "555"}
    )
    body = assert_error(response, 400, "INVALID_PHONE")
    assert body["error"] == "Invalid phone number format"
    assert body["details"] == {
        "field": "phoneNumber",
        "message": "Phone number must be E.164 format",
    }


def test_a_name_of_exactly_255_characters_is_fine(admin: Session) -> None:
    response = admin.post(
        f"/api/v1/enterprise/{DEMO_CSP_ID}", json={**WEBEX_ENTERPRISE, "name": "n" * 255}
    )
    assert response.status_code == 201


@pytest.mark.parametrize("field", ["name", "contact", "phoneNumber", "email"])
def test_a_missing_required_field_is_named_as_documented(admin: Session, field: str) -> None:
    body = {k: v for k, v in WEBEX_ENTERPRISE.items() if k != field}
    response = admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json=body)
    error = assert_error(response, 400, "BAD_REQUEST", field)
    assert error["error"] == f"Missing required field '{field}'"


def test_snake_case_field_names_are_not_accepted(admin: Session) -> None:
    body = {**WEBEX_ENTERPRISE, "phone_number": WEBEX_ENTERPRISE["phoneNumber"]}
    del body["phoneNumber"]
    response = admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json=body)
    assert_error(response, 400, "BAD_REQUEST", "phoneNumber")


def test_malformed_json_is_a_bad_request(admin: Session) -> None:
    response = admin.post(
        f"/api/v1/enterprise/{DEMO_CSP_ID}",
        content=b'{"name": "ABC",',
        headers={"Content-Type": "application/json"},
    )
    body = assert_error(response, 400, "BAD_REQUEST")
    assert body["error"] == "Malformed JSON body"


def test_a_missing_or_non_object_body_is_a_bad_request(admin: Session) -> None:
    missing = admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}")
    assert assert_error(missing, 400, "BAD_REQUEST")["error"] == "Missing request body"
    array = admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json=[WEBEX_ENTERPRISE])
    assert assert_error(array, 400, "BAD_REQUEST")["error"] == "Request body must be a JSON object"


def test_unknown_fields_are_ignored(admin: Session) -> None:
    response = admin.post(
        f"/api/v1/enterprise/{DEMO_CSP_ID}", json={**WEBEX_ENTERPRISE, "extra": "ignored"}
    )
    assert response.status_code == 201
    assert "extra" not in response.json()


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"messagingAppType": "Teams"}, "BAD_REQUEST", "messagingAppType"),
        ({"messagingAppType": "webex"}, "BAD_REQUEST", "messagingAppType"),
        ({"messagingAppId": ""}, "BAD_REQUEST", "messagingAppId"),
        ({"messagingAppId": "b" * 256}, "BAD_REQUEST", "messagingAppId"),
        ({"phoneNumber": "+1555"}, "INVALID_PHONE", "phoneNumber"),
        ({"mmsEnabled": "true"}, "BAD_REQUEST", "mmsEnabled"),
    ],
)
def test_bad_webex_mapping_fields_are_named(
    admin: Session, change: dict[str, Any], code: str, field: str
) -> None:
    enterprise_id = admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json=WEBEX_ENTERPRISE).json()[
        "enterpriseId"
    ]
    response = admin.post(f"/api/v1/mapping/add/{enterprise_id}", json={**WEBEX_MAPPING, **change})
    assert_error(response, 400, code, field)


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"messagingAppType": "Webex"}, "BAD_REQUEST", "messagingAppType"),
        ({"phoneNumber": "(555) 987-6543"}, "INVALID_PHONE", "phoneNumber"),
        ({"name": "n" * 256}, "BAD_REQUEST", "name"),
        ({"messagingAppId": None}, "BAD_REQUEST", "messagingAppId"),
    ],
)
def test_bad_teams_mapping_fields_are_named(
    admin: Session, change: dict[str, Any], code: str, field: str
) -> None:
    enterprise_id = admin.post(
        f"/api/v2/enterprise/{DEMO_CSP_ID}",
        json={"name": "S", "contact": "M", "number": "+15559876543", "email": "m@s.example"},
    ).json()["enterpriseId"]
    response = admin.post(f"/api/v2/mapping/add/{enterprise_id}", json={**TEAMS_MAPPING, **change})
    assert_error(response, 400, code, field)


def test_the_teams_enterprise_number_field_is_named_number(admin: Session) -> None:
    response = admin.post(
        f"/api/v2/enterprise/{DEMO_CSP_ID}",
        json={"name": "S", "contact": "M", "number": "555", "email": "m@s.example"},
    )
    assert_error(response, 400, "INVALID_PHONE", "number")


def test_unknown_routes_and_methods_answer_in_the_error_shape(admin: Session) -> None:
    assert_error(admin.get("/api/v1/nothing-here"), 404, "NOT_FOUND")
    assert_error(admin.put(f"/api/v1/enterprise/{DEMO_CSP_ID}"), 405, "METHOD_NOT_ALLOWED")
