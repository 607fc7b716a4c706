"""The stack settings beyond the connection: Idempotency-Key trust, retry attempts and
time, HTTP timeouts, the request rate, and the connection-change opt-in; per profile,
with the documented defaults, and a bad value named by its key before any request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from providers_support import stack_config

from pulumi_contextsms.client.errors import ConfigurationError
from pulumi_contextsms.config import KEYS, StackSettings, explain
from pulumi_contextsms.providers.enterprise import EnterpriseProvider

pytestmark = pytest.mark.usefixtures("no_http")

RATE = "must be a number of requests per second greater than 0"


def _settings(environ: dict[str, str] | None = None, **extra: Any) -> StackSettings:
    return StackSettings.from_config(stack_config("webex", **extra).get, environ=environ or {})


def test_the_documented_defaults():
    resolved = _settings().connection()
    assert resolved.trust_idempotency_keys is False
    assert (resolved.retry.max_attempts, resolved.retry.total_timeout) == (6, 60.0)
    timeouts = resolved.timeouts
    assert (timeouts.connect, timeouts.read, timeouts.write, timeouts.pool) == (5, 30, 30, 10)
    assert _settings().flag("allow_connection_change") is False


def test_set_values_reach_the_client_settings():
    resolved = _settings(
        **{
            "contextsms:trustIdempotencyKeys": "true",
            "contextsms:maxAttempts": "3",
            "contextsms:retryTimeout": "12.5",
            "contextsms:connectTimeout": "2",
            "contextsms:readTimeout": "90",
        }
    ).connection()
    assert resolved.trust_idempotency_keys is True
    assert (resolved.retry.max_attempts, resolved.retry.total_timeout) == (3, 12.5)
    assert (resolved.timeouts.connect, resolved.timeouts.read, resolved.timeouts.write) == (
        2,
        90,
        90,
    )


def test_a_profile_sets_its_own_and_falls_back_to_the_environment_not_to_top_level_keys():
    profile = {
        "platform": "teams",
        "apiBase": "http://127.0.0.1:9/api/v2",
        "username": "u",
        "password": "p",
        "trustIdempotencyKeys": "true",
    }
    settings = _settings(
        {"CONTEXTSMS_MAX_ATTEMPTS": "4"},
        **{"contextsms:profiles": {"teams": profile}, "contextsms:readTimeout": "99"},
    )
    teams = settings.connection("teams")
    assert teams.trust_idempotency_keys is True and teams.retry.max_attempts == 4
    assert teams.timeouts.read == 30  # the top-level key is not inherited
    assert settings.connection().trust_idempotency_keys is False


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("maxAttempts", "0", "must be a whole number from 1 to 100, got '0'"),
        ("maxAttempts", "2.5", "must be a whole number from 1 to 100, got '2.5'"),
        ("retryTimeout", "-1", "must be a number of seconds greater than 0, got '-1'"),
        ("connectTimeout", "soon", "must be a number of seconds greater than 0, got 'soon'"),
        ("readTimeout", "inf", "must be a number of seconds greater than 0, got 'inf'"),
        ("trustIdempotencyKeys", "maybe", "must be true or false, got 'maybe'"),
        ("requestsPerSecond", "0", f"{RATE}, got '0'"),
        ("requestsPerSecond", "-2", f"{RATE}, got '-2'"),
        ("requestsPerSecond", "fast", f"{RATE}, got 'fast'"),
        ("requestsPerSecond", "nan", f"{RATE}, got 'nan'"),
        ("requestsPerSecond", "inf", f"{RATE}, got 'inf'"),
        ("requestsPerSecond", "1e-320", "must be a finite number greater than 0, got 1e-320"),
    ],
)
def test_a_bad_value_is_refused_naming_its_key_top_level_and_in_a_profile(key, value, message):
    with pytest.raises(ConfigurationError) as top:
        _settings(**{f"contextsms:{key}": value}).connection()
    assert explain(top.value) == f"contextsms:{key} {message}"
    assert (KEYS[top.value.setting or ""].name, top.value.profile) == (key, None)
    profile = {"platform": "webex", "apiBase": "http://127.0.0.1:9/api/v1", key: value}
    with pytest.raises(ConfigurationError) as inner:
        _settings(
            **{"contextsms:profiles": {"p": {**profile, "username": "u", "password": "x"}}}
        ).connection("p")
    assert explain(inner.value) == f"contextsms:profiles.p.{key} {message}"
    assert (KEYS[inner.value.setting or ""].name, inner.value.profile) == (key, "p")


def test_check_reports_a_bad_value_on_profile_before_any_request(settings):
    settings("webex", **{"contextsms:maxAttempts": "none"})
    result = EnterpriseProvider().check({}, {"name": "A", "contact": "B"})
    assert {f.property: f.reason for f in result.failures}["profile"] == (
        "contextsms:maxAttempts must be a whole number from 1 to 100, got 'none'"
    )


def test_the_request_rate_is_off_by_default_and_set_per_profile_or_by_environment():
    assert _settings().connection().requests_per_second is None
    assert (
        _settings(**{"contextsms:requestsPerSecond": "12.5"}).connection().requests_per_second
        == 12.5
    )
    profile = {
        "platform": "webex",
        "apiBase": "http://127.0.0.1:9/api/v1",
        "username": "u",
        "password": "p",
        "requestsPerSecond": "3",
    }
    settings = _settings(
        {"CONTEXTSMS_REQUESTS_PER_SECOND": "7"},
        **{"contextsms:profiles": {"slow": profile, "env": {**profile, "requestsPerSecond": ""}}},
    )
    assert settings.connection("slow").requests_per_second == 3
    assert settings.connection("env").requests_per_second == 7
    assert settings.connection().requests_per_second == 7


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({"contextsms:requestsPerSecond": "0"}, "contextsms:requestsPerSecond"),
        (
            {
                "contextsms:profiles": {
                    "p": {
                        "platform": "webex",
                        "apiBase": "http://127.0.0.1:9/api/v1",
                        "username": "u",
                        "password": "x",
                        "requestsPerSecond": "0",
                    }
                }
            },
            "contextsms:profiles.p.requestsPerSecond",
        ),
    ],
)
def test_check_reports_a_bad_request_rate_naming_its_key_before_any_request(settings, config, key):
    settings("webex", **config)
    profile = {"profile": "p"} if "contextsms:profiles" in config else {}
    result = EnterpriseProvider().check({}, {"name": "A", "contact": "B", **profile})
    assert {f.property: f.reason for f in result.failures}["profile"] == f"{key} {RATE}, got '0'"


def test_every_key_has_an_environment_fallback_and_a_readme_row():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for key in KEYS.values():
        assert key.env.startswith("CONTEXTSMS_")
        assert f"`contextsms:{key.name}`" in readme and f"`{key.env}`" in readme, key
