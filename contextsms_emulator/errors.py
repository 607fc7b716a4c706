"""The documented ErrorResponse, the one exception type routes raise, and its handlers.

Every error leaves the emulator in one shape::

    {"error": "...", "code": "BAD_REQUEST", "details": {...} | null, "requestId": "req-..."}

except 500, which has the documented ``timestamp`` instead of ``details``. Lower-level
failures (request validation, unknown routes) are translated here, in one place, so no
FastAPI or Starlette default body ever reaches a client.

The emulator's exceptions: `ApiError` is the only one a client ever sees (as that body);
the others stop the command or stay inside one module, and live beside their one user,
since those modules must import without FastAPI (``process`` runs in a suite without the
extra) or keep their control flow private:

    ApiError                 errors: an error answer, rendered by `install`
    ValueError
    ├── RecordsFileError     records_file: a --load-records file that does not fit
    └── SeedFileError        seeding: a --seed file that does not fit
    RuntimeError
    ├── EmulatorStartupError process: the subprocess never said it listens
    └── NewerDatabaseError   schema: a database made by a newer emulator
    InvalidToken             tokens: a token that does not authenticate (-> 401)
    SignatureError           stripe_signature: a refused webhook signature (-> 400)
    ClientDisconnected       middleware: the client left mid-body (nothing to answer)
    InjectedDrop             middleware: a fault that cuts the connection on purpose
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from contextsms_emulator import clock, ids

REQUEST_ID_SCOPE_KEY: Final = "contextsms.request_id"

BAD_REQUEST: Final = "BAD_REQUEST"
INVALID_PHONE: Final = "INVALID_PHONE"
INVALID_EMAIL: Final = "INVALID_EMAIL"
UNAUTHORIZED: Final = "UNAUTHORIZED"
PERMISSION_DENIED: Final = "PERMISSION_DENIED"
NOT_FOUND: Final = "NOT_FOUND"
METHOD_NOT_ALLOWED: Final = "METHOD_NOT_ALLOWED"
DUPLICATE_MAPPING: Final = "DUPLICATE_MAPPING"
IDEMPOTENCY_KEY_REUSED: Final = "IDEMPOTENCY_KEY_REUSED"
RATE_LIMITED: Final = "RATE_LIMITED"
INTERNAL_ERROR: Final = "INTERNAL_ERROR"

INVALID_TOKEN_MESSAGE: Final = "Invalid or expired access token"
PHONE_FORMAT_MESSAGE: Final = "Phone number must be E.164 format"


class ErrorResponse(BaseModel):
    """The documented error body (every 4xx)."""

    error: str = Field(examples=["Missing required field 'phoneNumber'"])
    code: str = Field(examples=["BAD_REQUEST"])
    details: dict[str, Any] | None = Field(default=None, examples=[{"field": "phoneNumber"}])
    requestId: str = Field(examples=["req-0123456789abcdef"])


class InternalErrorResponse(BaseModel):
    """The documented 500 body."""

    error: str = Field(examples=["Internal server error"])
    code: str = Field(examples=[INTERNAL_ERROR])
    requestId: str = Field(examples=["req-abc123"])
    timestamp: str = Field(examples=["2025-10-14T12:34:56Z"])


class ApiError(Exception):
    """An error answer: raised anywhere under a route, rendered by :func:`install`."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = dict(details) if details is not None else None
        self.headers = dict(headers) if headers else None


def bad_request(message: str, field: str | None = None, /, **extra: Any) -> ApiError:
    details = {"field": field, **extra} if field else (extra or None)
    return ApiError(400, BAD_REQUEST, message, details)


def unauthorized(message: str = INVALID_TOKEN_MESSAGE) -> ApiError:
    return ApiError(401, UNAUTHORIZED, message)


def permission_denied(message: str, **details: Any) -> ApiError:
    return ApiError(403, PERMISSION_DENIED, message, details or None)


def not_found(message: str) -> ApiError:
    return ApiError(404, NOT_FOUND, message)


def request_id_of(scope: Scope) -> str:
    """The id the middleware gave this request (a fresh one if it runs without it)."""
    rid = scope.get(REQUEST_ID_SCOPE_KEY)
    if not isinstance(rid, str):
        rid = ids.request_id()
        scope[REQUEST_ID_SCOPE_KEY] = rid
    return rid


