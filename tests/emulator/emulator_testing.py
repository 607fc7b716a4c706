"""Helpers for the emulator tests: accounts, a sync ASGI transport, sessions, error checks.

Starlette's TestClient is deprecated with httpx in this Starlette, so a tiny transport
runs ``httpx.ASGITransport`` on an anyio blocking portal instead.
"""

from __future__ import annotations

from typing import Any

import anyio.from_thread
import httpx

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER, AccountSpec

OTHER_USER = "bob@othercsp.test"
OTHER_PASSWORD = "bob-password"
OTHER_CSP_ID = "CSP0000002"
VIEWER_USER = "viewer@contextsms.test"
VIEWER_PASSWORD = "viewer-password"

ACCOUNTS = (
    AccountSpec(DEMO_USER, DEMO_PASSWORD, DEMO_CSP_ID),
    AccountSpec(OTHER_USER, OTHER_PASSWORD, OTHER_CSP_ID),
    AccountSpec(VIEWER_USER, VIEWER_PASSWORD, DEMO_CSP_ID, "CSP_BUSINESS"),
)


class PortalTransport(httpx.BaseTransport):
    """Serve synchronous httpx requests from an ASGI app running on an anyio portal."""

    def __init__(self, app: Any, portal: anyio.from_thread.BlockingPortal) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._portal = portal

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def call() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
            response = await self._asgi.handle_async_request(request)
            return response.status_code, response.headers.raw, await response.aread()

        status, headers, body = self._portal.call(call)
        return httpx.Response(status, headers=headers, content=body)


class Session:
    """A user logged in at both auth services: each request carries the token of the
    service whose API it calls (``/api/v2/...`` Teams, everything else Webex)."""

    def __init__(self, client: httpx.Client, username: str, password: str) -> None:
        self.client = client
        self.username = username
        credentials = {"username": username, "password": password}
        response = client.post("/v1/auth/login", json=credentials)
        assert response.status_code == 200, response.text
        self.login = response.json()
        self.token: str = self.login["accessToken"]
        teams = client.post("/api/v2/auth/login", json=credentials)
        assert teams.status_code == 200, teams.text
        self.teams_login = teams.json()
        self.teams_token: str = self.teams_login["accessToken"]

    @property
    def headers(self) -> dict[str, str]:
        """The Webex token's header."""
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def teams_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.teams_token}"}

    def headers_for(self, path: str) -> dict[str, str]:
        return self.teams_headers if path.startswith("/api/v2/") else self.headers

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers_for(path), **kwargs.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)


def assert_error(
    response: httpx.Response, status: int, code: str, field: str | None = None
) -> dict[str, Any]:
    """The response is the documented ErrorResponse with this status and code."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"error", "code", "details", "requestId"}, body
    assert body["code"] == code
    assert isinstance(body["error"], str) and body["error"]
    assert body["requestId"] == response.headers["x-request-id"]
    assert body["requestId"].startswith("req-")
    if field is not None:
        assert body["details"]["field"] == field, body
    return body
