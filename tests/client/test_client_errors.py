"""The error tree: status → class, one-line messages, and every httpx exception mapped."""

from __future__ import annotations

import inspect
import pickle

import httpx
import pytest

from pulumi_contextsms.client import errors
from pulumi_contextsms.client.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ContextSmsError,
    DuplicateMappingError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    status_error_class,
)
from pulumi_contextsms.client.http_errors import (
    HTTPX_EXCEPTION_ROOTS,
    from_httpx_exception,
    make_status_error,
)

URL = "http://127.0.0.1:9/api/v2/mapping/add/E0000001"


def response(status: int, **kwargs: object) -> httpx.Response:
    return httpx.Response(status, request=httpx.Request("POST", URL), **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, BadRequestError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (504, ServerError),
        (599, ServerError),
        (405, APIStatusError),
        (410, APIStatusError),
        (302, APIStatusError),
    ],
)
def test_status_maps_to_its_class(status: int, cls: type[APIStatusError]) -> None:
    assert status_error_class(status) is cls
    err = make_status_error(response(status, json={"error": "x"}), method="POST", url=URL)
    assert type(err) is cls
    assert err.status_code == status
    assert isinstance(err, APIStatusError) and isinstance(err, ContextSmsError)


def test_409_with_duplicate_mapping_code_is_a_duplicate_mapping_error() -> None:
    assert status_error_class(409, "DUPLICATE_MAPPING") is DuplicateMappingError
    assert status_error_class(409, "OTHER") is ConflictError


def test_message_is_one_line_with_method_path_status_code_error_and_request_id() -> None:
    body = {
        "error": "Phone number +15551234567 is already mapped to another enterprise",
        "code": "DUPLICATE_MAPPING",
        "requestId": "req-abc123",
    }
    err = make_status_error(response(409, json=body), method="POST", url=URL)
    assert isinstance(err, DuplicateMappingError)
    assert str(err) == (
        "POST /api/v2/mapping/add/E0000001 failed: 409 DUPLICATE_MAPPING: Phone number "
        "+15551234567 is already mapped to another enterprise (requestId req-abc123)"
    )
    assert (err.error, err.code, err.request_id) == (
        body["error"],
        "DUPLICATE_MAPPING",
        "req-abc123",
    )
    assert err.method == "POST" and err.url == URL and err.path == "/api/v2/mapping/add/E0000001"


def test_documented_500_body_keeps_request_id() -> None:
    body = {
        "error": "Internal server error",
        "requestId": "req-abc123",
        "timestamp": "2025-10-14T12:34:56Z",
    }
    err = make_status_error(response(500, json=body), method="GET", url=URL)
    assert str(err) == (
        "GET /api/v2/mapping/add/E0000001 failed: 500: Internal server error (requestId req-abc123)"
    )


def test_details_and_body_are_kept() -> None:
    body = {
        "error": "Invalid phone number format",
        "code": "INVALID_PHONE",
        "details": {"field": "phoneNumber", "message": "Phone number must be E.164 format"},
    }
    err = make_status_error(response(400, json=body), method="POST", url=URL)
    assert err.details == body["details"] and err.body == body
    assert err.response is not None and err.request is not None


def test_integer_code_is_kept() -> None:
    err = make_status_error(
        response(400, json={"error": "bad", "code": 1234}), method="POST", url=URL
    )
    assert err.code == 1234 and "400 1234: bad" in str(err)


def test_non_json_body_becomes_the_message_on_one_line() -> None:
    err = make_status_error(
        response(502, text="<html>\n  Bad gateway\n</html>"), method="GET", url=URL
    )
    assert str(err) == "GET /api/v2/mapping/add/E0000001 failed: 502: <html> Bad gateway </html>"
    assert "\n" not in str(err)


def test_empty_body_uses_the_reason_phrase() -> None:
    err = make_status_error(response(503), method="GET", url=URL)
    assert str(err) == "GET /api/v2/mapping/add/E0000001 failed: 503: Service Unavailable"


def test_spring_and_fastapi_style_bodies_are_tolerated() -> None:
    spring = make_status_error(
        response(404, json={"status": 404, "message": "Enterprise not found"}),
        method="GET",
        url=URL,
    )
    assert spring.error == "Enterprise not found"
    fastapi = make_status_error(
        response(422, json={"detail": [{"msg": "bad"}]}), method="GET", url=URL
    )
    assert isinstance(fastapi, BadRequestError) and "bad" in str(fastapi)


def test_request_id_header_is_used_when_the_body_has_none() -> None:
    err = make_status_error(
        response(500, json={"error": "boom"}, headers={"X-Request-ID": "req-hdr"}),
        method="GET",
        url=URL,
    )
    assert err.request_id == "req-hdr"


