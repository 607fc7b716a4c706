"""Where discover reads: the settings (a stack's config through the Automation API, or
the ``CONTEXTSMS_*`` table), the connection and CSP they give, and the one-line errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..client.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    ContextSmsError,
    InvalidInputError,
    PermissionDeniedError,
)
from ..client.validation import validate_id
from ..config import StackSettings, explain, key_for
from ..failures import DiscoverError, describe, one_line

if TYPE_CHECKING:
    from ..client.settings import ConnectionSettings


MAX_WORKERS = 16
"""Listings sent at once: well under the client's 100 connections, and few enough that
a real service is not flooded by one command."""
INVENTORY_FILE = "contextsms.yaml"
PROGRAM_FILE = "__main__.py"
MAX_KEY_LENGTH = 60
"""A slug's length: room for ``-<enterprise id>`` within the inventory's 100."""

Progress = Callable[[int, int, int], None]
"""`progress(enterprises read, enterprises to read, numbers read)`, from any thread."""


def _pulumi_error(exc: Exception) -> str:
    """The CLI's own ``error:`` lines of an Automation API `CommandError`."""
    text = str(exc).split("stderr:", 1)[-1]
    errors = [line.strip() for line in text.splitlines() if line.strip().startswith("error:")]
    return one_line(" ".join(errors) or text).removeprefix("error: ")


def _stack_config(stack: str, work_dir: Path) -> dict[str, Any]:
    """The stack's config, decrypted, by full key (the Automation API runs the CLI)."""
    from pulumi import automation  # slow to import: only with --stack

    try:
        config = automation.select_stack(stack_name=stack, work_dir=str(work_dir))
        values = config.get_all_config()
    except automation.StackNotFoundError:
        raise DiscoverError(
            f"no stack named {stack!r} in the Pulumi project in {work_dir}: "
            "`pulumi stack ls` lists its stacks"
        ) from None
    except automation.CommandError as exc:
        reason = _pulumi_error(exc)
        if "no Pulumi.yaml project file found" in reason:
            raise DiscoverError(
                f"--stack needs a Pulumi project and {work_dir} has none (no Pulumi.yaml): "
                "run discover in the project's directory, or leave out --stack to read the "
                "CONTEXTSMS_* environment variables"
            ) from None
        raise DiscoverError(
            f"the config of stack {stack!r} cannot be read: {reason}: fix what the Pulumi "
            f"CLI says (`pulumi config --stack {stack}` shows the same)"
        ) from None
    except FileNotFoundError:
        raise DiscoverError(
            "--stack needs the Pulumi CLI and `pulumi` is not on PATH: install it, or leave "
            "out --stack to read the CONTEXTSMS_* environment variables"
        ) from None
    return {key: item.value for key, item in values.items()}


def stack_settings(stack: str | None, work_dir: Path, environ: Mapping[str, str]) -> StackSettings:
    """The provider's settings: the stack's ``contextsms:*`` config (with `stack`) over
    the ``CONTEXTSMS_*`` environment, exactly as `StackSettings.from_config` reads them."""
    if stack is None:
        return StackSettings.from_config(lambda key: None, environ=environ)
    config = _stack_config(stack, work_dir)
    return StackSettings.from_config(config.get, environ=environ)


@dataclass(frozen=True)
class Target:
    """The checked connection and CSP a discovery reads, and what named them."""

    connection: ConnectionSettings
    csp_id: str
    stack: str | None = None
    profile: str | None = None

    @property
    def platform(self) -> str:
        return self.connection.platform.value

    def describe(self) -> str:
        """``webex http://.../api/v1, CSP CSP0000001, stack dev, profile prod``."""
        where = f"{self.platform} {self.connection.api_base}, CSP {self.csp_id}"
        if self.stack:
            where += f", stack {self.stack}"
        if self.profile:
            where += f", profile {self.profile}"
        return where


def resolve_target(
    settings: StackSettings,
    profile: str | None,
    csp_id: str | None,
    stack: str | None = None,
) -> Target:
    """The connection for `profile` and the CSP (`csp_id`, else the settings' cspId).
    The settings' own rules apply: production is never chosen by default."""
    try:
        connection = settings.connection(profile)
        csp = csp_id or settings.csp_id(profile)
        if csp is None:
            raise ConfigurationError(
                "csp_id", missing=True, expected="the CSP to discover: pass --csp-id"
            )
        csp = validate_id(csp, key_for("csp_id", profile))
    except ConfigurationError as exc:
        message = explain(exc, profile)
        if profile and stack is None and profile not in settings.profiles:
            message += "; profiles live in a stack's config: pass --stack"
        raise DiscoverError(message) from None
    except InvalidInputError as exc:
        raise DiscoverError(str(exc)) from None
    return Target(connection, csp, stack, profile)


def explain_failure(exc: ContextSmsError, target: Target | None) -> str:
    """A client error as one line with its fix, in the settings' own keys."""
    profile = target.profile if target else None
    text = one_line(describe(exc, profile))
    if isinstance(exc, AuthenticationError):
        return text  # the client's own fix, and `describe` names the keys
    if isinstance(exc, PermissionDeniedError):
        return (
            f"{text}: this user may not read that; discover a CSP it owns "
            f"(--csp-id, {key_for('csp_id', profile)})"
        )
    if isinstance(exc, APIConnectionError):
        base = "api_base"
        if target and not exc.url.startswith(target.connection.api_base):
            base = "auth_base"  # the Webex auth service
        return f"{text}: check {key_for(base, profile)} and that the service is reachable"
    if isinstance(exc, APIStatusError) and exc.request_id:
        return f"{text}: run it again; if it persists, give support the requestId"
    if isinstance(exc, APIError):
        return f"{text}: run it again"
    return text
