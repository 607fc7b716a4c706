"""Shared pieces of the security suite: an in-process client, two tenants, bad tokens, leak checks.

The suite's own helper module (tests/ has no packages and several conftest.py files, so
nothing here comes from a conftest). The emulator is built in-process and reached through
``httpx`` over ``httpx.ASGITransport`` on an anyio blocking portal, as tests/emulator does.

Two tenants, each its own CSP (``CSP_ADMIN``), each logged in at both auth services
(a token opens only its own service's API): A owns records on both services with
distinctive values (``A_VALUES`` and the ids the emulator hands out); B is the intruder.
Leak rules, used by every test here:

- ``never`` strings (passwords, every token) must not appear in a response at all;
- a tenant-A value must not appear unless the request itself carried it (an echo of
  the path, query or body: the 404 for ``E0000001`` names ``E0000001``);
- headers count as response text, not only the body.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import anyio.from_thread
import httpx
import jwt

from contextsms_emulator import AccountSpec, Settings, create_app, stripe_signature
from contextsms_emulator.app import EmulatorApp

A_USER = "alpha.admin@alpha-tenant.test"
A_PASSWORD = "alpha-Pa55word-do-not-echo"
A_CSP = "CSP0000001"
B_USER = "bravo.admin@bravo-tenant.test"
B_PASSWORD = "bravo-Pa55word-do-not-echo"
B_CSP = "CSP0000002"
A_VIEWER = "alpha.viewer@alpha-tenant.test"
A_VIEWER_PASSWORD = "alpha-viewer-Pa55word"
ACCOUNTS = (
    AccountSpec(A_USER, A_PASSWORD, A_CSP),
    AccountSpec(B_USER, B_PASSWORD, B_CSP),
    AccountSpec(A_VIEWER, A_VIEWER_PASSWORD, A_CSP, "CSP_BUSINESS"),
)
PASSWORDS = (A_PASSWORD, B_PASSWORD, A_VIEWER_PASSWORD)

A_VALUES = {
    "enterprise_name": "Alpha Hidden Dental",
    "enterprise_contact": "Dr. Alpha Hidden",
    "enterprise_phone": "+15557770001",
    "enterprise_email": "owner@alpha-hidden.test",
    "app_id": "alpha-hidden-bot-0001",
    "csp_name": "Alpha Hidden Reseller",
    "csp_email": "reseller@alpha-hidden.test",
    "brand": "Alpha Hidden Brand",
    "logo": "https://alpha-hidden.test/logo.png",
    "enterprise2_name": "Alpha Hidden Clinic Two",
    "enterprise2_contact": "Alpha Hidden Nurse",
    "enterprise2_phone": "+15557770002",
    "enterprise2_email": "clinic@alpha-hidden.test",
    "channel_id": "alpha-hidden-channel-0002",
    "mapping_name": "Alpha Hidden Front Desk",
}

WEBHOOK_SECRET = "whsec_security_suite"
FORGING_KEY = b"a-key-the-emulator-never-saw-0123456789"


class PortalTransport(httpx.BaseTransport):
    """Synchronous httpx over ``httpx.ASGITransport``, run on an anyio portal."""

    def __init__(self, app: Any, portal: anyio.from_thread.BlockingPortal) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._portal = portal

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def call() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
            response = await self._asgi.handle_async_request(request)
            return response.status_code, response.headers.raw, await response.aread()

        status, headers, body = self._portal.call(call)
        return httpx.Response(status, headers=headers, content=body, request=request)


@contextmanager
def in_process(**overrides: Any) -> Iterator[tuple[EmulatorApp, httpx.Client]]:
    """A fresh emulator (the suite's accounts unless overridden) and a client for it."""
    settings = Settings(
        **{"accounts": ACCOUNTS, "stripe_webhook_secret": WEBHOOK_SECRET, **overrides}
    )
    app = create_app(settings)
    with (
        anyio.from_thread.start_blocking_portal() as portal,
        httpx.Client(
            transport=PortalTransport(app, portal), base_url="http://emulator.test"
        ) as client,
    ):
        try:
            yield app, client
        finally:
            app.emulator.close()


# --- tenants -------------------------------------------------------------------------------


def service_of(path: str) -> str:
    """The service whose API (and auth service) a path belongs to."""
    return "teams" if path.startswith("/api/v2/") else "webex"


@dataclass
class Tenant:
    """A user logged in at both auth services: ``access``/``refresh`` are the Webex
    pair, ``teams_access``/``teams_refresh`` the Teams pair."""

    username: str
    csp_id: str
    access: str
    refresh: str
    teams_access: str
    teams_refresh: str

    @property
    def auth(self) -> dict[str, str]:
        """The Webex access token's header."""
        return {"Authorization": f"Bearer {self.access}"}

    @property
    def teams_auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.teams_access}"}

    def auth_for(self, path: str) -> dict[str, str]:
        """The header of the token that the API of ``path`` accepts."""
        return self.teams_auth if service_of(path) == "teams" else self.auth

    def other_auth_for(self, path: str) -> dict[str, str]:
        """A genuine token of this user, from the other service's auth service."""
        return self.auth if service_of(path) == "teams" else self.teams_auth

    def refresh_for(self, service: str) -> str:
        return self.teams_refresh if service == "teams" else self.refresh

    @property
    def tokens(self) -> set[str]:
        return {self.access, self.refresh, self.teams_access, self.teams_refresh}