def test_long_messages_are_truncated() -> None:
    err = make_status_error(response(400, json={"error": "x" * 5000}), method="GET", url=URL)
    assert len(str(err)) <= 300


def test_query_string_is_not_in_the_message() -> None:
    err = make_status_error(
        response(404, json={"error": "nope"}),
        method="GET",
        url="http://127.0.0.1:9/api/v2/csp/getcspconfig?phoneNumber=%2B15551234567",
    )
    assert "phoneNumber" not in str(err) and "/api/v2/csp/getcspconfig" in str(err)


def test_sensitive_errors_keep_no_request_response_body_or_details() -> None:
    request = httpx.Request("POST", URL, json={"password": "hunter2"})
    resp = httpx.Response(
        401, json={"error": "Invalid credentials", "details": {"echo": "hunter2"}}, request=request
    )
    err = make_status_error(resp, method="POST", url=URL, sensitive=True)
    assert err.request is None and err.response is None
    assert err.body is None and err.details is None
    assert err.error == "Invalid credentials"


def test_rate_limit_error_carries_retry_after() -> None:
    err = make_status_error(response(429), method="GET", url=URL, retry_after=2.5)
    assert isinstance(err, RateLimitError) and err.retry_after == 2.5


def test_with_hint_appends_to_the_message() -> None:
    err = make_status_error(
        response(401, json={"error": "Invalid credentials"}), method="POST", url=URL
    )
    hinted = err.with_hint("check contextsms:password")
    assert str(hinted).endswith("Invalid credentials; check contextsms:password")
    assert type(hinted) is AuthenticationError and hinted.status_code == 401


# -- httpx exceptions ------------------------------------------------------------------


def what_send_can_raise() -> set[type[Exception]]:
    """Every httpx exception class under the roots the request loop catches."""
    found: set[type[Exception]] = set()
    stack: list[type[Exception]] = list(HTTPX_EXCEPTION_ROOTS)
    while stack:
        cls = stack.pop()
        if cls.__module__.startswith("httpx") and cls not in found:
            found.add(cls)
            stack.extend(cls.__subclasses__())
    return found


def test_the_roots_cover_every_transport_error_and_undecodable_body() -> None:
    assert set(HTTPX_EXCEPTION_ROOTS) == {httpx.TransportError, httpx.DecodingError}
    public = {
        obj
        for _, obj in inspect.getmembers(httpx, inspect.isclass)
        if issubclass(obj, httpx.TransportError | httpx.DecodingError)
    }
    assert public <= what_send_can_raise()


@pytest.mark.parametrize(
    "cls", sorted(what_send_can_raise(), key=str), ids=lambda c: getattr(c, "__name__", str(c))
)
def test_everything_send_can_raise_maps_into_our_tree_with_a_reason(cls: type[Exception]) -> None:
    err = from_httpx_exception(
        cls("boom", request=httpx.Request("GET", URL)), method="GET", url=URL
    )
    assert isinstance(err, APIConnectionError)
    assert "\n" not in str(err) and str(err).startswith("GET /api/v2/mapping/add/E0000001 failed")
    assert "unexpected error" not in str(err)


@pytest.mark.parametrize(
    ("cls", "expected", "maybe_sent", "retryable"),
    [
        (httpx.ConnectTimeout, APITimeoutError, False, True),
        (httpx.ReadTimeout, APITimeoutError, True, True),
        (httpx.WriteTimeout, APITimeoutError, True, True),
        (httpx.PoolTimeout, APITimeoutError, False, True),
        (httpx.ConnectError, APIConnectionError, False, True),
        (httpx.ReadError, APIConnectionError, True, True),
        (httpx.WriteError, APIConnectionError, True, True),
        (httpx.CloseError, APIConnectionError, True, True),
        (httpx.RemoteProtocolError, APIConnectionError, True, True),
        (httpx.LocalProtocolError, APIConnectionError, False, False),
        (httpx.ProxyError, APIConnectionError, False, True),
        (httpx.UnsupportedProtocol, APIConnectionError, False, False),
        (httpx.DecodingError, APIConnectionError, True, True),
    ],
)
def test_transport_errors_classify_delivery(
    cls: type[Exception], expected: type[APIConnectionError], maybe_sent: bool, retryable: bool
) -> None:
    err = from_httpx_exception(
        cls("boom", request=httpx.Request("GET", URL)), method="GET", url=URL
    )
    assert type(err) is expected
    assert (err.maybe_sent, err.retryable) == (maybe_sent, retryable)


