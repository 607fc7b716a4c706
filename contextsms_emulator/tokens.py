"""Signed JWTs (HS256) for access and refresh, and a cache of verified access tokens.

Claims: ``sub`` (username), ``csp``, ``roles``, ``typ`` (``access`` | ``refresh``),
``aud`` (the service whose auth issued it: ``webex`` | ``teams``), ``iat``, ``exp``,
``jti``. ``aud`` is checked on every use: the two auth services are separate products,
so a Webex token opens nothing on the Teams API and the reverse, and a refresh token
works only at the auth service that issued it.

``exp`` is rounded *up* to a whole second so a token lives at least its TTL;
``expirationTimeInUTC`` prints that same whole second, so it is never later than the
moment the token stops working.

Verifying an HMAC on every request is cheap but not free; the cache maps a token string
to its subject and audience until its ``exp``, which is safe because a signed token
cannot change.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Literal

import jwt

from contextsms_emulator.accounts import Account
from contextsms_emulator.services import Service

ALGORITHM: Final = "HS256"
_CACHE_LIMIT: Final = 50_000
_REQUIRED_CLAIMS: Final = ["sub", "typ", "aud", "iat", "exp", "jti"]

TokenType = Literal["access", "refresh"]


class InvalidToken(Exception):
    """Malformed, forged, expired, of the wrong ``typ``, or for another service."""


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    access_expires_at: int
    """Epoch seconds of the access token's ``exp``."""


class TokenService:
    def __init__(
        self,
        secret: bytes,
        access_ttl: int,
        refresh_ttl: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._secret = secret
        self._access_ttl = access_ttl
        self._refresh_ttl = refresh_ttl
        self._clock = clock
        self._verified: dict[str, tuple[str, Service, int]] = {}

    def _encode(
        self, account: Account, service: Service, typ: TokenType, now: float, ttl: int
    ) -> tuple[str, int]:
        exp = math.ceil(now + ttl)
        claims: dict[str, Any] = {
            "sub": account.username,
            "csp": account.csp_id,
            "roles": [account.role],
            "typ": typ,
            "aud": service,
            "iat": int(now),
            "exp": exp,
            "jti": secrets.token_hex(12),
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM), exp

    def issue(self, account: Account, service: Service) -> IssuedTokens:
        """A token pair from ``service``'s auth service, good on that service only."""
        now = self._clock()
        access, exp = self._encode(account, service, "access", now, self._access_ttl)
        refresh, _ = self._encode(account, service, "refresh", now, self._refresh_ttl)
        return IssuedTokens(access, refresh, exp)

    def _decode(self, token: str, typ: TokenType, service: Service) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                audience=service,
                options={"require": _REQUIRED_CLAIMS, "verify_iat": False},
                leeway=0,
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from None
        if claims.get("typ") != typ or not isinstance(claims.get("sub"), str):
            raise InvalidToken(f"not an {typ} token")
        if claims["exp"] <= self._clock():  # PyJWT uses the real clock; honour ours too
            raise InvalidToken("token expired")
        return claims

    def access_subject(self, token: str, service: Service) -> str:
        """The username an access token for ``service`` was issued to; cached until the
        token expires."""
        cached = self._verified.get(token)
        if cached is not None:
            subject, audience, exp = cached
            if audience != service:
                raise InvalidToken(f"not a token of the {service} auth service")
            if self._clock() < exp:
                return subject
            del self._verified[token]
            raise InvalidToken("token expired")
        claims = self._decode(token, "access", service)
        if len(self._verified) >= _CACHE_LIMIT:
            self._verified.clear()
        self._verified[token] = (claims["sub"], service, int(claims["exp"]))
        return str(claims["sub"])

    def refresh_subject(self, token: str, service: Service) -> str:
        """The username a refresh token of ``service``'s auth service was issued to (never
        cached: refreshes are rare)."""
        return str(self._decode(token, "refresh", service)["sub"])
