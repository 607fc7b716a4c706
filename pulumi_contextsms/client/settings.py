"""Where the client connects, as whom, with which limits, and the safety rules that guard it.

`ConnectionSettings.resolve()` turns plain values into checked settings, or raises
`ConfigurationError` naming the setting to fix by its neutral name (``api_base``,
``password``, ...): the client knows nothing of where settings come from, and the
Pulumi layer (`pulumi_contextsms/config.py`) renders those names as its keys. The rules
(production never a default, loopback-only plain http, the documented bases, the Webex
auth base) are written once, in docs/client.md ("Configuration and safety rules"); the
same checks run when `ConnectionSettings` is constructed directly.
"""

from __future__ import annotations

import functools
import ipaddress
from enum import StrEnum
from importlib import metadata
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from .errors import ConfigurationError
from .limits import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_POOL_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_REQUESTS_PER_SECOND,
    DEFAULT_WRITE_TIMEOUT,
    MAX_CONNECTIONS,
)
from .platforms import Environment, Platform
from .retry import RetryPolicy

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_POOL_TIMEOUT",
    "DEFAULT_READ_TIMEOUT",
    "DEFAULT_REQUESTS_PER_SECOND",
    "DEFAULT_WRITE_TIMEOUT",
    "MAX_CONNECTIONS",
    "DOCUMENTED_API_BASES",
    "PRODUCTION_HOSTS",
    "TEAMS_PRODUCTION_API_BASE",
    "WEBEX_AUTH_BASE",
    "WEBEX_DEVELOPMENT_API_BASE",
    "WEBEX_PRODUCTION_API_BASE",
    "ConnectionIdentity",
    "ConnectionSettings",
    "Environment",
    "Platform",
    "Timeouts",
    "is_loopback_host",
]

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
        import httpx  # the HTTP stack loads with the client, not with the settings

        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)


class ConnectionIdentity(BaseModel):
    """Which service a record lives on: the platform and the API base, nothing secret.

    Two settings with the same identity reach the same records, whatever else differs
    (the user, timeouts, the name a caller gives the settings).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    platform: Platform
    api_base: str

    def __str__(self) -> str:
        return f"{self.platform.value} {self.api_base}"


def is_loopback_host(host: str) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ``::1`` (brackets optional)."""
    name = host.strip().lower().strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


_HTTPS_ONLY = "an https:// URL (plain http:// only for loopback hosts: localhost, 127.0.0.0/8, ::1)"


