"""Every error the ContextSMS client raises, in one place.

```
ContextSmsError
├── ConfigurationError           settings are missing or unsafe (names the setting to fix)
├── UnsupportedOperationError    the platform's API has no such call (raised before any HTTP)
├── InvalidInputError            bad input caught before any HTTP (also a ValueError)
└── APIError                     something went wrong talking to the API
    ├── APIResponseValidationError   a 2xx response whose body is not what the docs describe
    ├── APIStatusError               the API answered with a non-2xx status
    │   ├── BadRequestError              400 (and 422)
    │   ├── AuthenticationError          401
    │   ├── PermissionDeniedError        403
    │   ├── NotFoundError                404
    │   ├── ConflictError                409
    │   │   └── DuplicateMappingError        409 with code DUPLICATE_MAPPING
    │   ├── RateLimitError               429 (retry_after)
    │   └── ServerError                  5xx
    ├── APIConnectionError           no usable response (refused, dropped, protocol error)
    │   └── APITimeoutError              a connect/read/write/pool timeout
    ├── AmbiguousCreateError         a create may have been made; not replayed (no lookup)
    └── PagingError                  a paged listing that does not advance or never ends
```

Two functions in `http_errors` turn httpx's outcomes into these classes, and nothing
else does: `make_status_error` (a non-2xx response, through `status_error_class`) and
`from_httpx_exception` (what `httpx.Client.send()` raises). This module imports no
httpx, so the settings and the Pulumi layer's check() can raise and catch these errors
without loading the HTTP stack.

`str(err)` is always one line, e.g.
``POST /api/v2/mapping/add/E0000001 failed: 409 DUPLICATE_MAPPING: Phone number
+15551234567 is already mapped to another enterprise (requestId req-abc123)``.
Errors never carry credentials: requests that hold a password or a token in their body
(the auth calls) are marked sensitive, and their errors keep neither the request, the
response, the body nor the httpx cause.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "AmbiguousCreateError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "ContextSmsError",
    "DuplicateMappingError",
    "InvalidInputError",
    "NotFoundError",
    "PagingError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "UnsupportedOperationError",
    "status_error_class",
]

DUPLICATE_MAPPING_CODE = "DUPLICATE_MAPPING"
_MAX_MESSAGE_CHARS = 300


def _one_line(text: str, limit: int = _MAX_MESSAGE_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _path_of(url: str) -> str:
    """The path of a URL, without query string (queries may carry phone numbers)."""
    try:
        return urlsplit(url).path or "/"
    except (TypeError, ValueError):
        return str(url).split("?", 1)[0]


def _reason_phrase(status_code: int) -> str | None:
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return None


def _restore(cls: type[ContextSmsError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class ContextSmsError(Exception):
    """Base class of every error raised by `pulumi_contextsms.client`.

    Errors copy and pickle with all their attributes (keyword-only constructors would
    otherwise break `copy.copy` and `pickle`).
    """

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.args, dict(self.__dict__)))


Namer = Callable[[str], str]
"""How a caller names a setting: a neutral name (``api_base``) in, its own word out."""


class ConfigurationError(ContextSmsError):
    """Connection settings are missing or unsafe, as fields rather than prose:

    * `setting`: the neutral name of the setting to fix (``api_base``), if there is one;
    * `missing`: it is not set at all; else `expected` says what it must be and `value`
      what it is (None: not shown; never given for a secret);
    * `fix`: what else to do, naming other settings through the caller's namer;
    * `profile`: the caller's profile the setting was read from (the client has none).

    The client has no vocabulary for where settings come from: `str()` names settings
    neutrally, and a caller with its own (the Pulumi layer's stack keys) calls `render`,
    the one place the sentence is written. Values never pass through a format string.
    """

    def __init__(
        self,
        setting: str | None,
        *,
        expected: str | None = None,
        value: object | None = None,
        missing: bool = False,
        fix: str | Callable[[Namer], str] | None = None,
        profile: str | None = None,
    ) -> None:
        self.setting = setting
        self.expected = expected
        self.value = value
        self.missing = missing
        self.fix = fix
        self.profile = profile
        super().__init__(self.render())

    def render(self, name: Namer = str) -> str:
        """The message, with every setting named by `name(neutral_name)`."""
        head = ""
        if self.setting is not None:
            subject = name(self.setting)
            if self.missing:
                head = f"{subject} is not set"
                head += f" ({self.expected})" if self.expected else ""
            else:
                head = f"{subject} must be {self.expected or 'valid'}"
            head += f", got {self.value!r}" if self.value is not None else ""
        fix = self.fix(name) if callable(self.fix) else self.fix
        return "; ".join(part for part in (head, fix) if part)

    def __reduce__(self) -> tuple[Any, ...]:
        # a function does not pickle: a copy keeps the fix as its neutral text
        state = dict(self.__dict__, fix=self.fix(str) if callable(self.fix) else self.fix)
        return (_restore, (type(self), self.args, state))


class UnsupportedOperationError(ContextSmsError):
    """The selected platform's API does not document this call. Raised before any HTTP."""

    def __init__(self, operation: str, platform: str, hint: str | None = None) -> None:
        message = f"{operation} is not supported by the {platform} API"
        if hint:
            message += f"; {hint}"
        super().__init__(message)
        self.operation = operation
        self.platform = platform


class InvalidInputError(ContextSmsError, ValueError):
    """Input rejected before any HTTP; `fields` names the offending input fields."""

    def __init__(self, message: str, *, fields: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.fields = fields


class APIError(ContextSmsError):
    """A call to the API failed. Keeps the method and URL it came from.

    `request` is the `httpx.Request` when it is safe to keep (never for auth calls,
    whose body holds a password or a refresh token).
    """

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        request: httpx.Request | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url
        self.request = request

    @property
    def path(self) -> str:
        return _path_of(self.url)


class APIResponseValidationError(APIError):
    """A 2xx response whose body does not have the documented shape."""

    def __init__(
        self,
        reason: str,
        *,
        method: str,
        url: str,
        status_code: int,
        request: httpx.Request | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        message = f"{method} {_path_of(url)} returned {status_code} with an unexpected body: "
        super().__init__(_one_line(message + reason), method=method, url=url, request=request)
        self.status_code = status_code
        self.response = response


class APIStatusError(APIError):
    """The API answered with a non-2xx status.

    Attributes follow the documented ErrorResponse: `error` (the message), `code`,
    `details`, `request_id`; `body` is the parsed JSON (or text) of the response.
    """

    def __init__(
        self,
        *,
        method: str,
        url: str,
        status_code: int,
        error: str | None = None,
        code: str | int | None = None,
        details: Any = None,
        request_id: str | None = None,
        body: Any = None,
        request: httpx.Request | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        self.status_code = status_code
        self.error = error
        self.code = code
        self.details = details
        self.request_id = request_id
        self.body = body
        self.response = response
        super().__init__(self._format(method, url), method=method, url=url, request=request)

    def with_hint(self, hint: str) -> Self:
        """A copy whose message ends with `hint` (e.g. which config key to check)."""
        clone = copy.copy(self)
        clone.message = _one_line(f"{self.message}; {hint}")
        clone.args = (clone.message,)
        return clone

    def _format(self, method: str, url: str) -> str:
        head = f"{method} {_path_of(url)} failed: {self.status_code}"
        if self.code not in (None, ""):
            head += f" {self.code}"
        reason = self.error
        if not reason:
            reason = _reason_phrase(self.status_code)
        if reason:
            head += f": {reason}"
        if self.request_id:
            head += f" (requestId {self.request_id})"
        return _one_line(head)


class BadRequestError(APIStatusError):
    """400 Bad Request (422 is treated the same): the API rejected the input."""


class AuthenticationError(APIStatusError):
    """401 Unauthorized: bad credentials, or a token the API refused even after re-auth."""


class PermissionDeniedError(APIStatusError):
    """403 Forbidden: the user lacks permission (for example another CSP's record)."""


class NotFoundError(APIStatusError):
    """404 Not Found."""


class ConflictError(APIStatusError):
    """409 Conflict."""


class DuplicateMappingError(ConflictError):
    """409 with code DUPLICATE_MAPPING: the phone number is already mapped."""


class RateLimitError(APIStatusError):
    """429 Too Many Requests; `retry_after` is the parsed Retry-After in seconds."""

    def __init__(self, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(**kwargs)


class ServerError(APIStatusError):
    """5xx: the server failed. Retried when the request is safe to replay."""


class APIConnectionError(APIError):
    """No usable response: the connection failed, dropped, or broke the protocol.

    `maybe_sent` is True when the server may have received (and acted on) the request,
    which makes the failure ambiguous for a POST. `retryable` is False for failures a
    retry cannot fix (an unsupported URL scheme, a local protocol error...).
    """

    def __init__(
        self,
        *,
        method: str,
        url: str,
        reason: str = "connection error",
        maybe_sent: bool = True,
        retryable: bool = True,
        request: httpx.Request | None = None,
    ) -> None:
        message = _one_line(f"{method} {_path_of(url)} failed: {reason}")
        super().__init__(message, method=method, url=url, request=request)
        self.maybe_sent = maybe_sent
        self.retryable = retryable


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or waiting for a pooled connection)."""


class AmbiguousCreateError(APIError):
    """A create may have been committed although no success came back, and it was not
    sent again: the API offers no lookup to tell, and Idempotency-Key is not trusted.

    `cause` is the last failure (a 5xx, a dropped connection, a read timeout); `record`
    names what may exist now (``enterprise``, ``CSP``); `candidates` lists the ids of
    records that match, when a lookup found several and cannot tell which is this call's.
    """

    def __init__(
        self,
        cause: APIError,
        *,
        record: str,
        reason: str,
        candidates: tuple[str, ...] = (),
    ) -> None:
        # the cause is already one bounded line; what follows must never be cut
        message = " ".join(f"{cause}; the {record} may have been created: {reason}".split())
        super().__init__(message, method=cause.method, url=cause.url, request=cause.request)
        self.cause = cause
        self.record = record
        self.candidates = candidates


class PagingError(APIError):
    """A listing read page by page was stopped rather than looped over forever: a page
    brought nothing new (a service that ignores the page number) or the pages never
    ended within the bound. Every page answered 2xx; what was read is not returned,
    because it may be incomplete.

    `pages` is how many pages were read, `records` how many distinct records they held.
    """

    def __init__(self, reason: str, *, method: str, url: str, pages: int, records: int) -> None:
        message = _one_line(
            f"{method} {_path_of(url)} paging stopped after {pages} pages and "
            f"{records} distinct records: {reason}"
        )
        super().__init__(message, method=method, url=url)
        self.reason = reason
        self.pages = pages
        self.records = records


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: BadRequestError,
    429: RateLimitError,
}


def status_error_class(status_code: int, code: str | int | None = None) -> type[APIStatusError]:
    """The error class for a non-2xx status (and, for 409, the ErrorResponse code)."""
    if status_code == 409 and code == DUPLICATE_MAPPING_CODE:
        return DuplicateMappingError
    if status_code >= 500:
        return ServerError
    return _STATUS_CLASSES.get(status_code, APIStatusError)
