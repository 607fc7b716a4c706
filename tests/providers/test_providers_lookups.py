"""Lookups run their HTTP calls in a worker thread, never on the program's event loop
(which must keep serving the engine), fail in one line like the providers, and list
everything (every page of a paged listing)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pulumi
import pytest

from pulumi_contextsms import functions
from pulumi_contextsms.client import ConnectionSettings, ContextSmsClient
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
def mocked_program() -> Iterator[None]:
    # a loop of its own: an earlier test may have closed the main thread's
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    pulumi.runtime.set_mocks(_Mocks(), preview=False)
    yield
    asyncio.set_event_loop(None)
    loop.close()


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, mocked_program: None) -> _Client:
    client = _Client()
    monkeypatch.setattr(functions, "_client", lambda profile: client)
    return client


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


def _webex_capped_at_100(total: int, asked: list[httpx.Request]) -> httpx.MockTransport:
    """A Webex service of `total` CSP mappings that serves at most 100 a page, whatever
    the size asked (the emulator's default size)."""
    mappings = [
        {"numberToMessageAppMapId": f"NTMAP{n:07d}", "phoneNumber": f"+1555{n:07d}"}
        for n in range(total)
    ]

    def serve(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/auth/login"):
            return httpx.Response(200, json={"accessToken": "token"})
        asked.append(request)
        page = int(request.url.params.get("page", "0"))
        size = min(int(request.url.params.get("size", "100")), 100)
        return httpx.Response(200, json=mappings[page * size : (page + 1) * size])

    return httpx.MockTransport(serve)


def test_get_csp_mappings_returns_every_page_of_the_webex_listing(
    monkeypatch: pytest.MonkeyPatch, mocked_program: None
) -> None:
    asked: list[httpx.Request] = []
    settings = ConnectionSettings.resolve(
        "webex", api_base="http://127.0.0.1:9/api/v1", username="u", password="p"
    )
    client = ContextSmsClient(settings, transport=_webex_capped_at_100(250, asked))
    monkeypatch.setattr(functions, "_client", lambda profile: client)
    seen: list[list[dict[str, Any]]] = []

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        return functions.get_csp_mappings("CSP0000001").apply(seen.append)

    with client:
        program()
    assert [m["mapping_id"] for m in seen[0]] == [f"NTMAP{n:07d}" for n in range(250)]
    assert [r.url.params["page"] for r in asked] == ["0", "1", "2"]
