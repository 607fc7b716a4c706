"""A pure API client for ContextSMS: the Webex Bot API (v1) and the Teams Platform API (v2).

No Pulumi import anywhere in this package. Start with::

    from pulumi_contextsms.client import ConnectionSettings, ContextSmsClient, EnterpriseSpec

    settings = ConnectionSettings.resolve(
        "webex", api_base="http://127.0.0.1:8080/api/v1",
        username="demo@contextsms.test", password="demo-password",
    )
    with ContextSmsClient(settings) as client:
        enterprise = client.create_enterprise("CSP0000001", EnterpriseSpec(...))

The rules (what is retried, what counts as success, auth refresh, idempotency and
reconciliation) are in docs/client.md. Exports load on first use (PEP 562): the
settings and errors do not pull in httpx, and reading records does not pull in the
specs' phone-number and email checks.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import ContextSmsClient
    from .errors import (
        AmbiguousCreateError,
        APIConnectionError,
        APIError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ConfigurationError,
        ConflictError,
        ContextSmsError,
        DuplicateMappingError,
        InvalidInputError,
        NotFoundError,
        PagingError,
        PermissionDeniedError,
        RateLimitError,
        ServerError,
        UnsupportedOperationError,
    )
    from .models import AuthTokens, Csp, CspConfig, Enterprise, NumberMapping, PaymentStatus
    from .platforms import Environment, Platform
    from .retry import RetryPolicy
    from .settings import ConnectionIdentity, ConnectionSettings, Timeouts
    from .specs import CspSpec, E164PhoneNumber, EnterpriseSpec, MappingPatch, MappingSpec
    from .validation import validate_e164, validate_email_address

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AmbiguousCreateError",
    "AuthTokens",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "ConnectionIdentity",
    "ConnectionSettings",
    "ContextSmsClient",
    "ContextSmsError",
    "Csp",
    "CspConfig",
    "CspSpec",
    "DuplicateMappingError",
    "E164PhoneNumber",
    "Enterprise",
    "EnterpriseSpec",
    "Environment",
    "InvalidInputError",
    "MappingPatch",
    "MappingSpec",
    "NotFoundError",
    "NumberMapping",
    "PagingError",
    "PaymentStatus",
    "PermissionDeniedError",
    "Platform",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "Timeouts",
    "UnsupportedOperationError",
    "validate_e164",
    "validate_email_address",
]

# export -> the module that defines it
_HOMES = {
    "APIConnectionError": "errors",
    "APIError": "errors",
    "APIResponseValidationError": "errors",
    "APIStatusError": "errors",
    "APITimeoutError": "errors",
    "AmbiguousCreateError": "errors",
    "AuthTokens": "models",
    "AuthenticationError": "errors",
    "BadRequestError": "errors",
    "ConfigurationError": "errors",
    "ConflictError": "errors",
    "ConnectionIdentity": "settings",
    "ConnectionSettings": "settings",
    "ContextSmsClient": "client",
    "ContextSmsError": "errors",
    "Csp": "models",
    "CspConfig": "models",
    "CspSpec": "specs",
    "DuplicateMappingError": "errors",
    "E164PhoneNumber": "specs",
    "Enterprise": "models",
    "EnterpriseSpec": "specs",
    "Environment": "platforms",
    "InvalidInputError": "errors",
    "MappingPatch": "specs",
    "MappingSpec": "specs",
    "NotFoundError": "errors",
    "NumberMapping": "models",
    "PagingError": "errors",
    "PaymentStatus": "models",
    "PermissionDeniedError": "errors",
    "Platform": "platforms",
    "RateLimitError": "errors",
    "RetryPolicy": "retry",
    "ServerError": "errors",
    "Timeouts": "settings",
    "UnsupportedOperationError": "errors",
    "validate_e164": "validation",
    "validate_email_address": "validation",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
