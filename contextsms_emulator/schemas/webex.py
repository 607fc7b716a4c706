"""The Webex Bot API (v1) dialect: ``phoneNumber``, ``defaultMmsSelection``, ``mmsEnabled``."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from contextsms_emulator.records import Enterprise, Mapping
from contextsms_emulator.schemas.base import RequestModel, ResponseModel
from contextsms_emulator.validation import E164, Email, RequiredText


class EnterpriseCreate(RequestModel):
    name: RequiredText = Field(examples=["ABC Marketing Company"])
    contact: RequiredText = Field(examples=["Sarah Johnson"])
    phone_number: E164
    email: Email
    default_mms_selection: bool = False


class WebexMapping(ResponseModel):
    number_to_message_app_map_id: str = Field(examples=["NTMAP0000456"])
    messaging_app_id: str = Field(examples=["webex-bot-12345"])
    phone_number: str = Field(examples=["+15551234567"])
    messaging_app_type: str = Field(examples=["Webex"])
    mms_enabled: bool


class WebexEnterprise(ResponseModel):
    enterprise_id: str = Field(examples=["E0000123"])
    name: str
    contact: str
    phone_number: str
    email: str
    deleted: bool
    created_date: int = Field(description="Epoch milliseconds")
    update_date: int = Field(description="Epoch milliseconds")
    webex_settings: dict[str, Any] | None
    number_to_message_app_maps: list[WebexMapping] | None
    default_mms_selection: bool


class MappingCreate(RequestModel):
    messaging_app_id: RequiredText = Field(examples=["webex-bot-12345"])
    phone_number: E164
    messaging_app_type: Literal["Webex"]
    mms_enabled: bool = False


def enterprise(record: Enterprise) -> dict[str, Any]:
    return {
        "enterpriseId": record.enterprise_id,
        "name": record.name,
        "contact": record.contact,
        "phoneNumber": record.phone_number,
        "email": record.email,
        "deleted": record.deleted,
        "createdDate": record.created_date,
        "updateDate": record.update_date,
        "webexSettings": None,
        "numberToMessageAppMaps": None,
        "defaultMmsSelection": record.default_mms_selection,
    }


def mapping(record: Mapping) -> dict[str, Any]:
    return {
        "numberToMessageAppMapId": record.mapping_id,
        "messagingAppId": record.messaging_app_id,
        "phoneNumber": record.phone_number,
        "messagingAppType": record.messaging_app_type,
        "mmsEnabled": record.mms_enabled,
    }
