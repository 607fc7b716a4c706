"""Every protected route × every bad credential: 401, 403 or 404, and nothing of tenant A leaks.

The routes come from the app itself (``app.routes``); each must have a row in
``PROTECTED`` (how to call it, and what the intruder gets) or in ``PUBLIC``, so a new
route fails here until someone decides which it is. Path parameters are filled with real
ids of tenant A's records of that route's service; bodies are valid
(``test_the_owner_gets_a_success_...`` proves it), so every refusal is about the
credentials, not the request. Among the bad credentials is A's own genuine token from the
other service's auth service: the two services share no tokens.

Leak rules (see ``security_support``): no password or token in any response; no value
of tenant A's (ids, names, numbers, emails, branding) unless the request carried it: the
403/404 messages echo the id in the path, which is exactly as informative as the same
answer for an id that does not exist (``test_..._cannot_tell_...``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from security_support import (
    A_CSP,
    A_PASSWORD,
    A_USER,
    A_VALUES,
    A_VIEWER,
    A_VIEWER_PASSWORD,
    B_CSP,
    B_USER,
    FORGING_KEY,
    WEBHOOK_SECRET,
    World,
    assert_error,
    build_world,
    claims,
    in_process,
    leaks,
    login,
    service_of,
    sign,
    unsigned,
)

from contextsms_emulator import Settings, create_app, stripe_signature
from contextsms_emulator.app import EmulatorApp

Route = tuple[str, str]


@dataclass(frozen=True)
class Probe:
    """How the matrix calls a protected route, and what each caller must get.

    String values of ``body`` and ``query`` are formatted with the fill values (tenant
    A's ids and values, or never-used ones), like the path.
    """

    intruder: int
    """Tenant B's valid token: 403 for A's CSP in the path, 404 for A's record."""
    owner: int
    """Tenant A's own token, same request: the success status."""
    body: dict[str, Any] | None = None
    query: dict[str, str] = field(default_factory=dict)


ENTERPRISE_V1 = {
    "name": "Probe Co",
    "contact": "Probe Person",
    "phoneNumber": "+15550100001",
    "email": "probe@probe.test",
}
ENTERPRISE_V2 = {
    "name": "Probe Co Two",
    "contact": "Probe Person",
    "number": "+15550100003",
    "email": "probe@probe.test",
}
MAPPING_V1 = {
    "messagingAppId": "probe-bot",
    "phoneNumber": "+15550100002",
    "messagingAppType": "Webex",
}
MAPPING_V2 = {
    "phoneNumber": "+15550100004",
    "messagingAppType": "Teams",
    "messagingAppId": "probe-channel",
    "name": "Probe",
}

PROTECTED: dict[Route, Probe] = {
    ("POST", "/api/v1/enterprise/{cspId}"): Probe(403, 201, ENTERPRISE_V1),
    ("GET", "/api/v1/enterprise/getenterprise/{enterpriseId}"): Probe(404, 200),
    ("DELETE", "/api/v1/enterprise/deleteenterprise/{enterpriseId}"): Probe(404, 204),
    ("POST", "/api/v1/mapping/add/{enterpriseId}"): Probe(404, 201, MAPPING_V1),
    ("GET", "/api/v1/mappings/enterprise/{enterpriseId}"): Probe(404, 200),
    ("GET", "/api/v1/mappings/csp/{cspId}"): Probe(403, 200, query={"page": "0", "size": "100"}),
    ("DELETE", "/api/v1/mapping/{mappingId}"): Probe(404, 204),
    # B creates a CSP of its own: the answer must hold nothing of A's.
    ("POST", "/api/v2/csp"): Probe(201, 201, {"email": "csp@probe.test", "name": "Probe CSP"}),
    ("GET", "/api/v2/csp/getcspconfig"): Probe(404, 200, query={"phoneNumber": "{phone}"}),
    ("GET", "/api/v2/csp/enterprises/{cspId}"): Probe(403, 200),
    ("POST", "/api/v2/enterprise/{cspId}"): Probe(403, 201, ENTERPRISE_V2),
    ("GET", "/api/v2/enterprise/getenterprise/{enterpriseId}"): Probe(404, 200),
    ("DELETE", "/api/v2/enterprise/deleteenterprise/{enterpriseId}"): Probe(404, 200),
    ("POST", "/api/v2/mapping/add/{enterpriseId}"): Probe(404, 200, MAPPING_V2),
    ("GET", "/api/v2/numbertomessageappmapping/enterprise/{enterpriseId}"): Probe(404, 200),
    ("GET", "/api/v2/mapping/csp/{cspId}"): Probe(403, 200),
    ("PUT", "/api/v2/mapping/{numberToMessageAppMapId}"): Probe(404, 200, {"name": "Probe"}),
    ("DELETE", "/api/v2/mapping/{numberToMessageAppMapId}"): Probe(404, 200),
    ("POST", "/api/v2/mapping/messagingAppId"): Probe(404, 200, {"messagingAppId": "{app_id}"}),
    # Subscriptions are platform-wide (keyed by email, set by Stripe, owned by no
    # tenant; docs/emulator.md), so B gets the same answer as A: 200, no A record.
    ("POST", "/api/v2/stripe/check-payment"): Probe(200, 200, {"email": "{email}"}),
}

PUBLIC: dict[Route, str] = {
    ("POST", "/v1/auth/login"): "Webex auth service: username and password",
    ("POST", "/v1/auth/getaccesstoken"): "Webex auth service: refresh token",
    ("POST", "/api/v2/auth/login"): "Teams auth: username and password",
    ("POST", "/api/v2/auth/getaccesstoken"): "Teams auth: refresh token",
    ("POST", "/api/v2/stripe/webhook"): "Stripe: verified by Stripe-Signature instead",
    ("GET", "/openapi.json"): "the OpenAPI document",
    ("GET", "/docs"): "Swagger UI for the document",
    ("GET", "/docs/oauth2-redirect"): "Swagger UI's OAuth2 redirect page",
    ("GET", "/_emulator/requests"): "operator API (loopback, tests)",
    ("DELETE", "/_emulator/requests"): "operator API",
    ("GET", "/_emulator/records"): "operator API",
    ("POST", "/_emulator/seed"): "operator API",
    ("POST", "/_emulator/reset"): "operator API",
    ("GET", "/_emulator/faults"): "operator API",
    ("PUT", "/_emulator/faults"): "operator API",
    ("DELETE", "/_emulator/faults"): "operator API",
    ("POST", "/_emulator/faults/next"): "operator API",
    ("GET", "/_emulator/idempotency"): "operator API",
    ("PUT", "/_emulator/idempotency"): "operator API",
    # inbound messages and webhooks
    ("POST", "/_emulator/webhooks"): "operator API",
    ("GET", "/_emulator/webhooks"): "operator API",
    ("GET", "/_emulator/webhooks/{webhook_id}"): "operator API",
    ("DELETE", "/_emulator/webhooks/{webhook_id}"): "operator API",
    ("POST", "/_emulator/webhooks/{webhook_id}/verify"): "operator API",
    ("POST", "/_emulator/inbound"): "operator API",
    ("GET", "/_emulator/inbound"): "operator API",
    ("GET", "/_emulator/deliveries"): "operator API",
}

BAD_CREDENTIALS = (
    "no_token",
    "not_a_jwt",
    "no_bearer_scheme",
    "forged_signature",
    "tampered_claims",
    "alg_none",
    "expired",
    "refresh_as_access",
    "unknown_subject",
    "another_services_token",
)

MISSING = {
    "cspId": "CSP0999999",
    "enterpriseId": "E0999999",
    "mappingId": "NTMAP0999999",
    "numberToMessageAppMapId": "NTMAP0999999",
    "phone": "+15550009999",
    "app_id": "never-used-app-id",
    "email": "never-used@probe.test",
}


def app_routes(app: EmulatorApp) -> set[Route]:
    """Every (method, path) the app serves (HEAD comes with GET)."""
    routes: set[Route] = set()
    for route in app.routes:
        methods = getattr(route, "methods", None)
        assert methods, f"{route!r} has no methods: the matrix cannot cover it"
        routes |= {(method, getattr(route, "path", "")) for method in methods - {"HEAD"}}
    return routes


def _discover() -> list[Route]:
    app = create_app(Settings())
    try:
        return sorted(app_routes(app) - set(PUBLIC))
    finally:
        app.emulator.close()


DISCOVERED = _discover()
"""The protected routes, as the app itself lists them (everything not in PUBLIC)."""


def _id(route: Route) -> str:
    return f"{route[0]} {route[1]}"


def probe_for(route: Route) -> Probe:
    probe = PROTECTED.get(route)
    if probe is None:
        pytest.fail(f"{_id(route)} is not in the security matrix: add a Probe to PROTECTED")
    return probe


def fill_for(world: World, path: str, csp: str = A_CSP) -> dict[str, str]:
    """Tenant A's real values, of the service of ``path``, for every placeholder a probe
    may name: on Teams its Teams records (under its sub-CSP), on Webex its Webex ones."""
    teams = service_of(path) == "teams"
    return {
        "cspId": csp,
        "enterpriseId": world.ids["enterprise2" if teams else "enterprise"],
        "mappingId": world.ids["mapping"],
        "numberToMessageAppMapId": world.ids["mapping2"],
        "phone": A_VALUES["enterprise2_phone"],  # owned by A's sub-CSP, custom branding
        "app_id": A_VALUES["channel_id" if teams else "app_id"],
        "email": A_VALUES["enterprise_email"],  # has an active subscription
    }


def _format(value: Any, fill: dict[str, str]) -> Any:
    return value.format(**fill) if isinstance(value, str) else value


def call(
    client: httpx.Client,
    route: Route,
    fill: dict[str, str],
    headers: dict[str, str],
) -> httpx.Response:
    method, path = route
    probe = probe_for(route)
    body = None
    if probe.body is not None:
        body = {key: _format(value, fill) for key, value in probe.body.items()}
    return client.request(
        method,
        path.format(**fill),
        params={key: _format(value, fill) for key, value in probe.query.items()},
        json=body,
        headers=headers,
    )


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with in_process() as (app, client):
        yield build_world(app, client)


def bad_credentials(world: World, kind: str, path: str) -> dict[str, str]:
    """The Authorization header (or none) of each kind of bad credential for ``path``: made
    for ``path``'s service, so each is refused for its own flaw."""
    secret = world.app.emulator.store.signing_secret()  # the emulator's real key
    service = service_of(path)
    genuine = world.a.auth_for(path)["Authorization"].removeprefix("Bearer ")
    if kind == "no_token":
        return {}
    if kind == "not_a_jwt":
        token = "not-a-jwt"
    elif kind == "no_bearer_scheme":
        return {"Authorization": genuine}
    elif kind == "forged_signature":
        token = sign(claims(A_USER, A_CSP, aud=service), FORGING_KEY)
    elif kind == "tampered_claims":  # A's genuine token, its payload swapped for B's
        header, _, signature = genuine.split(".")
        payload = json.dumps(claims(B_USER, B_CSP, aud=service)).encode()
        body = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
        token = f"{header}.{body}.{signature}"
    elif kind == "alg_none":
        token = unsigned(claims(A_USER, A_CSP, aud=service))
    elif kind == "expired":
        token = sign(claims(A_USER, A_CSP, ttl=-60, aud=service), secret)
    elif kind == "refresh_as_access":
        token = world.a.refresh_for(service)
    elif kind == "unknown_subject":
        token = sign(claims("ghost@nowhere.test", A_CSP, aud=service), secret)
    elif kind == "another_services_token":  # A's own, valid, from the other auth service
        return world.a.other_auth_for(path)
    else:
        raise AssertionError(kind)
    return {"Authorization": f"Bearer {token}"}


# --- the route tables ------------------------------------------------------------------------


def test_every_route_is_in_the_protected_or_the_public_table() -> None:
    app = create_app(Settings())
    try:
        served = app_routes(app)
    finally:
        app.emulator.close()
    assert not set(PROTECTED) & set(PUBLIC)
    assert sorted(served - set(PROTECTED) - set(PUBLIC)) == [], "routes in no table"
    assert sorted(set(PROTECTED) - served) == [], "PROTECTED names routes that do not exist"
    assert sorted(set(PUBLIC) - served) == [], "PUBLIC names routes that do not exist"
    assert sorted(PROTECTED) == DISCOVERED


def test_the_openapi_document_marks_exactly_the_protected_routes_as_bearer(
    world: World,
) -> None:
    document = world.client.get("/openapi.json").json()
    secured = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if operation.get("security") == [{"bearerAuth": []}]
    }
    assert secured == set(PROTECTED)