def test_connection_error_message_names_the_exception() -> None:
    request = httpx.Request("POST", URL)
    err = from_httpx_exception(
        httpx.RemoteProtocolError(
            "Server disconnected without sending a response.", request=request
        ),
        method="POST",
        url=URL,
    )
    assert str(err) == (
        "POST /api/v2/mapping/add/E0000001 failed: server broke the protocol "
        "(RemoteProtocolError: Server disconnected without sending a response.)"
    )
    assert err.request is request


def test_sensitive_transport_errors_keep_no_request() -> None:
    request = httpx.Request("POST", URL, json={"password": "hunter2"})
    err = from_httpx_exception(
        httpx.ReadError("reset", request=request), method="POST", url=URL, sensitive=True
    )
    assert err.request is None


def test_the_tree_is_drawn_in_the_module_docstring() -> None:
    doc = errors.__doc__ or ""
    for name in [
        "ContextSmsError",
        "ConfigurationError",
        "UnsupportedOperationError",
        "InvalidInputError",
        "APIError",
        "APIStatusError",
        "BadRequestError",
        "AuthenticationError",
        "PermissionDeniedError",
        "NotFoundError",
        "ConflictError",
        "DuplicateMappingError",
        "RateLimitError",
        "ServerError",
        "APIConnectionError",
        "APITimeoutError",
        "APIResponseValidationError",
        "AmbiguousCreateError",
    ]:
        assert name in doc, name


def test_configuration_errors_are_fields_rendered_in_any_vocabulary() -> None:
    err = errors.ConfigurationError(
        "api_base",
        expected="a production host",
        value="a{b}.example.com",
        fix=lambda name: f"set {name('environment')} to production",
    )
    assert str(err) == (
        "api_base must be a production host, got 'a{b}.example.com'; set environment to production"
    )
    assert err.render(lambda s: f"contextsms:{s}") == (
        "contextsms:api_base must be a production host, got 'a{b}.example.com'; "
        "set contextsms:environment to production"
    )
    assert (err.setting, err.value, err.missing, err.profile) == (
        "api_base",
        "a{b}.example.com",
        False,
        None,
    )


def test_a_missing_setting_says_so_with_what_it_expects() -> None:
    err = errors.ConfigurationError("platform", missing=True, expected="webex or teams")
    assert str(err) == "platform is not set (webex or teams)"


def test_a_pickled_configuration_error_keeps_its_fix_as_text() -> None:
    err = errors.ConfigurationError(
        "auth_base", missing=True, fix=lambda name: f"derive it from {name('api_base')}"
    )
    copied = pickle.loads(pickle.dumps(err))
    assert (str(copied), copied.fix, copied.setting) == (
        str(err),
        "derive it from api_base",
        "auth_base",
    )


def test_an_ambiguous_create_keeps_its_cause_and_says_it_may_exist() -> None:
    cause = from_httpx_exception(httpx.ReadTimeout("slow"), method="POST", url=URL)
    err = errors.AmbiguousCreateError(cause, record="CSP", reason="it cannot be looked up")
    assert isinstance(err, errors.APIError) and err.cause is cause
    assert str(err) == f"{cause}; the CSP may have been created: it cannot be looked up"
    assert (err.method, err.url) == (cause.method, cause.url)


def test_invalid_input_error_is_a_value_error() -> None:
    assert issubclass(errors.InvalidInputError, ValueError)


@pytest.mark.parametrize(
    "err",
    [
        errors.ConfigurationError("api_base", missing=True),
        errors.AmbiguousCreateError(
            from_httpx_exception(httpx.ReadTimeout("slow"), method="POST", url=URL),
            record="enterprise",
            reason="no lookup",
        ),
        errors.UnsupportedOperationError("list_enterprises", "Webex Bot API (v1)"),
        errors.InvalidInputError("bad", fields=("name",)),
        make_status_error(
            response(409, json={"error": "dup", "code": "DUPLICATE_MAPPING"}),
            method="POST",
            url=URL,
            sensitive=True,
        ),
        make_status_error(response(429), method="GET", url=URL, retry_after=1.0, sensitive=True),
        from_httpx_exception(httpx.ReadTimeout("slow"), method="GET", url=URL),
    ],
)
def test_errors_copy_and_pickle_with_their_attributes(err: ContextSmsError) -> None:
    import copy
    import pickle

    for clone in (copy.copy(err), pickle.loads(pickle.dumps(err))):
        assert type(clone) is type(err)
        assert str(clone) == str(err)
        skipped = ("request", "response", "cause")  # compared below, they are objects
        assert {k: v for k, v in vars(clone).items() if k not in skipped} == {
            k: v for k, v in vars(err).items() if k not in skipped
        }
        assert repr(getattr(clone, "cause", None)) == repr(getattr(err, "cause", None))
