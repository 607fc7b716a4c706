"""Fixtures for the tests of `pulumi_contextsms.testing` and `pulumi_contextsms.events`.

The mocks configure the providers' process-wide session exactly as the engine would;
each test gets a fresh one, put back afterwards, so nothing leaks into other tests.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from pulumi_contextsms.client import ContextSmsClient
from pulumi_contextsms.providers import mapping, session
from pulumi_contextsms.providers.listing import MappingListings

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def _isolated_session(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    clients: dict[str | None, ContextSmsClient] = {}
    monkeypatch.setattr(session, "_settings", None)
    monkeypatch.setattr(session, "_clients", clients)
    monkeypatch.setattr(session, "_connections", {})
    monkeypatch.setattr(mapping, "listings", MappingListings())
    yield
    for client in clients.values():
        client.close()


@pytest.fixture(autouse=True)
def _collect_failed_outputs() -> Iterator[None]:
    """A resource that fails under Pulumi's mocks leaves its outputs' futures holding the
    exception; asyncio logs "Future exception was never retrieved" when they are
    collected. Collect them while the test's log capture is on, not at exit."""
    yield
    gc.collect()
