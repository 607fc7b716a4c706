"""Stack settings for an emulator: what the fixtures hand to a stack or a client."""

from __future__ import annotations

import pytest

import pulumi_contextsms.testing as testing
from pulumi_contextsms.config import StackSettings
from pulumi_contextsms.testing import (
    EmulatorAccount,
    automation_config,
    emulator_env,
    emulator_stack_config,
)

URL = "http://127.0.0.1:18999"


@pytest.mark.parametrize(("platform", "version"), [("webex", "v1"), ("teams", "v2")])
def test_the_config_resolves_to_the_emulator_as_the_provider_reads_it(
    platform: str, version: str
) -> None:
    config = emulator_stack_config(URL + "/", platform)
    connection = StackSettings.from_config(config.get, environ={}).connection()
    assert connection.api_base == f"{URL}/api/{version}"
    assert connection.auth_base == (f"{URL}/v1" if platform == "webex" else f"{URL}/api/v2")
    assert (connection.username, connection.password.get_secret_value()) == (
        "demo@contextsms.test",
        "demo-password",
    )
    assert config["contextsms:cspId"] == "CSP0000001"


def test_the_env_holds_the_same_settings_under_the_fallback_names() -> None:
    account = EmulatorAccount.parse("ops@example.com:pa:ss:CSP0000042:CSP_BUSINESS")
    assert (account.password, account.csp_id, account.role) == (
        "pa:ss",
        "CSP0000042",
        "CSP_BUSINESS",
    )
    env = emulator_env(URL, "teams", account)
    assert env == {
        "CONTEXTSMS_PLATFORM": "teams",
        "CONTEXTSMS_API_BASE": f"{URL}/api/v2",
        "CONTEXTSMS_USERNAME": "ops@example.com",
        "CONTEXTSMS_PASSWORD": "pa:ss",
        "CONTEXTSMS_CSP_ID": "CSP0000042",
    }
    connection = StackSettings.from_config(lambda _: None, environ=env).connection()
    assert connection.api_base == f"{URL}/api/v2"
    assert "pa:ss" not in repr(account)


def test_automation_config_marks_only_the_password_secret() -> None:
    values = automation_config(emulator_stack_config(URL))
    assert {k for k, v in values.items() if v.secret} == {"contextsms:password"}
    assert values["contextsms:platform"].value == "webex"


@pytest.mark.parametrize("text", ["nobody", "a@b.c::CSP1", ":pw:CSP1", "a@b.c:pw:"])
def test_a_malformed_account_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="EMAIL:PASSWORD:CSPID"):
        EmulatorAccount.parse(text)


def test_an_unknown_platform_is_refused() -> None:
    with pytest.raises(ValueError, match="webex' or 'teams"):
        emulator_stack_config(URL, "slack")


def test_the_testing_package_exports_are_pinned_and_lazy() -> None:
    assert testing.__all__ == sorted(testing.__all__)
    for name in testing.__all__:
        assert getattr(testing, name) is not None
    with pytest.raises(AttributeError):
        testing.Nope  # noqa: B018
