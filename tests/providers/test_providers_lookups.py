"""Lookups run their HTTP calls in a worker thread, never on the program's event loop
(which must keep serving the engine), and fail in one line like the providers."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest

from pulumi_contextsms import functions
from pulumi_contextsms.client.errors import NotFoundError


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return args.name, dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        return {}, []


class _Client:
    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []

    def get_enterprise(self, enterprise_id: str) -> Any:
        self.threads.append(threading.current_thread())
        if enterprise_id == "E0000404":
            raise NotFoundError(method="GET", url="http://127.0.0.1:9/api/v1/x", status_code=404)
        from pulumi_contextsms.client.models import Enterprise

        return Enterprise(enterprise_id=enterprise_id, name="Acme")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Client]:
    client = _Client()
    monkeypatch.setattr(functions, "_client", lambda profile: client)
    # a loop of its own: an earlier test may have closed the main thread's
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    pulumi.runtime.set_mocks(_Mocks(), preview=False)
    yield client
    asyncio.set_event_loop(None)
    loop.close()


def test_a_lookup_calls_the_api_off_the_event_loop_thread(fake: _Client) -> None:
    loop_threads: list[threading.Thread] = []
    seen: list[dict[str, Any]] = []

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        loop_threads.append(threading.current_thread())
        return functions.get_enterprise("E0000001").apply(seen.append)

    program()
    assert [(v["enterprise_id"], v["name"]) for v in seen] == [("E0000001", "Acme")]
    assert len(fake.threads) == 1 and fake.threads[0] is not loop_threads[0]


def test_a_failed_lookup_is_one_line_naming_the_lookup(fake: _Client) -> None:
    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        return functions.get_enterprise("E0000404")

    with pytest.raises(Exception) as info:
        program()
    assert str(info.value) == (
        "get_enterprise: lookup of E0000404 failed: GET /api/v1/x failed: 404: Not Found"
    )
