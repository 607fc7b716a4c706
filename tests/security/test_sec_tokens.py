"""Token lifetimes and token-type confusion on the public refresh endpoint.

The protected routes' side of these (expired, forged, refresh-as-access ...) is the
matrix in ``test_sec_auth_matrix``; here: each auth service's refresh endpoint refuses
everything but a live refresh token of the named user that it issued itself, and tokens
really die at ``exp`` even though verified access tokens are cached.
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

AUTH_BASES = {"/v1/auth": "webex", "/api/v2/auth": "teams"}
OTHER_SERVICE = {"webex": "teams", "teams": "webex"}
REFRESH_REFUSALS = (
    "access_token",
    "forged_signature",
    "alg_none",
    "expired",
    "another_users_token",
    "unknown_subject",
    "not_a_jwt",
    "another_services_refresh_token",
)


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with in_process() as (app, client):
        yield build_world(app, client)


def _refresh_attempt(world: World, kind: str, service: str) -> tuple[str, str]:
    """(username, refreshToken) of each kind of bad refresh at ``service``'s auth."""
    secret = world.app.emulator.store.signing_secret()
    if kind == "access_token":
        return A_USER, world.a.teams_access if service == "teams" else world.a.access
    if kind == "forged_signature":
        return A_USER, sign(claims(A_USER, A_CSP, typ="refresh", aud=service), FORGING_KEY)
    if kind == "alg_none":
        return A_USER, unsigned(claims(A_USER, A_CSP, typ="refresh", aud=service))
    if kind == "expired":
        return A_USER, sign(claims(A_USER, A_CSP, typ="refresh", ttl=-60, aud=service), secret)
    if kind == "another_users_token":  # B's genuine refresh token, sent as A
        return A_USER, world.b.refresh_for(service)
    if kind == "unknown_subject":
        return "ghost@nowhere.test", sign(
            claims("ghost@nowhere.test", A_CSP, typ="refresh", aud=service), secret
        )
    if kind == "not_a_jwt":
        return A_USER, "not-a-jwt"
    if kind == "another_services_refresh_token":  # A's own, genuine, from the other auth
        return A_USER, world.a.refresh_for(OTHER_SERVICE[service])
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", REFRESH_REFUSALS)
@pytest.mark.parametrize("base", AUTH_BASES)
def test_getaccesstoken_accepts_only_a_live_refresh_token_of_that_user(
    world: World, base: str, kind: str
) -> None:
    username, token = _refresh_attempt(world, kind, AUTH_BASES[base])
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
    refresh = world.b.refresh_for(AUTH_BASES[base])
    response = world.client.post(
        f"{base}/getaccesstoken", json={"username": B_USER, "refreshToken": refresh}
    )
    assert response.status_code == 200, response.text
    pair = response.json()
    assert pair["tenantId"] == B_CSP
    access = jwt.decode(pair["accessToken"], options={"verify_signature": False})
    assert (access["typ"], access["aud"]) == ("access", AUTH_BASES[base])
    assert refresh not in response.text


def test_tokens_stop_working_at_exp_even_once_verified_and_cached() -> None:
    with in_process(token_ttl=1, refresh_ttl=1) as (_, client):
        alpha = login(client, A_USER, A_PASSWORD, A_CSP)
        path = f"/api/v1/mappings/csp/{A_CSP}"
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
