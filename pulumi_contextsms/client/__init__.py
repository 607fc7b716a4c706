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
reconciliation) are in docs/client.md.
"""

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
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UnsupportedOperationError,
)
from .models import (
    AuthTokens,
    Csp,
    CspConfig,
    CspSpec,
    Enterprise,
    EnterpriseSpec,
    MappingPatch,
    MappingSpec,
    NumberMapping,
    PaymentStatus,
)
from .retry import RetryPolicy
from .settings import ConnectionIdentity, ConnectionSettings, Environment, Platform, Timeouts
from .validation import E164PhoneNumber, validate_e164, validate_email_address

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
