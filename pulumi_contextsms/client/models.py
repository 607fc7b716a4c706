"""Records the API returns, with snake_case attributes (what the client sends: `specs`).

Records (`Enterprise`, `NumberMapping`, `Csp`, `CspConfig`, `PaymentStatus`,
`AuthTokens`) are parsed from either dialect: the camelCase wire names are aliases
(``phoneNumber`` on v1 and ``number`` on v2 both fill `Enterprise.phone_number`). They
are tolerant: unknown fields are kept (``model_extra``), optional fields may be missing,
``null`` where a boolean is expected reads as False for `Enterprise.deleted`, and dates
given as ISO strings are converted to epoch milliseconds. Records are frozen.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic.alias_generators import to_camel

__all__ = ["AuthTokens", "Csp", "CspConfig", "Enterprise", "NumberMapping", "PaymentStatus"]


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
