"""Every failure of `contextsms discover` is one line on stderr naming what failed and
the fix, exit 1, no traceback (usage errors: argparse's, exit 2)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from discover_support import CSP, client, connect, enterprise, run, seed

from contextsms_emulator import DEMO_USER
from contextsms_emulator.process import EmulatorProcess

PREFIX = "contextsms discover: "


def one_error(result_err: str) -> str:
    lines = result_err.splitlines()
    assert len(lines) == 1, result_err
    assert lines[0].startswith(PREFIX)
    return lines[0].removeprefix(PREFIX)


def request_id(emulator: EmulatorProcess, path: str) -> str:
    return str(next(r["requestId"] for r in emulator.requests() if r["path"].endswith(path)))


@pytest.mark.parametrize(
    ("unset", "line"),
    [
        (
            "CONTEXTSMS_PLATFORM",
            "contextsms:platform is not set (webex or teams); set it with `pulumi config set "
            "contextsms:platform ...` or the CONTEXTSMS_PLATFORM environment variable",
        ),
        (
            "CONTEXTSMS_API_BASE",
            "contextsms:apiBase is not set; give an API base (for the emulator, e.g. "
            "http://127.0.0.1:8080/api/v2) or contextsms:environment (development or "
            "production); production is never chosen by default; set it with `pulumi config "
            "set contextsms:apiBase ...` or the CONTEXTSMS_API_BASE environment variable",
        ),
        (
            "CONTEXTSMS_PASSWORD",
            "contextsms:password is not set; set it with `pulumi config set --secret "
            "contextsms:password ...` or the CONTEXTSMS_PASSWORD environment variable",
        ),
        (
            "CONTEXTSMS_CSP_ID",
            "contextsms:cspId is not set (the CSP to discover: pass --csp-id); set it with "
            "`pulumi config set contextsms:cspId ...` or the CONTEXTSMS_CSP_ID environment "
            "variable",
        ),
    ],
)
def test_missing_settings_name_the_key_to_set_before_any_request(
    unset: str,
    line: str,
    emulator: EmulatorProcess,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    connect(monkeypatch, emulator, "teams")
    monkeypatch.delenv(unset)

    result = run(capsys, "discover")

    assert result.code == 1
    assert one_error(result.err) == line
    assert emulator.requests() == []


def test_a_profile_without_a_stack_says_profiles_live_in_a_stack(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    connect(monkeypatch, emulator, "teams")

    result = run(capsys, "discover", "--profile", "prod")

    assert result.code == 1
    assert one_error(result.err) == (
        "contextsms:profiles must be an object that defines the profile 'prod'; defined: none; "
        "profiles live in a stack's config: pass --stack"
    )


def test_bad_credentials_name_the_username_and_password_keys(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    connect(monkeypatch, emulator, "teams", CONTEXTSMS_PASSWORD="wrong")

    result = run(capsys, "discover")

    assert result.code == 1
    rid = request_id(emulator, "/auth/login")
    assert one_error(result.err) == (
        "POST /api/v2/auth/login failed: 401 UNAUTHORIZED: Invalid username or password "
        f"(requestId {rid}); check the username ({DEMO_USER}) and the password "
        "(contextsms:username, contextsms:password)"
    )


def test_a_csp_the_user_does_not_own_is_refused_with_the_fix(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    connect(monkeypatch, emulator, "teams")

    result = run(capsys, "discover", "--csp-id", "CSP0000099")

    assert result.code == 1
    rid = request_id(emulator, "/csp/enterprises/CSP0000099")
    assert one_error(result.err) == (
        "GET /api/v2/csp/enterprises/CSP0000099 failed: 403 PERMISSION_DENIED: CSP does not "
        f"have permission to access CSP CSP0000099 (requestId {rid}): this user may not read "
        "that; discover a CSP it owns (--csp-id, contextsms:cspId)"
    )


def test_a_server_error_is_one_line_with_its_request_id(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    connect(monkeypatch, emulator, "teams", CONTEXTSMS_MAX_ATTEMPTS="1")
    emulator.fault_next("error", method="GET", path_regex="/csp/enterprises/")

    result = run(capsys, "discover")

    assert result.code == 1
    rid = request_id(emulator, f"/csp/enterprises/{CSP}")
    assert one_error(result.err) == (
        f"GET /api/v2/csp/enterprises/{CSP} failed: 500 INTERNAL_ERROR: Internal server error "
        f"(requestId {rid}): run it again; if it persists, give support the requestId"
    )


def test_an_unreachable_api_names_the_base_to_check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], emulator: EmulatorProcess
) -> None:
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    connect(monkeypatch, emulator, "teams", CONTEXTSMS_MAX_ATTEMPTS="1")
    monkeypatch.setenv("CONTEXTSMS_API_BASE", f"http://127.0.0.1:{port}/api/v2")

    result = run(capsys, "discover")

    assert result.code == 1
    line = one_error(result.err)
    assert line.startswith("POST /api/v2/auth/login failed: could not connect (")
    assert line.endswith("): check contextsms:apiBase and that the service is reachable")


def test_teams_enterprise_ids_not_in_the_csp_are_named(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    made = seed(emulator, "teams", [enterprise("teams", 0)])
    connect(monkeypatch, emulator, "teams")
    known = made["enterprises"][0]["enterprise_id"]

    one = run(capsys, "discover", "--enterprise", known, "E0009998")
    two = run(capsys, "discover", "--enterprise", "E0009998", "E0009999")

    assert one.code == two.code == 1
    assert one_error(one.err) == (
        f"enterprise E0009998 is not among the enterprises of CSP {CSP}: check the ids given "
        "to --enterprise (without it, discover reads every enterprise of the CSP)"
    )
    assert one_error(two.err).startswith(
        f"enterprises E0009998, E0009999 are not among the enterprises of CSP {CSP}: "
    )


def test_webex_enterprise_unknown_to_the_api_is_named(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    connect(monkeypatch, emulator, "webex")

    result = run(capsys, "discover", "--enterprise", "E0009998")

    assert result.code == 1
    rid = request_id(emulator, "/getenterprise/E0009998")
    assert one_error(result.err) == (
        "enterprise E0009998 does not exist for this user (GET "
        "/api/v1/enterprise/getenterprise/E0009998 failed: 404 NOT_FOUND: Enterprise E0009998 "
        f"not found (requestId {rid})): check the id given to --enterprise"
    )
    assert list(Path().iterdir()) == []


def test_webex_deleted_enterprise_is_named(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    made = seed(emulator, "webex", [enterprise("webex", 0), enterprise("webex", 1)])
    gone, kept = (e["enterprise_id"] for e in made["enterprises"])
    with client(emulator, "webex") as portal:
        portal.delete_enterprise(gone)
    connect(monkeypatch, emulator, "webex")

    result = run(capsys, "discover", "--enterprise", kept, gone)

    assert result.code == 1
    assert one_error(result.err) == (
        f"enterprise {gone} was deleted in ContextSMS: leave it out of --enterprise"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--enterprise", "not an id"], "argument --enterprise: --enterprise 'not an id' is not"),
        (["--csp-id", ""], "argument --csp-id: --csp-id must be a non-empty string, got ''"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_usage_errors_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(capsys, "discover", *args)

    assert result.code == 2
    assert result.err.startswith("usage: contextsms discover [-h] [--out DIR]")
    assert f"contextsms discover: error: {message}" in result.err
