"""Fixtures: an in-process emulator per test (fast), reached through a synchronous client.

Tests that need a real socket (dropped connections, restarts) start an
``EmulatorProcess`` themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import anyio.from_thread
import httpx
import pytest
from emulator_testing import (
    ACCOUNTS,
    OTHER_PASSWORD,
    OTHER_USER,
    VIEWER_PASSWORD,
    VIEWER_USER,
    PortalTransport,
    Session,
)

from contextsms_emulator import DEMO_PASSWORD, DEMO_USER, Settings, create_app
from contextsms_emulator.app import EmulatorApp


@pytest.fixture(scope="session")
def portal() -> Iterator[anyio.from_thread.BlockingPortal]:
    with anyio.from_thread.start_blocking_portal() as running:
        yield running


def _open(
    portal: anyio.from_thread.BlockingPortal, overrides: dict[str, Any]
) -> tuple[EmulatorApp, httpx.Client]:
    app = create_app(Settings(**{"accounts": ACCOUNTS, **overrides}))
    client = httpx.Client(transport=PortalTransport(app, portal), base_url="http://emulator.test")
    return app, client


@pytest.fixture
def make_client(
    portal: anyio.from_thread.BlockingPortal,
) -> Iterator[Callable[..., tuple[EmulatorApp, httpx.Client]]]:
    """``make_client(**settings)`` → a fresh (app, client), closed after the test."""
    opened: list[tuple[EmulatorApp, httpx.Client]] = []

    def make(**overrides: Any) -> tuple[EmulatorApp, httpx.Client]:
        opened.append(_open(portal, overrides))
        return opened[-1]

    yield make
    for app, client in opened:
        client.close()
        app.emulator.close()


@pytest.fixture(scope="session")
def shared(portal: anyio.from_thread.BlockingPortal) -> Iterator[tuple[EmulatorApp, httpx.Client]]:
    """One app for the whole run (building one costs ~0.1 s); tests get it reset."""
    app, client = _open(portal, {})
    yield app, client
    client.close()
    app.emulator.close()


@pytest.fixture
def app_client(shared: tuple[EmulatorApp, httpx.Client]) -> tuple[EmulatorApp, httpx.Client]:
    """The shared app, wiped as by ``POST /_emulator/reset`` (tokens stay valid)."""
    shared[0].emulator.reset()
    return shared


@pytest.fixture
def app(app_client: tuple[EmulatorApp, httpx.Client]) -> EmulatorApp:
    return app_client[0]


@pytest.fixture
def client(app_client: tuple[EmulatorApp, httpx.Client]) -> httpx.Client:
    return app_client[1]


@pytest.fixture(scope="session")
def _sessions(shared: tuple[EmulatorApp, httpx.Client]) -> dict[str, Session]:
    client = shared[1]
    return {
        "admin": Session(client, DEMO_USER, DEMO_PASSWORD),
        "other": Session(client, OTHER_USER, OTHER_PASSWORD),
        "viewer": Session(client, VIEWER_USER, VIEWER_PASSWORD),
    }


@pytest.fixture
def admin(client: httpx.Client, _sessions: dict[str, Session]) -> Session:
    """The demo account: CSP_ADMIN of CSP0000001."""
    return _sessions["admin"]


@pytest.fixture
def other(client: httpx.Client, _sessions: dict[str, Session]) -> Session:
    """Another tenant: CSP_ADMIN of CSP0000002."""
    return _sessions["other"]


@pytest.fixture
def viewer(client: httpx.Client, _sessions: dict[str, Session]) -> Session:
    """A read-only (CSP_BUSINESS) user of the demo CSP."""
    return _sessions["viewer"]
