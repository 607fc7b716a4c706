"""The counted matrix of invalid inputs (issue 4): resource fields and stack settings.

Each case is one stack whose program declares one resource (`bad`) from valid inputs
with the case's changes; the stack's config is a working connection with the case's
changes. Every case must fail `pulumi preview` on exactly one property of `bad`, with
a message that names the field (or config key) and says what to do, before any request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

UNSET = "<unset>"  # in `inputs` or `config`: leave the input / config key out

PROGRAM = """
import json

import pulumi
import pulumi_contextsms as contextsms

VALID = {
    "Enterprise": dict(
        name="ABC Marketing Company", contact="Sarah Johnson",
        phone_number="+15551234567", email="sarah@abcmarketing.com",
    ),
    "NumberMapping": dict(
        enterprise_id="E0000001", phone_number="+15559870000", messaging_app_id="bot-1",
    ),
    "Csp": dict(name="Acme Carrier", email="ops@acme-carrier.com"),
}
config = pulumi.Config("test")
kind = config.require("resource")
args = {**VALID[kind], **json.loads(config.require("inputs"))}
getattr(contextsms, kind)("bad", **{k: v for k, v in args.items() if v != "<unset>"})
"""

LONG = "x" * 256
PASSWORD_KEY = "contextsms:password"


@dataclass(frozen=True)
class Case:
    id: str
    platform: str
    resource: str
    prop: str  # the property of `bad` the preview must name, and only it
    says: tuple[str, ...]  # fragments of the message: what is wrong and how to fix it
    inputs: dict[str, Any] = field(default_factory=dict)
    config: dict[str, str] = field(default_factory=dict)


def _e(id: str, prop: str, value: Any, *says: str, platform: str = "webex") -> Case:
    return Case(id, platform, "Enterprise", prop, says, inputs={prop: value})


def _m(id: str, prop: str, value: Any, *says: str, platform: str = "webex") -> Case:
    return Case(id, platform, "NumberMapping", prop, says, inputs={prop: value})


def _c(id: str, prop: str, value: Any, *says: str) -> Case:
    return Case(id, "teams", "Csp", prop, says, inputs={prop: value})


def _cfg(id: str, platform: str, config: dict[str, str], *says: str) -> Case:
    return Case(id, platform, "Enterprise", "profile", says, config=config)


E164_FIX = "for example +15551234567"
EMAIL_FIX = "like name@example.com"
TOO_LONG_FIX = "shorten it to at most 255 characters"
EMPTY_FIX = "give it a non-empty value"

CASES: list[Case] = [
    # Enterprise: text fields
    _e("enterprise-name-empty", "name", "", "name", EMPTY_FIX),
    _e("enterprise-name-blank", "name", "   ", "name", EMPTY_FIX),
    _e("enterprise-name-oversize", "name", LONG, "name", TOO_LONG_FIX),
    _e("enterprise-name-missing", "name", UNSET, "name is required", "pass name="),
    _e("enterprise-contact-empty", "contact", "", "contact", EMPTY_FIX, platform="teams"),
    _e("enterprise-contact-oversize", "contact", LONG, "contact", TOO_LONG_FIX),
    # Enterprise: phone numbers
    _e("enterprise-phone-national", "phone_number", "5551234567", "not an E.164", E164_FIX),
    _e("enterprise-phone-formatted", "phone_number", "+1 (555) 123-4567", "E.164", E164_FIX),
    _e("enterprise-phone-letters", "phone_number", "+1555CALLNOW", "E.164", E164_FIX),
    _e("enterprise-phone-16-digits", "phone_number", "+1555123456789012", "E.164", E164_FIX),
    _e("enterprise-phone-country-0", "phone_number", "+0155512345", "E.164", E164_FIX),
    _e("enterprise-phone-too-short", "phone_number", "+1555", "not a possible", E164_FIX),
    _e("enterprise-phone-number-type", "phone_number", 15551234567, "pass it as a string"),
    _e("enterprise-phone-empty", "phone_number", "", "E.164", E164_FIX, platform="teams"),
    # Enterprise: emails
    _e("enterprise-email-no-at", "email", "sarah.abcmarketing.com", "email", EMAIL_FIX),
    _e("enterprise-email-no-domain", "email", "sarah@", "email", EMAIL_FIX),
    _e("enterprise-email-no-local-part", "email", "@abcmarketing.com", "email", EMAIL_FIX),
    _e("enterprise-email-space", "email", "sarah johnson@abcmarketing.com", "email", EMAIL_FIX),
    _e("enterprise-email-empty", "email", "", "email", EMAIL_FIX, platform="teams"),
    # Enterprise: other fields
    _e(
        "enterprise-default-mms-on-teams",
        "default_mms_selection",
        True,
        "belongs to the webex API",
        "remove it",
        platform="teams",
    ),
    _e("enterprise-default-mms-not-bool", "default_mms_selection", "sometimes", "true or false"),
    _e("enterprise-csp-id-path", "csp_id", "CSP1/../CSP2", "not a valid id", "letters, digits"),
    _e("enterprise-adopt-id-blank", "adopt_id", " ", "adopt_id must be a non-empty string"),
    _e("enterprise-profile-unknown", "profile", "staging", "defines the profile 'staging'"),
    Case(
        "enterprise-csp-id-unset",
        "teams",
        "Enterprise",
        "csp_id",
        ("csp_id is required", "pulumi config set contextsms:cspId"),
        config={"contextsms:cspId": UNSET},
    ),
    # NumberMapping
    _m("mapping-phone-dashes", "phone_number", "+1-555-987-0000", "E.164", E164_FIX),
    _m("mapping-phone-uk-national", "phone_number", "07911123456", "E.164", E164_FIX),
    _m("mapping-phone-non-canonical", "phone_number", "+4407911123456", "E.164", "+447911123456"),
    _m("mapping-app-id-missing", "messaging_app_id", UNSET, "is required: pass messaging_app_id="),
    _m("mapping-app-id-empty", "messaging_app_id", "", "messaging_app_id", EMPTY_FIX),
    _m("mapping-app-id-oversize", "messaging_app_id", LONG, "messaging_app_id", TOO_LONG_FIX),
    _m("mapping-app-type-unknown", "messaging_app_type", "Slack", "must be 'Webex'", "'Slack'"),
    _m("mapping-app-type-lowercase", "messaging_app_type", "webex", "must be 'Webex'"),
    _m("mapping-app-type-teams-on-webex", "messaging_app_type", "Teams", "must be 'Webex'"),
    _m(
        "mapping-app-type-webex-on-teams",
        "messaging_app_type",
        "Webex",
        "must be 'Teams' on contextsms:platform=teams",
        platform="teams",
    ),
    _m(
        "mapping-mms-on-teams",
        "mms_enabled",
        True,
        "belongs to the webex API",
        "remove it",
        platform="teams",
    ),
    _m("mapping-mms-not-bool", "mms_enabled", "sometimes", "true or false"),
    _m("mapping-name-on-webex", "name", "Front desk", "belongs to the teams API", "remove it"),
    _m("mapping-name-oversize", "name", LONG, "name", TOO_LONG_FIX, platform="teams"),
    _m("mapping-enterprise-id-missing", "enterprise_id", UNSET, "is required: pass enterprise_id="),
    _m("mapping-enterprise-id-path", "enterprise_id", "E1/../../csp", "not a valid id"),
    _m("mapping-adopt-id-path", "adopt_id", "M1?x=1", "not a valid id"),
    _m(
        "mapping-profile-unknown",
        "profile",
        "eu",
        "contextsms:profiles must be an object that defines the profile 'eu'",
    ),
    # Csp (Teams only)
    Case(
        "csp-on-webex",
        "webex",
        "Csp",
        "profile",
        ("Csp needs the Teams Platform API", "contextsms:platform=teams"),
    ),
    _c("csp-email-bad", "email", "ops-at-acme", "email", EMAIL_FIX),
    _c("csp-name-empty", "name", "", "name", EMPTY_FIX),
    _c("csp-zip-oversize", "zip", LONG, "zip", TOO_LONG_FIX),
    # Stack settings: the resource is valid, its connection is not
    _cfg(
        "config-password-unset",
        "teams",
        {PASSWORD_KEY: UNSET},
        "contextsms:password is not set",
        "CONTEXTSMS_PASSWORD",
    ),
    _cfg(
        "config-username-unset",
        "webex",
        {"contextsms:username": UNSET},
        "contextsms:username is not set",
        "pulumi config set",
    ),
    _cfg(
        "config-platform-unset",
        "teams",
        {"contextsms:platform": UNSET},
        "contextsms:platform is not set",
        "webex or teams",
    ),
    _cfg(
        "config-platform-unknown",
        "teams",
        {"contextsms:platform": "slack"},
        "contextsms:platform must be 'webex' or 'teams', got 'slack'",
    ),
    _cfg(
        "config-plain-http-remote",
        "teams",
        {"contextsms:apiBase": "http://contextsms.example.com/api/v2"},
        "contextsms:apiBase must be an https:// URL (plain http:// only for loopback hosts",
        "got 'http://contextsms.example.com/api/v2'",
    ),
    _cfg(
        "config-production-without-opt-in",
        "teams",
        {"contextsms:apiBase": "https://context-sms.sabrhub.com/api/v2"},
        "production base without explicit opt-in",
        "set contextsms:environment to production",
    ),
    _cfg(
        "config-api-base-ftp",
        "webex",
        {"contextsms:apiBase": "ftp://127.0.0.1/api/v1"},
        "contextsms:apiBase must be an https:// URL",
    ),
    _cfg(
        "config-api-base-with-credentials",
        "teams",
        {"contextsms:apiBase": "https://ops:hunter2@contextsms.example.com/api/v2"},
        "contextsms:apiBase must be a URL without credentials",
        "set contextsms:username and contextsms:password instead",
    ),
    _cfg(
        "config-auth-base-on-teams",
        "teams",
        {"contextsms:authBase": "https://auth.contextsms.example.com/v1"},
        "contextsms:authBase must be unset for the Teams Platform API",
        "the Teams API authenticates on contextsms:apiBase",
    ),
    _cfg(
        "config-environment-unknown",
        "teams",
        {"contextsms:environment": "staging"},
        "contextsms:environment must be",
        "'staging'",
    ),
    _cfg(
        "config-base-of-other-platform",
        "webex",
        {"contextsms:apiBase": "https://context-sms.sabrhub.com/api/v2"},
        "contextsms:apiBase must be a host of the webex API, got 'context-sms.sabrhub.com'",
        "a documented teams host (contextsms:platform is webex)",
    ),
    _cfg(
        "config-no-base-no-environment",
        "teams",
        {"contextsms:apiBase": UNSET},
        "contextsms:apiBase is not set; give an API base",
        "production is never chosen by default",
    ),
    _cfg(
        "config-profiles-not-json",
        "teams",
        {"contextsms:profiles": "prod=teams"},
        "contextsms:profiles must be an object",
        "pulumi config set --path",
    ),
]
