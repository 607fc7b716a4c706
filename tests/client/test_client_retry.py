"""What is retried, with which waits, and what never is. Nothing really sleeps."""

from __future__ import annotations

import email.utils
import random
from collections.abc import Callable

import httpx
import pytest
from client_fakes import START, FakeAPI, FakeClock, json_response

from pulumi_contextsms.client import (
    APIConnectionError,
    APITimeoutError,
    BadRequestError,
    ConflictError,
    ContextSmsClient,
    EnterpriseSpec,
    NotFoundError,
    PermissionDeniedError,
    Platform,
    RateLimitError,
    RetryPolicy,
    ServerError,
)
from pulumi_contextsms.client.request_loop import AttemptTrace, RequestLoop, RequestOptions
from pulumi_contextsms.client.retry import parse_retry_after

LIST = ("GET", "/api/v1/mappings/enterprise/E1")
CREATE = ("POST", "/api/v1/enterprise/CSP1")
SPEC = EnterpriseSpec(
    name="Acme", contact="Jo", phone_number="+15551234567", email="jo@example.com"
)
ENTERPRISE = {"enterpriseId": "E0000001", "name": "Acme"}
OK_LIST = json_response(200, [])


def rate_limited(retry_after: str | None = None) -> httpx.Response:
    headers = {"Retry-After": retry_after} if retry_after is not None else None
    return json_response(429, {"error": "Too many requests", "code": "RATE_LIMITED"}, headers)


def server_error(status: int = 500) -> httpx.Response:
    return json_response(status, {"error": "Internal server error", "requestId": "req-1"})


def list_calls(api: FakeAPI) -> int:
    return sum(1 for r in api.api_requests() if r.method == "GET")


# -- 429 -------------------------------------------------------------------------------


def test_429_waits_the_retry_after_seconds(
    api: FakeAPI, clock: FakeClock, webex: ContextSmsClient
) -> None:
    api.on(*LIST, rate_limited("2"), rate_limited("1"), OK_LIST)
    assert webex.list_mappings("E1") == []
    assert clock.sleeps == [2.0, 1.0]
    assert list_calls(api) == 3


def test_429_honours_an_http_date_retry_after(
    api: FakeAPI, clock: FakeClock, webex: ContextSmsClient
) -> None:
    when = email.utils.formatdate(START + 3, usegmt=True)
    api.on(*LIST, rate_limited(when), OK_LIST)
    webex.list_mappings("E1")
    assert clock.sleeps == [pytest.approx(3.0)]


def test_429_retry_after_is_capped(api: FakeAPI, clock: FakeClock, webex: ContextSmsClient) -> None:
    api.on(*LIST, rate_limited("120"), OK_LIST)
    webex.list_mappings("E1")
    assert clock.sleeps == [30.0]


def test_429_without_retry_after_backs_off_with_jitter(
    api: FakeAPI, clock: FakeClock, webex: ContextSmsClient
) -> None:
    api.on(*LIST, rate_limited(), rate_limited("soon"), OK_LIST)
    webex.list_mappings("E1")
    assert len(clock.sleeps) == 2
    assert 0 <= clock.sleeps[0] <= 0.5 and 0 <= clock.sleeps[1] <= 1.0


def test_429_is_retried_on_a_create_post_with_the_same_key(
    api: FakeAPI, clock: FakeClock, webex: ContextSmsClient
) -> None:
    api.on(*CREATE, rate_limited("0"), json_response(201, ENTERPRISE))
    assert webex.create_enterprise("CSP1", SPEC).enterprise_id == "E0000001"
    posts = [r for r in api.api_requests() if r.method == "POST"]
    assert len(posts) == 2 and len({r.headers["Idempotency-Key"] for r in posts}) == 1
    assert clock.sleeps == [0.0]


def test_persistent_429_gives_up_after_max_attempts(
    api: FakeAPI, clock: FakeClock, webex: ContextSmsClient
) -> None:
    api.on(*LIST, rate_limited("1"))
    with pytest.raises(RateLimitError) as info:
        webex.list_mappings("E1")
    assert list_calls(api) == 6 and clock.sleeps == [1.0] * 5
    assert info.value.retry_after == 1.0


