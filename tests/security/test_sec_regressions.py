"""Bugs the security work found in the emulator, pinned so they stay fixed.

1. An unauthenticated (or read-only) request with an undecodable JSON body answered 400
   instead of 401 (403): FastAPI decodes the body before any dependency runs, so the
   documented order "token, role, body" did not hold. The error handlers now run the
   route's auth dependencies before reporting such a body.
2. ``GET /api/v1/mappings/csp/{cspId}?page=<huge>`` answered 500 (SQLite cannot take
   the offset); ``page`` is now capped at 2^31-1 (Spring's int) and a larger one is 400.
3. A ``Stripe-Signature`` whose ``v1`` held a non-ASCII byte answered 500
   (``hmac.compare_digest`` refuses non-ASCII str); signatures are compared as bytes.
4. The OpenAPI document declared the error bodies of the Teams deletes (whose success
   answer is text/plain) as ``text/plain``; every error is documented as JSON now.
5. The document said ``PUT /api/v2/mapping/{id}`` took ``null`` for ``phoneNumber``,
   ``messagingAppId`` and ``messagingAppType``, which the emulator refuses (400); they
   are documented as non-nullable (optional) now. Phone numbers and emails also carry
   their ``pattern`` / ``format`` in the document, so generated data reaches the code
   behind validation (documentation only: the emulator's own checks still decide).
6. The operator API's bodies were lax: ``PUT /_emulator/faults {"latency_ms": true}``
   set a 1 ms latency (the long fuzz's ``negative_data_rejection`` found it). They are
   strict JSON now, like the API's: a boolean is not a number, a float is not a count.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from security_support import (
    A_CSP,
    A_VIEWER,
    A_VIEWER_PASSWORD,
    WEBHOOK_SECRET,
    Tenant,
    World,
    assert_error,
    build_world,
    in_process,
    login,
    service_of,
)

from contextsms_emulator import Settings, create_app, stripe_signature

MALFORMED_JSON = b'{"name": "Probe",'
UNDECODABLE = b'{"name": "\xff"}'


def _document() -> dict[str, Any]:
    app = create_app(Settings())
    try:
        return app.openapi()
    finally:
        app.emulator.close()


DOCUMENT = _document()
BODY_ROUTES = sorted(
    (method.upper(), path)
    for path, operations in DOCUMENT["paths"].items()
    for method, operation in operations.items()
    if "requestBody" in operation and operation.get("security")
)
WRITE_BODY_ROUTES = [
    route
    for route in BODY_ROUTES
    if route[1] not in ("/api/v2/mapping/messagingAppId", "/api/v2/stripe/check-payment")
]


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with in_process() as (app, client):
        yield build_world(app, client)


@pytest.fixture(scope="module")
def viewer(world: World) -> Tenant:
    return login(world.client, A_VIEWER, A_VIEWER_PASSWORD, A_CSP)


def _send(world: World, route: tuple[str, str], content: bytes, auth: dict[str, str]) -> Any:
    method, path = route
    teams = service_of(path) == "teams"
    url = path.format(
        cspId=A_CSP,
        enterpriseId=world.ids["enterprise2" if teams else "enterprise"],
        numberToMessageAppMapId=world.ids["mapping2"],
    )
    headers = {**auth, "Content-Type": "application/json"}
    return world.client.request(method, url, content=content, headers=headers)


def test_the_routes_with_a_body_are_found() -> None:
    assert len(BODY_ROUTES) == 8 and len(WRITE_BODY_ROUTES) == 6


@pytest.mark.parametrize("content", [MALFORMED_JSON, UNDECODABLE], ids=["malformed", "bad-utf8"])
@pytest.mark.parametrize("route", BODY_ROUTES, ids=" ".join)
def test_no_token_with_an_unreadable_body_is_still_401(
    world: World, route: tuple[str, str], content: bytes
) -> None:
    assert_error(_send(world, route, content, {}), 401, "UNAUTHORIZED")
    forged = {"Authorization": "Bearer not-a-jwt"}
    assert_error(_send(world, route, content, forged), 401, "UNAUTHORIZED")


@pytest.mark.parametrize("route", WRITE_BODY_ROUTES, ids=" ".join)
def test_a_read_only_write_with_an_unreadable_body_is_still_403(
    world: World, viewer: Tenant, route: tuple[str, str]
) -> None:
    viewers = viewer.auth_for(route[1])
    assert_error(_send(world, route, MALFORMED_JSON, viewers), 403, "PERMISSION_DENIED")


@pytest.mark.parametrize("route", BODY_ROUTES, ids=" ".join)
def test_a_valid_token_with_an_unreadable_body_is_400(world: World, route: tuple[str, str]) -> None:
    owner = world.a.auth_for(route[1])
    malformed = assert_error(_send(world, route, MALFORMED_JSON, owner), 400, "BAD_REQUEST")
    assert malformed["error"] == "Malformed JSON body"
    assert_error(_send(world, route, UNDECODABLE, owner), 400, "BAD_REQUEST")


@pytest.mark.parametrize("page", [2**31, 10**30])
def test_a_huge_page_number_is_400_not_500(world: World, page: int) -> None:
    response = world.client.get(
        f"/api/v1/mappings/csp/{A_CSP}", params={"page": page, "size": 1000}, headers=world.a.auth
    )
    assert assert_error(response, 400, "BAD_REQUEST")["details"]["field"] == "page"


def test_the_largest_page_number_is_an_empty_page(world: World) -> None:
    response = world.client.get(
        f"/api/v1/mappings/csp/{A_CSP}",
        params={"page": 2**31 - 1, "size": 1000},
        headers=world.a.auth,
    )
    assert response.status_code == 200, response.text
    assert response.json() == []


@pytest.mark.parametrize(
    "signature", [b"t=1,v1=\xff", "t=1,v1=caf\xe9".encode("latin-1"), b"t=1,v1=\x80\x81"]
)
def test_a_non_ascii_stripe_signature_is_400_not_500(world: World, signature: bytes) -> None:
    response = world.client.post(
        "/api/v2/stripe/webhook",
        content=b'{"id": "evt_x", "type": "ping", "data": {}}',
        headers={b"Content-Type": b"application/json", b"Stripe-Signature": signature},
    )
    body = assert_error(response, 400, "BAD_REQUEST")
    assert body["details"]["field"] == "Stripe-Signature"


def test_a_valid_signature_next_to_a_non_ascii_one_is_accepted(world: World) -> None:
    event = b'{"id": "evt_mixed_signatures", "type": "ping", "data": {}}'
    valid = stripe_signature.header(event, WEBHOOK_SECRET).encode()
    response = world.client.post(
        "/api/v2/stripe/webhook",
        content=event,
        headers={b"Content-Type": b"application/json", b"Stripe-Signature": valid + b",v1=\xff"},
    )
    assert response.status_code == 200, response.text


def test_every_documented_error_body_is_json() -> None:
    wrong = {
        (method, path, status): sorted(response["content"])
        for path, operations in DOCUMENT["paths"].items()
        for method, operation in operations.items()
        for status, response in operation["responses"].items()
        if int(status) >= 400 and list(response.get("content", {})) != ["application/json"]
    }
    assert wrong == {}


def test_a_teams_delete_documents_text_for_success_and_json_for_errors() -> None:
    responses = DOCUMENT["paths"]["/api/v2/mapping/{numberToMessageAppMapId}"]["delete"][
        "responses"
    ]
    assert list(responses["200"]["content"]) == ["text/plain"]
    assert responses["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorResponse"
    }


def test_a_teams_delete_really_answers_errors_in_json(world: World) -> None:
    response = world.client.delete("/api/v2/mapping/NTMAP0999999", headers=world.a.teams_auth)
    assert_error(response, 404, "NOT_FOUND")
    assert response.headers["content-type"] == "application/json"
    unauthorized = world.client.delete("/api/v2/mapping/NTMAP0999999")
    assert unauthorized.headers["content-type"] == "application/json"


@pytest.mark.parametrize("field", ["phoneNumber", "messagingAppId", "messagingAppType"])
def test_a_mapping_update_documents_null_as_refused(world: World, field: str) -> None:
    documented = DOCUMENT["components"]["schemas"]["MappingUpdate"]["properties"][field]
    assert "anyOf" not in documented and documented["type"] == "string"
    response = world.client.put(
        f"/api/v2/mapping/{world.ids['mapping2']}", json={field: None}, headers=world.a.teams_auth
    )
    assert assert_error(response, 400, "BAD_REQUEST")["details"]["field"] == field


def test_phone_numbers_and_emails_carry_their_shape_in_the_document() -> None:
    create = DOCUMENT["components"]["schemas"][
        "contextsms_emulator__schemas__teams__EnterpriseCreate"
    ]
    assert create["properties"]["number"]["pattern"] == r"^\+[1-9][0-9]{1,14}$"
    assert create["properties"]["email"]["format"] == "email"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/_emulator/faults", {"latency_ms": True}),
        ("/_emulator/faults", {"retry_after_seconds": 2.0}),
        ("/_emulator/faults", {"error_rate": "0.5"}),
        ("/_emulator/faults/next", {"kind": "error", "count": True}),
    ],
)
def test_operator_bodies_take_strict_json_types(world: World, path: str, body: Any) -> None:
    method = "PUT" if path.endswith("/faults") else "POST"
    response = world.client.request(method, path, json=body)
    assert_error(response, 400, "BAD_REQUEST")
    assert world.client.get("/_emulator/faults").json()["latency_ms"] == 0


def test_operator_rates_still_take_whole_numbers(world: World) -> None:
    response = world.client.put("/_emulator/faults", json={"error_rate": 0, "drop_rate": 0})
    assert response.status_code == 200, response.text
    assert world.client.delete("/_emulator/faults").status_code == 204
