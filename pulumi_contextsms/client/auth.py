"""Bearer tokens: log in once, share the token, refresh it before it expires.

Why one `TokenManager` per client, behind one lock: every thread of a Pulumi provider
process uses the same client, and eight of them starting at once must cause one login,
not eight. The rules (refresh margin, 401 handling, refused refreshes) are written once,
in docs/client.md ("Authentication"). Nothing here logs or raises a credential: the auth
requests are `sensitive`, so their errors hold neither the request body nor the response.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC

from pydantic import SecretStr, ValidationError

from .errors import (
    APIError,
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
)
from .models import AuthTokens
from .request_loop import RequestLoop, RequestOptions

__all__ = [
    "LOGIN_PATH",
    "MAX_REFRESH_MARGIN",
    "REFRESH_MARGIN_FRACTION",
    "REFRESH_PATH",
    "TokenManager",
    "refresh_margin",
]

logger = logging.getLogger("pulumi_contextsms.client")

LOGIN_PATH = "/auth/login"
REFRESH_PATH = "/auth/getaccesstoken"
MAX_REFRESH_MARGIN = 30.0
"""Seconds: refresh at most this long before the token expires."""
REFRESH_MARGIN_FRACTION = 0.25
"""...and at most this fraction of the token's lifetime before it expires."""

_REFRESH_REFUSED = frozenset({400, 401, 403, 404})


def refresh_margin(lifetime: float) -> float:
    """How long before expiry to refresh a token that lived `lifetime` seconds at issue."""
    return max(0.0, min(MAX_REFRESH_MARGIN, REFRESH_MARGIN_FRACTION * lifetime))


class TokenManager:
    """Logs in, caches and refreshes the bearer token for one set of credentials."""

    def __init__(
        self,
        loop: RequestLoop,
        *,
        auth_base: str,
        username: str,
        password: SecretStr,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._loop = loop
        self._auth_base = auth_base.rstrip("/")
        self._username = username
        self._password = password
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: AuthTokens | None = None
        self._refresh_at: float | None = None
        self._expires_at: float | None = None
        self._stale = False
        self._login_count = 0
        self._refresh_count = 0

    def __repr__(self) -> str:
        return f"TokenManager(auth_base={self._auth_base!r}, username={self._username!r})"

    @property
    def login_count(self) -> int:
        """Completed logins (POST /auth/login) so far."""
        with self._lock:
            return self._login_count

    @property
    def refresh_count(self) -> int:
        """Completed refreshes (POST /auth/getaccesstoken) so far."""
        with self._lock:
            return self._refresh_count

    def token(self) -> str:
        with self._lock:
            tokens = self._tokens
            if tokens is None:
                tokens = self._login()
            elif self._stale or self._due():
                tokens = self._renew(tokens)
            return tokens.access_token.get_secret_value()

    def on_unauthorized(self, rejected: str) -> None:
        with self._lock:
            current = self._tokens
            if current is not None and current.access_token.get_secret_value() == rejected:
                self._stale = True

    # -- under the lock ----------------------------------------------------------------

    def _due(self) -> bool:
        return self._refresh_at is not None and self._clock() >= self._refresh_at

    def _expired(self) -> bool:
        return self._expires_at is not None and self._clock() >= self._expires_at

    def _renew(self, tokens: AuthTokens) -> AuthTokens:
        if tokens.refresh_token is None:
            return self._login()
        try:
            return self._refresh(tokens.refresh_token)
        except APIStatusError as err:
            if err.status_code in _REFRESH_REFUSED:
                logger.info("token refresh refused (%d); logging in again", err.status_code)
                return self._login()
            if not self._stale and not self._expired():
                logger.warning("token refresh failed (%s); using the current token", err)
                return tokens
            raise
        except APIError as err:
            if not self._stale and not self._expired():
                logger.warning("token refresh failed (%s); using the current token", err)
                return tokens
            raise

    def _login(self) -> AuthTokens:
        body = {"username": self._username, "password": self._password.get_secret_value()}
        try:
            tokens = self._call(LOGIN_PATH, body)
        except AuthenticationError as err:
            raise err.with_hint(f"check the username ({self._username}) and the password") from None
        self._login_count += 1
        logger.info("logged in to %s as %s", self._auth_base, self._username)
        return self._store(tokens)

    def _refresh(self, refresh_token: SecretStr) -> AuthTokens:
        body = {"username": self._username, "refreshToken": refresh_token.get_secret_value()}
        tokens = self._call(REFRESH_PATH, body)
        if tokens.refresh_token is None:  # "same schema as login", but tolerate its absence
            tokens = tokens.model_copy(update={"refresh_token": refresh_token})
        self._refresh_count += 1
        logger.info("access token refreshed")
        return self._store(tokens)

    def _call(self, path: str, body: dict[str, str]) -> AuthTokens:
        options = RequestOptions(
            "POST",
            self._auth_base + path,
            json=body,
            authenticated=False,
            sensitive=True,
            replay_safe=True,
        )
        response = self._loop.send(options)
        try:
            return AuthTokens.model_validate_json(response.content)
        except ValidationError as exc:
            fields = ", ".join(".".join(map(str, e["loc"])) or "body" for e in exc.errors())
            raise APIResponseValidationError(
                f"not an AuthResponse (problem with: {fields})",
                method="POST",
                url=options.url,
                status_code=response.status_code,
            ) from None

    def _store(self, tokens: AuthTokens) -> AuthTokens:
        now = self._clock()
        self._tokens = tokens
        self._stale = False
        self._refresh_at = self._expires_at = None
        expiry = tokens.expiration_time_in_utc
        if expiry is not None:
            if expiry.tzinfo is None:  # the field is "InUTC"
                expiry = expiry.replace(tzinfo=UTC)
            lifetime = expiry.timestamp() - now
            if lifetime > 0:
                self._expires_at = now + lifetime
                self._refresh_at = now + lifetime - refresh_margin(lifetime)
            else:
                logger.warning(
                    "the access token's expirationTimeInUTC is not in the future by the local "
                    "clock (clock skew?); it will be renewed when the API answers 401"
                )
        return tokens
