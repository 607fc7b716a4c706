"""Assemble the FastAPI application: routers, error handlers, middlewares, OpenAPI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Final

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from contextsms_emulator import errors
from contextsms_emulator.idempotency import IdempotencyMiddleware
from contextsms_emulator.middleware import EmulatorMiddleware
from contextsms_emulator.routes import auth, operator, stripe, teams, webex
from contextsms_emulator.settings import Settings
from contextsms_emulator.state import EmulatorState

TITLE: Final = "ContextSMS emulator"
VERSION: Final = "0.1.0"
DESCRIPTION: Final = """\
A local emulator of the ContextSMS Webex Bot API (v1, `/api/v1`, auth at `/v1/auth`)
and Teams Platform API (v2, `/api/v2`), sharing one store, plus an operator API under
`/_emulator` (no auth: for loopback and tests only). Every response carries
`X-Request-Id`; every error body is an ErrorResponse.
"""

_IDEMPOTENCY_PARAMETER: Final = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Replays the first completed response for this key (24 h, per user and path)",
    "schema": {"type": "string", "maxLength": 255},
}
_REQUEST_ID_HEADER: Final = {
    "X-Request-Id": {"description": "This request's id", "schema": {"type": "string"}}
}


class EmulatorApp(FastAPI):
    """The emulator's FastAPI app; ``emulator`` is its shared state."""

    emulator: EmulatorState

    def openapi(self) -> dict[str, Any]:
        """FastAPI's document, made to describe what the emulator really answers.

        Request validation answers 400 ErrorResponse, never FastAPI's 422; POSTs that
        honour ``Idempotency-Key`` say so; every response documents ``X-Request-Id``.
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
                for response in operation["responses"].values():
                    response.setdefault("headers", {}).update(_REQUEST_ID_HEADER)
                if method == "post" and _honours_idempotency(path):
                    operation.setdefault("parameters", []).append(_IDEMPOTENCY_PARAMETER)
        components = schema.get("components", {}).get("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        self.openapi_schema = schema
        return schema


def _honours_idempotency(path: str) -> bool:
    return path.startswith("/api/") and not path.startswith(
        ("/api/v2/auth/", "/api/v2/stripe/webhook")
    )


def create_app(settings: Settings | None = None) -> EmulatorApp:
    """Build the emulator for ``settings`` (defaults: in-memory database, demo account)."""
    state = EmulatorState(settings or Settings())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = EmulatorApp(
        title=TITLE, version=VERSION, description=DESCRIPTION, lifespan=lifespan, redoc_url=None
    )
    app.emulator = state
    app.state.emulator = state
    errors.install(app)
    app.include_router(
        auth.router(state, prefix="/v1/auth", services=["context-webex"], tag="Webex auth service")
    )
    app.include_router(webex.router(state))
    app.include_router(
        auth.router(state, prefix="/api/v2/auth", services=["Teams"], tag="Teams auth")
    )
    app.include_router(teams.router(state))
    app.include_router(stripe.router(state))
    app.include_router(operator.router(state))
    app.add_middleware(IdempotencyMiddleware, state=state)
    app.add_middleware(EmulatorMiddleware, state=state)  # outermost: ids, log, faults
    return app
