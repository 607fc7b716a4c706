"""How httpx's outcomes become `errors` classes: the one translation, used by the
request loop alone (which raises the result with ``raise ... from exc``).

* `make_status_error` maps a non-2xx `httpx.Response` to its `APIStatusError` subclass
  (through `errors.status_error_class`), parsing the documented ErrorResponse body
  `{error, code, details, requestId?, timestamp?}` and tolerating any other body.
* `from_httpx_exception` maps what `httpx.Client.send()` can raise (the transport errors
  and undecodable bodies, `HTTPX_EXCEPTION_ROOTS`; a unit test fails when httpx grows one
  there that is not classified).

Kept apart from `errors` so that raising and catching those errors never imports httpx.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    RateLimitError,
    status_error_class,
)

__all__ = ["HTTPX_EXCEPTION_ROOTS", "from_httpx_exception", "make_status_error"]


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
