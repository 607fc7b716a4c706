"""Where the client connects, as whom, and the safety rules that guard it.

`ConnectionSettings.resolve()` turns the stack-config values (``contextsms:platform``,
``contextsms:environment``, ``contextsms:apiBase``, ``contextsms:authBase``,
``contextsms:username``, ``contextsms:password``) into settings, or raises
`ConfigurationError` naming the key to fix:

* Production is never a default. Without ``contextsms:apiBase`` or
  ``contextsms:environment`` there is no base at all; ``environment=production`` picks
  the documented production base; an explicit base on a documented production host
  needs ``environment=production`` too (no production base without explicit opt-in).
* Only ``http``/``https`` URLs; plain ``http`` only for loopback hosts (``localhost``,
  127.0.0.0/8, ``::1``); no credentials, query or fragment inside a base URL. TLS
  verification is always on: there is deliberately no option to switch it off.
* The Teams API documents no development base, and authenticates on its API base.
* The Webex auth service has its own base: the documented one for the documented API
  bases; for a loopback ``.../api/v1`` base (the emulator) the same origin + ``/v1``;
  anything else needs ``contextsms:authBase``.

The same checks run when `ConnectionSettings` is constructed directly.
"""

from __future__ import annotations

import functools
import ipaddress
import os
from collections.abc import Mapping
from enum import StrEnum
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from .errors import ConfigurationError
from .retry import RetryPolicy

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_POOL_TIMEOUT",
    "DEFAULT_READ_TIMEOUT",
    "DEFAULT_WRITE_TIMEOUT",
    "DOCUMENTED_API_BASES",
    "ENV_VARS",
    "KEY_API_BASE",
    "KEY_AUTH_BASE",
    "KEY_ENVIRONMENT",
    "KEY_PASSWORD",
    "KEY_PLATFORM",
    "KEY_USERNAME",
    "PRODUCTION_HOSTS",
    "TEAMS_PRODUCTION_API_BASE",
    "WEBEX_AUTH_BASE",
    "WEBEX_DEVELOPMENT_API_BASE",
    "WEBEX_PRODUCTION_API_BASE",
    "ConnectionSettings",
    "Environment",
    "Platform",
    "Timeouts",
    "is_loopback_host",
]


class Platform(StrEnum):
    """Which ContextSMS API: the Webex Bot API (v1) or the Teams Platform API (v2)."""

    WEBEX = "webex"
    TEAMS = "teams"