PUBLIC_CALLS: dict[Route, dict[str, Any]] = {
    ("GET", "/openapi.json"): {},
    ("GET", "/docs"): {},
    ("GET", "/docs/oauth2-redirect"): {},
    ("GET", "/_emulator/requests"): {},
    ("DELETE", "/_emulator/requests"): {},
    ("GET", "/_emulator/records"): {},
    ("POST", "/_emulator/seed"): {
        "json": {
            "service": "teams",
            "csp_id": A_CSP,
            "enterprises": [
                {
                    "name": "Public Seed Co",
                    "contact": "Seed Person",
                    "phone_number": "+15550200001",
                    "email": "seed@probe.test",
                    "numbers": [{"phone_number": "+15550200001", "messaging_app_id": "ch"}],
                }
            ],
        }
    },
    ("GET", "/_emulator/faults"): {},
    ("PUT", "/_emulator/faults"): {"json": {}},
    ("DELETE", "/_emulator/faults"): {},
    ("POST", "/_emulator/faults/next"): {"json": {"kind": "error", "path_regex": "^/never$"}},
    # the first webhook of a fresh emulator is WH0000001; port 9 refuses the challenge
    ("POST", "/_emulator/webhooks"): {
        "json": {"url": "http://127.0.0.1:9/hook", "csp_id": A_CSP, "skip_verification": True}
    },
    ("GET", "/_emulator/webhooks"): {},
    ("GET", "/_emulator/webhooks/{webhook_id}"): {"url": "/_emulator/webhooks/WH0000001"},
    ("POST", "/_emulator/webhooks/{webhook_id}/verify"): {
        "url": "/_emulator/webhooks/WH0000001/verify"
    },
    ("POST", "/_emulator/inbound"): {
        "json": {"to": "+15550001111", "from": "+15550002222", "text": "hi"}
    },
    ("GET", "/_emulator/inbound"): {},
    ("GET", "/_emulator/deliveries"): {},
    ("DELETE", "/_emulator/webhooks/{webhook_id}"): {"url": "/_emulator/webhooks/WH0000001"},
    ("POST", "/_emulator/reset"): {},
    ("GET", "/_emulator/idempotency"): {},
    ("PUT", "/_emulator/idempotency"): {"json": {"honour": True}},
}


