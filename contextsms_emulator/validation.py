"""Field types shared by the request models: E.164 phone numbers, emails, bounded text.

Each raises a pydantic error of its own ``type`` (``invalid_phone``, ``invalid_email``,
``value_empty``) so :func:`contextsms_emulator.errors.validation_error` can pick the
documented error code and name the field.

E.164 check: the text must already be canonical (``+`` then digits, equal to
phonenumbers' E.164 rendering) and be a *possible* number for its country (right
length). We deliberately do not require ``is_valid_number``: every example number in
both API documents (+1555..., +1222...) is a fictional, unassigned number that
``is_valid_number`` rejects, and the documents are the contract.
"""

from __future__ import annotations

import re
from typing import Annotated, Final

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BeforeValidator, Field
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

MAX_TEXT: Final = 255
_E164_SHAPE: Final = re.compile(r"\+[1-9][0-9]{1,14}")


def check_e164(value: str) -> str:
    if not _E164_SHAPE.fullmatch(value):
        raise PydanticCustomError("invalid_phone", "Phone number must be E.164 format")
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        raise PydanticCustomError("invalid_phone", "Phone number must be E.164 format") from None
    possible = phonenumbers.is_possible_number_with_reason(number)
    canonical = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if possible != phonenumbers.ValidationResult.IS_POSSIBLE or canonical != value:
        raise PydanticCustomError("invalid_phone", "Phone number must be E.164 format")
    return value


def is_e164(value: str) -> bool:
    try:
        check_e164(value)
    except PydanticCustomError:
        return False
    return True


def _check_email(value: str) -> str:
    if len(value) > MAX_TEXT:
        raise PydanticCustomError("invalid_email", "Email address is too long")
    try:
        validate_email(value, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        raise PydanticCustomError("invalid_email", str(exc)) from None
    return value


def _check_not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("value_empty", "must not be empty")
    return value


def _refuse_null(value: object) -> object:
    if value is None:
        raise PydanticCustomError("null_value", "must not be null")
    return value


E164 = Annotated[
    str,
    AfterValidator(check_e164),
    Field(
        description="Phone number in E.164 form",
        examples=["+15551234567"],
        # Documentation only (for generated clients and fuzzers): check_e164 decides,
        # so a mismatch still answers INVALID_PHONE, never a generic pattern error.
        json_schema_extra={"pattern": f"^{_E164_SHAPE.pattern}$"},
    ),
]
Email = Annotated[
    str,
    AfterValidator(_check_email),
    Field(examples=["sarah@abcmarketing.com"], json_schema_extra={"format": "email"}),
]
RequiredText = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_check_not_blank)]
"""A required, non-blank string of at most 255 characters."""
OptionalText = Annotated[str | None, Field(max_length=MAX_TEXT)]


def _not_nullable(schema: JsonDict) -> None:
    """Document a NotNull field as its value type: it may be left out, never ``null``."""
    branches = schema.pop("anyOf", None)
    if isinstance(branches, list):
        kept = [b for b in branches if not (isinstance(b, dict) and b.get("type") == "null")]
        if len(kept) == 1 and isinstance(kept[0], dict):
            schema.update(kept[0])
        else:
            schema["anyOf"] = kept
    schema.pop("default", None)


NotNull = BeforeValidator(_refuse_null)
"""For partial updates: a field may be left out, but not sent as ``null``."""
NotNullSchema = Field(json_schema_extra=_not_nullable)
"""NotNull's OpenAPI side: ``Annotated[X | None, NotNull, NotNullSchema] = None``."""
