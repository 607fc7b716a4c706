"""Auth service bodies, identical on the Webex auth base (/v1) and the Teams API (/api/v2)."""

from __future__ import annotations

from pydantic import Field

from contextsms_emulator.schemas.base import RequestModel, ResponseModel
from contextsms_emulator.validation import RequiredText


class LoginRequest(RequestModel):
    username: RequiredText = Field(examples=["your-email@company.com"])
    password: str = Field(examples=["your-password"])


class RefreshRequest(RequestModel):
    username: RequiredText = Field(examples=["your-email@company.com"])
    refresh_token: str


class AuthResponse(ResponseModel):
    username: str
    access_token: str
    refresh_token: str
    expiration_time_in_utc: str = Field(
        alias="expirationTimeInUTC",
        description="Access token expiry, UTC, whole seconds",
        examples=["2025-10-14T12:34:56Z"],
    )
    roles: list[str] = Field(examples=[["CSP_ADMIN"]])
    tenant_id: str = Field(description="The account's CSP id", examples=["CSP0000001"])
    services: list[str] = Field(examples=[["context-webex"]])
