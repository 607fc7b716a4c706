"""The ``contextsms:*`` stack settings: the keys, their environment fallbacks, and the
translation of the client's neutral setting names into the key a user must set.

Read in the dynamic provider's ``configure()`` (the engine passes the stack config
there, decrypted) and, for lookups, in the program process. Nothing here imports
Pulumi, so the rules are unit-testable and the same in both processes.

Precedence for each key: the selected profile's value (a profile is a complete,
self-contained connection: it does not inherit top-level keys), else the top-level
``contextsms:KEY``, else the ``CONTEXTSMS_*`` environment variable. With a profile, its
keys and then the environment apply. The README's configuration reference lists every key.

Not pydantic-settings: it reads one model from the environment (and files), while this
reads each key from the stack config first, per profile, with the environment as a
fallback that a profile's own key overrides, and names a bad value by its stack key;
that takes a custom source and the profile logic anyway, and a new dependency, for no
fewer lines.
"""

from __future__ import annotations

import copy
import json
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .client.errors import ConfigurationError
from .client.limits import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_TOTAL_TIMEOUT,
    MAX_ATTEMPTS_LIMIT,
    MAX_CONNECTIONS,
)

if TYPE_CHECKING:
    from .client.settings import ConnectionSettings

NAMESPACE = "contextsms"
PROFILES = "profiles"  # the setting that holds the named connections
PROFILES_KEY = f"{NAMESPACE}:{PROFILES}"
DEFAULT_MAX_PARALLEL = 32
"""Calls the provider process serves at once unless ``contextsms:maxParallel`` says
otherwise (``--parallel`` bounds it too): the engine's own default on an 8-core machine."""
MIN_MAX_PARALLEL = 4  # the SDK's pool already serves 4; fewer is `pulumi up --parallel`'s job
MAX_MAX_PARALLEL = MAX_CONNECTIONS  # a connection per call at once


@dataclass(frozen=True)
class Key:
    """One setting: its camelCase key under ``contextsms:``, its environment variable."""

    name: str
    env: str
    secret: bool = False
    per_profile: bool = True  # False: one value for the whole provider process


# neutral setting name (the client's and the providers') -> its stack-config key
KEYS: dict[str, Key] = {
    "platform": Key("platform", "CONTEXTSMS_PLATFORM"),
    "environment": Key("environment", "CONTEXTSMS_ENVIRONMENT"),
    "api_base": Key("apiBase", "CONTEXTSMS_API_BASE"),
    "auth_base": Key("authBase", "CONTEXTSMS_AUTH_BASE"),
    "username": Key("username", "CONTEXTSMS_USERNAME"),
    "password": Key("password", "CONTEXTSMS_PASSWORD", secret=True),
    "csp_id": Key("cspId", "CONTEXTSMS_CSP_ID"),
    "trust_idempotency_keys": Key("trustIdempotencyKeys", "CONTEXTSMS_TRUST_IDEMPOTENCY_KEYS"),
    "max_attempts": Key("maxAttempts", "CONTEXTSMS_MAX_ATTEMPTS"),
    "retry_timeout": Key("retryTimeout", "CONTEXTSMS_RETRY_TIMEOUT"),
    "connect_timeout": Key("connectTimeout", "CONTEXTSMS_CONNECT_TIMEOUT"),
    "read_timeout": Key("readTimeout", "CONTEXTSMS_READ_TIMEOUT"),
    "requests_per_second": Key("requestsPerSecond", "CONTEXTSMS_REQUESTS_PER_SECOND"),
    "allow_connection_change": Key("allowConnectionChange", "CONTEXTSMS_ALLOW_CONNECTION_CHANGE"),
    "max_parallel": Key("maxParallel", "CONTEXTSMS_MAX_PARALLEL", per_profile=False),
}
_BY_KEY_NAME = {key.name: setting for setting, key in KEYS.items() if key.per_profile}
_STACK_WIDE = {key.name for key in KEYS.values() if not key.per_profile}
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


def key_for(setting: str, profile: str | None = None) -> str:
    """The full stack-config key of a neutral `setting` (a profile's key under it, unless
    the setting holds for the whole stack)."""
    if setting == PROFILES:
        return PROFILES_KEY
    key = KEYS.get(setting)
    name = setting if key is None else key.name
    if profile and (key is None or key.per_profile):
        return f"{PROFILES_KEY}.{profile}.{name}"
    return f"{NAMESPACE}:{name}"


