"""Login, refresh and bearer tokens: real HS256 JWTs with expiry, from two auth services.

The same accounts log in at both (Webex ``/v1/auth``, Teams ``/api/v2/auth``), but each
token pair belongs to its issuer (``aud``): its access token opens only that service's
API and its refresh token refreshes only there.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import jwt
import pytest
from emulator_testing import VIEWER_USER, Session, assert_error

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER
from contextsms_emulator.app import EmulatorApp
from contextsms_emulator.schemas.auth import AuthResponse
from contextsms_emulator.tokens import TokenService

LOGIN = {"username": DEMO_USER, "password": DEMO_PASSWORD}
PROTECTED = f"/api/v1/mappings/csp/{DEMO_CSP_ID}"
# an auth service, and a protected call on its own service's API
AUTH_SERVICES = {
    "/v1/auth": ("webex", PROTECTED),
    "/api/v2/auth": ("teams", f"/api/v2/mapping/csp/{DEMO_CSP_ID}"),
}


def test_login_returns_the_documented_auth_response(client: httpx.Client) -> None:
    before = time.time()
    response = client.post("/v1/auth/login", json=LOGIN)
    assert response.status_code == 200
    body = response.json()
    AuthResponse.model_validate(body)
    assert list(body) == [
        "username",
        "accessToken",
        "refreshToken",
        "expirationTimeInUTC",
        "roles",
        "tenantId",
        "services",
    ]
    assert body["username"] == DEMO_USER
    assert body["roles"] == ["CSP_ADMIN"]
    assert body["tenantId"] == DEMO_CSP_ID
    assert body["services"] == ["context-webex"]

    claims = jwt.decode(body["accessToken"], options={"verify_signature": False})
    assert claims["sub"] == DEMO_USER and claims["csp"] == DEMO_CSP_ID
    assert claims["roles"] == ["CSP_ADMIN"] and claims["typ"] == "access"
    assert claims["aud"] == "webex"
    assert {"iat", "exp", "jti"} <= set(claims)
    assert jwt.get_unverified_header(body["accessToken"])["alg"] == "HS256"
    # Default TTL one hour; the printed expiry is that whole second, never later.
    assert 3600 <= claims["exp"] - before <= 3602
    printed = datetime.strptime(body["expirationTimeInUTC"], "%Y-%m-%dT%H:%M:%SZ")
    assert printed.replace(tzinfo=UTC).timestamp() == claims["exp"]


def test_the_teams_login_issues_tokens_of_the_teams_service(client: httpx.Client) -> None:
    body = client.post("/api/v2/auth/login", json=LOGIN).json()
    AuthResponse.model_validate(body)
    assert body["services"] == ["Teams"] and body["tenantId"] == DEMO_CSP_ID
    for token in (body["accessToken"], body["refreshToken"]):
        assert jwt.decode(token, options={"verify_signature": False})["aud"] == "teams"


def test_every_login_issues_distinct_tokens(client: httpx.Client) -> None:
    first = client.post("/v1/auth/login", json=LOGIN).json()
    second = client.post("/v1/auth/login", json=LOGIN).json()
    assert first["accessToken"] != second["accessToken"]
    assert first["refreshToken"] != second["refreshToken"]


def test_usernames_are_case_insensitive(client: httpx.Client) -> None:
    response = client.post("/v1/auth/login", json={**LOGIN, "username": DEMO_USER.upper()})
    assert response.status_code == 200
    assert response.json()["username"] == DEMO_USER


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": DEMO_USER, "password": "wrong"},
        {"username": "nobody@contextsms.test", "password": DEMO_PASSWORD},
    ],
)
def test_bad_credentials_are_401(client: httpx.Client, credentials: dict[str, str]) -> None:
    for base in ("/v1/auth", "/api/v2/auth"):
        assert_error(client.post(f"{base}/login", json=credentials), 401, "UNAUTHORIZED")


def test_login_without_a_password_is_400(client: httpx.Client) -> None:
    response = client.post("/v1/auth/login", json={"username": DEMO_USER})
    assert_error(response, 400, "BAD_REQUEST", "password")


@pytest.mark.parametrize("base", AUTH_SERVICES)
def test_refresh_issues_a_new_access_token_usable_on_its_service(
    client: httpx.Client, base: str
) -> None:
    service, protected = AUTH_SERVICES[base]
    login = client.post(f"{base}/login", json=LOGIN).json()
    response = client.post(
        f"{base}/getaccesstoken",
        json={"username": DEMO_USER, "refreshToken": login["refreshToken"]},
    )
    assert response.status_code == 200
    body = response.json()
    AuthResponse.model_validate(body)
    assert body["accessToken"] != login["accessToken"]
    assert jwt.decode(body["accessToken"], options={"verify_signature": False})["aud"] == service
    used = client.get(protected, headers={"Authorization": f"Bearer {body['accessToken']}"})
    assert used.status_code == 200


def test_a_refresh_token_refreshes_only_at_the_auth_service_that_issued_it(
    client: httpx.Client,
) -> None:
    for issuer, other in (("/v1/auth", "/api/v2/auth"), ("/api/v2/auth", "/v1/auth")):
        refresh = client.post(f"{issuer}/login", json=LOGIN).json()["refreshToken"]
        response = client.post(
            f"{other}/getaccesstoken", json={"username": DEMO_USER, "refreshToken": refresh}
        )
        body = assert_error(response, 401, "UNAUTHORIZED")
        assert body["error"] == "Invalid or expired refresh token"


def test_refresh_refuses_access_tokens_other_users_and_garbage(client: httpx.Client) -> None:
    login = client.post("/v1/auth/login", json=LOGIN).json()
    cases = [
        {"username": DEMO_USER, "refreshToken": login["accessToken"]},
        {"username": VIEWER_USER, "refreshToken": login["refreshToken"]},
        {"username": DEMO_USER, "refreshToken": "not-a-jwt"},
    ]
    for body in cases:
        assert_error(client.post("/v1/auth/getaccesstoken", json=body), 401, "UNAUTHORIZED")


def _token_error(response: httpx.Response) -> None:
    body = assert_error(response, 401, "UNAUTHORIZED")
    assert body["error"] == "Invalid or expired access token"


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "Bearer not.a.jwt"],
)
def test_missing_or_malformed_tokens_are_401(
    client: httpx.Client, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    _token_error(client.get(PROTECTED, headers=headers))


def test_a_forged_signature_is_401(client: httpx.Client) -> None:
    login = client.post("/v1/auth/login", json=LOGIN).json()
    claims = jwt.decode(login["accessToken"], options={"verify_signature": False})
    forged = jwt.encode(claims, "not-the-secret-but-long-enough-for-hs256!", algorithm="HS256")
    _token_error(client.get(PROTECTED, headers={"Authorization": f"Bearer {forged}"}))
    unsigned = jwt.encode(claims, None, algorithm="none")
    _token_error(client.get(PROTECTED, headers={"Authorization": f"Bearer {unsigned}"}))


def test_an_expired_access_token_is_401(app: EmulatorApp, client: httpx.Client) -> None:
    account = app.emulator.accounts.get(DEMO_USER)
    assert account is not None
    an_hour_ago = TokenService(
        app.emulator.store.signing_secret(), 60, 60, clock=lambda: time.time() - 3600
    )
    expired = an_hour_ago.issue(account, "webex")
    _token_error(client.get(PROTECTED, headers={"Authorization": f"Bearer {expired.access_token}"}))
    refresh = client.post(
        "/v1/auth/getaccesstoken",
        json={"username": DEMO_USER, "refreshToken": expired.refresh_token},
    )
    assert_error(refresh, 401, "UNAUTHORIZED")


def test_a_cached_token_stops_working_at_its_expiry(
    make_client: Callable[..., tuple[EmulatorApp, httpx.Client]],
) -> None:
    app, client = make_client()
    now = [time.time()]
    # The same service with a clock the test moves: nothing sleeps.
    app.emulator.tokens = TokenService(
        app.emulator.store.signing_secret(), 3600, 86400, clock=lambda: now[0]
    )
    token = client.post("/v1/auth/login", json=LOGIN).json()["accessToken"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(PROTECTED, headers=headers).status_code == 200  # now cached
    now[0] += 3601
    _token_error(client.get(PROTECTED, headers=headers))


def test_token_ttl_setting_is_honoured(
    make_client: Callable[..., tuple[EmulatorApp, httpx.Client]],
) -> None:
    _, client = make_client(token_ttl=2, refresh_ttl=5)
    login = client.post("/v1/auth/login", json=LOGIN).json()
    access = jwt.decode(login["accessToken"], options={"verify_signature": False})
    refresh = jwt.decode(login["refreshToken"], options={"verify_signature": False})
    assert 2 <= access["exp"] - access["iat"] <= 3
    assert 5 <= refresh["exp"] - refresh["iat"] <= 6


def test_a_refresh_token_is_not_an_access_token(client: httpx.Client) -> None:
    refresh = client.post("/v1/auth/login", json=LOGIN).json()["refreshToken"]
    _token_error(client.get(PROTECTED, headers={"Authorization": f"Bearer {refresh}"}))


def test_a_token_opens_only_the_api_of_the_auth_service_that_issued_it(
    client: httpx.Client,
) -> None:
    for base, (_, protected) in AUTH_SERVICES.items():
        token = client.post(f"{base}/login", json=LOGIN).json()["accessToken"]
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get(protected, headers=headers).status_code == 200
        for _, elsewhere in (v for b, v in AUTH_SERVICES.items() if b != base):
            _token_error(client.get(elsewhere, headers=headers))


def test_a_token_of_the_other_service_is_refused_even_once_verified_and_cached(
    client: httpx.Client,
) -> None:
    teams = client.post("/api/v2/auth/login", json=LOGIN).json()["accessToken"]
    headers = {"Authorization": f"Bearer {teams}"}
    assert client.get(f"/api/v2/mapping/csp/{DEMO_CSP_ID}", headers=headers).status_code == 200
    _token_error(client.get(PROTECTED, headers=headers))


def test_a_token_without_an_audience_is_refused_by_both_apis(
    app: EmulatorApp, client: httpx.Client
) -> None:
    """A token signed before the services were separated (no ``aud``) opens neither."""
    webex = client.post("/v1/auth/login", json=LOGIN).json()["accessToken"]
    claims = jwt.decode(webex, options={"verify_signature": False})
    del claims["aud"]
    old = jwt.encode(claims, app.emulator.store.signing_secret(), algorithm="HS256")
    for _, protected in AUTH_SERVICES.values():
        _token_error(client.get(protected, headers={"Authorization": f"Bearer {old}"}))


def test_a_business_user_can_read_but_not_write(admin: Session, viewer: Session) -> None:
    assert viewer.login["roles"] == ["CSP_BUSINESS"]
    enterprise = admin.post(
        f"/api/v2/enterprise/{DEMO_CSP_ID}",
        json={"name": "S", "contact": "M", "number": "+15559876543", "email": "m@s.example"},
    ).json()
    enterprise_id = enterprise["enterpriseId"]
    mapping = admin.post(
        f"/api/v2/mapping/add/{enterprise_id}",
        json={"phoneNumber": "+15559876543", "messagingAppType": "Teams", "messagingAppId": "a"},
    ).json()
    mapping_id = mapping["numberToMessageAppMapId"]

    assert viewer.get(f"/api/v2/enterprise/getenterprise/{enterprise_id}").status_code == 200
    assert viewer.get(f"/api/v1/mappings/csp/{DEMO_CSP_ID}").status_code == 200
    lookup = viewer.post("/api/v2/mapping/messagingAppId", json={"messagingAppId": "a"})
    assert lookup.status_code == 200

    writes = [
        viewer.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json={}),
        viewer.post(f"/api/v2/enterprise/{DEMO_CSP_ID}", json={}),
        viewer.post("/api/v2/csp", json={"email": "a@b.example", "name": "n"}),
        viewer.post(f"/api/v1/mapping/add/{enterprise_id}", json={}),
        viewer.put(f"/api/v2/mapping/{mapping_id}", json={"name": "x"}),
        viewer.delete(f"/api/v1/mapping/{mapping_id}"),
        viewer.delete(f"/api/v2/enterprise/deleteenterprise/{enterprise_id}"),
    ]
    for response in writes:
        body = assert_error(response, 403, "PERMISSION_DENIED")
        assert body["error"].startswith("CSP does not have permission to ")
    assert assert_error(writes[0], 403, "PERMISSION_DENIED")["error"] == (
        "CSP does not have permission to create enterprises"
    )
    assert admin.get(f"/api/v2/enterprise/getenterprise/{enterprise_id}").json()["deleted"] is False
