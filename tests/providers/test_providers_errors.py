"""Every provider failure is one line, prefixed once with the resource and the action: the
full text of each kind (create, refresh, update, delete, adopt, configuration) is pinned.
The request id varies per call; everything else is exact."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from providers_support import checked, stack_config

from contextsms_emulator import DEMO_PASSWORD, DEMO_USER
from contextsms_emulator.process import EmulatorProcess
from pulumi_contextsms import session
from pulumi_contextsms.config import StackSettings
from pulumi_contextsms.failures import ProviderError
from pulumi_contextsms.providers import inputs
from pulumi_contextsms.providers.enterprise import EnterpriseProvider
from pulumi_contextsms.providers.mapping import NumberMappingProvider

ENTERPRISE = {
    "name": "ABC Marketing Company",
    "contact": "Sarah Johnson",
    "phone_number": "+15551234567",
    "email": "sarah@abcmarketing.com",
}
REQUEST_ID = re.compile(r"req-[0-9a-f]+")


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess() as process:
        yield process


@pytest.fixture
def connect(emulator: EmulatorProcess, settings: Callable[..., Any]) -> Callable[[str], None]:
    emulator.reset()

    def install(platform: str) -> None:
        base_url = emulator.webex_api_base if platform == "webex" else emulator.teams_api_base
        settings(
            platform,
            api_base=base_url,
            **{
                "contextsms:username": DEMO_USER,
                "contextsms:password": DEMO_PASSWORD,
                "contextsms:maxAttempts": "1",  # one send: the fault decides the outcome
            },
        )

    return install


def failure(call: Callable[[], Any]) -> str:
    with pytest.raises(ProviderError) as info:
        call()
    text = str(info.value)
    assert "\n" not in text
    return REQUEST_ID.sub("req-…", text)


def test_create_refresh_and_delete_failures_read_as_one_line_each(connect, emulator):
    connect("webex")
    provider = EnterpriseProvider()
    created = provider.create(checked(provider, dict(ENTERPRISE)))
    eid = created.id

    emulator.fault_next("error", method="GET")
    assert failure(lambda: provider.read(eid, created.outs)) == (
        f"Enterprise: refresh of {eid} failed: GET /api/v1/enterprise/getenterprise/{eid} "
        "failed: 500 INTERNAL_ERROR: Internal server error (requestId req-…)"
    )
    emulator.fault_next("error", method="DELETE")
    assert failure(lambda: provider.delete(eid, created.outs)) == (
        f"Enterprise: delete of {eid} failed: DELETE /api/v1/enterprise/deleteenterprise/{eid} "
        "failed: 500 INTERNAL_ERROR: Internal server error (requestId req-…)"
    )
    emulator.fault_next("rate_limit", method="POST")
    assert failure(lambda: provider.create(checked(provider, dict(ENTERPRISE)))) == (
        "Enterprise: create of 'ABC Marketing Company' failed: POST "
        "/api/v1/enterprise/CSP0000001 failed: 429 RATE_LIMITED: Rate limit exceeded "
        "(requestId req-…)"
    )


def test_an_update_failure_names_the_mapping_and_the_call(connect, emulator):
    connect("teams")
    enterprises, mappings = EnterpriseProvider(), NumberMappingProvider()
    ent = enterprises.create(checked(enterprises, dict(ENTERPRISE)))
    program = {
        "enterprise_id": ent.id,
        "phone_number": "+15559870000",
        "messaging_app_id": "c1",
        "name": "Desk",
    }
    made = mappings.create(checked(mappings, program))
    news = checked(mappings, {**program, "name": "Reception"})
    emulator.fault_next("error", method="PUT")
    assert failure(lambda: mappings.update(made.id, made.outs, news)) == (
        f"NumberMapping: update of {made.id} failed: PUT /api/v2/mapping/{made.id} failed: "
        "500 INTERNAL_ERROR: Internal server error (requestId req-…)"
    )


def test_an_adopt_failure_says_what_differs_and_what_to_do(connect, emulator):
    connect("webex")
    provider = EnterpriseProvider()
    made = provider.create(checked(provider, dict(ENTERPRISE)))
    # check() catches it at preview; a create reached without that check says the same
    adopt = {**ENTERPRISE, "contact": "Jane Roe", "adopt_id": made.id}
    (refused,) = provider.check({}, adopt).failures
    why = (
        f"adopt_id {made.id} does not match the program: contact is 'Sarah Johnson' in "
        "ContextSMS but 'Jane Roe' in the program. Change the program to match the existing "
        "enterprise (adoption never changes it), or remove adopt_id"
    )
    assert (refused.property, refused.reason) == ("adopt_id", why)
    inputs = checked(provider, dict(ENTERPRISE)) | {"contact": "Jane Roe", "adopt_id": made.id}
    assert failure(lambda: provider.create(inputs)) == (
        f"Enterprise: adopt of {made.id} failed: {why}"
    )


def test_a_configuration_failure_after_check_names_the_profiles_own_key(settings):
    """refresh and destroy run no check(): a profile's missing password surfaces in the
    operation itself, naming the profile's key and how to set it."""
    profiles = {"teams": {"platform": "teams", "apiBase": "http://127.0.0.1:9/api/v2"}}
    settings("webex", **{"contextsms:profiles": profiles, "contextsms:username": "u"})
    props = {
        "enterprise_id": "E0000001",
        "phone_number": "+15559870000",
        "messaging_app_id": "c1",
        "profile": "teams",
    }
    assert failure(lambda: NumberMappingProvider().read("NTMAP0000001", props)) == (
        "NumberMapping: refresh of NTMAP0000001 failed: contextsms:profiles.teams.username is "
        "not set; set it with `pulumi config set --path contextsms:profiles.teams.username ...` "
        "or the CONTEXTSMS_USERNAME environment variable"
    )


def test_a_configuration_failure_at_preview_is_a_check_failure_on_the_profile(settings):
    profiles = {
        "teams": {"platform": "teams", "apiBase": "http://127.0.0.1:9/api/v2", "username": "u"}
    }
    settings("webex", **{"contextsms:profiles": profiles})
    result = EnterpriseProvider().check({}, {**ENTERPRISE, "profile": "teams"})
    assert [(f.property, f.reason) for f in result.failures] == [
        (
            "profile",
            "contextsms:profiles.teams.password is not set; set it with `pulumi config set "
            "--secret --path contextsms:profiles.teams.password ...` or the "
            "CONTEXTSMS_PASSWORD environment variable",
        )
    ]


def test_a_wrong_password_names_the_keys_to_check(connect, emulator):
    config = stack_config(
        "webex",
        emulator.webex_api_base,
        **{"contextsms:username": DEMO_USER, "contextsms:password": "not-the-password"},
    )
    session.configure(StackSettings.from_config(config.get, environ={}))
    provider = EnterpriseProvider()
    assert failure(lambda: provider.read("E0000001", dict(ENTERPRISE))) == (
        "Enterprise: refresh of E0000001 failed: POST /v1/auth/login failed: 401 UNAUTHORIZED: "
        "Invalid username or password (requestId req-…); check the username "
        "(demo@contextsms.test) and the password (contextsms:username, contextsms:password)"
    )


def test_a_read_that_finds_nothing_answers_a_fresh_result_each_time():
    first, second = inputs.gone(), inputs.gone()
    assert first is not second and first.outs == {} and first.id == ""
    first.outs["written"] = True  # the SDK writes into a result's outputs
    assert inputs.gone().outs == {}
