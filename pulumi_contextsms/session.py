"""Process-wide connection state: the stack settings, and one client per profile.

Used by both processes of a Pulumi run: the dynamic provider process (its providers'
``configure()`` installs the settings) and the program process (the lookups install the
program's stack config). Why a module and not attributes: a dynamic provider object is
pickled into the state file, so it must hold nothing (no settings, no client, no lock).
Every resource or lookup of a process then shares one client (and so one login) per
profile.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from .client.errors import ConfigurationError
from .config import StackSettings

if TYPE_CHECKING:
    from .client.client import ContextSmsClient
    from .client.settings import ConnectionSettings

_lock = threading.Lock()
_settings: StackSettings | None = None
_connections: dict[str | None, ConnectionSettings] = {}
_clients: dict[str | None, ContextSmsClient] = {}
# URNs of resources this process has seen in the stack (checked with old inputs)
_in_stack: set[str] = set()


def configure(settings: StackSettings) -> None:
    """Install the stack settings; drops clients built from different earlier settings.

    The engine configures each provider class separately, with the same stack config:
    those calls keep the shared clients, so the process logs in once.
    """
    global _settings
    with _lock:
        if settings == _settings:
            return
        _settings = settings
        for client in _clients.values():
            client.close()
        _clients.clear()
        _connections.clear()


def settings() -> StackSettings:
    if _settings is None:
        raise ConfigurationError(
            "the ContextSMS provider was not configured: the Pulumi CLI must be 3.139 or "
            "newer so that dynamic providers receive the stack config"
        )
    return _settings


def connection(profile: str | None) -> ConnectionSettings:
    """The checked connection for `profile`, resolved once per settings: check() of
    every resource asks for it, and so does the client."""
    with _lock:
        existing = _connections.get(profile)
    if existing is None:
        existing = settings().connection(profile)  # raises ConfigurationError
        with _lock:
            _connections[profile] = existing
    return existing


def new_client(settings: ConnectionSettings) -> ContextSmsClient:
    """Build an API client: the one place a process does (tests replace it). The client
    module, and httpx with it, loads here: a process that only plans never loads them."""
    from .client.client import ContextSmsClient

    return ContextSmsClient(settings)


def client(profile: str | None) -> ContextSmsClient:
    """The shared client for `profile`, built on first use."""
    with _lock:
        existing = _clients.get(profile)
        if existing is not None:
            return existing
    resolved = connection(profile)
    with _lock:
        existing = _clients.get(profile)
        if existing is None:
            existing = _clients[profile] = new_client(resolved)
        return existing


def in_stack(urn: str) -> None:
    """The resource `urn` is in the stack: this run checked it with its old inputs."""
    with _lock:
        _in_stack.add(urn)


def was_in_stack(urn: str) -> bool:
    """Whether this run has seen the resource `urn` in the stack (a replacement's create
    is checked again without its old inputs)."""
    with _lock:
        return urn in _in_stack