def login(client: httpx.Client, username: str, password: str, csp_id: str) -> Tenant:
    pairs = []
    for base in ("/v1/auth", "/api/v2/auth"):
        response = client.post(f"{base}/login", json={"username": username, "password": password})
        assert response.status_code == 200, response.text
        pairs += [response.json()["accessToken"], response.json()["refreshToken"]]
    return Tenant(username, csp_id, *pairs)


def _created(response: httpx.Response, key: str) -> str:
    assert response.status_code in (200, 201), response.text
    value: str = response.json()[key]
    return value


@dataclass
class World:
    """Both tenants logged in, A's records on both services and B's own on both."""

    app: EmulatorApp
    client: httpx.Client
    a: Tenant
    b: Tenant
    ids: dict[str, str] = field(default_factory=dict)
    """A's ids: enterprise and mapping (Webex, under A's CSP), sub_csp (a Teams CSP),
    enterprise2 and mapping2 (Teams, under sub_csp)."""
    b_ids: dict[str, str] = field(default_factory=dict)
    """B's ids: enterprise and mapping (Webex), teams_enterprise and teams_mapping."""

    @property
    def a_secrets(self) -> set[str]:
        """Everything of tenant A's that B must never read (unless B sent it itself)."""
        return {A_CSP, *self.ids.values(), *A_VALUES.values()}

    @property
    def never(self) -> set[str]:
        """Strings no response may contain: passwords and every token issued here."""
        return {*PASSWORDS, *self.a.tokens, *self.b.tokens}

    def a_records(self) -> dict[str, list[dict[str, Any]]]:
        """A's rows as stored: compared before and after a refused request."""
        dump = self.app.emulator.store.dump()
        a_csps = {A_CSP, self.ids["sub_csp"]}
        return {
            "csps": [c for c in dump["csps"] if c["parent_csp_id"] == A_CSP],
            "enterprises": [e for e in dump["enterprises"] if e["csp_id"] in a_csps],
            "mappings": [m for m in dump["mappings"] if m["csp_id"] in a_csps],
        }


