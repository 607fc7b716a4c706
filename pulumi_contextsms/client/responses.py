"""Reading 2xx bodies into records, tolerantly.

* An object body is validated into its record; unknown fields are kept.
* A list body is a JSON array, as both documents say ("Array of Number Mapping
  objects"); anything else is refused, so a changed API is seen, not guessed around.
* Bodies that cannot be read as documented raise `APIResponseValidationError`, naming
  the fields at fault but never echoing values.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from .errors import APIResponseValidationError

__all__ = ["json_body", "parse_list", "parse_object", "parse_optional_object"]

M = TypeVar("M", bound=BaseModel)


def _invalid(response: httpx.Response, reason: str) -> APIResponseValidationError:
    request = response.request
    return APIResponseValidationError(
        reason,
        method=request.method,
        url=str(request.url),
        status_code=response.status_code,
        request=request,
        response=response,
    )


def json_body(response: httpx.Response) -> Any:
    """The parsed JSON body; None for an empty body."""
    if not response.content.strip():
        return None
    try:
        return json.loads(response.content)
    except ValueError:
        raise _invalid(response, "not JSON") from None


def _validate(model: type[M], data: Any, response: httpx.Response) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, err['loc'])) or 'body'}: {err['msg']}" for err in exc.errors()
        )
        raise _invalid(response, f"not a {model.__name__} ({problems})") from None


def parse_object(model: type[M], response: httpx.Response) -> M:
    data = json_body(response)
    if not isinstance(data, dict):
        raise _invalid(response, f"expected a JSON object ({model.__name__})")
    return _validate(model, data, response)


def parse_optional_object(model: type[M], response: httpx.Response) -> M | None:
    """An object, or None for an empty body, ``null``, ``{}`` or ``[]``; a list's first item."""
    data = json_body(response)
    if isinstance(data, list):
        data = data[0] if data else None
    if not data:
        return None
    if not isinstance(data, dict):
        raise _invalid(response, f"expected a JSON object ({model.__name__})")
    return _validate(model, data, response)


def parse_list(model: type[M], response: httpx.Response) -> list[M]:
    data = json_body(response)
    if data is None:
        return []
    if not isinstance(data, list):
        raise _invalid(response, f"expected a JSON array of {model.__name__}")
    return [_validate(model, item, response) for item in data]
