"""check(): every bad input is reported on its own property, offline, and values not
known yet (a preview of something computed) are never reported."""

from __future__ import annotations

from typing import Any

import pytest
from providers_support import PASSWORD, UNREACHABLE_TEAMS
from pulumi.output import Unknown

from pulumi_contextsms.providers.csp import CspProvider
from pulumi_contextsms.providers.enterprise import EnterpriseProvider
from pulumi_contextsms.providers.mapping import NumberMappingProvider

pytestmark = pytest.mark.usefixtures("no_http")

ENTERPRISE = {
    "name": "ABC Marketing Company",
    "contact": "Sarah Johnson",
    "phone_number": "+15551234567",
    "email": "sarah@abcmarketing.com",
}
MAPPING = {
    "enterprise_id": "E0000001",
    "phone_number": "+15559870000",
    "messaging_app_id": "app-1",
}


def failures(result: Any) -> dict[str, str]:
    named = {f.property: f.reason for f in result.failures}
    assert len(named) == len(result.failures), "a property is reported twice"
    return named


# --- Enterprise ---------------------------------------------------------------------------


def test_valid_enterprise_passes_and_gets_platform_and_default_csp(settings):
    settings("teams")
    result = EnterpriseProvider().check({}, dict(ENTERPRISE))
    assert failures(result) == {}
    # the service is the outputs' (`api_base`), not an input: the settings decide it
    assert result.inputs == {**ENTERPRISE, "platform": "teams", "csp_id": "CSP0000001"}


def test_check_drops_a_connection_an_earlier_build_recorded_in_the_inputs(settings):
    settings("teams")
    earlier = {"platform": "teams", "api_base": UNREACHABLE_TEAMS}
    result = EnterpriseProvider().check(
        {**ENTERPRISE, "connection": earlier}, {**ENTERPRISE, "connection": earlier}
    )
    assert failures(result) == {}
    assert "connection" not in result.inputs


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("name", "", "name: String should have at least 1 character"),
        ("name", "   ", "name: must not be blank; give it a non-empty value"),
        ("contact", "x" * 256, "contact: String should have at most 255 characters"),
        ("phone_number", "5551234567", "is not an E.164 phone number"),
        ("phone_number", "+1 555 123 4567", "is not an E.164 phone number"),
        ("phone_number", "+1555", "is not a possible phone number"),
        ("email", "sarah.abcmarketing.com", "email: value is not a valid email address"),
        ("csp_id", "CSP 1/..", "csp_id 'CSP 1/..' is not a valid id"),
        ("adopt_id", "../E1", "adopt_id '../E1' is not a valid id"),
    ],
)
def test_bad_enterprise_input_fails_on_its_own_property(settings, field, value, reason):
    settings("webex")
    result = EnterpriseProvider().check({}, {**ENTERPRISE, field: value})
    found = failures(result)
    assert list(found) == [field]
    assert reason in found[field]


@pytest.mark.parametrize("field", ["name", "contact", "phone_number", "email"])
def test_missing_required_enterprise_input_is_named(settings, field):
    settings("webex")
    props = {k: v for k, v in ENTERPRISE.items() if k != field}
    found = failures(EnterpriseProvider().check({}, props))
    assert found == {field: f"{field} is required: pass {field}=..."}


def test_every_bad_enterprise_input_is_reported_at_once(settings):
    settings("teams")
    bad = {
        "name": "",
        "contact": "x" * 256,
        "phone_number": "555",
        "email": "nope",
        "default_mms_selection": True,
    }
    assert set(failures(EnterpriseProvider().check({}, bad))) == set(bad)


def test_default_mms_selection_is_webex_only(settings):
    props = {**ENTERPRISE, "default_mms_selection": False}
    settings("webex")
    assert failures(EnterpriseProvider().check({}, props)) == {}
    settings("teams")
    found = failures(EnterpriseProvider().check({}, props))
    assert list(found) == ["default_mms_selection"]
    assert "belongs to the webex API" in found["default_mms_selection"]


