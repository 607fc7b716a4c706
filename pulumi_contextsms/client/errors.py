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
    └── AmbiguousCreateError         a create may have been made; not replayed (no lookup)
```

Two functions turn lower-level outcomes into these classes, and nothing else does:

* `make_status_error` maps a non-2xx `httpx.Response` to its `APIStatusError` subclass
  (through `status_error_class`), parsing the documented ErrorResponse body
  `{error, code, details, requestId?, timestamp?}` and tolerating any other body.
* `from_httpx_exception` maps what `httpx.Client.send()` can raise (the transport errors
  and undecodable bodies, `HTTPX_EXCEPTION_ROOTS`; a unit test fails when httpx grows one
  there that is not classified). The request loop is the only place that raises its
  result, with `raise ... from exc`.

`str(err)` is always one line, e.g.
``POST /api/v2/mapping/add/E0000001 failed: 409 DUPLICATE_MAPPING: Phone number
+15551234567 is already mapped to another enterprise (requestId req-abc123)``.
Errors never carry credentials: requests that hold a password or a token in their body
(the auth calls) are marked sensitive, and their errors keep neither the request, the
response, the body nor the httpx cause.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self

import httpx

__all__ = [
    "HTTPX_EXCEPTION_ROOTS",
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
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "UnsupportedOperationError",
    "from_httpx_exception",
    "make_status_error",
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
        return httpx.URL(url).path or "/"
    except (httpx.InvalidURL, TypeError, ValueError):
        return url.split("?", 1)[0]


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


class _SettingNames(dict[str, str]):
    """Placeholder lookup for `ConfigurationError` templates: ``{api_base}`` -> a name."""

    def __init__(self, name: Callable[[str], str]) -> None:
        super().__init__()
        self._name = name

    def __missing__(self, setting: str) -> str:
        return self._name(setting)


class ConfigurationError(ContextSmsError):
    """Connection settings are missing or unsafe.

    The client has no vocabulary of its own for where settings come from, so its
    messages name settings by their neutral names (`setting` is the one to fix, e.g.
    ``api_base``; `missing` says it is not set at all) through ``{api_base}``-style
    placeholders in `template`. `str()` shows the neutral names; a caller with its own
    names for settings (the Pulumi layer names its stack keys) calls `render`.
    Literal braces in a template are doubled; use `literal` for values.
    """

    def __init__(self, template: str, *, setting: str | None = None, missing: bool = False) -> None:
        self.template = template
        self.setting = setting
        self.missing = missing
        super().__init__(self.render())

    def render(self, name: Callable[[str], str] = str) -> str:
        """The message with every setting named by `name(neutral_name)`."""
        return self.template.format_map(_SettingNames(name))

    @staticmethod
    def literal(value: object) -> str:
        """`value` as text that a template shows verbatim."""
        return str(value).replace("{", "{{").replace("}", "}}")


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
            reason = httpx.codes.get_reason_phrase(self.status_code) or None
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


@dataclass(frozen=True)
class _ErrorBody:
    body: Any
    error: str | None
    code: str | int | None
    details: Any
    request_id: str | None


def _parse_error_body(response: httpx.Response) -> _ErrorBody:
    try:
        text = response.text
    except (httpx.HTTPError, httpx.StreamError, UnicodeDecodeError):  # pragma: no cover
        text = ""
    body: Any = text or None
    error: str | None = None
    code: str | int | None = None
    details: Any = None
    request_id: str | None = None
    if text:
        try:
            body = json.loads(text)
        except ValueError:
            error = text
    if isinstance(body, dict):
        raw_error = body.get("error")
        raw_message = body.get("message", body.get("detail"))
        if isinstance(raw_error, str) and raw_error:
            error = raw_error
        elif isinstance(raw_error, dict):  # {"error": {"message": ..., "code": ...}}
            error = str(raw_error.get("message") or raw_error)
            raw_code = raw_error.get("code")
            code = raw_code if isinstance(raw_code, str | int) else None
        if not error and raw_message is not None:
            error = raw_message if isinstance(raw_message, str) else json.dumps(raw_message)
        raw_code = body.get("code", code)
        if isinstance(raw_code, str | int) and not isinstance(raw_code, bool):
            code = raw_code
        details = body.get("details")
        raw_request_id = body.get("requestId")
        if isinstance(raw_request_id, str | int) and not isinstance(raw_request_id, bool):
            request_id = str(raw_request_id)
    elif body is not None and not isinstance(body, str):
        error = json.dumps(body)
    if request_id is None:
        request_id = response.headers.get("x-request-id")
    return _ErrorBody(body, error, code, details, request_id)


def make_status_error(
    response: httpx.Response,
    *,
    method: str,
    url: str,
    sensitive: bool = False,
    retry_after: float | None = None,
) -> APIStatusError:
    """Map a non-2xx response to its error class (the one status → class mapping).

    With `sensitive=True` (auth calls) the error keeps no request, response, body or
    details: only the status, the server's message, code and request id.
    """
    parsed = _parse_error_body(response)
    cls = status_error_class(response.status_code, parsed.code)
    kwargs: dict[str, Any] = {
        "method": method,
        "url": url,
        "status_code": response.status_code,
        "error": parsed.error,
        "code": parsed.code,
        "request_id": parsed.request_id,
    }
    if not sensitive:
        kwargs.update(
            details=parsed.details,
            body=parsed.body,
            request=response.request,
            response=response,
        )
    if cls is RateLimitError:
        return RateLimitError(retry_after=retry_after, **kwargs)
    return cls(**kwargs)


# What `httpx.Client.send()` can raise (redirects are off and bodies are read whole, so
# no redirect, stream or status error can come out of it): the transport errors, and a
# body that cannot be decoded. A test walks both trees and fails on a class that is not
# classified below.
HTTPX_EXCEPTION_ROOTS: tuple[type[Exception], ...] = (httpx.TransportError, httpx.DecodingError)

# Failures before the server can have received the request: safe to send again on any
# method (a POST too).
_NOT_SENT: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ProxyError,
    httpx.LocalProtocolError,
    httpx.UnsupportedProtocol,
)
# Failures that sending again cannot fix.
_FINAL: tuple[type[Exception], ...] = (httpx.LocalProtocolError, httpx.UnsupportedProtocol)
# The phrase for each, found through the exception's MRO (parents catch the rest).
_REASONS: dict[type[Exception], str] = {
    httpx.ConnectTimeout: "connect timed out",
    httpx.PoolTimeout: "timed out waiting for a connection",
    httpx.ReadTimeout: "read timed out",
    httpx.WriteTimeout: "write timed out",
    httpx.TimeoutException: "timed out",
    httpx.ConnectError: "could not connect",
    httpx.ReadError: "connection broken while reading",
    httpx.WriteError: "connection broken while writing",
    httpx.CloseError: "connection broken while closing",
    httpx.NetworkError: "network error",
    httpx.RemoteProtocolError: "server broke the protocol",
    httpx.LocalProtocolError: "invalid request",
    httpx.ProtocolError: "protocol error",
    httpx.ProxyError: "proxy error",
    httpx.UnsupportedProtocol: "unsupported URL scheme",
    httpx.TransportError: "transport error",
    httpx.DecodingError: "could not decode the response",
}


def from_httpx_exception(
    exc: Exception,
    *,
    method: str,
    url: str,
    sensitive: bool = False,
) -> APIConnectionError:
    """Translate what `send()` raised (`HTTPX_EXCEPTION_ROOTS`) into this module's tree:
    `APITimeoutError` for timeouts, else `APIConnectionError` (the only such translation)."""
    reason = next(
        (phrase for cls in type(exc).__mro__ if (phrase := _REASONS.get(cls)) is not None),
        "unexpected error",
    )
    detail = str(exc).strip()
    request: httpx.Request | None = None
    if not sensitive and isinstance(exc, httpx.RequestError):
        try:
            request = exc.request
        except RuntimeError:
            request = None
    error_class = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    return error_class(
        method=method,
        url=url,
        reason=f"{reason} ({type(exc).__name__}{': ' + detail if detail else ''})",
        maybe_sent=not isinstance(exc, _NOT_SENT),
        retryable=not isinstance(exc, _FINAL),
        request=request,
    )