def test_total_time_bounds_the_retries(
    api: FakeAPI, clock: FakeClock, make_client: Callable[..., ContextSmsClient]
) -> None:
    client = make_client(retry=RetryPolicy(total_timeout=10))
    api.on(*LIST, rate_limited("4"))
    with pytest.raises(RateLimitError):
        client.list_mappings("E1")
    assert clock.sleeps == [4.0, 4.0]  # a third wait would end 12 s after the start
    assert list_calls(api) == 3


# -- 5xx and connection errors ---------------------------------------------------------


def test_5xx_on_get_backs_off_exponentially_within_the_bounds(
    api: FakeAPI, clock: FakeClock, webex: ContextSmsClient
) -> None:
    api.on(*LIST, server_error(503))
    with pytest.raises(ServerError) as info:
        webex.list_mappings("E1")
    assert list_calls(api) == 6
    ceilings = [0.5, 1.0, 2.0, 4.0, 8.0]
    assert len(clock.sleeps) == 5
    for wait, ceiling in zip(clock.sleeps, ceilings, strict=True):
        assert 0 <= wait <= ceiling
    assert info.value.status_code == 503 and info.value.request_id == "req-1"


def test_backoff_is_capped(
    api: FakeAPI, clock: FakeClock, make_client: Callable[..., ContextSmsClient]
) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=10, total_timeout=1000))
    api.on(*LIST, server_error())
    with pytest.raises(ServerError):
        client.list_mappings("E1")
    assert len(clock.sleeps) == 9 and max(clock.sleeps) <= 8.0


def test_full_jitter_draws_uniformly_below_the_ceiling() -> None:
    policy = RetryPolicy()
    rng = random.Random(7)
    expected = random.Random(7)
    for n in range(1, 8):
        ceiling = min(8.0, 0.5 * 2 ** (n - 1))
        assert policy.backoff_ceiling(n) == ceiling
        assert policy.backoff(n, rng) == expected.uniform(0, ceiling)


def test_5xx_on_get_then_success(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on(*LIST, server_error(502), server_error(500), OK_LIST)
    assert webex.list_mappings("E1") == []
    assert list_calls(api) == 3


def test_create_post_is_retried_on_5xx_with_the_same_trusted_idempotency_key(
    api: FakeAPI, make_client: Callable[..., ContextSmsClient]
) -> None:
    webex = make_client(Platform.WEBEX, trust_idempotency_keys=True)
    api.on(*CREATE, server_error(), server_error(503), json_response(201, ENTERPRISE))
    webex.create_enterprise("CSP1", SPEC)
    keys = [r.headers["Idempotency-Key"] for r in api.api_requests()]
    assert len(keys) == 3 and len(set(keys)) == 1


def test_create_post_is_retried_after_a_dropped_connection_with_the_same_trusted_key(
    api: FakeAPI, make_client: Callable[..., ContextSmsClient]
) -> None:
    webex = make_client(Platform.WEBEX, trust_idempotency_keys=True)
    api.on(
        *CREATE,
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        json_response(201, ENTERPRISE),
    )
    assert webex.create_enterprise("CSP1", SPEC).enterprise_id == "E0000001"
    keys = [r.headers["Idempotency-Key"] for r in api.api_requests()]
    assert len(keys) == 2 and keys[0] == keys[1]


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused"),
        httpx.ReadError("reset"),
        httpx.ReadTimeout("slow"),
        httpx.ConnectTimeout("slow"),
        httpx.RemoteProtocolError("dropped"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_get_is_retried_on_connection_errors(
    api: FakeAPI, webex: ContextSmsClient, exc: Exception
) -> None:
    api.on(*LIST, exc, exc, OK_LIST)
    assert webex.list_mappings("E1") == []
    assert list_calls(api) == 3


def test_persistent_timeouts_raise_api_timeout_error(
    api: FakeAPI, clock: FakeClock, webex: ContextSmsClient
) -> None:
    api.on(*LIST, httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError) as info:
        webex.list_mappings("E1")
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)
    assert list_calls(api) == 6


def test_unretryable_transport_errors_are_raised_at_once(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on(*LIST, httpx.UnsupportedProtocol("nope"))
    with pytest.raises(APIConnectionError):
        webex.list_mappings("E1")
    assert list_calls(api) == 1


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, BadRequestError),
    ],
)
def test_4xx_other_than_429_is_never_retried(
    api: FakeAPI, clock: FakeClock, webex: ContextSmsClient, status: int, cls: type[Exception]
) -> None:
    api.on(*LIST, json_response(status, {"error": "no"}))
    api.on(*CREATE, json_response(status, {"error": "no"}))
    with pytest.raises(cls):
        webex.list_mappings("E1")
    with pytest.raises(cls):
        webex.create_enterprise("CSP1", SPEC)
    assert len(api.api_requests()) == 2 and clock.sleeps == []