def _normalise_base(url: str, setting: str) -> tuple[str, str]:
    """Check a base URL against the safety rules; return (normalised URL, host)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        _ = parts.port  # raises ValueError on a bad port
    except ValueError as exc:
        raise ConfigurationError(
            setting, expected="a valid URL", fix=f"it does not parse: {exc}"
        ) from None
    if parts.username is not None or parts.password is not None:
        # the value is not shown: it holds a password
        raise ConfigurationError(
            setting,
            expected="a URL without credentials",
            fix=lambda name: f"set {name('username')} and {name('password')} instead",
        )
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ConfigurationError(setting, expected=_HTTPS_ONLY, value=url)
    if not host:
        raise ConfigurationError(setting, expected="a URL with a host", value=url)
    if parts.query or parts.fragment:
        raise ConfigurationError(setting, expected="a URL without a query or fragment")
    if scheme == "http" and not is_loopback_host(host):
        raise ConfigurationError(setting, expected=_HTTPS_ONLY, value=url)
    normalised = urlunsplit((scheme, parts.netloc.lower(), parts.path.rstrip("/"), "", ""))
    return normalised, host


def _check_documented_host(
    host: str, setting: str, platform: Platform, environment: Environment | None
) -> None:
    owner = _DOCUMENTED_HOSTS.get(host)
    if owner is not None and owner is not platform:
        raise ConfigurationError(
            setting,
            expected=f"a host of the {platform.value} API",
            value=host,
            fix=lambda name: (
                f"that is a documented {owner.value} host ({name('platform')} is {platform.value})"
            ),
        )
    if host in PRODUCTION_HOSTS and environment is not Environment.PRODUCTION:
        current = environment.value if environment else "unset"
        raise ConfigurationError(
            setting,
            expected="a non-production host unless production is chosen explicitly",
            value=host,
            fix=lambda name: (
                f"production base without explicit opt-in: set "
                f"{name('environment')} to production to use it (currently {current})"
            ),
        )
    if host in _DEVELOPMENT_HOSTS and environment is Environment.PRODUCTION:
        raise ConfigurationError(
            setting,
            expected="a production host",
            value=host,
            fix=lambda name: f"that is a development host and {name('environment')} is production",
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


def _parse_enum(enum: type[StrEnum], value: object, setting: str) -> Any:
    if isinstance(value, enum):
        return value
    text = str(value).strip().lower()
    try:
        return enum(text)
    except ValueError:
        choices = " or ".join(repr(member.value) for member in enum)
        raise ConfigurationError(setting, expected=choices, value=value) from None


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
    trust_idempotency_keys: bool = False
    requests_per_second: float | None = DEFAULT_REQUESTS_PER_SECOND
    user_agent: str = Field(default_factory=_user_agent)

    @field_validator("api_base")
    @classmethod
    def _check_api_base(cls, value: str) -> str:
        return _normalise_base(value, "api_base")[0]

    @field_validator("auth_base")
    @classmethod
    def _check_auth_base(cls, value: str) -> str:
        return _normalise_base(value, "auth_base")[0]

    @field_validator("requests_per_second", mode="before")
    @classmethod
    def _check_requests_per_second(cls, value: object) -> object:
        if value is None:
            return None
        from .rate import is_valid_rate  # loaded only when a rate is set

        if not is_valid_rate(value):
            raise ConfigurationError(
                "requests_per_second", expected="a finite number greater than 0", value=value
            )
        return value

    @model_validator(mode="after")
    def _check(self) -> ConnectionSettings:
        api_host = urlsplit(self.api_base).hostname or ""
        auth_host = urlsplit(self.auth_base).hostname or ""
        _check_documented_host(api_host, "api_base", self.platform, self.environment)
        _check_documented_host(auth_host, "auth_base", self.platform, self.environment)
        if self.platform is Platform.TEAMS and self.auth_base != self.api_base:
            raise ConfigurationError(
                "auth_base",
                expected="unset for the Teams Platform API",
                value=self.auth_base,
                fix=lambda name: f"the Teams API authenticates on {name('api_base')}",
            )
        if not self.username.strip():
            raise ConfigurationError("username", missing=True)
        if not self.password.get_secret_value():
            raise ConfigurationError("password", missing=True)
        return self

    @property
    def identity(self) -> ConnectionIdentity:
        """The service these settings reach (no user, no secret)."""
        return ConnectionIdentity(platform=self.platform, api_base=self.api_base)

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
        trust_idempotency_keys: bool = False,
        requests_per_second: float | None = DEFAULT_REQUESTS_PER_SECOND,
    ) -> ConnectionSettings:
        """Apply the safety rules to plain values (empty strings count as unset).

        Raises `ConfigurationError` naming the setting to fix.
        """
        if platform is None or not str(platform).strip():
            raise ConfigurationError("platform", missing=True, expected="webex or teams")
        plat: Platform = _parse_enum(Platform, platform, "platform")
        env: Environment | None = None
        if environment is not None and str(environment).strip():
            env = _parse_enum(Environment, environment, "environment")
        api = _clean(api_base)
        auth = _clean(auth_base)

        if api is None:
            if env is None:
                example = "/api/v1" if plat is Platform.WEBEX else "/api/v2"
                raise ConfigurationError(
                    "api_base",
                    missing=True,
                    fix=lambda name: (
                        "give an API base (for the emulator, e.g. "
                        f"http://127.0.0.1:8080{example}) or {name('environment')} (development "
                        "or production); production is never chosen by default"
                    ),
                )
            documented = DOCUMENTED_API_BASES.get((plat, env))
            if documented is None:
                raise ConfigurationError(
                    "api_base",
                    missing=True,
                    fix=f"the Teams Platform API documents no {env.value} base: give one "
                    "explicitly (e.g. the emulator's http://127.0.0.1:PORT/api/v2)",
                )
            api = documented
        api, api_host = _normalise_base(api, "api_base")

        if plat is Platform.TEAMS:
            auth = auth or api
        elif auth is None:
            auth = _derive_webex_auth_base(api, api_host)
            if auth is None:
                raise ConfigurationError(
                    "auth_base",
                    missing=True,
                    fix=lambda name: (
                        "the Webex auth service has its own base and it "
                        f"cannot be derived from {name('api_base')}"
                    ),
                )

        user = _clean(username)
        if user is None:
            raise ConfigurationError("username", missing=True)
        secret = password.get_secret_value() if isinstance(password, SecretStr) else password
        if not secret:
            raise ConfigurationError("password", missing=True)
        return cls(
            platform=plat,
            environment=env,
            api_base=api,
            auth_base=auth,
            username=user,
            password=SecretStr(secret),
            timeouts=timeouts or Timeouts(),
            retry=retry or RetryPolicy(),
            trust_idempotency_keys=trust_idempotency_keys,
            requests_per_second=requests_per_second,
        )
