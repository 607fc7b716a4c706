"""Signed JWTs (HS256) for access and refresh, and a cache of verified access tokens.

Claims: ``sub`` (username), ``csp``, ``roles``, ``typ`` (``access`` | ``refresh``),
``iat``, ``exp``, ``jti``. ``exp`` is rounded *up* to a whole second so a token lives
at least its TTL; ``expirationTimeInUTC`` prints that same whole second, so it is never
later than the moment the token stops working.

Verifying an HMAC on every request is cheap but not free; the cache maps a token string
to its subject until its ``exp``, which is safe because a signed token cannot change.
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

ALGORITHM: Final = "HS256"
_CACHE_LIMIT: Final = 50_000
_REQUIRED_CLAIMS: Final = ["sub", "typ", "iat", "exp", "jti"]

TokenType = Literal["access", "refresh"]


class InvalidToken(Exception):
    """Malformed, forged, expired, or of the wrong ``typ``."""


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
        self._verified: dict[str, tuple[str, int]] = {}

    def _encode(self, account: Account, typ: TokenType, now: float, ttl: int) -> tuple[str, int]:
        exp = math.ceil(now + ttl)
        claims: dict[str, Any] = {
            "sub": account.username,
            "csp": account.csp_id,
            "roles": [account.role],
            "typ": typ,
            "iat": int(now),
            "exp": exp,
            "jti": secrets.token_hex(12),
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM), exp

    def issue(self, account: Account) -> IssuedTokens:
        now = self._clock()
        access, exp = self._encode(account, "access", now, self._access_ttl)
        refresh, _ = self._encode(account, "refresh", now, self._refresh_ttl)
        return IssuedTokens(access, refresh, exp)

    def _decode(self, token: str, typ: TokenType) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
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

    def access_subject(self, token: str) -> str:
        """The username an access token was issued to; cached until the token expires."""
        cached = self._verified.get(token)
        if cached is not None:
            subject, exp = cached
            if self._clock() < exp:
                return subject
            del self._verified[token]
            raise InvalidToken("token expired")
        claims = self._decode(token, "access")
        if len(self._verified) >= _CACHE_LIMIT:
            self._verified.clear()
        self._verified[token] = (claims["sub"], int(claims["exp"]))
        return str(claims["sub"])

    def refresh_subject(self, token: str) -> str:
        """The username a refresh token was issued to (never cached: refreshes are rare)."""
        return str(self._decode(token, "refresh")["sub"])
