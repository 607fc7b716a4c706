"""Fixtures for the client-against-a-real-emulator tests.

One emulator process per test module (``--db :memory:``), reset before every test.
Clients get a recording `sleep` that does not wait: the emulator does not enforce
Retry-After or backoff, so the suite stays fast while the waits are still asserted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

emulator_module = pytest.importorskip("contextsms_emulator")

from integration_support import USERS, RecordingSleep, api_base  # noqa: E402

from contextsms_emulator import (  # noqa: E402
    DEMO_PASSWORD,
    DEMO_USER,
    EmulatorProcess,
)
from pulumi_contextsms.client import (  # noqa: E402
    ConnectionSettings,
    ContextSmsClient,
    Platform,
    RetryPolicy,
    Timeouts,
)


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(users=USERS) as emu:
        yield emu


@pytest.fixture(autouse=True)
def _fresh_emulator(emulator: EmulatorProcess) -> None:
    emulator.reset()  # Idempotency-Key honoured again
    emulator.clear_faults()
    emulator.clear_requests()


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
def make_client(
    emulator: EmulatorProcess, sleep: RecordingSleep
) -> Iterator[Callable[..., ContextSmsClient]]:
    clients: list[ContextSmsClient] = []

    def make(
        platform: Platform,
        *,
        username: str = DEMO_USER,
        password: str = DEMO_PASSWORD,
        retry: RetryPolicy | None = None,
        trust_idempotency_keys: bool = False,
        timeouts: Timeouts | None = None,
        **kwargs: Any,
    ) -> ContextSmsClient:
        settings = ConnectionSettings.resolve(
            platform,
            api_base=api_base(emulator, platform),
            username=username,
            password=password,
            retry=retry,
            trust_idempotency_keys=trust_idempotency_keys,
            timeouts=timeouts,
        )
        kwargs.setdefault("sleep", sleep)
        client = ContextSmsClient(settings, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture(params=[Platform.WEBEX, Platform.TEAMS], ids=["webex", "teams"])
def platform(request: pytest.FixtureRequest) -> Platform:
    value: Platform = request.param
    return value


@pytest.fixture
def client(make_client: Callable[..., ContextSmsClient], platform: Platform) -> ContextSmsClient:
    return make_client(platform)