def _how_to_set(setting: str, profile: str | None) -> str:
    key = KEYS[setting]
    flags = " --secret" if key.secret else ""
    if profile and key.per_profile:
        flags += " --path"
    return (
        f"set it with `pulumi config set{flags} {key_for(setting, profile)} ...` "
        f"or the {key.env} environment variable"
    )


def explain(error: ConfigurationError, profile: str | None = None) -> str:
    """`error` in the stack's words, every setting named by its key, plus how to set a
    missing one: the one place settings errors are rendered. `profile` is the resource's,
    for an error that does not know its own."""
    profile = error.profile or profile
    message = error.render(lambda setting: key_for(setting, profile))
    if error.missing and error.setting in KEYS:
        message += f"; {_how_to_set(error.setting, profile)}"
    return message


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _parse_profiles(raw: Any) -> dict[str, dict[str, str]]:
    if raw is None or raw == "":
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raise ConfigurationError(
                PROFILES,
                expected="an object of named connections",
                fix=f"e.g. `pulumi config set --path {PROFILES_KEY}.prod.platform teams`",
            ) from None
    if not isinstance(raw, Mapping) or not all(isinstance(v, Mapping) for v in raw.values()):
        raise ConfigurationError(
            PROFILES, expected="a map of profile names to objects of contextsms settings"
        )
    profiles: dict[str, dict[str, str]] = {}
    for name, values in raw.items():
        stack_wide = sorted(set(values) & _STACK_WIDE)
        if stack_wide:
            raise ConfigurationError(
                PROFILES,
                expected="made of per-profile settings",
                fix=f"profile {name!r} sets {', '.join(stack_wide)}, which holds for the whole "
                f"stack: set {', '.join(f'{NAMESPACE}:{k}' for k in stack_wide)} instead",
            )
        unknown = sorted(set(values) - set(_BY_KEY_NAME))
        if unknown:
            raise ConfigurationError(
                PROFILES,
                expected="made of contextsms settings",
                fix=f"profile {name!r} has unknown keys {', '.join(unknown)}; "
                f"allowed: {', '.join(_BY_KEY_NAME)}",
            )
        profiles[str(name)] = {
            _BY_KEY_NAME[k]: t for k, v in values.items() if (t := _text(v)) is not None
        }
    return profiles


