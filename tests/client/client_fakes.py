"""Unit-test fakes: a programmable API behind httpx.MockTransport and a fake clock.

Nothing here opens a socket or really sleeps: `FakeClock.sleep` records the delay and
advances the clock.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from pulumi_contextsms.client import (
    ConnectionSettings,
    Platform,
)

PASSWORD = "pa55-w0rd-SECRET"
USERNAME = "ops@example.com"
WEBEX_API = "http://127.0.0.1:9/api/v1"
WEBEX_AUTH = "http://127.0.0.1:9/v1"
TEAMS_API = "http://127.0.0.1:9/api/v2"
START = 1_760_000_000.0  # 2025-10-09, wall-clock epoch seconds

Responder = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class FakeClock:
    """Wall clock (epoch seconds) that only moves when told to, or when 'sleeping'."""

    def __init__(self, now: float = START) -> None:
        self.now = now
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


class FakeAPI:
    """A programmable ContextSMS server for httpx.MockTransport.

    Auth endpoints (any path ending in /auth/login or /auth/getaccesstoken) issue tokens
    ``access-N`` / ``refresh-N`` valid for `token_ttl` seconds of the fake clock; other
    requests need a currently valid bearer token (else 401) unless `check_auth` is off.
    Routes are registered with `on(method, path, *responders)`: responders are used in
    order and the last one repeats.
    """

    def __init__(self, clock: FakeClock, token_ttl: float = 3600.0) -> None:
        self.clock = clock
        self.token_ttl = token_ttl
        self.check_auth = True
        self.requests: list[httpx.Request] = []
        self.routes: dict[tuple[str, str], list[Responder]] = {}
        self.valid: dict[str, float] = {}
        self.refresh_tokens: set[str] = set()
        self.logins = 0
        self.refreshes = 0
        self.login_delay: Callable[[], None] | None = None
        self.refuse_refresh_status: int | None = None
        self.login_status: int | None = None
        self.login_exception: Exception | None = None
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    # -- programming -------------------------------------------------------------------

    def on(self, method: str, path: str, *responders: Responder) -> None:
        self.routes[(method, path)] = list(responders)

    def api_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if "/auth/" not in r.url.path]

    def paths(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.requests]

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    # -- serving -----------------------------------------------------------------------

    def _issue(self) -> httpx.Response:
        n = next(self._counter)
        access, refresh = f"access-{n}", f"refresh-{n}"
        expires = self.clock() + self.token_ttl
        self.valid[access] = expires
        self.refresh_tokens.add(refresh)
        return json_response(
            200,
            {
                "username": USERNAME,
                "accessToken": access,
                "refreshToken": refresh,
                "expirationTimeInUTC": iso(expires),
                "roles": ["CSP_ADMIN"],
                "tenantId": "tenant1",
                "services": ["context-webex"],
            },
        )

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
        path = request.url.path
        if path.endswith("/auth/login"):
            if self.login_delay:
                self.login_delay()
            if self.login_exception is not None:
                raise self.login_exception
            body = json.loads(request.content)
            with self._lock:
                if self.login_status is not None:
                    return json_response(
                        self.login_status, {"error": "Invalid credentials", "code": "UNAUTHORIZED"}
                    )
                if body != {"username": USERNAME, "password": PASSWORD}:
                    return json_response(401, {"error": "Invalid credentials"})
                self.logins += 1
                return self._issue()
        if path.endswith("/auth/getaccesstoken"):
            body = json.loads(request.content)
            with self._lock:
                if self.refuse_refresh_status is not None:
                    return json_response(self.refuse_refresh_status, {"error": "refresh refused"})
                if body.get("refreshToken") not in self.refresh_tokens:
                    return json_response(401, {"error": "bad refresh token"})
                self.refreshes += 1
                return self._issue()
        if self.check_auth:
            header = request.headers.get("Authorization", "")
            token = header.removeprefix("Bearer ")
            expires = self.valid.get(token)
            if expires is None or self.clock() >= expires:
                return json_response(
                    401, {"error": "Invalid or expired access token", "code": "UNAUTHORIZED"}
                )
        key = (request.method, path)
        responders = self.routes.get(key)
        if not responders:
            return json_response(404, {"error": f"no route {request.method} {path}"})
        with self._lock:
            responder = responders.pop(0) if len(responders) > 1 else responders[0]
        if isinstance(responder, Exception):
            raise responder
        if isinstance(responder, httpx.Response):
            # a fresh copy each time (a Response's stream can be read once)
            return httpx.Response(
                responder.status_code, headers=responder.headers, content=responder.content
            )
        return responder(request)


def settings_for(platform: Platform, **overrides: Any) -> ConnectionSettings:
    api = WEBEX_API if platform is Platform.WEBEX else TEAMS_API
    values: dict[str, Any] = {"api_base": api, "username": USERNAME, "password": PASSWORD}
    values.update(overrides)
    return ConnectionSettings.resolve(platform, **values)
