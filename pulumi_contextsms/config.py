"""The ``contextsms:*`` stack settings: one place that reads them, for every caller.

Read in the dynamic provider's ``configure()`` (the engine passes the stack config
there, decrypted) and, for lookups, in the program process. Nothing here imports
Pulumi, so the rules are unit-testable and the same in both processes.

Precedence for each key: the selected profile's value (a profile is a complete,
self-contained connection: it does not inherit top-level keys), else the top-level
``contextsms:KEY``, else the ``CONTEXTSMS_*`` environment variable. Without a profile,
only the last two apply.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .client.errors import ConfigurationError
from .client.settings import ConnectionSettings, Platform

NAMESPACE = "contextsms"
PROFILES_KEY = f"{NAMESPACE}:profiles"
CSP_ID_KEY = f"{NAMESPACE}:cspId"

# camelCase config name -> environment variable fallback
SETTING_ENV_VARS: dict[str, str] = {
    "platform": "CONTEXTSMS_PLATFORM",
    "environment": "CONTEXTSMS_ENVIRONMENT",
    "apiBase": "CONTEXTSMS_API_BASE",
    "authBase": "CONTEXTSMS_AUTH_BASE",
    "username": "CONTEXTSMS_USERNAME",
    "password": "CONTEXTSMS_PASSWORD",
    "cspId": "CONTEXTSMS_CSP_ID",
}


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
                f"{PROFILES_KEY} must be an object of named connections, e.g. "
                f"`pulumi config set --path {PROFILES_KEY}.prod.platform teams`",
                key=PROFILES_KEY,
            ) from None
    if not isinstance(raw, Mapping) or not all(isinstance(v, Mapping) for v in raw.values()):
        raise ConfigurationError(
            f"{PROFILES_KEY} must map profile names to objects of contextsms settings",
            key=PROFILES_KEY,
        )
    profiles: dict[str, dict[str, str]] = {}
    for name, values in raw.items():
        unknown = sorted(set(values) - set(SETTING_ENV_VARS))
        if unknown:
            raise ConfigurationError(
                f"{PROFILES_KEY}.{name} has unknown keys {', '.join(unknown)}; "
                f"allowed: {', '.join(SETTING_ENV_VARS)}",
                key=PROFILES_KEY,
            )
        profiles[str(name)] = {k: t for k, v in values.items() if (t := _text(v)) is not None}
    return profiles


@dataclass(frozen=True)
class StackSettings:
    """The ``contextsms:*`` values of one stack, plus the environment fallback.

    `repr` never shows values: the password is among them.
    """

    values: Mapping[str, str] = field(repr=False)
    profiles: Mapping[str, Mapping[str, str]] = field(repr=False)
    environ: Mapping[str, str] = field(repr=False)
    # A malformed contextsms:profiles, kept rather than raised: configure() has no
    # resource to blame, check() reports it on each resource's `profile`.
    profiles_error: str | None = None

    @classmethod
    def from_config(
        cls, get: Callable[[str], Any], environ: Mapping[str, str] | None = None
    ) -> StackSettings:
        """Read the settings through `get(full_key)` (e.g. the dynamic provider's
        ``ConfigureRequest.config.get``); unset keys return None."""
        values = {
            name: text
            for name in SETTING_ENV_VARS
            if (text := _text(get(f"{NAMESPACE}:{name}"))) is not None
        }
        env = dict(os.environ if environ is None else environ)
        try:
            profiles = _parse_profiles(get(PROFILES_KEY))
        except ConfigurationError as exc:
            return cls(values=values, profiles={}, environ=env, profiles_error=str(exc))
        return cls(values=values, profiles=profiles, environ=env)

    def _lookup(self, name: str, profile: str | None) -> str | None:
        if self.profiles_error is not None:
            raise ConfigurationError(self.profiles_error, key=PROFILES_KEY)
        if profile is not None:
            if profile not in self.profiles:
                known = ", ".join(sorted(self.profiles)) or "none are defined"
                raise ConfigurationError(
                    f"profile {profile!r} is not defined in {PROFILES_KEY} ({known})",
                    key=PROFILES_KEY,
                )
            value = self.profiles[profile].get(name)
            if value is not None:
                return value
            return _text(self.environ.get(SETTING_ENV_VARS[name]))
        return self.values.get(name) or _text(self.environ.get(SETTING_ENV_VARS[name]))

    def platform(self, profile: str | None = None) -> Platform:
        """The profile's platform, checked; needs no credentials."""
        raw = self._lookup("platform", profile)
        if raw is None:
            raise ConfigurationError(
                f"{_key('platform', profile)} is not set; set it to webex or teams "
                "(`pulumi config set contextsms:platform webex`) or set CONTEXTSMS_PLATFORM",
                key=f"{NAMESPACE}:platform",
            )
        try:
            return Platform(raw.lower())
        except ValueError:
            raise ConfigurationError(
                f"{_key('platform', profile)} must be webex or teams, got {raw!r}",
                key=f"{NAMESPACE}:platform",
            ) from None

    def csp_id(self, profile: str | None = None) -> str | None:
        return self._lookup("cspId", profile)

    def connection(self, profile: str | None = None) -> ConnectionSettings:
        """The checked connection for `profile`; raises `ConfigurationError` naming the
        key to fix. Makes no network call."""
        return ConnectionSettings.resolve(
            self.platform(profile),
            self._lookup("environment", profile),
            self._lookup("apiBase", profile),
            self._lookup("authBase", profile),
            username=self._lookup("username", profile),
            password=self._lookup("password", profile),
        )


def _key(name: str, profile: str | None) -> str:
    return f"{PROFILES_KEY}.{profile}.{name}" if profile else f"{NAMESPACE}:{name}"