class Environment(StrEnum):
    """Which documented environment's bases to use."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


# Stack-config keys, named in every ConfigurationError.
KEY_PLATFORM = "contextsms:platform"
KEY_ENVIRONMENT = "contextsms:environment"
KEY_API_BASE = "contextsms:apiBase"
KEY_AUTH_BASE = "contextsms:authBase"
KEY_USERNAME = "contextsms:username"
KEY_PASSWORD = "contextsms:password"

ENV_VARS: dict[str, str] = {
    KEY_PLATFORM: "CONTEXTSMS_PLATFORM",
    KEY_ENVIRONMENT: "CONTEXTSMS_ENVIRONMENT",
    KEY_API_BASE: "CONTEXTSMS_API_BASE",
    KEY_AUTH_BASE: "CONTEXTSMS_AUTH_BASE",
    KEY_USERNAME: "CONTEXTSMS_USERNAME",
    KEY_PASSWORD: "CONTEXTSMS_PASSWORD",
}

# The documented bases (api-docs/). The Webex auth service is documented once, for both
# environments; the Teams API documents production only.
WEBEX_PRODUCTION_API_BASE = "https://context-webex.sabrhub.com/api/v1"
WEBEX_DEVELOPMENT_API_BASE = "https://webex-dev-frontend.sabrhub.com/api/v1"
WEBEX_AUTH_BASE = "https://usermanagement.sabrhub.com/v1"
TEAMS_PRODUCTION_API_BASE = "https://context-sms.sabrhub.com/api/v2"

DOCUMENTED_API_BASES: dict[tuple[Platform, Environment], str] = {
    (Platform.WEBEX, Environment.PRODUCTION): WEBEX_PRODUCTION_API_BASE,
    (Platform.WEBEX, Environment.DEVELOPMENT): WEBEX_DEVELOPMENT_API_BASE,
    (Platform.TEAMS, Environment.PRODUCTION): TEAMS_PRODUCTION_API_BASE,
}

PRODUCTION_HOSTS: dict[str, Platform] = {
    "context-webex.sabrhub.com": Platform.WEBEX,
    "context-sms.sabrhub.com": Platform.TEAMS,
}
_DEVELOPMENT_HOSTS: dict[str, Platform] = {
    "webex-dev-frontend.sabrhub.com": Platform.WEBEX,
}
_AUTH_HOSTS: dict[str, Platform] = {
    "usermanagement.sabrhub.com": Platform.WEBEX,
}
_DOCUMENTED_HOSTS: dict[str, Platform] = {**PRODUCTION_HOSTS, **_DEVELOPMENT_HOSTS, **_AUTH_HOSTS}

DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 30.0
DEFAULT_WRITE_TIMEOUT = 30.0
DEFAULT_POOL_TIMEOUT = 10.0


@functools.cache
def _user_agent() -> str:
    """Read once: the metadata lookup costs ~1 ms, paid by every check() otherwise."""
    try:
        version = metadata.version("pulumi-contextsms")
    except metadata.PackageNotFoundError:  # pragma: no cover - source checkout
        version = "0"
    return f"pulumi-contextsms/{version}"


class Timeouts(BaseModel):
    """Per-request timeouts in seconds; defaults are the module's named constants."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    connect: float = Field(default=DEFAULT_CONNECT_TIMEOUT, gt=0)
    read: float = Field(default=DEFAULT_READ_TIMEOUT, gt=0)
    write: float = Field(default=DEFAULT_WRITE_TIMEOUT, gt=0)
    pool: float = Field(default=DEFAULT_POOL_TIMEOUT, gt=0)

    def to_httpx(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)


def is_loopback_host(host: str) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ``::1`` (brackets optional)."""
    name = host.strip().lower().strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _set_hint(key: str) -> str:
    secret = " --secret" if key == KEY_PASSWORD else ""
    return (
        f"set it with `pulumi config set{secret} {key} ...` "
        f"or the {ENV_VARS[key]} environment variable"
    )


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


def _normalise_base(url: str, key: str) -> tuple[str, str]:
    """Check a base URL against the safety rules; return (normalised URL, host)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        _ = parts.port  # raises ValueError on a bad port
    except ValueError as exc:
        raise ConfigurationError(f"{key} is not a valid URL ({exc})", key=key) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"scheme {scheme!r}" if scheme else "no scheme"
        raise ConfigurationError(
            f"{key} must be an https:// URL (http:// only for loopback hosts), got {shown}",
            key=key,
        )
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError(
            f"{key} must not contain credentials; use {KEY_USERNAME} and {KEY_PASSWORD} instead",
            key=key,
        )
    if not host:
        raise ConfigurationError(f"{key} has no host: {url!r}", key=key)
    if parts.query or parts.fragment:
        raise ConfigurationError(f"{key} must not contain a query or fragment", key=key)
    if scheme == "http" and not is_loopback_host(host):
        raise ConfigurationError(
            f"{key} uses plain http:// with the non-loopback host {host!r}; use https:// "
            "(plain http is allowed only for localhost, 127.0.0.0/8 and ::1)",
            key=key,
        )
    normalised = urlunsplit((scheme, parts.netloc.lower(), parts.path.rstrip("/"), "", ""))
    return normalised, host