def test_the_public_routes_answer_without_a_bearer_token() -> None:
    with in_process() as (_, client):
        statuses = {
            route: client.request(
                route[0], kwargs.get("url", route[1]), json=kwargs.get("json")
            ).status_code
            for route, kwargs in PUBLIC_CALLS.items()
        }
        alpha = login(client, A_USER, A_PASSWORD, A_CSP)
        for base, service in (("/v1/auth", "webex"), ("/api/v2/auth", "teams")):
            statuses[("POST", f"{base}/login")] = client.post(
                f"{base}/login", json={"username": A_USER, "password": A_PASSWORD}
            ).status_code
            statuses[("POST", f"{base}/getaccesstoken")] = client.post(
                f"{base}/getaccesstoken",
                json={"username": A_USER, "refreshToken": alpha.refresh_for(service)},
            ).status_code
        event = b'{"id": "evt_public", "type": "ping", "data": {}}'
        statuses[("POST", "/api/v2/stripe/webhook")] = client.post(
            "/api/v2/stripe/webhook",
            content=event,
            headers={"Stripe-Signature": stripe_signature.header(event, WEBHOOK_SECRET)},
        ).status_code
    assert set(statuses) == set(PUBLIC)
    assert {route: status for route, status in statuses.items() if not 200 <= status < 300} == {}


