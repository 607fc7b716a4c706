"""One client shared by 64 threads at once, as the widened provider process shares it.

The provider process serves up to ``contextsms:maxParallel`` calls at once (default 32,
at most 100), all through one `ContextSmsClient` per profile. Each test starts 64
threads behind a barrier so they reach the client together, and slows the step that a
race would duplicate (the login, the refresh), so that a missing lock shows as a second
login or a crossed answer rather than passing by luck.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from client_fakes import FakeAPI, FakeClock, json_response
from concurrency import at_once as threads_at_once

from pulumi_contextsms.client import (
    ConnectionSettings,
    ContextSmsClient,
    MappingSpec,
    RetryPolicy,
)

THREADS = 64


def at_once(n: int, work: Callable[[int], Any]) -> list[Any]:
    return threads_at_once(n, work, timeout=30)  # a stuck thread fails within 30 s


def bearer(request: httpx.Request) -> str:
    return request.headers.get("Authorization", "").removeprefix("Bearer ")


def test_64_threads_on_a_fresh_client_log_in_exactly_once(api: FakeAPI, webex: ContextSmsClient):
    api.login_delay = lambda: time.sleep(0.1)
    api.on("GET", "/api/v1/mappings/enterprise/E1", json_response(200, []))
    at_once(THREADS, lambda _: webex.list_mappings("E1"))
    assert api.logins == 1 and webex.login_count == 1
    calls = api.api_requests()
    assert len(calls) == THREADS
    assert {bearer(r) for r in calls} == {"access-1"}


def test_64_threads_past_the_refresh_margin_refresh_exactly_once(
    api: FakeAPI, clock: FakeClock, webex: ContextSmsClient
):
    api.on("GET", "/api/v1/mappings/enterprise/E1", json_response(200, []))
    webex.list_mappings("E1")
    clock.advance(3600 - 5)  # inside the 30 s margin: due, not expired
    at_once(THREADS, lambda _: webex.list_mappings("E1"))
    assert (api.logins, api.refreshes) == (1, 1)
    assert (webex.login_count, webex.refresh_count) == (1, 1)


def test_64_threads_rejected_with_401_at_once_renew_exactly_once(
    api: FakeAPI, clock: FakeClock, webex: ContextSmsClient
):
    def slow_rejection(request: httpx.Request) -> httpx.Response:
        if bearer(request) == "access-1":
            time.sleep(0.1)  # every thread is rejected before any of them renews
        return api(request)

    api.on("GET", "/api/v1/mappings/enterprise/E1", json_response(200, []))
    with ContextSmsClient(
        webex.settings, transport=httpx.MockTransport(slow_rejection), clock=clock
    ) as client:
        client.list_mappings("E1")  # logged in: access-1
        api.valid.clear()  # the server forgets it: every thread's next call gets a 401
        before = len(api.requests)
        at_once(THREADS, lambda _: client.list_mappings("E1"))
        assert (client.login_count, client.refresh_count) == (1, 1)
    calls = api.requests[before:]
    rejected = [r for r in calls if bearer(r) == "access-1"]
    renewed = [r for r in calls if bearer(r) == "access-2"]
    assert (len(rejected), len(renewed)) == (THREADS, THREADS)


def test_64_creates_at_once_each_get_their_own_record_and_key(
    api: FakeAPI, webex: ContextSmsClient
):
    lock = threading.Lock()
    made: list[str] = []

    def create(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        time.sleep(0.01)  # answers overlap
        with lock:
            made.append(request.headers["Idempotency-Key"])
            mapping_id = f"NTMAP{len(made):07d}"
        return json_response(201, {"numberToMessageAppMapId": mapping_id, **body})

    api.on("POST", "/api/v1/mapping/add/E1", create)

    def one(i: int) -> tuple[str, str, str]:
        spec = MappingSpec(
            phone_number=f"+1555300{i:04d}",
            messaging_app_type="Webex",
            messaging_app_id=f"bot-{i}",
        )
        mapping = webex.create_mapping("E1", spec, existing_ids=())
        assert mapping.phone_number is not None and mapping.messaging_app_id is not None
        return mapping.mapping_id, mapping.phone_number, mapping.messaging_app_id

    results = at_once(THREADS, one)
    assert [(number, app) for _, number, app in results] == [
        (f"+1555300{i:04d}", f"bot-{i}") for i in range(THREADS)
    ]
    assert len({mapping_id for mapping_id, _, _ in results}) == THREADS
    assert len(set(made)) == THREADS  # one Idempotency-Key per call, none shared
    assert api.logins == 1


def test_64_threads_retrying_at_once_share_the_backoff_safely(
    api: FakeAPI, clock: FakeClock, make_client: Callable[..., ContextSmsClient]
):
    client = make_client(retry=RetryPolicy(max_attempts=3))
    seen: dict[str, int] = {}
    lock = threading.Lock()

    def flaky(request: httpx.Request) -> httpx.Response:
        enterprise = request.url.path.rsplit("/", 1)[1]
        with lock:
            seen[enterprise] = seen.get(enterprise, 0) + 1
            first = seen[enterprise] == 1
        if first:
            return json_response(503, {"error": "busy", "code": "INTERNAL_ERROR"})
        return json_response(200, [{"numberToMessageAppMapId": f"M-{enterprise}"}])

    for i in range(THREADS):
        api.on("GET", f"/api/v1/mappings/enterprise/E{i}", flaky)
    results = at_once(THREADS, lambda i: client.list_mappings(f"E{i}"))
    assert [r[0].mapping_id for r in results] == [f"M-E{i}" for i in range(THREADS)]
    assert seen == {f"E{i}": 2 for i in range(THREADS)}
    assert len(clock.sleeps) == THREADS
    assert all(0 <= s <= 0.5 for s in clock.sleeps)  # full jitter of the first backoff


class _CountingServer(ThreadingHTTPServer):
    """HTTP/1.1 with keep-alive on loopback; counts the TCP connections it accepts."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.connections = 0
        self._count_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._count_lock:
            self.connections += 1
        super().process_request(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep connections open between requests

    def _answer(self, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # the login
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._answer({"accessToken": "t", "refreshToken": "r"})

    def do_GET(self) -> None:
        time.sleep(0.05)  # the calls of a burst overlap
        self._answer([])

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_a_second_burst_of_calls_reuses_every_connection_of_the_first():
    """At the default contextsms:maxParallel (32), each burst of calls reuses the
    connections the last one opened: against a far-away API a new connection costs a
    TCP and a TLS handshake, one or two round trips on top of the call's."""
    server = _CountingServer()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings = ConnectionSettings.resolve(
        "webex", api_base=f"{base}/api/v1", username="ops@example.com", password="pw"
    )
    try:
        with ContextSmsClient(settings) as client:
            client.authenticate()
            at_once(32, lambda _: client.list_mappings("E1"))
            first = server.connections
            at_once(32, lambda _: client.list_mappings("E1"))
            assert server.connections == first, (first, server.connections)
    finally:
        server.shutdown()
        server.server_close()