def build_world(app: EmulatorApp, client: httpx.Client) -> World:
    a = login(client, A_USER, A_PASSWORD, A_CSP)
    b = login(client, B_USER, B_PASSWORD, B_CSP)
    world = World(app, client, a, b)
    v = A_VALUES
    ids = world.ids
    ids["enterprise"] = _created(
        client.post(
            f"/api/v1/enterprise/{A_CSP}",
            headers=a.auth,
            json={
                "name": v["enterprise_name"],
                "contact": v["enterprise_contact"],
                "phoneNumber": v["enterprise_phone"],
                "email": v["enterprise_email"],
            },
        ),
        "enterpriseId",
    )
    ids["mapping"] = _created(
        client.post(
            f"/api/v1/mapping/add/{ids['enterprise']}",
            headers=a.auth,
            json={
                "messagingAppId": v["app_id"],
                "phoneNumber": v["enterprise_phone"],
                "messagingAppType": "Webex",
            },
        ),
        "numberToMessageAppMapId",
    )
    ids["sub_csp"] = _created(
        client.post(
            "/api/v2/csp",
            headers=a.teams_auth,
            json={
                "email": v["csp_email"],
                "name": v["csp_name"],
                "productName": v["brand"],
                "logo": v["logo"],
            },
        ),
        "cspId",
    )
    ids["enterprise2"] = _created(
        client.post(
            f"/api/v2/enterprise/{ids['sub_csp']}",
            headers=a.teams_auth,
            json={
                "name": v["enterprise2_name"],
                "contact": v["enterprise2_contact"],
                "number": v["enterprise2_phone"],
                "email": v["enterprise2_email"],
            },
        ),
        "enterpriseId",
    )
    ids["mapping2"] = _created(
        client.post(
            f"/api/v2/mapping/add/{ids['enterprise2']}",
            headers=a.teams_auth,
            json={
                "phoneNumber": v["enterprise2_phone"],
                "messagingAppType": "Teams",
                "messagingAppId": v["channel_id"],
                "name": v["mapping_name"],
            },
        ),
        "numberToMessageAppMapId",
    )
    event = json.dumps(
        {
            "id": "evt_alpha_hidden",
            "type": "customer.subscription.created",
            "data": {"object": {"status": "active", "customer_email": v["enterprise_email"]}},
        }
    ).encode()
    signed = client.post(
        "/api/v2/stripe/webhook",
        content=event,
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": stripe_signature.header(event, WEBHOOK_SECRET),
        },
    )
    assert signed.status_code == 200, signed.text
    world.b_ids["enterprise"] = _created(
        client.post(
            f"/api/v1/enterprise/{B_CSP}",
            headers=b.auth,
            json={
                "name": "Bravo Own Enterprise",
                "contact": "Bravo Person",
                "phoneNumber": "+15558880001",
                "email": "own@bravo-tenant.test",
            },
        ),
        "enterpriseId",
    )
    world.b_ids["mapping"] = _created(
        client.post(
            f"/api/v1/mapping/add/{world.b_ids['enterprise']}",
            headers=b.auth,
            json={
                "messagingAppId": "bravo-own-bot",
                "phoneNumber": "+15558880001",
                "messagingAppType": "Webex",
            },
        ),
        "numberToMessageAppMapId",
    )
    world.b_ids["teams_enterprise"] = _created(
        client.post(
            f"/api/v2/enterprise/{B_CSP}",
            headers=b.teams_auth,
            json={
                "name": "Bravo Own Teams Enterprise",
                "contact": "Bravo Person",
                "number": "+15558880002",
                "email": "own@bravo-tenant.test",
            },
        ),
        "enterpriseId",
    )
    world.b_ids["teams_mapping"] = _created(
        client.post(
            f"/api/v2/mapping/add/{world.b_ids['teams_enterprise']}",
            headers=b.teams_auth,
            json={
                "phoneNumber": "+15558880002",
                "messagingAppType": "Teams",
                "messagingAppId": "bravo-own-channel",
            },
        ),
        "numberToMessageAppMapId",
    )
    return world


# --- tokens ----------------------------------------------------------------------------------


def claims(
    username: str, csp_id: str, *, typ: str = "access", ttl: int = 3600, aud: str = "webex"
) -> dict[str, Any]:
    """The claims the emulator itself puts in a token of ``aud``'s auth service, ``ttl``
    seconds from now."""
    now = int(time.time())
    return {
        "sub": username,
        "csp": csp_id,
        "roles": ["CSP_ADMIN"],
        "typ": typ,
        "aud": aud,
        "iat": now,
        "exp": now + ttl,
        "jti": secrets.token_hex(12),
    }


def sign(payload: dict[str, Any], key: bytes) -> str:
    return jwt.encode(payload, key, algorithm="HS256")


def unsigned(payload: dict[str, Any]) -> str:
    """An ``alg: none`` token: header and claims, an empty signature."""
    return jwt.encode(payload, "", algorithm="none")


# --- leak checks -----------------------------------------------------------------------------


def request_text(request: httpx.Request) -> str:
    """What a request itself carried (path, query, body), for the echo exemption."""
    return unquote(str(request.url)) + "\n" + request.content.decode("utf-8", "replace")


def response_text(response: httpx.Response) -> str:
    """The body and every header value: all that a response could leak through."""
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.multi_items())
    return headers + "\n" + response.text


def leaks(
    response: httpx.Response, *, never: Iterable[str], unless_echoed: Iterable[str] = ()
) -> list[str]:
    """The secrets a response gives away (see the module docstring for the rules)."""
    text = response_text(response)
    sent = request_text(response.request)
    found = sorted(s for s in set(never) if s and s in text)
    found += sorted(s for s in set(unless_echoed) if s and s in text and s not in sent)
    return found


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The documented ErrorResponse with this status and code."""
    assert response.status_code == status, (response.request.url, response.text)
    body: dict[str, Any] = response.json()
    assert set(body) == {"error", "code", "details", "requestId"}, body
    assert body["code"] == code, body
    assert body["requestId"] == response.headers["x-request-id"]
    return body