# --- the matrix ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", BAD_CREDENTIALS)
@pytest.mark.parametrize("route", DISCOVERED, ids=_id)
def test_a_bad_credential_gets_401_and_learns_nothing(
    world: World, route: Route, kind: str
) -> None:
    headers = bad_credentials(world, kind, route[1])
    before = world.a_records()
    response = call(world.client, route, fill_for(world, route[1]), headers)
    body = assert_error(response, 401, "UNAUTHORIZED")
    assert body["error"] == "Invalid or expired access token"
    # A 401 says nothing about the path, so not even an echo is allowed.
    assert leaks(response, never={*world.never, *headers.values()}) == []
    assert [s for s in world.a_secrets if s in response.text] == []
    assert world.a_records() == before


def _intruder_cases() -> list[Any]:
    cases = []
    for route in DISCOVERED:
        targets = ("account_csp", "sub_csp") if "{cspId}" in route[1] else ("records",)
        cases += [pytest.param(route, target, id=f"{_id(route)}-{target}") for target in targets]
    return cases


@pytest.mark.parametrize(("route", "target"), _intruder_cases())
def test_another_tenants_token_is_refused_and_learns_nothing(
    world: World, route: Route, target: str
) -> None:
    probe = probe_for(route)
    csp = world.ids["sub_csp"] if target == "sub_csp" else A_CSP
    before = world.a_records()
    response = call(world.client, route, fill_for(world, route[1], csp), world.b.auth_for(route[1]))
    assert response.status_code == probe.intruder, response.text
    if probe.intruder == 403:
        assert_error(response, 403, "PERMISSION_DENIED")
    elif probe.intruder == 404:
        assert_error(response, 404, "NOT_FOUND")
    assert leaks(response, never=world.never, unless_echoed=world.a_secrets) == []
    assert world.a_records() == before


