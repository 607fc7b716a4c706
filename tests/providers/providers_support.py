"""Helpers for the provider unit tests."""

from __future__ import annotations

from typing import Any

# Never contacted: check() and diff() make no HTTP call (see `no_http`).
UNREACHABLE_WEBEX = "http://127.0.0.1:9/api/v1"
UNREACHABLE_TEAMS = "http://127.0.0.1:9/api/v2"
PASSWORD = "s3cret-provider-pw"


def stack_config(platform: str, api_base: str | None = None, **extra: Any) -> dict[str, Any]:
    """A complete `contextsms:*` stack config for `platform`."""
    default = UNREACHABLE_WEBEX if platform == "webex" else UNREACHABLE_TEAMS
    return {
        "contextsms:platform": platform,
        "contextsms:apiBase": api_base or default,
        "contextsms:username": "ops@example.com",
        "contextsms:password": PASSWORD,
        "contextsms:cspId": "CSP0000001",
        **extra,
    }


def checked(provider: Any, props: dict[str, Any]) -> dict[str, Any]:
    """check() as the engine runs it first: the checked inputs, which must pass."""
    result = provider.check({}, props)
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    inputs: dict[str, Any] = result.inputs
    return inputs
