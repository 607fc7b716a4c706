"""Passwords and tokens never reach logs, reprs or exception text; the DEBUG line format."""

from __future__ import annotations

import logging
import re
import traceback

import httpx
import pytest
from client_fakes import PASSWORD, FakeAPI, FakeClock, json_response

from pulumi_contextsms.client import (
    APIError,
    AuthenticationError,
    ContextSmsClient,
    MappingSpec,
    Platform,
)

SECRET = re.compile(rf"{re.escape(PASSWORD)}|access-\d+|refresh-\d+")
MAPPING = MappingSpec(phone_number="+15551234567", messaging_app_type="Webex", messaging_app_id="b")


def assert_clean(text: str) -> None:
    assert not SECRET.search(text), f"secret leaked: {SECRET.search(text)!r} in {text!r}"


def exception_texts(exc: BaseException) -> str:
    parts = [str(exc), repr(exc), repr(exc.args), "".join(traceback.format_exception(exc))]
    for value in vars(exc).values():
        if not isinstance(value, httpx.Request | httpx.Response):
            parts.append(repr(value))
    return "\n".join(parts)


def test_nothing_secret_in_debug_logs_through_login_refresh_401_and_errors(
    api: FakeAPI, clock: FakeClock, webex: ContextSmsClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    api.on("GET", "/api/v1/mappings/enterprise/E1", json_response(200, []))
    api.on(
        "POST",
        "/api/v1/mapping/add/E1",
        json_response(503, {"error": "down"}),
        json_response(201, {"numberToMessageAppMapId": "NTMAP1"}),
    )
    webex.list_mappings("E1")
    clock.advance(3590)  # refresh
    webex.list_mappings("E1")
    api.valid.clear()  # 401 → refresh again
    webex.list_mappings("E1")
    api.refuse_refresh_status = 401  # refused refresh → login
    api.valid.clear()
    webex.list_mappings("E1")
    webex.create_mapping("E1", MAPPING)
    assert api.logins == 2 and api.refreshes == 2
    assert caplog.records
    for record in caplog.records:
        assert_clean(record.getMessage())
        assert_clean(caplog.text)


def test_login_failure_text_and_attributes_hold_no_password(
    api: FakeAPI, webex: ContextSmsClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    api.login_status = 401
    with pytest.raises(AuthenticationError) as info:
        webex.authenticate()
    assert_clean(exception_texts(info.value))
    assert info.value.request is None and info.value.response is None
    assert_clean(caplog.text)


@pytest.mark.parametrize(
    "failure",
    [httpx.ReadError("connection reset"), httpx.ReadTimeout("timed out")],
    ids=lambda e: type(e).__name__,
)
def test_auth_transport_errors_carry_no_request_body(
    api: FakeAPI, webex: ContextSmsClient, failure: Exception
) -> None:
    api.login_exception = failure
    with pytest.raises(APIError) as info:
        webex.authenticate()
    err = info.value
    assert err.request is None
    assert err.__cause__ is None and err.__suppress_context__
    assert_clean(exception_texts(err))


def test_api_error_after_auth_has_no_token_in_text(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on("GET", "/api/v1/mappings/enterprise/E1", json_response(403, {"error": "denied"}))
    with pytest.raises(APIError) as info:
        webex.list_mappings("E1")
    assert_clean(exception_texts(info.value))


def test_reprs_hold_no_secrets(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on("GET", "/api/v1/mappings/enterprise/E1", json_response(200, []))
    webex.list_mappings("E1")
    for obj in (webex, webex.settings, webex._auth, webex._auth._tokens):
        assert_clean(repr(obj))
        assert_clean(str(obj))
    assert_clean(repr(webex.settings.model_dump()))


def test_debug_line_format(
    api: FakeAPI, webex: ContextSmsClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="pulumi_contextsms.client")
    api.on(
        "POST",
        "/api/v1/mapping/add/E0000001",
        json_response(201, {"numberToMessageAppMapId": "NTMAP1"}),
    )
    webex.create_mapping("E0000001", MAPPING, existing_ids=())
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert messages == [
        "POST /v1/auth/login → 200 (attempt 1)",
        "POST /api/v1/mapping/add/E0000001 → 201 (attempt 1)",
    ]
    assert {r.name for r in caplog.records} == {"pulumi_contextsms.client"}


def test_retries_and_exceptions_are_logged_without_query_strings(
    api: FakeAPI, make_client: object, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="pulumi_contextsms.client")
    client = make_client(Platform.TEAMS)  # type: ignore[operator]
    api.on(
        "GET",
        "/api/v2/csp/getcspconfig",
        httpx.ConnectError("refused"),
        json_response(200, {"productName": "x"}),
    )
    client.get_csp_config("+15551234567")
    assert "GET /api/v2/csp/getcspconfig → ConnectError (attempt 1)" in caplog.text
    assert "GET /api/v2/csp/getcspconfig: retry 1 of 5" in caplog.text
    assert "15551234567" not in caplog.text
