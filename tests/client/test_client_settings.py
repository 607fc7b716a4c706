"""ConnectionSettings.resolve(): documented bases and the safety rules, each naming the
setting to fix by its neutral name (the Pulumi layer renders its keys: tests/providers)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from pulumi_contextsms.client import (
    ConfigurationError,
    ConnectionSettings,
    Environment,
    Platform,
    RetryPolicy,
    Timeouts,
)
from pulumi_contextsms.client.settings import (
    TEAMS_PRODUCTION_API_BASE,
    WEBEX_AUTH_BASE,
    WEBEX_DEVELOPMENT_API_BASE,
    WEBEX_PRODUCTION_API_BASE,
    is_loopback_host,
)

CREDS: dict[str, Any] = {"username": "ops@example.com", "password": "s3cret-pw"}


def resolve(*args: Any, **kwargs: Any) -> ConnectionSettings:
    return ConnectionSettings.resolve(*args, **{**CREDS, **kwargs})


def config_error(*args: Any, **kwargs: Any) -> ConfigurationError:
    with pytest.raises(ConfigurationError) as info:
        resolve(*args, **kwargs)
    return info.value


# -- documented bases -----------------------------------------------------------------


def test_webex_production_picks_the_documented_bases() -> None:
    s = resolve("webex", "production")
    assert (s.api_base, s.auth_base) == (WEBEX_PRODUCTION_API_BASE, WEBEX_AUTH_BASE)
    assert s.platform is Platform.WEBEX and s.environment is Environment.PRODUCTION


def test_webex_development_picks_the_dev_api_and_the_one_documented_auth_base() -> None:
    s = resolve("webex", "development")
    assert (s.api_base, s.auth_base) == (WEBEX_DEVELOPMENT_API_BASE, WEBEX_AUTH_BASE)


def test_teams_production_authenticates_on_the_api_base() -> None:
    s = resolve("teams", "production")
    assert s.api_base == s.auth_base == TEAMS_PRODUCTION_API_BASE


def test_platform_and_environment_accept_strings_in_any_case() -> None:
    s = resolve(" Webex ", "DEVELOPMENT")
    assert s.platform is Platform.WEBEX and s.environment is Environment.DEVELOPMENT


def test_webex_loopback_api_base_derives_the_emulator_auth_base() -> None:
    s = resolve("webex", api_base="http://127.0.0.1:8080/api/v1/")
    assert s.api_base == "http://127.0.0.1:8080/api/v1"
    assert s.auth_base == "http://127.0.0.1:8080/v1"


def test_webex_ipv6_loopback_derives_the_auth_base() -> None:
    s = resolve("webex", api_base="http://[::1]:8080/api/v1")
    assert s.auth_base == "http://[::1]:8080/v1"


def test_webex_explicit_auth_base_wins() -> None:
    s = resolve(
        "webex",
        api_base="https://proxy.example.com/api/v1",
        auth_base="https://auth.example.com/v1",
    )
    assert s.auth_base == "https://auth.example.com/v1"


def test_teams_explicit_api_base_is_also_the_auth_base() -> None:
    s = resolve("teams", api_base="http://localhost:9000/api/v2")
    assert s.auth_base == s.api_base == "http://localhost:9000/api/v2"


def test_empty_strings_count_as_unset() -> None:
    s = resolve("teams", "", "http://127.0.0.1:1/api/v2", "")
    assert s.environment is None


# -- the safety rules, each naming its setting ---------------------------------------


def test_no_environment_and_no_api_base_is_an_error_not_production() -> None:
    err = config_error("webex")
    assert err.setting == "api_base"
    assert "api_base" in str(err) and "environment" in str(err)
    assert "never chosen by default" in str(err)


@pytest.mark.parametrize(
    ("platform", "base"),
    [
        ("webex", WEBEX_PRODUCTION_API_BASE),
        ("teams", TEAMS_PRODUCTION_API_BASE),
        ("webex", "https://CONTEXT-WEBEX.sabrhub.com/api/v1"),
    ],
)
@pytest.mark.parametrize("environment", [None, "development"])
def test_explicit_production_base_needs_environment_production(
    platform: str, base: str, environment: str | None
) -> None:
    err = config_error(platform, environment, base)
    assert err.setting == "api_base"
    assert "production base without explicit opt-in" in str(err)
    assert "environment" in str(err)


def test_explicit_production_base_with_environment_production_is_allowed() -> None:
    s = resolve("webex", "production", WEBEX_PRODUCTION_API_BASE)
    assert s.api_base == WEBEX_PRODUCTION_API_BASE


def test_production_auth_base_without_opt_in_is_refused() -> None:
    err = config_error(
        "webex",
        api_base="http://127.0.0.1:1/api/v1",
        auth_base="https://context-webex.sabrhub.com/v1",
    )
    assert err.setting == "auth_base"
    assert "production base without explicit opt-in" in str(err)


def test_development_host_with_environment_production_is_refused() -> None:
    err = config_error("webex", "production", WEBEX_DEVELOPMENT_API_BASE)
    assert err.setting == "api_base"


def test_other_platforms_documented_host_is_refused() -> None:
    err = config_error("webex", "production", TEAMS_PRODUCTION_API_BASE)
    assert err.setting == "api_base" and "teams" in str(err)


@pytest.mark.parametrize(
    "base",
    [
        "http://example.com/api/v1",
        "http://10.0.0.5:8080/api/v1",
        "http://localhost.evil.com/api/v1",
    ],
)
def test_plain_http_to_a_non_loopback_host_is_refused(base: str) -> None:
    err = config_error("webex", api_base=base, auth_base="https://auth.example.com/v1")
    assert err.setting == "api_base"
    assert "http://" in str(err) and "loopback" in str(err)


def test_plain_http_auth_base_to_a_non_loopback_host_is_refused() -> None:
    err = config_error(
        "webex", api_base="https://api.example.com/api/v1", auth_base="http://auth.example.com/v1"
    )
    assert err.setting == "auth_base"


@pytest.mark.parametrize(
    "host", ["localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "LOCALHOST"]
)
def test_loopback_hosts(host: str) -> None:
    assert is_loopback_host(host)


@pytest.mark.parametrize("host", ["example.com", "10.0.0.1", "::2", "128.0.0.1", ""])
def test_non_loopback_hosts(host: str) -> None:
    assert not is_loopback_host(host)


@pytest.mark.parametrize(
    "base", ["ftp://127.0.0.1/api/v1", "127.0.0.1:8080/api/v1", "file:///etc/passwd"]
)
def test_only_http_and_https_schemes(base: str) -> None:
    err = config_error("teams", api_base=base)
    assert err.setting == "api_base"


def test_credentials_inside_a_base_url_are_refused_without_echoing_them() -> None:
    err = config_error("teams", api_base="https://user:hunter2@api.example.com/api/v2")
    assert err.setting == "api_base"
    assert "hunter2" not in str(err)


def test_query_in_a_base_url_is_refused() -> None:
    assert config_error("teams", api_base="https://a.example.com/api/v2?x=1").setting == (
        "api_base"
    )


def test_teams_development_without_api_base_says_there_is_no_documented_base() -> None:
    err = config_error("teams", "development")
    assert err.setting == "api_base"
    assert "documents no development base" in str(err)


def test_webex_unknown_api_base_without_auth_base_requires_auth_base() -> None:
    err = config_error("webex", api_base="https://proxy.example.com/api/v1")
    assert err.setting == "auth_base"
    assert err.missing and "cannot be derived from api_base" in str(err)


def test_webex_loopback_base_not_ending_in_api_v1_requires_auth_base() -> None:
    err = config_error("webex", api_base="http://127.0.0.1:8080/other")
    assert err.setting == "auth_base"


def test_teams_auth_base_different_from_api_base_is_refused() -> None:
    err = config_error(
        "teams", api_base="http://127.0.0.1:1/api/v2", auth_base="http://127.0.0.1:1/v1"
    )
    assert err.setting == "auth_base"


@pytest.mark.parametrize("platform", [None, "", "  "])
def test_missing_platform(platform: str | None) -> None:
    err = config_error(platform, "development")
    assert (err.setting, err.missing) == ("platform", True)
    assert str(err) == "platform is not set (webex or teams)"


def test_unknown_platform_lists_the_choices() -> None:
    err = config_error("slack", "development")
    assert err.setting == "platform" and "'webex' or 'teams'" in str(err)


def test_unknown_environment_lists_the_choices() -> None:
    err = config_error("webex", "staging")
    assert err.setting == "environment"
    assert "'development' or 'production'" in str(err)


@pytest.mark.parametrize("username", [None, "", "   "])
def test_missing_username_is_named_and_marked_missing(username: str | None) -> None:
    err = config_error("webex", "development", username=username)
    assert (err.setting, err.missing, str(err)) == ("username", True, "username is not set")


@pytest.mark.parametrize("password", [None, "", SecretStr("")])
def test_missing_password_is_named_and_marked_missing(password: Any) -> None:
    err = config_error("webex", "development", password=password)
    assert (err.setting, err.missing, str(err)) == ("password", True, "password is not set")


def test_the_client_speaks_no_pulumi() -> None:
    """Its messages name settings neutrally: the Pulumi layer says which key to set."""
    for err in (
        config_error("webex"),
        config_error("webex", "development", password=None),
        config_error("webex", None, "https://context-webex.sabrhub.com/api/v1"),
    ):
        assert "contextsms:" not in str(err) and "pulumi" not in str(err).lower()


# -- direct construction runs the same checks ------------------------------------------


def test_direct_construction_applies_the_production_rule() -> None:
    with pytest.raises(ConfigurationError) as info:
        ConnectionSettings(
            platform=Platform.TEAMS,
            api_base=TEAMS_PRODUCTION_API_BASE,
            auth_base=TEAMS_PRODUCTION_API_BASE,
            username="u",
            password=SecretStr("p"),
        )
    assert info.value.setting == "api_base"


def test_direct_construction_applies_the_http_rule() -> None:
    with pytest.raises(ConfigurationError):
        ConnectionSettings(
            platform=Platform.TEAMS,
            api_base="http://example.com/api/v2",
            auth_base="http://example.com/api/v2",
            username="u",
            password=SecretStr("p"),
        )


# -- secrets, defaults, environment variables ------------------------------------------


def test_password_is_not_in_repr_or_str() -> None:
    s = resolve("webex", "development")
    assert "s3cret-pw" not in repr(s)
    assert "s3cret-pw" not in str(s)
    assert "s3cret-pw" not in repr(s.model_dump())
    assert s.password.get_secret_value() == "s3cret-pw"


def test_settings_are_frozen() -> None:
    s = resolve("webex", "development")
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen error
        s.api_base = "http://127.0.0.1/api/v1"  # type: ignore[misc]


def test_named_defaults() -> None:
    s = resolve("webex", "development")
    assert s.timeouts == Timeouts(connect=5.0, read=30.0, write=30.0, pool=10.0)
    assert s.retry == RetryPolicy(
        max_attempts=6,
        backoff_base=0.5,
        backoff_factor=2.0,
        backoff_cap=8.0,
        max_retry_after=30.0,
        total_timeout=60.0,
    )
    timeout = s.timeouts.to_httpx()
    assert (timeout.connect, timeout.read, timeout.write, timeout.pool) == (5.0, 30.0, 30.0, 10.0)


def test_no_option_turns_tls_verification_off() -> None:
    fields = set(ConnectionSettings.model_fields)
    assert not {f for f in fields if "verify" in f or "tls" in f or "insecure" in f}


def test_the_identity_is_the_platform_and_api_base_only() -> None:
    a = resolve("webex", api_base="http://127.0.0.1:5/api/v1")
    b = ConnectionSettings.resolve(
        "webex", api_base="http://127.0.0.1:5/api/v1/", username="x", password="y"
    )
    assert a.identity == b.identity
    assert a.identity.model_dump(mode="json") == {
        "platform": "webex",
        "api_base": "http://127.0.0.1:5/api/v1",
    }
    assert str(a.identity) == "webex http://127.0.0.1:5/api/v1"


def test_keys_are_not_trusted_unless_the_caller_says_so() -> None:
    assert resolve("webex", "development").trust_idempotency_keys is False
    assert resolve("webex", "development", trust_idempotency_keys=True).trust_idempotency_keys


# -- the request rate -------------------------------------------------------------------


def test_the_request_rate_is_off_unless_set() -> None:
    assert resolve("webex", "development").requests_per_second is None
    assert resolve("webex", "development", requests_per_second=2.5).requests_per_second == 2.5
    assert resolve("webex", "development", requests_per_second=10).requests_per_second == 10


@pytest.mark.parametrize("rate", [0, -1.5, float("inf"), float("nan"), 1e-320, True, "5"])
def test_a_request_rate_that_cannot_space_requests_is_refused_naming_it(rate: Any) -> None:
    err = config_error("webex", "development", requests_per_second=rate)
    assert err.setting == "requests_per_second" and not err.missing
    assert str(err) == f"requests_per_second must be a finite number greater than 0, got {rate!r}"


def test_direct_construction_checks_the_request_rate() -> None:
    with pytest.raises(ConfigurationError) as info:
        ConnectionSettings(
            platform=Platform.TEAMS,
            api_base="http://127.0.0.1:9/api/v2",
            auth_base="http://127.0.0.1:9/api/v2",
            username="u",
            password=SecretStr("p"),
            requests_per_second=0,
        )
    assert info.value.setting == "requests_per_second"
