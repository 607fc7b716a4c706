"""/openapi.json describes what the emulator really serves, and the public surface is pinned."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import contextsms_emulator

ENDPOINTS = {
    ("post", "/v1/auth/login"),
    ("post", "/v1/auth/getaccesstoken"),
    ("post", "/api/v1/enterprise/{cspId}"),
    ("get", "/api/v1/enterprise/getenterprise/{enterpriseId}"),
    ("delete", "/api/v1/enterprise/deleteenterprise/{enterpriseId}"),
    ("post", "/api/v1/mapping/add/{enterpriseId}"),
    ("get", "/api/v1/mappings/enterprise/{enterpriseId}"),
    ("get", "/api/v1/mappings/csp/{cspId}"),
    ("delete", "/api/v1/mapping/{mappingId}"),
    ("post", "/api/v2/auth/login"),
    ("post", "/api/v2/auth/getaccesstoken"),
    ("post", "/api/v2/csp"),
    ("get", "/api/v2/csp/getcspconfig"),
    ("get", "/api/v2/csp/enterprises/{cspId}"),
    ("post", "/api/v2/enterprise/{cspId}"),
    ("get", "/api/v2/enterprise/getenterprise/{enterpriseId}"),
    ("delete", "/api/v2/enterprise/deleteenterprise/{enterpriseId}"),
    ("post", "/api/v2/mapping/add/{enterpriseId}"),
    ("get", "/api/v2/numbertomessageappmapping/enterprise/{enterpriseId}"),
    ("get", "/api/v2/mapping/csp/{cspId}"),
    ("put", "/api/v2/mapping/{numberToMessageAppMapId}"),
    ("delete", "/api/v2/mapping/{numberToMessageAppMapId}"),
    ("post", "/api/v2/mapping/messagingAppId"),
    ("post", "/api/v2/stripe/check-payment"),
    ("post", "/api/v2/stripe/webhook"),
    ("get", "/_emulator/requests"),
    ("delete", "/_emulator/requests"),
    ("get", "/_emulator/records"),
    ("post", "/_emulator/seed"),
    ("post", "/_emulator/reset"),
    ("get", "/_emulator/faults"),
    ("put", "/_emulator/faults"),
    ("delete", "/_emulator/faults"),
    ("post", "/_emulator/faults/next"),
    ("get", "/_emulator/idempotency"),
    ("put", "/_emulator/idempotency"),
    # inbound messages and webhooks
    ("post", "/_emulator/webhooks"),
    ("get", "/_emulator/webhooks"),
    ("get", "/_emulator/webhooks/{webhook_id}"),
    ("delete", "/_emulator/webhooks/{webhook_id}"),
    ("post", "/_emulator/webhooks/{webhook_id}/verify"),
    ("post", "/_emulator/inbound"),
    ("get", "/_emulator/inbound"),
    ("get", "/_emulator/deliveries"),
}


@pytest.fixture
def spec(client: httpx.Client) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def _operations(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): operation
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
    }


def test_the_document_lists_every_endpoint(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.")
    assert set(_operations(spec)) == ENDPOINTS


def test_documented_success_statuses_match_the_api_documents(spec: dict[str, Any]) -> None:
    ops = _operations(spec)

    def success(method: str, path: str) -> set[str]:
        return {code for code in ops[(method, path)]["responses"] if code.startswith("2")}

    assert success("post", "/api/v1/enterprise/{cspId}") == {"201"}
    assert success("post", "/api/v1/mapping/add/{enterpriseId}") == {"201"}
    assert success("delete", "/api/v1/mapping/{mappingId}") == {"204"}
    assert success("post", "/api/v2/enterprise/{cspId}") == {"201"}
    assert success("post", "/api/v2/mapping/add/{enterpriseId}") == {"200"}
    v2_delete = ops[("delete", "/api/v2/mapping/{numberToMessageAppMapId}")]["responses"]["200"]
    assert "text/plain" in v2_delete["content"]


def test_errors_are_documented_as_error_responses_never_422(spec: dict[str, Any]) -> None:
    ops = _operations(spec)
    for (method, path), operation in ops.items():
        assert "422" not in operation["responses"], (method, path)
    create = ops[("post", "/api/v1/mapping/add/{enterpriseId}")]["responses"]
    for status in ("400", "401", "403", "404", "409", "429"):
        schema = create[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorResponse"}
    assert "Retry-After" in create["429"]["headers"]
    assert create["500"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/InternalErrorResponse"
    }
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def test_response_bodies_use_the_wire_field_names(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert list(schemas["WebexEnterprise"]["properties"]) == [
        "enterpriseId",
        "name",
        "contact",
        "phoneNumber",
        "email",
        "deleted",
        "createdDate",
        "updateDate",
        "webexSettings",
        "numberToMessageAppMaps",
        "defaultMmsSelection",
    ]
    assert "number" in schemas["TeamsEnterprise"]["properties"]
    assert "expirationTimeInUTC" in schemas["AuthResponse"]["properties"]


def test_protected_operations_declare_bearer_auth_and_posts_the_idempotency_key(
    spec: dict[str, Any],
) -> None:
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    ops = _operations(spec)
    create = ops[("post", "/api/v1/enterprise/{cspId}")]
    assert create["security"] == [{"bearerAuth": []}]
    assert "Idempotency-Key" in [p["name"] for p in create["parameters"]]
    assert "security" not in ops[("post", "/v1/auth/login")]
    webhook = ops[("post", "/api/v2/stripe/webhook")]
    assert "security" not in webhook
    assert "Stripe-Signature" in [p["name"] for p in webhook["parameters"]]
    assert "requestBody" in webhook


def test_the_public_api_is_pinned() -> None:
    assert contextsms_emulator.__all__ == [
        "AccountSpec",
        "DEMO_CSP_ID",
        "DEMO_PASSWORD",
        "DEMO_USER",
        "EmulatorProcess",
        "FaultConfig",
        "Settings",
        "create_app",
    ]
    assert contextsms_emulator.__all__ == sorted(contextsms_emulator.__all__)
    assert (
        contextsms_emulator.DEMO_USER,
        contextsms_emulator.DEMO_PASSWORD,
        contextsms_emulator.DEMO_CSP_ID,
    ) == ("demo@contextsms.test", "demo-password", "CSP0000001")
