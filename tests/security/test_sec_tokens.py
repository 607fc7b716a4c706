"""Token lifetimes and token-type confusion on the public refresh endpoint.

The protected routes' side of these (expired, forged, refresh-as-access ...) is the
matrix in ``test_sec_auth_matrix``; here: the refresh endpoint refuses everything but a
live refresh token of the named user, and tokens really die at ``exp`` even though
verified access tokens are cached.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import jwt
import pytest
from security_support import (
    A_CSP,
    A_PASSWORD,
    A_USER,
    B_CSP,
    B_PASSWORD,
    B_USER,
    FORGING_KEY,
    World,
    assert_error,
    build_world,
    claims,
    in_process,
    leaks,
    login,
    sign,
    unsigned,
)

AUTH_BASES = ("/v1/auth", "/api/v2/auth")
REFRESH_REFUSALS = (
    "access_token",
    "forged_signature",
    "alg_none",
    "expired",
    "another_users_token",
    "unknown_subject",
    "not_a_jwt",
)


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with in_process() as (app, client):
        yield build_world(app, client)


def _refresh_attempt(world: World, kind: str) -> tuple[str, str]:
    """(username, refreshToken) of each kind of bad refresh."""
    secret = world.app.emulator.store.signing_secret()
    if kind == "access_token":
        return A_USER, world.a.access
    if kind == "forged_signature":
        return A_USER, sign(claims(A_USER, A_CSP, typ="refresh"), FORGING_KEY)
    if kind == "alg_none":
        return A_USER, unsigned(claims(A_USER, A_CSP, typ="refresh"))
    if kind == "expired":
        return A_USER, sign(claims(A_USER, A_CSP, typ="refresh", ttl=-60), secret)
    if kind == "another_users_token":  # B's genuine refresh token, sent as A
        return A_USER, world.b.refresh
    if kind == "unknown_subject":
        return "ghost@nowhere.test", sign(
            claims("ghost@nowhere.test", A_CSP, typ="refresh"), secret
        )
    if kind == "not_a_jwt":
        return A_USER, "not-a-jwt"
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", REFRESH_REFUSALS)
@pytest.mark.parametrize("base", AUTH_BASES)
def test_getaccesstoken_accepts_only_a_live_refresh_token_of_that_user(
    world: World, base: str, kind: str
) -> None:
    username, token = _refresh_attempt(world, kind)
    response = world.client.post(
        f"{base}/getaccesstoken", json={"username": username, "refreshToken": token}
    )
    body = assert_error(response, 401, "UNAUTHORIZED")
    assert body["error"] == "Invalid or expired refresh token"
    assert leaks(response, never={*world.never, token}) == []


@pytest.mark.parametrize("base", AUTH_BASES)
def test_getaccesstoken_with_a_genuine_refresh_token_issues_a_new_pair(
    world: World, base: str
) -> None:
    response = world.client.post(
        f"{base}/getaccesstoken", json={"username": B_USER, "refreshToken": world.b.refresh}
    )
    assert response.status_code == 200, response.text
    pair = response.json()
    assert pair["tenantId"] == B_CSP
    assert jwt.decode(pair["accessToken"], options={"verify_signature": False})["typ"] == "access"
    assert world.b.refresh not in response.text


def test_tokens_stop_working_at_exp_even_once_verified_and_cached() -> None:
    with in_process(token_ttl=1, refresh_ttl=1) as (_, client):
        alpha = login(client, A_USER, A_PASSWORD, A_CSP)
        path = f"/api/v2/csp/enterprises/{A_CSP}"
        assert client.get(path, headers=alpha.auth).status_code == 200  # now cached
        exp = jwt.decode(alpha.refresh, options={"verify_signature": False})["exp"]
        time.sleep(max(0.0, exp - time.time()) + 0.05)
        assert_error(client.get(path, headers=alpha.auth), 401, "UNAUTHORIZED")
        refresh = client.post(
            "/v1/auth/getaccesstoken", json={"username": A_USER, "refreshToken": alpha.refresh}
        )
        assert_error(refresh, 401, "UNAUTHORIZED")
        again = login(client, A_USER, A_PASSWORD, A_CSP)  # a new login still works
        assert client.get(path, headers=again.auth).status_code == 200


@pytest.mark.parametrize("base", AUTH_BASES)
def test_a_failed_login_says_the_same_for_a_wrong_password_and_an_unknown_user(
    world: World, base: str
) -> None:
    wrong_password = world.client.post(
        f"{base}/login", json={"username": A_USER, "password": B_PASSWORD}
    )
    unknown_user = world.client.post(
        f"{base}/login", json={"username": "ghost@nowhere.test", "password": A_PASSWORD}
    )
    first = assert_error(wrong_password, 401, "UNAUTHORIZED")
    second = assert_error(unknown_user, 401, "UNAUTHORIZED")
    assert first["error"] == second["error"] == "Invalid username or password"
    for response in (wrong_password, unknown_user):
        assert leaks(response, never=world.never) == []
