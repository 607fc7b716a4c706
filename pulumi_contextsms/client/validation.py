"""Input checks shared by the models, the client and the Pulumi layer's `check()`.

* Phone numbers must already be E.164 (``^\\+[1-9]\\d{1,14}$``): no spaces, dashes or
  national formats are normalised away. The number must also be *possible* for its
  country calling code according to libphonenumber (right length). It is not required
  to be *assigned* (libphonenumber's ``is_valid_number``): the providers' own documents
  use unassigned example numbers such as ``+15551234567`` throughout; pass
  ``assigned_only=True`` to `validate_e164` for the stricter check.
* Emails use pydantic's `EmailStr` (email-validator, no DNS lookups). Note that it
  rejects special-use domains such as ``.test``, ``.invalid`` and ``.localhost``.
* Free-text fields are non-empty (not just whitespace) and at most 255 characters.
* Identifiers placed in URL paths (enterprise, mapping and CSP ids) must look like ids.
"""

from __future__ import annotations

import functools
import re
from typing import Annotated

import phonenumbers
from pydantic import (
    AfterValidator,
    EmailStr,
    Field,
    Strict,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from .errors import InvalidInputError

__all__ = [
    "E164_PATTERN",
    "MAX_TEXT_LENGTH",
    "E164PhoneNumber",
    "NonEmptyStr",
    "validate_e164",
    "validate_email_address",
    "validate_id",
]

E164_PATTERN = re.compile(r"^\+[1-9]\d{1,14}$")
MAX_TEXT_LENGTH = 255
_CHECK_DIGITS = "check the country code and the digits (for example +15551234567)"
_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,254}$")


def validate_e164(value: str, *, assigned_only: bool = False) -> str:
    """Return `value` if it is an E.164 phone number, else raise `InvalidInputError`.

    The input must already be E.164 (``+`` then 2 to 15 digits, no formatting) and be a
    possible number for its country code. With ``assigned_only=True`` the number must
    also be in an assigned range (libphonenumber's ``is_valid_number``).
    `InvalidInputError` is a `ValueError`, so this works inside pydantic validators.
    """
    if not isinstance(value, str) or not E164_PATTERN.fullmatch(value):
        raise InvalidInputError(
            f"{value!r} is not an E.164 phone number: expected '+' followed by the country "
            "code and number, digits only (for example +15551234567)"
        )
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInputError(
            f"{value!r} is not a valid phone number ({exc}); {_CHECK_DIGITS}"
        ) from None
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidInputError(
            f"{value!r} is not a possible phone number for its country code (wrong length); "
            f"{_CHECK_DIGITS}"
        )
    if assigned_only and not phonenumbers.is_valid_number(parsed):
        raise InvalidInputError(f"{value!r} is not an assigned phone number; {_CHECK_DIGITS}")
    formatted = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if formatted != value:
        raise InvalidInputError(f"{value!r} is not in canonical E.164 form (expected {formatted})")
    return value


def _e164_field(value: str) -> str:
    try:
        return validate_e164(value)
    except InvalidInputError as exc:
        raise PydanticCustomError("phone_number", "{reason}", {"reason": str(exc)}) from None


E164PhoneNumber = Annotated[
    str,
    Strict(),
    AfterValidator(_e164_field),
    WithJsonSchema({"type": "string", "format": "phone", "pattern": E164_PATTERN.pattern}),
]
"""A phone number already in E.164, and possible for its country (`validate_e164`).

Not pydantic-extra-types' `PhoneNumber`: it normalises other formats (this must refuse
them, or the state would differ from the program) and requires an *assigned* number,
which refuses the documents' own examples (+15551234567)."""


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank; give it a non-empty value")
    return value


NonEmptyStr = Annotated[
    str, Field(min_length=1, max_length=MAX_TEXT_LENGTH), AfterValidator(_not_blank)
]
"""A non-blank string of at most 255 characters."""


def validate_id(value: object, name: str) -> str:
    """Check an identifier that goes into a URL path; raise `InvalidInputError` if unfit."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"{name} must be a non-empty string, got {value!r}", fields=(name,))
    if not _ID_PATTERN.fullmatch(value):
        raise InvalidInputError(
            f"{name} {value!r} is not a valid id (letters, digits and . _ : @ - only, "
            "starting with a letter or digit, at most 255 characters)",
            fields=(name,),
        )
    return value


@functools.cache
def _email_adapter() -> TypeAdapter[str]:
    """Built on first use: building it imports email-validator, which a provider
    process that only reads or deletes never needs."""
    return TypeAdapter(EmailStr)


def validate_email_address(value: object, name: str = "email") -> str:
    """Validate with pydantic's `EmailStr`; return the normalised address."""
    try:
        return _email_adapter().validate_python(value)
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"] if exc.errors() else "invalid"
        raise InvalidInputError(
            f"{name} {value!r} is not a valid email: {reason}", fields=(name,)
        ) from None