def _normalised(response: httpx.Response, fill: dict[str, str]) -> dict[str, Any]:
    text = response.text
    for value in sorted(set(fill.values()), key=len, reverse=True):
        text = text.replace(value, "<probe>")
    body: dict[str, Any] = json.loads(text)
    body.pop("requestId")
    return {"status": response.status_code, **body}


@pytest.mark.parametrize(
    "route", [r for r in DISCOVERED if PROTECTED.get(r, Probe(0, 0)).intruder >= 400], ids=_id
)
def test_another_tenant_cannot_tell_a_record_from_a_missing_one(world: World, route: Route) -> None:
    real = fill_for(world, route[1])
    intruder = world.b.auth_for(route[1])
    answer_for_a_record = call(world.client, route, real, intruder)
    answer_for_nothing = call(world.client, route, MISSING, intruder)
    assert _normalised(answer_for_a_record, real) == _normalised(answer_for_nothing, MISSING)


OWN_LISTS = (
    # path, B's enterprise it names, B's record it must list (and nothing else)
    ("/api/v1/mappings/csp/{csp}", "enterprise", "mapping"),
    ("/api/v2/mapping/csp/{csp}", "teams_enterprise", "teams_mapping"),
    ("/api/v2/csp/enterprises/{csp}", "teams_enterprise", "teams_enterprise"),
    ("/api/v1/mappings/enterprise/{enterprise}", "enterprise", "mapping"),
    (
        "/api/v2/numbertomessageappmapping/enterprise/{enterprise}",
        "teams_enterprise",
        "teams_mapping",
    ),
)