def test_no_retries_policy_sends_once(
    api: FakeAPI, clock: FakeClock, make_client: Callable[..., ContextSmsClient]
) -> None:
    client = make_client(Platform.WEBEX, retry=RetryPolicy.no_retries())
    api.on(*LIST, server_error())
    with pytest.raises(ServerError):
        client.list_mappings("E1")
    assert list_calls(api) == 1 and clock.sleeps == []


# -- the loop's rules for requests without a key ----------------------------------------


def loop_with(handler: Callable[[httpx.Request], httpx.Response], clock: FakeClock) -> RequestLoop:
    http = httpx.Client(transport=httpx.MockTransport(handler))
    return RequestLoop(http, RetryPolicy(), user_agent="t", sleep=clock.sleep, clock=clock)


def sequence(
    *replies: httpx.Response | Exception,
) -> tuple[Callable[[httpx.Request], httpx.Response], list[httpx.Request]]:
    seen: list[httpx.Request] = []
    queue = list(replies)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(reply, Exception):
            raise reply
        return reply

    return handler, seen


POST_NO_KEY = RequestOptions(
    "POST", "http://127.0.0.1:9/api/v1/thing", json={"a": 1}, authenticated=False
)


@pytest.mark.parametrize(
    "reply", [server_error(), httpx.ReadError("reset"), httpx.ReadTimeout("slow")], ids=str
)
def test_a_post_without_key_is_not_replayed_after_an_ambiguous_failure(
    clock: FakeClock, reply: httpx.Response | Exception
) -> None:
    handler, seen = sequence(reply, json_response(200, {}))
    with pytest.raises((ServerError, APIConnectionError)):
        loop_with(handler, clock).send(POST_NO_KEY)
    assert len(seen) == 1


@pytest.mark.parametrize("reply", [rate_limited("0"), httpx.ConnectError("refused")], ids=str)
def test_a_post_without_key_is_retried_when_the_server_did_not_act(
    clock: FakeClock, reply: httpx.Response | Exception
) -> None:
    handler, seen = sequence(reply, json_response(200, {}))
    loop_with(handler, clock).send(POST_NO_KEY)
    assert len(seen) == 2


def test_a_replay_safe_post_is_replayed(clock: FakeClock) -> None:
    handler, seen = sequence(server_error(), json_response(200, {}))
    options = RequestOptions(
        "POST", POST_NO_KEY.url, json={}, authenticated=False, replay_safe=True
    )
    loop_with(handler, clock).send(options)
    assert len(seen) == 2


@pytest.mark.parametrize("method", ["PUT", "DELETE", "GET"])
def test_idempotent_methods_are_replayed(clock: FakeClock, method: str) -> None:
    handler, seen = sequence(httpx.ReadError("reset"), httpx.Response(204))
    loop_with(handler, clock).send(RequestOptions(method, POST_NO_KEY.url, authenticated=False))
    assert len(seen) == 2


def test_the_trace_records_ambiguity(clock: FakeClock) -> None:
    handler, _ = sequence(rate_limited("0"), server_error(), json_response(200, {}))
    trace = AttemptTrace()
    options = RequestOptions(
        "POST", POST_NO_KEY.url, json={}, authenticated=False, idempotency_key="k", replay_safe=True
    )
    loop_with(handler, clock).send(options, trace=trace)
    assert trace.attempts == 3 and trace.ambiguous and trace.statuses == [429, 500, 200]


def test_a_429_alone_is_not_ambiguous(clock: FakeClock) -> None:
    handler, _ = sequence(rate_limited("0"), json_response(200, {}))
    trace = AttemptTrace()
    loop_with(handler, clock).send(POST_NO_KEY, trace=trace)
    assert not trace.ambiguous


# -- Retry-After parsing ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", 3.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("-4", 0.0),
        (" 7 ", 7.0),
        ("", None),
        (None, None),
        ("soon", None),
        ("nan", None),
        (email.utils.formatdate(START + 10, usegmt=True), 10.0),
        (email.utils.formatdate(START - 10, usegmt=True), 0.0),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    result = parse_retry_after(value, START)
    assert result == (pytest.approx(expected) if expected is not None else None)
