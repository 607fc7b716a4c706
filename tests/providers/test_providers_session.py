"""configure() and the process-wide session: settings come from the stack config the
engine passes, clients are shared per profile, and the provider objects hold nothing."""

from __future__ import annotations

import pickle

import pytest
from providers_support import PASSWORD, UNREACHABLE_WEBEX, stack_config
from pulumi.dynamic import Config, ConfigureRequest

from pulumi_contextsms import session
from pulumi_contextsms.client.errors import ConfigurationError
from pulumi_contextsms.config import StackSettings
from pulumi_contextsms.providers.csp import CspProvider
from pulumi_contextsms.providers.enterprise import EnterpriseProvider
from pulumi_contextsms.providers.mapping import NumberMappingProvider


def _settings(platform: str, **extra: object) -> StackSettings:
    config = stack_config(platform, **extra)
    return StackSettings.from_config(config.get, environ={})


def test_unconfigured_session_says_what_is_missing():
    with pytest.raises(ConfigurationError, match="Pulumi CLI must be 3.139 or newer"):
        session.settings()


def test_configure_from_the_engines_config_installs_the_stack_settings():
    raw = stack_config("webex", **{"contextsms:cspId": "CSP0000042", "other:key": "x"})
    EnterpriseProvider().configure(ConfigureRequest(Config(raw, "project")))

    installed = session.settings()
    assert installed == StackSettings.from_config(raw.get)
    assert installed.csp_id() == "CSP0000042"
    client = session.client(None)
    assert client.settings.api_base == UNREACHABLE_WEBEX
    assert client.settings.password.get_secret_value() == PASSWORD


def test_equal_settings_keep_the_shared_client_so_the_process_logs_in_once():
    # the engine configures each provider class separately, with the same config
    providers = (EnterpriseProvider(), NumberMappingProvider(), CspProvider())
    providers[0].configure(ConfigureRequest(Config(stack_config("webex"), "project")))
    first = session.client(None)
    for provider in providers:
        provider.configure(ConfigureRequest(Config(stack_config("webex"), "project")))
    assert session.client(None) is first


def test_different_settings_replace_the_clients_built_from_the_old_ones():
    session.configure(_settings("webex"))
    old = session.client(None)
    session.configure(_settings("teams"))
    new = session.client(None)
    assert new is not old
    assert new.platform.value == "teams"
    with pytest.raises(RuntimeError):  # closed: its connection pool is gone
        old.get_enterprise("E0000001")


def test_each_profile_has_its_own_client_and_settings():
    profiles = {"bots": {"platform": "teams", "apiBase": "http://127.0.0.1:9/api/v2"}}
    profiles["bots"].update(username="bot@example.com", password="bot-pw")
    session.configure(_settings("webex", **{"contextsms:profiles": profiles}))

    default, bots = session.client(None), session.client("bots")
    assert default is not bots
    assert (default.platform.value, bots.platform.value) == ("webex", "teams")
    assert bots.settings.username == "bot@example.com"
    assert session.client("bots") is bots
    with pytest.raises(ConfigurationError, match="defines the profile 'nope'"):
        session.client("nope")


def test_provider_objects_hold_no_state_even_after_configure():
    session.configure(_settings("webex"))
    for provider in (EnterpriseProvider(), NumberMappingProvider(), CspProvider()):
        provider.configure(ConfigureRequest(Config(stack_config("webex"), "project")))
        session.client(None)
        assert vars(provider) == {}
        blob = pickle.dumps(provider)
        assert PASSWORD.encode() not in blob
        assert len(blob) < 200
