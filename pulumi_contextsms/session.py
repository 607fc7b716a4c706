"""Everything one process shares, in one object: `current`, with one reset.

Why process-wide and not attributes: a dynamic provider object is pickled into the
state file, so it must hold nothing (no settings, no client, no lock, no cache). Both
processes of a Pulumi run use it: the dynamic provider process (its providers'
``configure()`` installs the settings) and the program process (the lookups install the
program's stack config). What it holds:

- the stack settings, each profile's checked connection, and one client per profile
  (so one login per process);
- what the provider process has read of each service: one listing per enterprise and
  each enterprise once, shared by every engine thread (`SingleFlight`; `providers.listing`
  reads through them);
- the URNs of the resources this run has seen in the stack (`providers.provider`);
- the journal of creates in flight (`providers.journal`: a directory on this machine);
- the SDK thread pools this process widened (`provider_threads`), and the connection to
  the engine that messages about a resource go through (`providers.diagnostics`).

Modules reach it as ``session.current.<what>`` at the moment they use it, so replacing
`current` with a fresh `Session()` resets all of it at once (the test fixtures do, in one
place each: tests/providers/conftest.py, tests/testing/conftest.py).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .client.errors import ConfigurationError
from .config import StackSettings
from .providers.journal import Journal

if TYPE_CHECKING:
    from .client.client import ContextSmsClient
    from .client.models import Enterprise, NumberMapping
    from .client.settings import ConnectionSettings

__all__ = ["Session", "SingleFlight", "client", "configure", "connection", "current"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

RecordKey = tuple[str, str]  # (api_base, enterprise_id): the service, then the record
MappingsById = dict[str, "NumberMapping"]


class SingleFlight(Generic[K, V]):
    """A cache whose value per key is loaded at most once, however many threads ask.

    A write (`update`, `invalidate`) while a load is in flight keeps that load's result
    out of the cache: it may have been read before the write.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key_locks: dict[K, threading.Lock] = {}
        self._values: dict[K, V] = {}
        self._writes: dict[K, int] = {}

    def get(self, key: K, load: Callable[[], V]) -> V:
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._values:
                    return self._values[key]
                writes = self._writes.get(key, 0)
            value = load()
            with self._lock:
                if self._writes.get(key, 0) == writes:
                    self._values[key] = value
            return value

    def seed(self, key: K, value: V) -> None:
        """Know `key`'s value without loading it (unless it is known already)."""
        with self._lock:
            self._values.setdefault(key, value)

    def update(self, key: K, change: Callable[[V], V]) -> None:
        """Apply this process's write to the known value (nothing to do if none is known)."""
        with self._lock:
            self._writes[key] = self._writes.get(key, 0) + 1
            if key in self._values:
                self._values[key] = change(self._values[key])

    def invalidate(self, key: K) -> None:
        with self._lock:
            self._writes[key] = self._writes.get(key, 0) + 1
            self._values.pop(key, None)


class Session:
    """One process's shared state (the module docstring says what and why)."""

    def __init__(self, journal: Journal | None = None) -> None:
        self._lock = threading.Lock()
        self._settings: StackSettings | None = None
        self._connections: dict[str | None, ConnectionSettings] = {}
        self._clients: dict[str | None, ContextSmsClient] = {}
        self._in_stack: set[str] = set()
        self.listings: SingleFlight[RecordKey, MappingsById] = SingleFlight()
        self.enterprises: SingleFlight[RecordKey, Enterprise | None] = SingleFlight()
        self.journal = journal or Journal()
        self.widened: weakref.WeakSet[ThreadPoolExecutor] = weakref.WeakSet()
        self.said_not_widened = False
        self.engine: list[Any] = []  # [stub] once connected, [None] with no engine

    def configure(self, settings: StackSettings) -> None:
        """Install the stack settings; drops clients built from different earlier settings.

        The engine configures each provider class separately, with the same stack config:
        those calls keep the shared clients, so the process logs in once.
        """
        with self._lock:
            if settings == self._settings:
                return
            self._settings = settings
            self._close_clients()
            self._connections.clear()

    def settings(self) -> StackSettings:
        if self._settings is None:
            raise ConfigurationError(
                None,
                fix="the ContextSMS provider was not configured: the Pulumi CLI must be 3.139 "
                "or newer so that dynamic providers receive the stack config",
            )
        return self._settings

    def connection(self, profile: str | None) -> ConnectionSettings:
        """The checked connection for `profile`, resolved once per settings: check() of
        every resource asks for it, and so does the client."""
        with self._lock:
            existing = self._connections.get(profile)
        if existing is None:
            existing = self.settings().connection(profile)  # raises ConfigurationError
            with self._lock:
                self._connections[profile] = existing
        return existing

    def client(self, profile: str | None) -> ContextSmsClient:
        """The shared client for `profile`, built on first use."""
        with self._lock:
            existing = self._clients.get(profile)
            if existing is not None:
                return existing
        resolved = self.connection(profile)
        with self._lock:
            existing = self._clients.get(profile)
            if existing is None:
                existing = self._clients[profile] = new_client(resolved)
            return existing

    def saw_in_stack(self, urn: str) -> None:
        """The resource `urn` is in the stack: this run checked it with its old inputs."""
        with self._lock:
            self._in_stack.add(urn)

    def was_in_stack(self, urn: str) -> bool:
        """Whether this run has seen the resource `urn` in the stack (a replacement's
        create is checked again without its old inputs)."""
        with self._lock:
            return urn in self._in_stack

    def _close_clients(self) -> None:
        for built in self._clients.values():
            built.close()
        self._clients.clear()

    def close(self) -> None:
        """Close the clients (the connection pools); the session stays usable."""
        with self._lock:
            self._close_clients()


def new_client(settings: ConnectionSettings) -> ContextSmsClient:
    """Build an API client: the one place a process does (tests replace it). The client
    module, and httpx with it, loads here: a process that only plans never loads them
    (the check/diff path's import budget pins it: tests/providers/test_providers_import_cost.py)."""
    from .client.client import ContextSmsClient

    return ContextSmsClient(settings)


current = Session()


# The calls every layer makes, on the current session.


def configure(settings: StackSettings) -> None:
    current.configure(settings)


def settings() -> StackSettings:
    return current.settings()


def connection(profile: str | None) -> ConnectionSettings:
    return current.connection(profile)


def client(profile: str | None) -> ContextSmsClient:
    return current.client(profile)