def test_enterprise_without_csp_id_needs_the_stack_default(settings):
    settings("webex", **{"contextsms:cspId": None})
    found = failures(EnterpriseProvider().check({}, dict(ENTERPRISE)))
    assert list(found) == ["csp_id"]
    assert "pulumi config set contextsms:cspId" in found["csp_id"]
    result = EnterpriseProvider().check({}, {**ENTERPRISE, "csp_id": "CSP0000009"})
    assert failures(result) == {}
    assert result.inputs["csp_id"] == "CSP0000009"


def test_enterprise_email_is_checked_in_the_form_the_api_stores(settings):
    settings("webex")
    result = EnterpriseProvider().check({}, {**ENTERPRISE, "email": "Sarah@ABCMarketing.COM"})
    assert failures(result) == {}
    assert result.inputs["email"] == "Sarah@abcmarketing.com"


def test_unknown_enterprise_inputs_are_not_reported(settings):
    settings("teams")
    props = {name: Unknown() for name in (*ENTERPRISE, "csp_id", "adopt_id")}
    result = EnterpriseProvider().check({}, props)
    assert failures(result) == {}
    assert all(isinstance(result.inputs[name], Unknown) for name in props)


def test_unknown_platform_only_input_is_not_reported_during_preview(settings):
    # it may resolve to None at `up`, when check() runs again with the real value
    settings("teams")
    result = EnterpriseProvider().check({}, {**ENTERPRISE, "default_mms_selection": Unknown()})
    assert failures(result) == {}


# --- NumberMapping ----------------------------------------------------------------------


@pytest.mark.parametrize("platform", ["webex", "teams"])
def test_mapping_app_type_defaults_to_the_platforms(settings, platform):
    settings(platform)
    result = NumberMappingProvider().check({}, dict(MAPPING))
    assert failures(result) == {}
    expected = "Webex" if platform == "webex" else "Teams"
    assert result.inputs == {**MAPPING, "platform": platform, "messaging_app_type": expected}


@pytest.mark.parametrize(
    ("platform", "field", "value", "reason"),
    [
        ("webex", "phone_number", "+1 (555) CALL-NOW", "is not an E.164 phone number"),
        ("teams", "phone_number", "15559870000", "is not an E.164 phone number"),
        ("webex", "messaging_app_type", "Teams", "must be 'Webex' on contextsms:platform=webex"),
        ("teams", "messaging_app_type", "Webex", "must be 'Teams' on contextsms:platform=teams"),
        ("teams", "mms_enabled", True, "mms_enabled belongs to the webex API"),
        ("teams", "mms_enabled", False, "mms_enabled belongs to the webex API"),
        ("webex", "name", "Front Desk", "name belongs to the teams API"),
        ("teams", "name", "", "name: String should have at least 1 character"),
        ("teams", "messaging_app_id", "y" * 256, "at most 255 characters"),
        ("webex", "enterprise_id", "E 1", "enterprise_id 'E 1' is not a valid id"),
        ("webex", "adopt_id", "NTMAP/1", "adopt_id 'NTMAP/1' is not a valid id"),
    ],
)
def test_bad_mapping_input_fails_on_its_own_property(settings, platform, field, value, reason):
    settings(platform)
    found = failures(NumberMappingProvider().check({}, {**MAPPING, field: value}))
    assert list(found) == [field]
    assert reason in found[field]


@pytest.mark.parametrize("field", ["enterprise_id", "phone_number", "messaging_app_id"])
def test_missing_required_mapping_input_is_named(settings, field):
    settings("teams")
    props = {k: v for k, v in MAPPING.items() if k != field}
    found = failures(NumberMappingProvider().check({}, props))
    assert list(found) == [field]
    assert found[field].startswith(f"{field} is required: pass {field}=...")


def test_unknown_mapping_inputs_are_not_reported(settings):
    settings("teams")
    props = {
        "enterprise_id": Unknown(),
        "phone_number": Unknown(),
        "messaging_app_id": Unknown(),
        "messaging_app_type": Unknown(),
        "name": Unknown(),
        "mms_enabled": Unknown(),
    }
    result = NumberMappingProvider().check({}, props)
    assert failures(result) == {}
    assert isinstance(result.inputs["enterprise_id"], Unknown)
    assert result.inputs["platform"] == "teams"


# --- Csp --------------------------------------------------------------------------------


