"""Model bases: camelCase on the wire, strict JSON types, unknown fields ignored."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class RequestModel(BaseModel):
    """A request body: ``"true"`` is not a boolean and ``5`` is not a string (strict)."""

    model_config = ConfigDict(alias_generator=to_camel, strict=True, extra="ignore")


class ResponseModel(BaseModel):
    """A response body, for the OpenAPI document and for tests that check shapes."""

    model_config = ConfigDict(alias_generator=to_camel, serialize_by_alias=True)
