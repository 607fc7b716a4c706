"""The request loop: the one place that sends HTTP, retries, re-authenticates and maps errors.

Everything above it (the dialects, the reconciliation, the `ContextSmsClient` facade)
describes a request as `RequestOptions` and calls `RequestLoop.send()`; nothing above
retries, authenticates or looks at httpx exceptions. The rules it applies are written
once, in docs/client.md ("What is retried", "Secrets" for what each attempt logs,
"Request rate" for the spacing every send waits for when a rate is set).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

import httpx

from .errors import APIConnectionError, APIError, RateLimitError, ServerError
from .http_errors import HTTPX_EXCEPTION_ROOTS, from_httpx_exception, make_status_error
from .retry import IDEMPOTENT_METHODS, RetryPolicy, parse_retry_after

if TYPE_CHECKING:  # only a client with a request rate loads it
    from .rate import RequestSpacing

__all__ = [
    "LOGGER_NAME",
    "AttemptTrace",
    "RequestLoop",
    "RequestOptions",
    "TokenSource",
]

LOGGER_NAME = "pulumi_contextsms.client"
logger = logging.getLogger(LOGGER_NAME)

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class TokenSource(Protocol):
    """What the loop needs from the auth layer (`auth.TokenManager`)."""

    def token(self) -> str:
        """A bearer token to use now (logs in or refreshes as needed)."""
        ...

    def on_unauthorized(self, rejected: str) -> None:
        """The API answered 401 to `rejected`: make the next `token()` a fresh one."""
        ...


@dataclass(frozen=True)
class RequestOptions:
    """One logical request. `url` is absolute; `json` None means no body.

    `sensitive` marks requests whose body holds a credential (the auth calls): their
    errors keep no request, response, body or httpx cause. `replay_safe` marks POSTs
    that may be sent again after an ambiguous failure: those that create nothing (auth
    calls, read-only lookups) and creates that the caller made safe to replay (a
    trusted Idempotency-Key, or a lookup before each replay). An Idempotency-Key alone
    does not make a POST replay-safe: no API document promises that it is honoured.
    """

    method: str
    url: str
    json: Any = None
    params: Mapping[str, str | int] | None = None
    idempotency_key: str | None = None
    authenticated: bool = True
    sensitive: bool = False
    replay_safe: bool = False

    @property
    def can_replay(self) -> bool:
        """May this request be sent again after an ambiguous failure (5xx, drop)?"""
        return self.method.upper() in IDEMPOTENT_METHODS or self.replay_safe


@dataclass
class AttemptTrace:
    """What happened during one `send()`; the reconciliation reads it.

    `ambiguous` is True once an attempt failed in a way that leaves open whether the
    server acted on it: a 5xx, or a connection failure after the request may have been
    sent (a drop, a read timeout).
    """

    attempts: int = 0
    ambiguous: bool = False
    statuses: list[int | str] = field(default_factory=list)


BeforeReplay = Callable[[], bool]
"""Called before replaying a request after an ambiguous failure; True cancels the replay
(the caller found the record the earlier attempt made) and the failure is raised."""


@dataclass(frozen=True)
class _Failure:
    error: APIError
    cause: BaseException | None


class RequestLoop:
    """Sends `RequestOptions` with retries, re-authentication and error mapping.

    Thread-safe: it holds no per-call state; httpx's connection pool is shared. With
    `spacing`, every send (the auth calls' too: they go through this loop) first waits
    for its turn.
    """

    def __init__(
        self,
        http: httpx.Client,
        policy: RetryPolicy,
        *,
        user_agent: str,
        sleep: Sleep = time.sleep,
        clock: Clock = time.time,
        rng: random.Random | None = None,
        spacing: RequestSpacing | None = None,
    ) -> None:
        self._http = http
        self._spacing = spacing
        self._policy = policy
        self._user_agent = user_agent
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._rng_lock = threading.Lock()

    @property
    def clock(self) -> Clock:
        return self._clock

    def send(
        self,
        options: RequestOptions,
        auth: TokenSource | None = None,
        *,
        trace: AttemptTrace | None = None,
        before_replay: BeforeReplay | None = None,
    ) -> httpx.Response:
        """Send `options` until it succeeds (2xx) or the rules say stop; raise `APIError`.

        Time spent waiting for a turn (`spacing`) does not count against the policy's
        `total_timeout`: that bounds the retrying, not the queue.
        """
        trace = trace if trace is not None else AttemptTrace()
        started = self._clock()
        queued = 0.0
        retries = 0
        reauthenticated = False
        while True:
            token = auth.token() if auth is not None and options.authenticated else None
            trace.attempts += 1
            if self._spacing is not None:  # after token(): a login takes its own turn
                queued += self._spacing.wait_turn()
            outcome = self._attempt(options, token, trace.attempts)
            if isinstance(outcome, httpx.Response):
                trace.statuses.append(outcome.status_code)
                if outcome.is_success:
                    return outcome
                if (
                    outcome.status_code == 401
                    and auth is not None
                    and token is not None
                    and not reauthenticated
                ):
                    reauthenticated = True
                    logger.info(
                        "%s %s → 401: re-authenticating and sending it once more",
                        options.method,
                        _path(options.url),
                    )
                    auth.on_unauthorized(token)
                    continue
                failure = self._status_failure(outcome, options)
            else:
                failure = outcome
                trace.statuses.append(type(failure.cause).__name__ if failure.cause else "error")
            if _is_ambiguous(failure.error):
                trace.ambiguous = True
            retries += 1
            elapsed = self._clock() - started - queued
            delay = self._delay(failure.error, options, retries, elapsed)
            if delay is None:
                self._raise(failure)
            logger.info(
                "%s %s: retry %d of %d in %.2f s after %s",
                options.method,
                _path(options.url),
                retries,
                self._policy.max_attempts - 1,
                delay,
                _describe(failure.error),
            )
            self._sleep(delay)
            if before_replay is not None and trace.ambiguous and before_replay():
                self._raise(failure)

    # -- one attempt -----------------------------------------------------------------

    def _attempt(
        self, options: RequestOptions, token: str | None, attempt: int
    ) -> httpx.Response | _Failure:
        headers = {"Accept": "application/json", "User-Agent": self._user_agent}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if options.idempotency_key is not None:
            headers["Idempotency-Key"] = options.idempotency_key
        path = _path(options.url)
        try:
            request = self._http.build_request(
                options.method,
                options.url,
                json=options.json,
                params=dict(options.params) if options.params else None,
                headers=headers,
            )
            response = self._http.send(request)
        except HTTPX_EXCEPTION_ROOTS as exc:
            # The one translation of httpx exceptions; `_raise` chains it as the cause.
            error = from_httpx_exception(
                exc, method=options.method, url=options.url, sensitive=options.sensitive
            )
            logger.debug(
                "%s %s → %s (attempt %d)", options.method, path, type(exc).__name__, attempt
            )
            return _Failure(error, None if options.sensitive else exc)
        logger.debug("%s %s → %d (attempt %d)", options.method, path, response.status_code, attempt)
        return response

    def _status_failure(self, response: httpx.Response, options: RequestOptions) -> _Failure:
        retry_after = None
        if response.status_code == 429:
            retry_after = parse_retry_after(response.headers.get("Retry-After"), self._clock())
        error = make_status_error(
            response,
            method=options.method,
            url=options.url,
            sensitive=options.sensitive,
            retry_after=retry_after,
        )
        return _Failure(error, None)

    @staticmethod
    def _raise(failure: _Failure) -> NoReturn:
        raise failure.error from failure.cause

    # -- the retry rules -------------------------------------------------------------

    def _delay(
        self, error: APIError, options: RequestOptions, retry_number: int, elapsed: float
    ) -> float | None:
        """Seconds to wait before retry `retry_number`, or None to give up."""
        policy = self._policy
        if retry_number >= policy.max_attempts:
            return None
        with self._rng_lock:
            if isinstance(error, RateLimitError):
                delay = policy.retry_after_delay(error.retry_after, retry_number, self._rng)
            elif isinstance(error, ServerError):
                if not options.can_replay:
                    return None
                delay = policy.backoff(retry_number, self._rng)
            elif isinstance(error, APIConnectionError):
                if not error.retryable or (error.maybe_sent and not options.can_replay):
                    return None
                delay = policy.backoff(retry_number, self._rng)
            else:
                return None
        if elapsed + delay > policy.total_timeout:
            return None
        return delay


def _is_ambiguous(error: APIError) -> bool:
    if isinstance(error, ServerError):
        return True
    return isinstance(error, APIConnectionError) and error.maybe_sent


def _describe(error: APIError) -> str:
    status = getattr(error, "status_code", None)
    if status is not None:
        return str(status)
    return type(error).__name__


def _path(url: str) -> str:
    try:
        return httpx.URL(url).path or "/"
    except httpx.InvalidURL:  # pragma: no cover - bases are validated
        return "?"
