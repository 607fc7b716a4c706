"""Records from either dialect, strict specs, E.164 and email validation."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from pulumi_contextsms.client import (
    AuthTokens,
    CspConfig,
    CspSpec,
    Enterprise,
    EnterpriseSpec,
    InvalidInputError,
    MappingPatch,
    MappingSpec,
    NumberMapping,
    PaymentStatus,
    Platform,
    validate_e164,
    validate_email_address,
)

V1_ENTERPRISE = {
    "enterpriseId": "E0000123",
    "name": "ABC Marketing Company",
    "contact": "Sarah Johnson",
    "phoneNumber": "+15551234567",
    "email": "sarah@abcmarketing.com",
    "deleted": False,
    "createdDate": 1698446777442,
    "updateDate": 1698446777443,
    "webexSettings": None,
    "numberToMessageAppMaps": None,
    "defaultMmsSelection": True,
}
V2_ENTERPRISE = {
    "enterpriseId": "E0000090",
    "name": "Sunshine Dental Clinic",
    "contact": "Dr. Maria Rodriguez",
    "number": "+15559876543",
    "email": "maria@sunshinedental.com",
    "deleted": False,
    "createdDate": 1698446777442,
    "updateDate": 1698446777443,
}


def enterprise_spec(**overrides: Any) -> EnterpriseSpec:
    values: dict[str, Any] = {
        "name": "ABC Marketing Company",
        "contact": "Sarah Johnson",
        "phone_number": "+15551234567",
        "email": "sarah@abcmarketing.com",
    }
    values.update(overrides)
    return EnterpriseSpec(**values)


# -- records ---------------------------------------------------------------------------


def test_v1_enterprise_reads_into_snake_case() -> None:
    e = Enterprise.model_validate(V1_ENTERPRISE)
    assert e.enterprise_id == "E0000123"
    assert e.phone_number == "+15551234567"
    assert e.default_mms_selection is True
    assert (e.created_date, e.update_date) == (1698446777442, 1698446777443)
    assert e.webex_settings is None and e.number_to_message_app_maps is None
    assert e.deleted is False


def test_v2_enterprise_number_fills_phone_number() -> None:
    e = Enterprise.model_validate(V2_ENTERPRISE)
    assert e.phone_number == "+15559876543"
    assert e.default_mms_selection is None


def test_unknown_fields_are_kept_and_missing_optional_fields_are_fine() -> None:
    e = Enterprise.model_validate({"enterpriseId": "E1", "tier": "gold"})
    assert e.model_extra == {"tier": "gold"}
    assert e.name is None and e.deleted is False


def test_null_deleted_reads_as_false_and_iso_dates_as_epoch_ms() -> None:
    e = Enterprise.model_validate(
        {"enterpriseId": "E1", "deleted": None, "createdDate": "2025-01-01T00:00:00Z"}
    )
    assert e.deleted is False and e.created_date == 1735689600000


def test_enterprise_without_id_is_invalid() -> None:
    with pytest.raises(ValidationError):
        Enterprise.model_validate({"name": "x"})


def test_mapping_reads_the_documented_id_field_from_either_dialect() -> None:
    v1 = NumberMapping.model_validate(
        {
            "numberToMessageAppMapId": "NTMAP0000456",
            "messagingAppId": "webex-bot-12345",
            "phoneNumber": "+15551234567",
            "messagingAppType": "Webex",
            "mmsEnabled": True,
        }
    )
    assert (v1.mapping_id, v1.messaging_app_id, v1.mms_enabled) == (
        "NTMAP0000456",
        "webex-bot-12345",
        True,
    )
    v2 = NumberMapping.model_validate(
        {
            "numberToMessageAppMapId": "NTMAP0000123",
            "phoneNumber": "+12223334444",
            "messagingAppType": "Teams",
            "messagingAppId": "teams-channel-id-12345",
            "name": "FrontDesk",
        }
    )
    assert (v2.mapping_id, v2.name, v2.mms_enabled) == ("NTMAP0000123", "FrontDesk", None)


def test_records_construct_by_snake_case_and_dump_snake_case() -> None:
    m = NumberMapping(mapping_id="N1", phone_number="+15551234567")
    assert m.model_dump()["mapping_id"] == "N1"
    assert m.model_dump(by_alias=True)["phoneNumber"] == "+15551234567"


def test_csp_config_and_payment_status() -> None:
    config = CspConfig.model_validate(
        {"productName": "ContextSMS", "favicon": "f", "logo": "l", "color": "#000000"}
    )
    assert (config.product_name, config.color) == ("ContextSMS", "#000000")
    status = PaymentStatus.model_validate(
        {"email": "customer@example.com", "paid": True, "subscriptionStatus": "active"}
    )
    assert (status.paid, status.subscription_status) == (True, "active")


def test_auth_tokens_hide_tokens_and_drop_unknown_fields() -> None:
    tokens = AuthTokens.model_validate(
        {
            "username": "u",
            "accessToken": "eyJ-access",
            "refreshToken": "eyJ-refresh",
            "expirationTimeInUTC": "2025-10-14T12:34:56Z",
            "roles": ["CSP_ADMIN"],
            "idToken": "eyJ-other",
        }
    )
    text = repr(tokens) + str(tokens) + repr(tokens.model_dump())
    assert "eyJ" not in text
    assert tokens.expiration_time_in_utc is not None
    assert tokens.expiration_time_in_utc.isoformat() == "2025-10-14T12:34:56+00:00"


def test_auth_tokens_tolerate_a_bad_expiry() -> None:
    tokens = AuthTokens.model_validate({"accessToken": "a", "expirationTimeInUTC": "soon"})
    assert tokens.expiration_time_in_utc is None and tokens.refresh_token is None


# -- specs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number", ["555-1234", "+1 555 123 4567", "15551234567", "+0155512345", "+1555", "", "+"]
)
def test_spec_rejects_non_e164_numbers(number: str) -> None:
    with pytest.raises(ValidationError) as info:
        enterprise_spec(phone_number=number)
    assert info.value.errors()[0]["loc"] == ("phone_number",)


@pytest.mark.parametrize("number", ["+15551234567", "+442071838750", "+16502530000"])
def test_spec_accepts_e164_numbers_including_the_documented_examples(number: str) -> None:
    assert enterprise_spec(phone_number=number).phone_number == number


def test_validate_e164_is_reusable_and_a_value_error() -> None:
    assert validate_e164("+15551234567") == "+15551234567"
    with pytest.raises(ValueError, match="E.164"):
        validate_e164("+1 555 123 4567")
    with pytest.raises(InvalidInputError):
        validate_e164("+15551234567", assigned_only=True)  # 555 is not an assigned area code
    assert validate_e164("+16502530000", assigned_only=True) == "+16502530000"


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "x@localhost", "demo@contextsms.test"])
def test_spec_rejects_bad_emails(email: str) -> None:
    with pytest.raises(ValidationError):
        enterprise_spec(email=email)


def test_validate_email_address() -> None:
    assert validate_email_address("a@example.com") == "a@example.com"
    with pytest.raises(InvalidInputError) as info:
        validate_email_address("nope")
    assert info.value.fields == ("email",)


@pytest.mark.parametrize(
    ("field", "value"), [("name", ""), ("name", "   "), ("contact", "x" * 256)]
)
def test_spec_text_fields_are_non_blank_and_at_most_255(field: str, value: str) -> None:
    with pytest.raises(ValidationError):
        enterprise_spec(**{field: value})


def test_spec_accepts_255_characters() -> None:
    assert len(enterprise_spec(name="x" * 255).name) == 255


def test_spec_rejects_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        enterprise_spec(number="+15551234567")


def test_specs_are_frozen() -> None:
    spec = enterprise_spec()
    with pytest.raises(ValidationError):
        spec.name = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("spec", "platform", "fields"),
    [
        (enterprise_spec(default_mms_selection=True), Platform.TEAMS, ("default_mms_selection",)),
        (enterprise_spec(default_mms_selection=False), Platform.WEBEX, ()),
        (
            MappingSpec(
                phone_number="+15551234567",
                messaging_app_type="Webex",
                messaging_app_id="bot",
                mms_enabled=True,
                name="FrontDesk",
            ),
            Platform.WEBEX,
            ("name",),
        ),
        (
            MappingSpec(
                phone_number="+15551234567",
                messaging_app_type="Teams",
                messaging_app_id="chan",
                mms_enabled=False,
            ),
            Platform.TEAMS,
            ("mms_enabled",),
        ),
        (MappingPatch(name="x"), Platform.WEBEX, ("name",)),
    ],
)
def test_platform_only_fields_are_named(
    spec: Any, platform: Platform, fields: tuple[str, ...]
) -> None:
    assert spec.unsupported_fields(platform) == fields
    if fields:
        with pytest.raises(InvalidInputError) as info:
            spec.validate_for(platform)
        assert info.value.fields == fields
        for field in fields:
            assert field in str(info.value)
    else:
        assert spec.validate_for(platform) is spec


def test_mapping_patch_sends_only_the_set_fields() -> None:
    assert MappingPatch(messaging_app_id="new").wire_fields() == {"messagingAppId": "new"}
    assert MappingPatch(phone_number="+15551234567", name="A").wire_fields() == {
        "name": "A",
        "phoneNumber": "+15551234567",
    }
    assert MappingPatch(name=None).wire_fields() == {"name": None}
    assert MappingPatch().wire_fields() == {}


def test_mapping_patch_refuses_none_for_required_fields() -> None:
    with pytest.raises(ValidationError):
        MappingPatch(phone_number=None)


def test_csp_spec_uses_the_documented_wire_names() -> None:
    spec = CspSpec(
        email="admin@csp.com",
        name="Example CSP",
        carrier="BANDWIDTH",
        house_number="700 S",
        street_name="1st ST",
        city="Austin",
        state_code="TX",
        zip="78704",
        country="USA",
        location_id="844849",
        sub_account_id="109733",
        authorizing_person_name="CSP Admin",
    )
    assert spec.wire_fields() == {
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
