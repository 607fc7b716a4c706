"""Records the API returns and the specs the client sends, with snake_case attributes.

Records (`Enterprise`, `NumberMapping`, `Csp`, `CspConfig`, `PaymentStatus`,
`AuthTokens`) are parsed from either dialect: the camelCase wire names are aliases
(``phoneNumber`` on v1 and ``number`` on v2 both fill `Enterprise.phone_number`). They
are tolerant: unknown fields are kept (``model_extra``), optional fields may be missing,
``null`` where a boolean is expected reads as False for `Enterprise.deleted`, and dates
given as ISO strings are converted to epoch milliseconds. Records are frozen.

Specs (`EnterpriseSpec`, `MappingSpec`, `MappingPatch`, `CspSpec`) are strict: E.164
phone numbers, `EmailStr` emails, non-blank strings of at most 255 characters, and no
unknown fields. A field that only one platform has (``default_mms_selection`` and
``mms_enabled``: Webex; a mapping ``name``: Teams) is accepted by the spec but refused
by `validate_for(platform)`, which the client calls before any HTTP; the Pulumi layer
can call `unsupported_fields(platform)` to report each field separately.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Self

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from .errors import InvalidInputError
from .settings import Platform
from .validation import E164PhoneNumber, NonEmptyStr

__all__ = [
    "AuthTokens",
    "Csp",
    "CspConfig",
    "CspSpec",
    "Enterprise",
    "EnterpriseSpec",
    "MappingPatch",
    "MappingSpec",
    "NumberMapping",
    "PaymentStatus",
]


def _epoch_ms(value: Any) -> Any:
    """Accept epoch milliseconds as int, float, numeric string or ISO-8601 string."""
    if value is None or isinstance(value, bool):
        return None if value is None else value
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return int(float(text))
        except ValueError:
            pass
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        if parsed.tzinfo is None:
            return None
        return int(parsed.timestamp() * 1000)
    return None


class _Record(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        alias_generator=to_camel,
        frozen=True,
        defer_build=True,
    )


class Enterprise(_Record):
    """An enterprise (customer organisation). `deleted=True` means it is gone."""

    enterprise_id: str
    name: str | None = None
    contact: str | None = None
    phone_number: str | None = Field(
        default=None, validation_alias=AliasChoices("phoneNumber", "number", "phone_number")
    )
    email: str | None = None
    default_mms_selection: bool | None = None
    deleted: bool = False
    created_date: int | None = None
    update_date: int | None = None
    webex_settings: dict[str, Any] | None = None
    number_to_message_app_maps: list[Any] | None = None

    @field_validator("deleted", mode="before")
    @classmethod
    def _null_is_false(cls, value: Any) -> Any:
        return False if value is None else value

    @field_validator("created_date", "update_date", mode="before")
    @classmethod
    def _dates(cls, value: Any) -> Any:
        return _epoch_ms(value)


class NumberMapping(_Record):
    """A phone number mapped to a messaging app (a Webex bot, a Teams channel)."""

    mapping_id: str = Field(
        validation_alias=AliasChoices("numberToMessageAppMapId", "mappingId", "mapping_id")
    )
    messaging_app_id: str | None = None
    phone_number: str | None = None
    messaging_app_type: str | None = None
    mms_enabled: bool | None = None
    name: str | None = None
    enterprise_id: str | None = None
    created_date: int | None = None
    update_date: int | None = None

    @field_validator("created_date", "update_date", mode="before")
    @classmethod
    def _dates(cls, value: Any) -> Any:
        return _epoch_ms(value)


class Csp(_Record):
    """A CSP (Teams: POST /csp). The response shape is undocumented: all optional."""

    csp_id: str | None = None
    name: str | None = None
    email: str | None = None


class CspConfig(_Record):
    """A CSP's white-label configuration (Teams: GET /csp/getcspconfig)."""

    product_name: str | None = None
    favicon: str | None = None
    logo: str | None = None
    color: str | None = None


class PaymentStatus(_Record):
    """A customer's payment status (Teams: POST /stripe/check-payment)."""

    email: str | None = None
    paid: bool | None = None
    subscription_status: str | None = None


class AuthTokens(BaseModel):
    """A login or refresh response. Tokens are `SecretStr`; unknown fields are dropped."""

    model_config = ConfigDict(
        extra="ignore",
        populate_by_name=True,
        alias_generator=to_camel,
        frozen=True,
        defer_build=True,
    )

    access_token: SecretStr
    refresh_token: SecretStr | None = None
    expiration_time_in_utc: datetime | None = Field(
        default=None,
        validation_alias=AliasChoices("expirationTimeInUTC", "expirationTimeInUtc"),
    )
    username: str | None = None
    roles: list[str] = Field(default_factory=list)
    tenant_id: str | None = None
    services: list[str] = Field(default_factory=list)

    @field_validator("expiration_time_in_utc", mode="before")
    @classmethod
    def _lenient_expiry(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip():
            try:
                parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                return None
            return parsed
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        return None

    @field_validator("access_token")
    @classmethod
    def _non_empty_token(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value():
            raise ValueError("accessToken is empty")
        return value

    @field_validator("roles", "services", mode="before")
    @classmethod
    def _null_list(cls, value: Any) -> Any:
        return [] if value is None else value


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

    _PLATFORM_ONLY: ClassVar[dict[str, Platform]] = {"default_mms_selection": Platform.WEBEX}

    name: NonEmptyStr
    contact: NonEmptyStr
    phone_number: E164PhoneNumber
    email: EmailStr
    default_mms_selection: bool | None = None


class MappingSpec(_Spec):
    """What to map. `mms_enabled` is Webex only; `name` is Teams only."""

    _PLATFORM_ONLY: ClassVar[dict[str, Platform]] = {
        "mms_enabled": Platform.WEBEX,
        "name": Platform.TEAMS,
    }

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

    _PLATFORM_ONLY: ClassVar[dict[str, Platform]] = {"name": Platform.TEAMS}

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
