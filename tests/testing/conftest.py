"""Fixtures for the tests of `pulumi_contextsms.testing` and `pulumi_contextsms.events`.

The mocks configure the providers' process-wide session exactly as the engine would;
each test gets a fresh one, put back afterwards, so nothing leaks into other tests.
"""

from __future__ import annotations

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
