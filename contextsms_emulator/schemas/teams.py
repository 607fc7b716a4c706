"""The Teams Platform API (v2) dialect: enterprise ``number``, mapping ``name``, CSPs."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from contextsms_emulator.records import Branding, Csp, Enterprise, Mapping
from contextsms_emulator.schemas.base import RequestModel, ResponseModel
from contextsms_emulator.validation import (
    E164,
    Email,
    NotNull,
    NotNullSchema,
    OptionalText,
    RequiredText,
)

BoundedText = Annotated[str, Field(max_length=255)]


class CspCreate(RequestModel):
    email: Email
    name: RequiredText = Field(examples=["Example CSP"])
    carrier: OptionalText = Field(default=None, examples=["BANDWIDTH"])
    house_number: OptionalText = None
    street_name: OptionalText = None
    city: OptionalText = None
    state_code: OptionalText = None
    zip: OptionalText = None
    country: OptionalText = None
    location_id: OptionalText = None
    sub_account_id: OptionalText = None
    authorizing_person_name: OptionalText = None
    product_name: BoundedText = "ContextSMS"
    favicon: BoundedText = ""
    logo: BoundedText = ""
    color: BoundedText = "#000000"


class CspConfig(ResponseModel):
    product_name: str = Field(examples=["ContextSMS"])
    favicon: str
    logo: str
    color: str = Field(examples=["#000000"])


class TeamsCsp(ResponseModel):
    csp_id: str = Field(examples=["CSP0000003"])
    email: str
    name: str
    carrier: str | None
    house_number: str | None
    street_name: str | None
    city: str | None
    state_code: str | None
    zip: str | None
    country: str | None
    location_id: str | None
    sub_account_id: str | None
    authorizing_person_name: str | None
    product_name: str
    favicon: str
    logo: str
    color: str
    created_date: int = Field(description="Epoch milliseconds")
    update_date: int = Field(description="Epoch milliseconds")


class EnterpriseCreate(RequestModel):
    name: RequiredText = Field(examples=["Sunshine Dental Clinic"])
    contact: RequiredText = Field(examples=["Dr. Maria Rodriguez"])
    number: E164
    email: Email


class TeamsEnterprise(ResponseModel):
    enterprise_id: str = Field(examples=["E0000090"])
    name: str
    contact: str
    number: str
    email: str
    deleted: bool
    created_date: int = Field(description="Epoch milliseconds")
    update_date: int = Field(description="Epoch milliseconds")


class MappingCreate(RequestModel):
    phone_number: E164
    messaging_app_type: Literal["Teams"]
    messaging_app_id: RequiredText = Field(examples=["teams-channel-id-12345"])
    name: OptionalText = Field(default=None, examples=["FrontDesk"])


class MappingUpdate(RequestModel):
    """Partial update: only the fields sent change; at least one must be sent."""

    phone_number: Annotated[E164 | None, NotNull, NotNullSchema] = None
    messaging_app_id: Annotated[RequiredText | None, NotNull, NotNullSchema] = None
    messaging_app_type: Annotated[Literal["Teams"] | None, NotNull, NotNullSchema] = None
    name: OptionalText = None

    @model_validator(mode="after")
    def _not_empty(self) -> MappingUpdate:
        if not self.model_fields_set:
            raise PydanticCustomError(
                "empty_update",
                "Request body must set at least one of phoneNumber, messagingAppId, "
                "messagingAppType, name",
            )
        return self

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class TeamsMapping(ResponseModel):
    number_to_message_app_map_id: str = Field(examples=["NTMAP0000123"])
    phone_number: str
    messaging_app_type: str
    messaging_app_id: str
    name: str | None


class MessagingAppLookup(RequestModel):
    messaging_app_id: RequiredText = Field(examples=["app789"])


def csp(record: Csp) -> dict[str, Any]:
    return {
        "cspId": record.csp_id,
        "email": record.email,
        "name": record.name,
        "carrier": record.carrier,
        "houseNumber": record.house_number,
        "streetName": record.street_name,
        "city": record.city,
        "stateCode": record.state_code,
        "zip": record.zip,
        "country": record.country,
        "locationId": record.location_id,
        "subAccountId": record.sub_account_id,
        "authorizingPersonName": record.authorizing_person_name,
        "productName": record.product_name,
        "favicon": record.favicon,
        "logo": record.logo,
        "color": record.color,
        "createdDate": record.created_date,
        "updateDate": record.update_date,
    }


def csp_config(branding: Branding) -> dict[str, Any]:
    return {
        "productName": branding.product_name,
        "favicon": branding.favicon,
        "logo": branding.logo,
        "color": branding.color,
    }


def enterprise(record: Enterprise) -> dict[str, Any]:
    return {
        "enterpriseId": record.enterprise_id,
        "name": record.name,
        "contact": record.contact,
        "number": record.phone_number,
        "email": record.email,
        "deleted": record.deleted,
        "createdDate": record.created_date,
        "updateDate": record.update_date,
    }


def mapping(record: Mapping) -> dict[str, Any]:
    return {
        "numberToMessageAppMapId": record.mapping_id,
        "phoneNumber": record.phone_number,
        "messagingAppType": record.messaging_app_type,
        "messagingAppId": record.messaging_app_id,
        "name": record.name,
    }
