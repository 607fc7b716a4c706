"""Input checks shared by the specs, the client and the Pulumi layer's `check()`.

* Phone numbers must already be E.164 (``^\\+[1-9]\\d{1,14}$``): no spaces, dashes or
  national formats are normalised away. The number must also be *possible* for its
  country calling code according to libphonenumber (right length). It is not required
  to be *assigned* (libphonenumber's ``is_valid_number``): the providers' own documents
  use unassigned example numbers such as ``+15551234567`` throughout; pass
  ``assigned_only=True`` to `validate_e164` for the stricter check.
* Emails use pydantic's `EmailStr` (email-validator, no DNS lookups). Note that it
  rejects special-use domains such as ``.test``, ``.invalid`` and ``.localhost``.
* Identifiers placed in URL paths (enterprise, mapping and CSP ids) must look like ids.

Plain functions: libphonenumber and email-validator load on the first number or address
checked, so a process that never checks one (a refresh, a destroy) never imports them.
The spec field types built on these checks are in `specs`.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from .errors import InvalidInputError

if TYPE_CHECKING:
    from pydantic import TypeAdapter

__all__ = [
    "E164_PATTERN",
    "MAX_TEXT_LENGTH",
    "validate_e164",
    "validate_email_address",
    "validate_id",
]

E164_PATTERN = re.compile(r"^\+[1-9]\d{1,14}$")
MAX_TEXT_LENGTH = 255
"""The longest free-text field (`specs.NonEmptyStr`)."""
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
    import phonenumbers  # on the first number checked (see the module docstring)

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
    from pydantic import EmailStr, TypeAdapter

    return TypeAdapter(EmailStr)


def validate_email_address(value: object, name: str = "email") -> str:
    """Validate with pydantic's `EmailStr`; return the normalised address."""
    from pydantic import ValidationError

    try:
        return _email_adapter().validate_python(value)
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"] if exc.errors() else "invalid"
        raise InvalidInputError(
            f"{name} {value!r} is not a valid email: {reason}", fields=(name,)
        ) from None
