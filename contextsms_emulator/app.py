"""Assemble the FastAPI application: routers, error handlers, middlewares, OpenAPI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Final

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from contextsms_emulator import errors
from contextsms_emulator.delivery import Courier
from contextsms_emulator.emulator import EmulatorState
from contextsms_emulator.idempotency import IdempotencyMiddleware
from contextsms_emulator.middleware import EmulatorMiddleware, needs_bearer
from contextsms_emulator.routes import auth, common, operator, stripe, teams, webex, webhooks
from contextsms_emulator.services import TEAMS, WEBEX
from contextsms_emulator.settings import Settings

TITLE: Final = "ContextSMS emulator"
VERSION: Final = "0.1.0"
DESCRIPTION: Final = """\
A local emulator of the ContextSMS Webex Bot API (v1, `/api/v1`, auth at `/v1/auth`)
and Teams Platform API (v2, `/api/v2`, auth at `/api/v2/auth`), served as two separate
services: neither sees the other's records, and a token works only on the API of the
auth service that issued it. Plus an operator API under `/_emulator` (no auth: for
loopback and tests only). Every response carries `X-Request-Id`; every error body is
an ErrorResponse.
"""

_IDEMPOTENCY_PARAMETER: Final = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Replays the first completed response for this key (24 h, per user and path); "
        "ignored when the emulator runs with --ignore-idempotency-keys"
    ),
    "schema": {"type": "string", "maxLength": 255},
}
_BEARER_SCHEME: Final = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "JWT",
    "description": "The accessToken from /auth/login or /auth/getaccesstoken",
}
_REQUEST_ID_HEADER: Final = {
    "X-Request-Id": {"description": "This request's id", "schema": {"type": "string"}}
}


def _errors_are_json(status: str, response: dict[str, Any]) -> None:
    """Document an error answer as JSON, whatever the operation's success media type.

    FastAPI files an error ``model`` under the route's response class, so on the Teams
    deletes (``text/plain`` on success) the ErrorResponse was documented as text/plain;
    every error body is ``application/json``.
    """
    content = response.get("content")
    if status.isdigit() and int(status) >= 400 and content:
        media = content.get("application/json") or next(iter(content.values()))
        response["content"] = {"application/json": media}


class EmulatorApp(FastAPI):
    """The emulator's FastAPI app; ``emulator`` is its shared state."""

    emulator: EmulatorState

    def openapi(self) -> dict[str, Any]:
        """FastAPI's document, made to describe what the emulator really answers.

        Request validation answers 400 ErrorResponse, never FastAPI's 422; protected
        operations declare bearer auth (checked by a plain dependency, see
        ``routes.common``); POSTs that honour ``Idempotency-Key`` say so; every response
        documents ``X-Request-Id``.
        """
        if self.openapi_schema:
            return self.openapi_schema
        schema = get_openapi(
            title=self.title,
            version=self.version,
            description=self.description,
            routes=self.routes,
        )
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                operation["responses"].pop("422", None)
                for status, response in operation["responses"].items():
                    response.setdefault("headers", {}).update(_REQUEST_ID_HEADER)
                    _errors_are_json(status, response)
                if needs_bearer(path):
                    operation["security"] = [{"bearerAuth": []}]
                    if method == "post":
                        operation.setdefault("parameters", []).append(_IDEMPOTENCY_PARAMETER)
        components = schema.setdefault("components", {})
        components.setdefault("securitySchemes", {})["bearerAuth"] = _BEARER_SCHEME
        for name in ("HTTPValidationError", "ValidationError"):
            components.get("schemas", {}).pop(name, None)
        self.openapi_schema = schema
        return schema


def create_app(settings: Settings | None = None, *, courier: Courier | None = None) -> EmulatorApp:
    """Build the emulator for ``settings`` (defaults: in-memory database, demo account).

    ``courier`` sends the webhooks' outbound requests (tests inject its transport,
    sleep and clock); by default a real one.
    """
    state = EmulatorState(settings or Settings(), courier)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = EmulatorApp(
        title=TITLE, version=VERSION, description=DESCRIPTION, lifespan=lifespan, redoc_url=None
    )
    app.emulator = state
    app.state.emulator = state
    errors.install(app, common.check_credentials)
    # Hot API routes first: matching is a linear scan of one flat table.
    webex.register(app, state)
    teams.register(app, state)
    auth.register(
        app,
        state,
        service=WEBEX,
        prefix="/v1/auth",
        services=["context-webex"],
        tag="Webex auth",
    )
    auth.register(
        app, state, service=TEAMS, prefix="/api/v2/auth", services=["Teams"], tag="Teams auth"
    )
    stripe.register(app, state)
    operator.register(app, state)
    webhooks.register(app, state)
    app.add_middleware(IdempotencyMiddleware, state=state)
    app.add_middleware(EmulatorMiddleware, state=state)  # outermost: ids, log, faults
    return app