def error_body(
    code: str, message: str, request_id: str, details: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    return {"error": message, "code": code, "details": details, "requestId": request_id}


def internal_error_body(request_id: str) -> dict[str, Any]:
    return {
        "error": "Internal server error",
        "code": INTERNAL_ERROR,
        "requestId": request_id,
        "timestamp": clock.iso_utc(),
    }


def render(exc: ApiError, request_id: str) -> JSONResponse:
    return JSONResponse(
        error_body(exc.code, exc.message, request_id, exc.details),
        status_code=exc.status,
        headers=exc.headers,
    )


# --- request validation -------------------------------------------------------------

_LOCATIONS: Final = frozenset({"body", "query", "path", "header", "cookie"})
_TYPE_WORDS: Final = {
    "string_type": "a string",
    "bool_type": "a boolean",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "list_type": "an array",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
}


def _field_name(loc: Sequence[int | str]) -> str | None:
    names = [str(part) for part in loc if isinstance(part, str) and part not in _LOCATIONS]
    return ".".join(names) or None


FieldNamer = Callable[[Sequence[int | str]], str | None]
"""Names the field of an error location (``details.field``), or None for the body."""


def validation_error(errors: Sequence[Any], field_name: FieldNamer = _field_name) -> ApiError:
    """Translate the first pydantic/FastAPI validation error into a 400 ErrorResponse."""
    if not errors:
        return bad_request("Invalid request")
    first = errors[0]
    kind: str = first.get("type", "")
    loc: Sequence[int | str] = first.get("loc", ())
    msg: str = first.get("msg", "Invalid value")
    field = field_name(loc)
    if kind == "json_invalid":
        reason = first.get("ctx", {}).get("error", msg)
        return ApiError(400, BAD_REQUEST, "Malformed JSON body", {"message": str(reason)})
    if field is None:
        if kind == "missing":
            return bad_request("Missing request body")
        if kind in _TYPE_WORDS:
            return bad_request("Request body must be a JSON object")
        return bad_request(msg.removeprefix("Value error, "))
    if kind == "invalid_phone":
        return ApiError(
            400,
            INVALID_PHONE,
            "Invalid phone number format",
            {"field": field, "message": PHONE_FORMAT_MESSAGE},
        )
    if kind == "invalid_email":
        return ApiError(
            400, INVALID_EMAIL, "Invalid email address", {"field": field, "message": msg}
        )
    if kind == "missing":
        return bad_request(f"Missing required field '{field}'", field)
    if kind in _TYPE_WORDS:
        return bad_request(f"Field '{field}' must be {_TYPE_WORDS[kind]}", field)
    if kind in ("value_empty", "null_value", "string_too_long"):
        message = (
            msg
            if kind != "string_too_long"
            else f"must be at most {first['ctx']['max_length']} characters"
        )
        return bad_request(f"Field '{field}' {message}", field)
    return bad_request(f"Invalid value for field '{field}': {msg}", field, message=msg)


# --- handlers -------------------------------------------------------------------------

CredentialsCheck = Callable[[Request], Awaitable[None]]
"""Raises the ApiError (401/403) a request's credentials earn on its route, if any."""


async def _no_check(request: Request) -> None:
    return None


async def _api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return render(exc, request_id_of(request.scope))


async def _credentials_error(request: Request, check: CredentialsCheck) -> ApiError | None:
    try:
        await check(request)
    except ApiError as refusal:
        return refusal
    return None


def _validation_handler(check: CredentialsCheck) -> Callable[..., Awaitable[JSONResponse]]:
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problems = exc.errors()
        error = None
        if problems and problems[0].get("type") == "json_invalid":  # decoded before auth
            error = await _credentials_error(request, check)
        return render(error or validation_error(problems), request_id_of(request.scope))

    return handle


def _http_exception_handler(check: CredentialsCheck) -> Callable[..., Awaitable[JSONResponse]]:
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        refusal = None
        if exc.status_code == 400:  # an unreadable body (bad UTF-8), found before auth
            refusal = await _credentials_error(request, check)
        return render(refusal or _http_error(request, exc), request_id_of(request.scope))

    return handle


def _http_error(request: Request, exc: StarletteHTTPException) -> ApiError:
    """Starlette's and FastAPI's own HTTP errors, in the documented shape."""
    if exc.status_code == 404:
        return not_found(f"No route for {request.method} {request.url.path}")
    if exc.status_code == 405:
        message = f"Method {request.method} not allowed"
        return ApiError(405, METHOD_NOT_ALLOWED, message, headers=exc.headers)
    if exc.status_code == 401:
        return unauthorized()
    return ApiError(exc.status_code, BAD_REQUEST, str(exc.detail))


def install(app: FastAPI, check_credentials: CredentialsCheck = _no_check) -> None:
    """Register the handlers that give every error the documented shape.

    ``check_credentials`` runs before a body error that FastAPI raises ahead of the
    route's dependencies is reported, so a bad token still answers 401 first.
    """
    app.add_exception_handler(ApiError, _api_error_handler)
    app.add_exception_handler(RequestValidationError, _validation_handler(check_credentials))
    app.add_exception_handler(StarletteHTTPException, _http_exception_handler(check_credentials))


_DESCRIPTIONS: Final = {
    400: "Invalid input: missing field, malformed JSON, wrong type, bad E.164 or email",
    401: "Missing, malformed, forged or expired access token",
    403: "The caller's role or CSP does not allow this",
    404: "No such record among the caller's records",
    409: "The phone number is already mapped (DUPLICATE_MAPPING)",
    429: "Rate limited; retry after the Retry-After header's seconds",
}


def responses(*statuses: int, faults: bool = True) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` for the given error statuses; API calls can also get 429/500."""
    documented: dict[int | str, dict[str, Any]] = {}
    for status in (*statuses, 429) if faults else statuses:
        entry: dict[str, Any] = {"model": ErrorResponse, "description": _DESCRIPTIONS[status]}
        if status == 429:
            entry["headers"] = {
                "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
            }
        documented[status] = entry
    if faults:
        documented[500] = {"model": InternalErrorResponse, "description": "Internal server error"}
    return documented
