"""No password and no token in the emulator's logs, exception texts or error bodies.

A real ``EmulatorProcess`` at ``--log-level debug`` is driven through logins (good and
bad), refreshes (good and bad), authenticated and refused calls, an injected drop and an
injected error; then every line it wrote (stderr and stray stdout) is searched for each
password and each token that went over the wire. In-process tests cover the bodies of
failed logins, a crash's log record, the request log and the CLI's refusal of a bad
``--user``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
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
    build_world,
    claims,
    in_process,
    leaks,
    sign,
)

from contextsms_emulator import AccountSpec, EmulatorProcess, Settings
from contextsms_emulator.process import EmulatorStartupError

WRONG_PASSWORD = "wrong-Pa55-guess-must-not-echo"
OUTPUT_LIMIT = 200  # EmulatorProcess keeps this many lines; the test must see them all
ENTERPRISE = {
    "name": "Log Probe Co",
    "contact": "Log Person",
    "phoneNumber": "+15550300001",
    "email": "log@probe.test",
}


def _drive(emu: EmulatorProcess) -> set[str]:
    """Exercise auth and API paths; return every secret that went over the wire."""
    secrets = {A_PASSWORD, B_PASSWORD, WRONG_PASSWORD}
    with httpx.Client(base_url=emu.url, timeout=10) as http:
        tokens: dict[str, dict[str, str]] = {}  # the Teams pairs, once both bases ran
        for base in ("/v1/auth", "/api/v2/auth"):
            for user, password in ((A_USER, A_PASSWORD), (B_USER, B_PASSWORD)):
                body = http.post(f"{base}/login", json={"username": user, "password": password})
                assert body.status_code == 200, body.text
                tokens[user] = body.json()
                secrets |= {body.json()["accessToken"], body.json()["refreshToken"]}
            http.post(f"{base}/login", json={"username": A_USER, "password": WRONG_PASSWORD})
            http.post(f"{base}/login", json={"username": "ghost@x.test", "password": A_PASSWORD})
            http.post(
                f"{base}/login",
                content=f'{{"username": "{A_USER}", "password": "{A_PASSWORD}"',  # malformed
                headers={"Content-Type": "application/json"},
            )
            refreshed = http.post(
                f"{base}/getaccesstoken",
                json={"username": A_USER, "refreshToken": tokens[A_USER]["refreshToken"]},
            )
            assert refreshed.status_code == 200, refreshed.text
            secrets |= {refreshed.json()["accessToken"], refreshed.json()["refreshToken"]}
            http.post(
                f"{base}/getaccesstoken",
                json={"username": A_USER, "refreshToken": tokens[A_USER]["accessToken"]},
            )
        forged = sign(claims(A_USER, A_CSP, aud="teams"), FORGING_KEY)
        secrets.add(forged)
        a = {"Authorization": f"Bearer {tokens[A_USER]['accessToken']}"}  # Teams
        b = {"Authorization": f"Bearer {tokens[B_USER]['accessToken']}"}
        teams_enterprise = {**ENTERPRISE, "number": ENTERPRISE["phoneNumber"]}
        created = http.post(f"/api/v2/enterprise/{A_CSP}", json=teams_enterprise, headers=a)
        assert created.status_code == 201, created.text
        enterprise_id = created.json()["enterpriseId"]
        http.get(f"/api/v2/enterprise/getenterprise/{enterprise_id}", headers=b)  # 404
        http.get(f"/api/v1/enterprise/getenterprise/{enterprise_id}", headers=a)  # 401
        http.get(f"/api/v2/csp/enterprises/{A_CSP}", headers=b)  # 403
        http.get(f"/api/v2/csp/enterprises/{B_CSP}", headers={"Authorization": f"Bearer {forged}"})
        http.post(f"/api/v2/enterprise/{A_CSP}", content=b"{oops", headers=a)  # 400
        emu.fault_next("drop", method="POST")
        with pytest.raises(httpx.RemoteProtocolError):
            http.post(
                f"/api/v2/enterprise/{A_CSP}",
                json={**teams_enterprise, "number": "+15550300002"},
                headers={**a, "Idempotency-Key": "log-probe-1"},
            )
        emu.fault_next("error")
        assert http.get(f"/api/v2/csp/enterprises/{A_CSP}", headers=a).status_code == 500
        emu.fault_next("rate_limit")
        assert http.get(f"/api/v2/csp/enterprises/{A_CSP}", headers=a).status_code == 429
        request_log = emu.requests()
        assert len(request_log) > 20
        assert [s for s in secrets if s in repr(request_log)] == []
    return secrets


def test_the_emulators_log_at_debug_holds_no_password_and_no_token() -> None:
    users = [f"{A_USER}:{A_PASSWORD}:{A_CSP}", f"{B_USER}:{B_PASSWORD}:{B_CSP}"]
    emu = EmulatorProcess(log_level="debug", users=users)
    with emu:
        secrets = _drive(emu)
    output = emu.output
    assert emu.returncode == 0
    assert len(output) < OUTPUT_LIMIT, "the log overflowed what EmulatorProcess keeps"
    assert any("Injected drop: POST /api/v2/enterprise/" in line for line in output), output
    assert any("Application startup complete" in line for line in output), output
    found = {secret[:12] + "...": line for secret in secrets for line in output if secret in line}
    assert found == {}


def test_a_bad_user_flag_is_refused_without_echoing_its_password() -> None:
    password = "cli-Pa55word-must-not-echo"
    with pytest.raises(EmulatorStartupError) as refused:
        EmulatorProcess(users=[f"someone@x.test:{password}"]).start()  # no CSPID
    text = str(refused.value)
    assert "argument --user: expected EMAIL:PASSWORD:CSPID" in text  # the reason is there ...
    assert password not in text  # ... the password is not


def test_settings_and_accounts_never_show_a_password_in_their_repr() -> None:
    spec = AccountSpec(A_USER, A_PASSWORD, A_CSP)
    settings = Settings(accounts=(spec,), stripe_webhook_secret="whsec_repr_probe")
    assert A_PASSWORD not in repr(spec)
    assert A_PASSWORD not in repr(settings) and "whsec_repr_probe" not in repr(settings)


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with in_process() as (app, client):
        yield build_world(app, client)


BAD_LOGINS: dict[str, dict[str, Any]] = {
    "wrong password": {"json": {"username": A_USER, "password": WRONG_PASSWORD}},
    "unknown user": {"json": {"username": "ghost@x.test", "password": WRONG_PASSWORD}},
    "no username": {"json": {"password": WRONG_PASSWORD}},
    "blank username": {"json": {"username": "  ", "password": WRONG_PASSWORD}},
    "username not a string": {"json": {"username": 7, "password": WRONG_PASSWORD}},
    "username too long": {"json": {"username": "u" * 300, "password": WRONG_PASSWORD}},
    "password not a string": {"json": {"username": A_USER, "password": [WRONG_PASSWORD]}},
    "malformed json": {"content": f'{{"username": "{A_USER}", "password": "{WRONG_PASSWORD}"'},
    "not an object": {"json": [A_USER, WRONG_PASSWORD]},
    "bad utf-8": {"content": f'{{"password": "{WRONG_PASSWORD}\xff"}}'.encode("latin-1")},
}


@pytest.mark.parametrize("base", ["/v1/auth", "/api/v2/auth"])
@pytest.mark.parametrize("case", sorted(BAD_LOGINS))
def test_a_refused_login_never_echoes_the_password(world: World, base: str, case: str) -> None:
    kwargs = {"headers": {"Content-Type": "application/json"}, **BAD_LOGINS[case]}
    response = world.client.post(f"{base}/login", **kwargs)
    assert response.status_code in (400, 401), response.text
    assert leaks(response, never={*world.never, WRONG_PASSWORD}) == []


def test_a_crash_is_logged_and_answered_without_the_token(
    world: World, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated emulator bug")

    monkeypatch.setattr(world.app.emulator.platform, "enterprises_of", explode)
    with caplog.at_level(logging.DEBUG, logger="contextsms_emulator"):
        response = world.client.get(f"/api/v2/csp/enterprises/{A_CSP}", headers=world.a.teams_auth)
    assert response.status_code == 500
    assert leaks(response, never=world.never) == []
    assert "Unhandled error in GET /api/v2/csp/enterprises/" in caplog.text
    assert "simulated emulator bug" in caplog.text  # the traceback is there ...
    assert [s for s in world.never if s in caplog.text] == []  # ... no secret is