def _check_documented_host(
    host: str, key: str, platform: Platform, environment: Environment | None
) -> None:
    owner = _DOCUMENTED_HOSTS.get(host)
    if owner is not None and owner is not platform:
        raise ConfigurationError(
            f"{key} points at {host}, a documented {owner.value} host, but "
            f"{KEY_PLATFORM} is {platform.value}",
            key=key,
        )
    if host in PRODUCTION_HOSTS and environment is not Environment.PRODUCTION:
        raise ConfigurationError(
            f"{key} points at the production host {host}: production base without explicit "
            f"opt-in; set {KEY_ENVIRONMENT} to production to use it "
            f"(currently {environment.value if environment else 'unset'})",
            key=key,
        )
    if host in _DEVELOPMENT_HOSTS and environment is Environment.PRODUCTION:
        raise ConfigurationError(
            f"{key} points at the development host {host} but {KEY_ENVIRONMENT} is production",
            key=key,
        )


def _derive_webex_auth_base(api_base: str, api_host: str) -> str | None:
    """The auth base that goes with a Webex API base, when it can be known."""
    if api_host in PRODUCTION_HOSTS or api_host in _DEVELOPMENT_HOSTS:
        return WEBEX_AUTH_BASE
    parts = urlsplit(api_base)
    if is_loopback_host(api_host) and parts.path.rstrip("/").endswith("/api/v1"):
        prefix = parts.path.rstrip("/")[: -len("/api/v1")]
        return urlunsplit((parts.scheme, parts.netloc, prefix + "/v1", "", ""))
    return None


def _parse_enum(enum: type[StrEnum], value: object, key: str) -> Any:
    if isinstance(value, enum):
        return value
    text = str(value).strip().lower()
    try:
        return enum(text)
    except ValueError:
        choices = " or ".join(repr(member.value) for member in enum)
        raise ConfigurationError(f"{key} must be {choices}, got {value!r}", key=key) from None