@dataclass(frozen=True)
class StackSettings:
    """The ``contextsms:*`` values of one stack, plus the environment fallback.

    Values are kept by neutral setting name. `repr` never shows values: the password is
    among them.
    """

    values: Mapping[str, str] = field(repr=False)
    profiles: Mapping[str, Mapping[str, str]] = field(repr=False)
    environ: Mapping[str, str] = field(repr=False)
    # A malformed contextsms:profiles, kept rather than raised: configure() has no
    # resource to blame, check() reports it on each resource's `profile`. Not compared:
    # two reads of the same stack config give equal settings.
    profiles_error: ConfigurationError | None = field(default=None, compare=False)

    @classmethod
    def from_config(
        cls, get: Callable[[str], Any], environ: Mapping[str, str] | None = None
    ) -> StackSettings:
        """Read the settings through `get(full_key)` (e.g. the dynamic provider's
        ``ConfigureRequest.config.get``); unset keys return None."""
        values = {
            setting: text
            for setting, key in KEYS.items()
            if (text := _text(get(f"{NAMESPACE}:{key.name}"))) is not None
        }
        env = dict(os.environ if environ is None else environ)
        try:
            profiles = _parse_profiles(get(PROFILES_KEY))
        except ConfigurationError as exc:
            return cls(values=values, profiles={}, environ=env, profiles_error=exc)
        return cls(values=values, profiles=profiles, environ=env)

    def _lookup(self, setting: str, profile: str | None) -> str | None:
        if self.profiles_error is not None:
            raise copy.copy(self.profiles_error)  # a fresh raise each time, same fields
        from_env = _text(self.environ.get(KEYS[setting].env))
        if profile is None or not KEYS[setting].per_profile:
            return self.values.get(setting) or from_env
        if profile not in self.profiles:
            known = ", ".join(sorted(self.profiles)) or "none"
            raise ConfigurationError(
                PROFILES,
                expected=f"an object that defines the profile {profile!r}",
                fix=f"defined: {known}",
            )
        return self.profiles[profile].get(setting) or from_env

    def _positive(self, setting: str, profile: str | None, wanted: str) -> float | None:
        """A finite number > 0, or None when unset; `wanted` names it in the error."""
        raw = self._lookup(setting, profile)
        if raw is None:
            return None
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and value > 0):
            raise ConfigurationError(
                setting, expected=f"{wanted} greater than 0", value=raw, profile=profile
            )
        return value

    def _seconds(self, setting: str, profile: str | None, default: float) -> float:
        value = self._positive(setting, profile, "a number of seconds")
        return default if value is None else value

    def _attempts(self, profile: str | None) -> int:
        raw = self._lookup("max_attempts", profile)
        if raw is None:
            return DEFAULT_MAX_ATTEMPTS
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_ATTEMPTS_LIMIT:
            raise ConfigurationError(
                "max_attempts",
                expected=f"a whole number from 1 to {MAX_ATTEMPTS_LIMIT}",
                value=raw,
                profile=profile,
            )
        return int(raw)

    def max_parallel(self) -> int:
        """How many calls the provider process may serve at once
        (``contextsms:maxParallel``); the engine's ``--parallel`` bounds it too."""
        raw = self._lookup("max_parallel", None)
        if raw is None:
            return DEFAULT_MAX_PARALLEL
        if not raw.isdigit() or not MIN_MAX_PARALLEL <= int(raw) <= MAX_MAX_PARALLEL:
            raise ConfigurationError(
                "max_parallel",
                expected=f"a whole number from {MIN_MAX_PARALLEL} to {MAX_MAX_PARALLEL}",
                value=raw,
                fix=f"the provider serves {MIN_MAX_PARALLEL} calls at once anyway: for fewer, "
                "run `pulumi up --parallel N`",
            )
        return int(raw)

    def max_parallel_or_default(self) -> int:
        """`max_parallel`, or its default if the value is bad: configure() has no resource
        to report it on, check() of every resource reports it."""
        try:
            return self.max_parallel()
        except ConfigurationError:
            return DEFAULT_MAX_PARALLEL

    def flag(self, setting: str, profile: str | None = None) -> bool:
        """A true/false setting; unset is false."""
        raw = self._lookup(setting, profile)
        if raw is None or raw.lower() in _FALSE:
            return False
        if raw.lower() in _TRUE:
            return True
        raise ConfigurationError(setting, expected="true or false", value=raw, profile=profile)

    def csp_id(self, profile: str | None = None) -> str | None:
        return self._lookup("csp_id", profile)

    def connection(self, profile: str | None = None) -> ConnectionSettings:
        """The checked connection for `profile`; raises `ConfigurationError` naming the
        setting to fix, with the profile it was read from. Makes no network call. The
        stack-wide ``contextsms:maxParallel`` is checked here too, so that check() reports
        a bad value on every resource."""
        # pydantic loads with the first connection, not with the program's resources
        # (the program path's import budget pins it: test_providers_import_cost.py)
        from .client.retry import RetryPolicy
        from .client.settings import ConnectionSettings, Timeouts

        self.max_parallel()
        try:
            retry = RetryPolicy(
                max_attempts=self._attempts(profile),
                total_timeout=self._seconds("retry_timeout", profile, DEFAULT_TOTAL_TIMEOUT),
            )
            read = self._seconds("read_timeout", profile, DEFAULT_READ_TIMEOUT)
            timeouts = Timeouts(
                connect=self._seconds("connect_timeout", profile, DEFAULT_CONNECT_TIMEOUT),
                read=read,
                write=read,
            )
            return ConnectionSettings.resolve(
                self._lookup("platform", profile),
                self._lookup("environment", profile),
                self._lookup("api_base", profile),
                self._lookup("auth_base", profile),
                username=self._lookup("username", profile),
                password=self._lookup("password", profile),
                timeouts=timeouts,
                retry=retry,
                trust_idempotency_keys=self.flag("trust_idempotency_keys", profile),
                requests_per_second=self._positive(
                    "requests_per_second", profile, "a number of requests per second"
                ),
            )
        except ConfigurationError as exc:
            exc.profile = exc.profile or profile
            raise
