"""What the client sends: strict specs of the records to create or change.

Specs (`EnterpriseSpec`, `MappingSpec`, `MappingPatch`, `CspSpec`) are strict: E.164
phone numbers (`E164PhoneNumber`), `EmailStr` emails, non-blank strings of at most 255
characters (`NonEmptyStr`), and no unknown fields. A field that only one platform has
(``default_mms_selection`` and ``mms_enabled``: Webex; a mapping ``name``: Teams) is
accepted by the spec but refused by `validate_for(platform)`, which the client calls
before any HTTP; the Pulumi layer can call `unsupported_fields(platform)` to report each
field separately. Apart from the records (`models`): reading the API needs none of this.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    Strict,
    WithJsonSchema,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from .errors import InvalidInputError
from .platforms import ENTERPRISE_ONLY, MAPPING_ONLY, Platform
from .validation import E164_PATTERN, MAX_TEXT_LENGTH, validate_e164

__all__ = [
    "CspSpec",
    "E164PhoneNumber",
    "EnterpriseSpec",
    "MappingPatch",
    "MappingSpec",
    "NonEmptyStr",
    "how_to_fix",
]


# How to fix each kind of validation error of a spec field, so that every report of one
# (check() failures, inventory file problems) says what to do.
_FIXES = {
    "missing": "add it",
    "string_too_short": "give it a non-empty value",
    "string_too_long": "shorten it to at most {max_length} characters",
    "string_type": "pass it as a string",
    "bool_type": "use true or false",
    "bool_parsing": "use true or false",
    "literal_error": "use one of the values named",
    "dict_type": "write it as a mapping of its entries",
    "model_type": "write it as a mapping of its fields",
}
_EMAIL_ERROR = "value is not a valid email address"
_EMAIL_FIX = "use an address like name@example.com"


def how_to_fix(error: Any) -> str | None:
    """The fix for one pydantic error of a spec field (``ValidationError.errors()``)."""
    fix = _FIXES.get(error["type"])
    if fix is None and str(error["msg"]).removeprefix("Value error, ").startswith(_EMAIL_ERROR):
        fix = _EMAIL_FIX
    return None if fix is None else fix.format(**error.get("ctx", {}))


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


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    # field name -> the only platform whose API has it
    _PLATFORM_ONLY: ClassVar[dict[str, Platform]] = {}

    def unsupported_fields(self, platform: Platform | str) -> tuple[str, ...]:
        """The fields set on this spec that `platform`'s API does not have."""
        plat = Platform(platform)
        return tuple(
            name
            for name, only in self._PLATFORM_ONLY.items()
            if only is not plat and getattr(self, name) is not None
        )

    def validate_for(self, platform: Platform | str) -> Self:
        """Return self, or raise `InvalidInputError` naming the fields `platform` lacks."""
        plat = Platform(platform)
        bad = self.unsupported_fields(plat)
        if bad:
            label = "Webex Bot API (v1)" if plat is Platform.WEBEX else "Teams Platform API (v2)"
            names = ", ".join(bad)
            raise InvalidInputError(
                f"{type(self).__name__}: {names} {'is' if len(bad) == 1 else 'are'} not "
                f"supported by the {label}; leave {'it' if len(bad) == 1 else 'them'} unset",
                fields=bad,
            )
        return self


class EnterpriseSpec(_Spec):
    """What to create an enterprise with. `default_mms_selection` is Webex only."""

    _PLATFORM_ONLY: ClassVar[dict[str, Platform]] = ENTERPRISE_ONLY

    name: NonEmptyStr
    contact: NonEmptyStr
    phone_number: E164PhoneNumber
    email: EmailStr
    default_mms_selection: bool | None = None


class MappingSpec(_Spec):
    """What to map. `mms_enabled` is Webex only; `name` is Teams only."""

    _PLATFORM_ONLY: ClassVar[dict[str, Platform]] = MAPPING_ONLY

    phone_number: E164PhoneNumber
    messaging_app_type: NonEmptyStr
    messaging_app_id: NonEmptyStr
    mms_enabled: bool | None = None
    name: NonEmptyStr | None = None


class MappingPatch(_Spec):
    """A partial mapping update (Teams PUT /mapping/{id}): only the set fields are sent.

    Setting `name=None` explicitly sends ``"name": null``; the other fields cannot be
    set to None.
    """

    _PLATFORM_ONLY: ClassVar[dict[str, Platform]] = {"name": MAPPING_ONLY["name"]}

    phone_number: E164PhoneNumber | None = None
    messaging_app_type: NonEmptyStr | None = None
    messaging_app_id: NonEmptyStr | None = None
    name: NonEmptyStr | None = None

    @model_validator(mode="after")
    def _no_null_required(self) -> Self:
        for field in ("phone_number", "messaging_app_type", "messaging_app_id"):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} cannot be set to None in a MappingPatch")
        return self

    def wire_fields(self) -> dict[str, Any]:
        """The set fields with their camelCase wire names."""
        names = {
            "phone_number": "phoneNumber",
            "messaging_app_type": "messagingAppType",
            "messaging_app_id": "messagingAppId",
            "name": "name",
        }
        return {names[field]: getattr(self, field) for field in sorted(self.model_fields_set)}


class CspSpec(_Spec):
    """A CSP registration (Teams POST /csp); `email` and `name` are required."""

    email: EmailStr
    name: NonEmptyStr
    carrier: NonEmptyStr | None = None
    house_number: NonEmptyStr | None = None
    street_name: NonEmptyStr | None = None
    city: NonEmptyStr | None = None
    state_code: NonEmptyStr | None = None
    zip: NonEmptyStr | None = None
    country: NonEmptyStr | None = None
    location_id: NonEmptyStr | None = None
    sub_account_id: NonEmptyStr | None = None
    authorizing_person_name: NonEmptyStr | None = None

    def wire_fields(self) -> dict[str, Any]:
        """The set fields (None omitted) with their camelCase wire names."""
        return {
            to_camel(field): value for field, value in self.model_dump(exclude_none=True).items()
        }
