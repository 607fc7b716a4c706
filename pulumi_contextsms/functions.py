"""Lookups: read-only queries returning Outputs, like a provider's data sources.

They run in the program process (not the provider process), with the same
``contextsms:*`` settings and rules (`config.StackSettings`). A lookup whose input is
unknown during preview stays unknown and makes no call. Results are plain dicts with
snake_case keys, so they can be exported.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pulumi
from pulumi.runtime.config import get_config

from . import session
from .client import ContextSmsClient
from .config import StackSettings
from .failures import failing

T = TypeVar("T")


@functools.cache
def _configure_session() -> None:
    """The program's stack config, read once: lookups then share the session's
    per-profile clients, exactly as the provider process does."""
    session.configure(StackSettings.from_config(get_config))


def _client(profile: str | None) -> ContextSmsClient:
    _configure_session()
    return session.client(profile)


def _lookup(
    name: str,
    arg: pulumi.Input[str],
    call: Callable[[ContextSmsClient, str], T],
    profile: str | None,
) -> pulumi.Output[T]:
    def run(value: str) -> T:
        with failing(name, f"lookup of {value}", profile):
            return call(_client(profile), value)

    def off_loop(value: str) -> Awaitable[T]:
        # The HTTP call runs in a worker thread: the program's event loop keeps serving
        # the engine (resource registrations, other lookups) meanwhile.
        return asyncio.get_running_loop().run_in_executor(None, run, value)

    return pulumi.Output.from_input(arg).apply(off_loop)


def _dump(record: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = record.model_dump(mode="json")
    return dumped


def get_enterprise(
    enterprise_id: pulumi.Input[str], profile: str | None = None
) -> pulumi.Output[dict[str, Any]]:
    """An enterprise by id (GET /enterprise/getenterprise/{id})."""
    return _lookup(
        "get_enterprise", enterprise_id, lambda c, v: _dump(c.get_enterprise(v)), profile
    )


def get_enterprises(
    csp_id: pulumi.Input[str], profile: str | None = None
) -> pulumi.Output[list[dict[str, Any]]]:
    """The enterprises of a CSP (Teams: GET /csp/enterprises/{cspId})."""
    return _lookup(
        "get_enterprises", csp_id, lambda c, v: [_dump(e) for e in c.list_enterprises(v)], profile
    )


def get_enterprise_mappings(
    enterprise_id: pulumi.Input[str], profile: str | None = None
) -> pulumi.Output[list[dict[str, Any]]]:
    """The number mappings of an enterprise."""
    return _lookup(
        "get_enterprise_mappings",
        enterprise_id,
        lambda c, v: [_dump(m) for m in c.list_mappings(v)],
        profile,
    )


def get_csp_mappings(
    csp_id: pulumi.Input[str], profile: str | None = None
) -> pulumi.Output[list[dict[str, Any]]]:
    """Every number mapping of a CSP: every page of the Webex listing (read until it
    ends), the one Teams listing."""
    return _lookup(
        "get_csp_mappings",
        csp_id,
        lambda c, v: [_dump(m) for m in c.list_all_csp_mappings(v)],
        profile,
    )


def get_mapping_by_app_id(
    messaging_app_id: pulumi.Input[str], profile: str | None = None
) -> pulumi.Output[dict[str, Any] | None]:
    """The mapping of a messaging app id, or None (Teams: POST /mapping/messagingAppId)."""

    def call(client: ContextSmsClient, value: str) -> dict[str, Any] | None:
        found = client.find_mapping_by_app_id(value)
        return None if found is None else _dump(found)

    return _lookup("get_mapping_by_app_id", messaging_app_id, call, profile)


def get_csp_config(
    phone_number: pulumi.Input[str], profile: str | None = None
) -> pulumi.Output[dict[str, Any]]:
    """A CSP's white-label configuration by phone number (Teams: GET /csp/getcspconfig)."""
    return _lookup("get_csp_config", phone_number, lambda c, v: _dump(c.get_csp_config(v)), profile)


def get_payment_status(
    email: pulumi.Input[str], profile: str | None = None
) -> pulumi.Output[dict[str, Any]]:
    """A customer's payment status by email (Teams: POST /stripe/check-payment)."""
    return _lookup("get_payment_status", email, lambda c, v: _dump(c.check_payment(v)), profile)