def test_csp_needs_the_teams_api(settings):
    props = {"email": "ops@reseller-inc.com", "name": "Reseller Inc"}
    settings("teams")
    assert failures(CspProvider().check({}, props)) == {}
    settings("webex")
    found = failures(CspProvider().check({}, props))
    assert list(found) == ["profile"]
    assert "contextsms:platform=teams" in found["profile"]


def test_bad_csp_inputs_are_named(settings):
    settings("teams")
    found = failures(CspProvider().check({}, {"email": "nope", "zip": ""}))
    assert set(found) == {"email", "name", "zip"}
    assert found["name"] == "name is required: pass name=..."


# --- settings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"contextsms:password": None}, "contextsms:password is not set"),
        ({"contextsms:username": None}, "contextsms:username is not set"),
        ({"contextsms:platform": None}, "contextsms:platform is not set"),
        (
            {"contextsms:platform": "slack"},
            "contextsms:platform must be 'webex' or 'teams', got 'slack'",
        ),
        (
            {"contextsms:apiBase": "http://contextsms.example.com/api/v1"},
            "contextsms:apiBase must be an https:// URL (plain http:// only for loopback hosts: "
            "localhost, 127.0.0.0/8, ::1), got 'http://contextsms.example.com/api/v1'",
        ),
        (
            {"contextsms:apiBase": "https://context-webex.sabrhub.com/api/v1"},
            "production base without explicit opt-in",
        ),
        ({"contextsms:apiBase": None}, "contextsms:apiBase is not set; give an API base"),
        ({"contextsms:maxParallel": "2"}, "contextsms:maxParallel must be a whole number from 4"),
        ({"contextsms:maxParallel": "lots"}, "contextsms:maxParallel must be a whole number"),
        ({"contextsms:maxParallel": "101"}, "from 4 to 100"),
    ],
)
def test_bad_settings_fail_check_on_profile_naming_the_key(settings, overrides, key):
    settings("webex", **overrides)
    for provider, props in ((EnterpriseProvider(), ENTERPRISE), (NumberMappingProvider(), MAPPING)):
        found = failures(provider.check({}, dict(props)))
        assert list(found) == ["profile"]
        assert key in found["profile"]
        assert PASSWORD not in found["profile"]


def test_profiles_pick_their_own_platform_and_an_unknown_profile_is_named(settings):
    webex = {"platform": "webex", "apiBase": "http://127.0.0.1:9/api/v1"}
    profiles = {"bots": {**webex, "username": "bot@example.com", "password": "pw"}}
    settings("teams", **{"contextsms:profiles": profiles})

    result = NumberMappingProvider().check({}, {**MAPPING, "profile": "bots"})
    assert failures(result) == {}
    assert result.inputs["platform"] == "webex"
    assert result.inputs["messaging_app_type"] == "Webex"

    found = failures(NumberMappingProvider().check({}, {**MAPPING, "profile": "staging"}))
    assert list(found) == ["profile"]
    assert found["profile"] == (
        "contextsms:profiles must be an object that defines the profile 'staging'; defined: bots"
    )


@pytest.mark.parametrize(
    ("profiles", "says"),
    [
        ("prod=teams", "contextsms:profiles must be an object of named connections"),
        ({"prod": "teams"}, "contextsms:profiles must be a map of profile names to objects"),
        (
            {"prod": {"region": "eu"}},
            "contextsms:profiles must be made of contextsms settings; profile 'prod' has "
            "unknown keys region; allowed: platform,",
        ),
        (
            {"prod": {"maxParallel": "8"}},
            "contextsms:profiles must be made of per-profile settings; profile 'prod' sets "
            "maxParallel, which holds for the whole stack: set contextsms:maxParallel instead",
        ),
    ],
)
def test_malformed_profiles_fail_check_of_every_resource_not_configure(settings, profiles, says):
    settings("teams", **{"contextsms:profiles": profiles})  # configure() does not raise
    for provider, props in ((EnterpriseProvider(), ENTERPRISE), (NumberMappingProvider(), MAPPING)):
        found = failures(provider.check({}, dict(props)))
        assert list(found) == ["profile"]
        assert says in found["profile"]
