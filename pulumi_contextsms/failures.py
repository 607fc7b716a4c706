"""The Pulumi layer's errors, and how a provider failure reads: one line,
``<Kind>: <action> failed: <why>[. <fix>]``.

The tree: the client's (`client.errors`, drawn there) is what the API and the settings
raise; the Pulumi layer adds two under it, rendered in the stack's words, and three for
what users hand it (files, webhook bodies, the discover command's failures):

    ContextSmsError                client.errors: the root of every error of the package
    ├── ConfigurationError         client.errors: bad settings, as fields (setting,
    │                              profile, value, expected); config.explain renders
    │                              them in the stack's keys, the one place that does
    ├── Refusal                    a reason to stop that is no API error
    └── ProviderError              a provider failure: one line, prefixed once
    ValueError
    ├── InventoryError             an inventory file that cannot be declared (inventory)
    └── InvalidEventError          a webhook body that is no valid event (events)
    DiscoverError                  `contextsms discover` cannot go on: one line, exit 1

(The testing package's `CheckFailedError`, what a mocked check() failure raises in a
user's unit test, is the testing helpers' own.)

Every provider operation runs inside `failing(kind, action, profile)`, the one place
that adds the prefix, so nested helpers raise plain reasons (`Refusal`) or let client
errors through and the prefix appears exactly once. Configuration errors are rendered
with the stack's keys (a profile's own keys for a profile's resources).

The SDK's provider server prints the whole traceback of any exception an operation
raises, chained causes included, and the CLI shows it as the resource's error. So each
operation is wrapped in `plainly`: its `ProviderError` is raised afresh, without the
causes behind it, and the CLI shows the SDK's own frames, one of ours, then our line.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from .client.errors import AuthenticationError, ConfigurationError, ContextSmsError
from .config import explain, key_for

__all__ = [
    "DiscoverError",
    "InvalidEventError",
    "InventoryError",
    "ProviderError",
    "Refusal",
    "failing",
    "one_line",
    "plainly",
]

P = ParamSpec("P")
R = TypeVar("R")


def one_line(text: str) -> str:
    return " ".join(text.split())


class ProviderError(ContextSmsError):
    """A provider failure, already one line with its resource kind and action."""


class Refusal(ContextSmsError):
    """A reason to stop that is not an API error (an ownership conflict, an adopt
    mismatch, a record on another service); `failing` adds the prefix."""


class InventoryError(ValueError):
    """The inventory cannot be declared: one line per problem, each naming the file,
    the entry and the fix."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


class InvalidEventError(ValueError):
    """A webhook body that is not a valid event; ``fields`` are the wire paths at fault
    (``message.from``), so the receiver can answer 400 saying what is wrong."""

    def __init__(self, message: str, fields: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.fields = fields


class DiscoverError(Exception):
    """Discovery cannot go on: one line saying what failed and how to fix it."""


def describe(exc: ContextSmsError, profile: str | None) -> str:
    """`exc` as the user should read it, in the stack's vocabulary."""
    if isinstance(exc, ConfigurationError):
        return explain(exc, profile)
    text = str(exc)
    if isinstance(exc, AuthenticationError):
        text += f" ({key_for('username', profile)}, {key_for('password', profile)})"
    return text


@contextmanager
def failing(kind: str, action: str, profile: str | None = None) -> Iterator[None]:
    """Turn any ContextSMS error raised inside into one `ProviderError` line."""
    try:
        yield
    except ProviderError:
        raise
    except ContextSmsError as exc:
        message = one_line(f"{kind}: {action} failed: {describe(exc, profile)}")
        raise ProviderError(message) from exc


def plainly(operation: Callable[P, R]) -> Callable[P, R]:
    """`operation`, whose `ProviderError` reaches the caller without its chain of causes."""

    @functools.wraps(operation)
    def provider_operation(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return operation(*args, **kwargs)
        except ProviderError as exc:
            failure = ProviderError(str(exc))
        # raised afresh, outside the handler: the CLI shows no chained tracebacks
        raise failure

    return provider_operation