@pytest.mark.parametrize(("path", "enterprise", "kind"), OWN_LISTS)
def test_another_tenants_own_lists_hold_only_its_own_records(
    world: World, path: str, enterprise: str, kind: str
) -> None:
    response = world.client.get(
        path.format(csp=world.b.csp_id, enterprise=world.b_ids[enterprise]),
        headers=world.b.auth_for(path),
    )
    assert response.status_code == 200, response.text
    listed = response.json()
    key = "enterpriseId" if kind.endswith("enterprise") else "numberToMessageAppMapId"
    assert [item[key] for item in listed] == [world.b_ids[kind]]
    assert leaks(response, never=world.never, unless_echoed=world.a_secrets) == []


@pytest.mark.parametrize("route", DISCOVERED, ids=_id)
def test_the_owner_gets_a_success_with_the_same_request(route: Route) -> None:
    """The matrix's requests are valid: with A's own token each one succeeds."""
    with in_process() as (app, client):
        world = build_world(app, client)
        response = call(client, route, fill_for(world, route[1]), world.a.auth_for(route[1]))
        assert response.status_code == probe_for(route).owner, response.text
        assert leaks(response, never=world.never) == []


# --- other ways across the tenant line ----------------------------------------------------------


def test_a_duplicate_number_answers_409_without_the_other_tenants_ids(world: World) -> None:
    for path, body in (
        (
            f"/api/v1/mapping/add/{world.b_ids['enterprise']}",
            {**MAPPING_V1, "phoneNumber": A_VALUES["enterprise_phone"]},
        ),
        (
            f"/api/v2/mapping/add/{world.b_ids['teams_enterprise']}",
            {**MAPPING_V2, "phoneNumber": A_VALUES["enterprise2_phone"]},
        ),
    ):
        response = world.client.post(path, json=body, headers=world.b.auth_for(path))
        details = assert_error(response, 409, "DUPLICATE_MAPPING")["details"]
        assert details == {"field": "phoneNumber"}
        assert leaks(response, never=world.never, unless_echoed=world.a_secrets) == []
    moved = world.client.put(
        f"/api/v2/mapping/{world.b_ids['teams_mapping']}",
        json={"phoneNumber": A_VALUES["enterprise2_phone"]},
        headers=world.b.teams_auth,
    )
    assert assert_error(moved, 409, "DUPLICATE_MAPPING")["details"] == {"field": "phoneNumber"}
    assert leaks(moved, never=world.never, unless_echoed=world.a_secrets) == []


def test_an_idempotency_key_never_replays_another_users_response(world: World) -> None:
    key = {"Idempotency-Key": "shared-key-0001"}
    body = {"email": "twins@probe.test", "name": "Same Body"}
    first = world.client.post("/api/v2/csp", json=body, headers={**world.a.teams_auth, **key})
    second = world.client.post("/api/v2/csp", json=body, headers={**world.b.teams_auth, **key})
    assert first.status_code == second.status_code == 201
    assert "idempotent-replayed" not in second.headers
    assert first.json()["cspId"] != second.json()["cspId"]
    csps = {c["csp_id"]: c["parent_csp_id"] for c in world.app.emulator.store.dump()["csps"]}
    assert csps[first.json()["cspId"]] == A_CSP
    assert csps[second.json()["cspId"]] == world.b.csp_id


def test_a_read_only_user_of_the_same_csp_cannot_write(world: World) -> None:
    viewer = login(world.client, A_VIEWER, A_VIEWER_PASSWORD, A_CSP)
    before = world.a_records()
    writes = [route for route in DISCOVERED if route[0] in ("PUT", "DELETE")]
    writes += [
        ("POST", p) for p in ("/api/v1/enterprise/{cspId}", "/api/v2/mapping/add/{enterpriseId}")
    ]
    for route in writes:
        response = call(world.client, route, fill_for(world, route[1]), viewer.auth_for(route[1]))
        assert_error(response, 403, "PERMISSION_DENIED")
    assert world.a_records() == before
