"""The NumberMapping resource: a phone number routed to a Webex bot or Teams channel."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi.dynamic

from .._state_refs import NumberMappingProvider
from ._props import connection_of, props_of


@dataclass
class NumberMappingArgs:
    """Inputs of a `NumberMapping`. `messaging_app_type` defaults to the platform's
    ("Webex" or "Teams"); `mms_enabled` is Webex only, `name` Teams only; `adopt_id`
    takes over an existing mapping of the enterprise that already matches."""

    enterprise_id: pulumi.Input[str] | None = None
    phone_number: pulumi.Input[str] | None = None
    messaging_app_id: pulumi.Input[str] | None = None
    messaging_app_type: pulumi.Input[str] | None = None
    mms_enabled: pulumi.Input[bool] | None = None
    name: pulumi.Input[str] | None = None
    profile: str | None = None
    adopt_id: str | None = None


class NumberMapping(pulumi.dynamic.Resource, module="contextsms", name="NumberMapping"):
    """A number mapping (POST /mapping/add/{enterpriseId}). Webex: any change replaces
    it; Teams: changes are PUT in place, a move to another enterprise replaces it.
    Replacements delete first: a phone number maps once."""

    mapping_id: pulumi.Output[str]
    enterprise_id: pulumi.Output[str]
    phone_number: pulumi.Output[str]
    messaging_app_id: pulumi.Output[str]
    messaging_app_type: pulumi.Output[str]
    mms_enabled: pulumi.Output[bool | None]
    name: pulumi.Output[str | None]
    platform: pulumi.Output[str]
    api_base: pulumi.Output[str]
    """The API base the record lives on (with `platform`: `connection`)."""

    @property
    def connection(self) -> pulumi.Output[dict[str, str]]:
        """The service the record lives on: its platform and API base."""
        return connection_of(self)

    def __init__(
        self,
        resource_name: str,
        args: NumberMappingArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        *,
        enterprise_id: pulumi.Input[str] | None = None,
        phone_number: pulumi.Input[str] | None = None,
        messaging_app_id: pulumi.Input[str] | None = None,
        messaging_app_type: pulumi.Input[str] | None = None,
        mms_enabled: pulumi.Input[bool] | None = None,
        name: pulumi.Input[str] | None = None,
        profile: str | None = None,
        adopt_id: str | None = None,
    ) -> None:
        if args is None:
            args = NumberMappingArgs(
                enterprise_id=enterprise_id,
                phone_number=phone_number,
                messaging_app_id=messaging_app_id,
                messaging_app_type=messaging_app_type,
                mms_enabled=mms_enabled,
                name=name,
                profile=profile,
                adopt_id=adopt_id,
            )
        outputs = ("mapping_id", "platform", "api_base")
        super().__init__(
            NumberMappingProvider(),
            resource_name,
            props_of(args, outputs, "NumberMapping", resource_name, opts),
            opts,
        )
