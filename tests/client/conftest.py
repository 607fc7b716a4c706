"""Fixtures for the client unit tests (fakes live in client_fakes.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from client_fakes import FakeAPI, FakeClock, settings_for

from pulumi_contextsms.client import ContextSmsClient, Platform, RetryPolicy


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def api(clock: FakeClock) -> FakeAPI:
    return FakeAPI(clock)


@pytest.fixture
def make_client(api: FakeAPI, clock: FakeClock) -> Iterator[Callable[..., ContextSmsClient]]:
    clients: list[ContextSmsClient] = []

    def make(
        platform: Platform = Platform.WEBEX, retry: RetryPolicy | None = None, **overrides: Any
    ) -> ContextSmsClient:
        if retry is not None:
            overrides["retry"] = retry
        client = ContextSmsClient(
            settings_for(platform, **overrides),
            transport=api.transport(),
            sleep=clock.sleep,
            clock=clock,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def webex(make_client: Callable[..., ContextSmsClient]) -> ContextSmsClient:
    return make_client(Platform.WEBEX)


@pytest.fixture
def teams(make_client: Callable[..., ContextSmsClient]) -> ContextSmsClient:
    return make_client(Platform.TEAMS)