class ConnectionSettings(BaseModel):
    """A resolved, checked connection: platform, bases, credentials, limits.

    Prefer `ConnectionSettings.resolve()`, which picks the documented bases and explains
    what to set when something is missing. `password` is a `SecretStr`: it never
    appears in `repr()`, `str()` or logs.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    platform: Platform
    api_base: str
    auth_base: str
    username: str
    password: SecretStr
    environment: Environment | None = None
    timeouts: Timeouts = Field(default_factory=Timeouts)
    retry: RetryPolicy = Field(default_factory=RetryPolicy)
    user_agent: str = Field(default_factory=_user_agent)

    @field_validator("api_base")
    @classmethod
    def _check_api_base(cls, value: str) -> str:
        return _normalise_base(value, KEY_API_BASE)[0]

    @field_validator("auth_base")
    @classmethod
    def _check_auth_base(cls, value: str) -> str:
        return _normalise_base(value, KEY_AUTH_BASE)[0]

    @model_validator(mode="after")
    def _check(self) -> ConnectionSettings:
        api_host = urlsplit(self.api_base).hostname or ""
        auth_host = urlsplit(self.auth_base).hostname or ""
        _check_documented_host(api_host, KEY_API_BASE, self.platform, self.environment)
        _check_documented_host(auth_host, KEY_AUTH_BASE, self.platform, self.environment)
        if self.platform is Platform.TEAMS and self.auth_base != self.api_base:
            raise ConfigurationError(
                f"{KEY_AUTH_BASE} is for the Webex API only: the Teams Platform API "
                f"authenticates on {KEY_API_BASE}; unset {KEY_AUTH_BASE}",
                key=KEY_AUTH_BASE,
            )
        if not self.username.strip():
            raise ConfigurationError(
                f"{KEY_USERNAME} is not set; {_set_hint(KEY_USERNAME)}", key=KEY_USERNAME
            )
        if not self.password.get_secret_value():
            raise ConfigurationError(
                f"{KEY_PASSWORD} is not set; {_set_hint(KEY_PASSWORD)}", key=KEY_PASSWORD
            )
        return self

    @classmethod
    def resolve(
        cls,
        platform: Platform | str | None,
        environment: Environment | str | None = None,
        api_base: str | None = None,
        auth_base: str | None = None,
        *,
        username: str | None = None,
        password: str | SecretStr | None = None,
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
    ) -> ConnectionSettings:
        """Apply the safety rules to stack-config values (empty strings count as unset).

        Raises `ConfigurationError` naming the ``contextsms:*`` key to fix.
        """
        if platform is None or not str(platform).strip():
            raise ConfigurationError(
                f"{KEY_PLATFORM} is not set; {_set_hint(KEY_PLATFORM)} (webex or teams)",
                key=KEY_PLATFORM,
            )
        plat: Platform = _parse_enum(Platform, platform, KEY_PLATFORM)
        env: Environment | None = None
        if environment is not None and str(environment).strip():
            env = _parse_enum(Environment, environment, KEY_ENVIRONMENT)
        api = _clean(api_base)
        auth = _clean(auth_base)

        if api is None:
            if env is None:
                example = "/api/v1" if plat is Platform.WEBEX else "/api/v2"
                raise ConfigurationError(
                    f"no API base: set {KEY_API_BASE} (for the emulator, e.g. "
                    f"http://127.0.0.1:8080{example}) or {KEY_ENVIRONMENT} "
                    "(development or production); production is never chosen by default",
                    key=KEY_API_BASE,
                )
            documented = DOCUMENTED_API_BASES.get((plat, env))
            if documented is None:
                raise ConfigurationError(
                    f"the Teams Platform API documents no {env.value} base; "
                    f"set {KEY_API_BASE} explicitly (for example the emulator's "
                    "http://127.0.0.1:PORT/api/v2)",
                    key=KEY_API_BASE,
                )
            api = documented
        api, api_host = _normalise_base(api, KEY_API_BASE)

        if plat is Platform.TEAMS:
            auth = auth or api
        elif auth is None:
            auth = _derive_webex_auth_base(api, api_host)
            if auth is None:
                raise ConfigurationError(
                    f"{KEY_AUTH_BASE} is not set; the Webex auth service has its own base "
                    f"and it cannot be derived from {KEY_API_BASE}; "
                    f"{_set_hint(KEY_AUTH_BASE)}",
                    key=KEY_AUTH_BASE,
                )

        user = _clean(username)
        if user is None:
            raise ConfigurationError(
                f"{KEY_USERNAME} is not set; {_set_hint(KEY_USERNAME)}", key=KEY_USERNAME
            )
        secret = password.get_secret_value() if isinstance(password, SecretStr) else password
        if not secret:
            raise ConfigurationError(
                f"{KEY_PASSWORD} is not set; {_set_hint(KEY_PASSWORD)}", key=KEY_PASSWORD
            )
        return cls(
            platform=plat,
            environment=env,
            api_base=api,
            auth_base=auth,
            username=user,
            password=SecretStr(secret),
            timeouts=timeouts or Timeouts(),
            retry=retry or RetryPolicy(),
        )

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: Any
    ) -> ConnectionSettings:
        """`resolve()` from the ``CONTEXTSMS_*`` environment variables.

        Keyword `overrides` (same names as `resolve()`) win over the environment.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {
            "platform": env.get(ENV_VARS[KEY_PLATFORM]),
            "environment": env.get(ENV_VARS[KEY_ENVIRONMENT]),
            "api_base": env.get(ENV_VARS[KEY_API_BASE]),
            "auth_base": env.get(ENV_VARS[KEY_AUTH_BASE]),
            "username": env.get(ENV_VARS[KEY_USERNAME]),
            "password": env.get(ENV_VARS[KEY_PASSWORD]),
        }
        values.update(overrides)
        platform = values.pop("platform")
        return cls.resolve(platform, **values)
