"""Login and refresh, mounted twice: the Webex auth service (/v1/auth) and Teams (/api/v2/auth).

The two are separate auth services, as the documents describe them on separate hosts:
the same accounts log in at both, but a token pair is its issuer's (``aud``) and works
only on that service's API, and a refresh token only at the auth service that issued it.
"""

import asyncio
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from contextsms_emulator import clock, errors
from contextsms_emulator.accounts import Account
from contextsms_emulator.emulator import EmulatorState
from contextsms_emulator.routes.common import Routes, json
from contextsms_emulator.schemas.auth import AuthResponse, LoginRequest, RefreshRequest
from contextsms_emulator.services import Service
from contextsms_emulator.tokens import InvalidToken


def register(
    app: FastAPI,
    state: EmulatorState,
    *,
    service: Service,
    prefix: str,
    services: list[str],
    tag: str,
) -> None:
    """``services`` is what the login answer lists (``["context-webex"]``, ``["Teams"]``)."""
    api = Routes(app, prefix, tag)

    def auth_body(account: Account) -> dict[str, Any]:
        issued = state.tokens.issue(account, service)
        return {
            "username": account.username,
            "accessToken": issued.access_token,
            "refreshToken": issued.refresh_token,
            "expirationTimeInUTC": clock.iso_utc(issued.access_expires_at),
            "roles": [account.role],
            "tenantId": account.csp_id,
            "services": services,
        }

    @api.post(
        "/login",
        response_model=AuthResponse,
        responses=errors.responses(400, 401),
        summary="Exchange username and password for an access and a refresh token",
    )
    async def login(body: LoginRequest) -> JSONResponse:
        # scrypt runs off the event loop so a login never stalls other requests.
        account = await asyncio.to_thread(state.accounts.verify, body.username, body.password)
        if account is None:
            raise errors.unauthorized("Invalid username or password")
        return json(auth_body(account))

    @api.post(
        "/getaccesstoken",
        response_model=AuthResponse,
        responses=errors.responses(400, 401),
        summary="Exchange a refresh token for a new token pair",
    )
    async def get_access_token(body: RefreshRequest) -> JSONResponse:
        try:
            subject = state.tokens.refresh_subject(body.refresh_token, service)
        except InvalidToken:
            raise errors.unauthorized("Invalid or expired refresh token") from None
        account = state.accounts.get(subject)
        if account is None or subject.casefold() != body.username.casefold():
            raise errors.unauthorized("Invalid or expired refresh token")
        return json(auth_body(account))
