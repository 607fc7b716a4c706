"""The Enterprise resource: a customer organisation under a CSP."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi.dynamic

from .._state_refs import EnterpriseProvider
from ._props import connection_of, props_of


@dataclass
class EnterpriseArgs:
    """Inputs of an `Enterprise`. `csp_id` defaults to ``contextsms:cspId``;
    `default_mms_selection` exists on the Webex API only; `adopt_id` takes over an
    existing enterprise that already matches these inputs instead of creating one."""

    name: pulumi.Input[str] | None = None
    contact: pulumi.Input[str] | None = None
    phone_number: pulumi.Input[str] | None = None
    email: pulumi.Input[str] | None = None
    csp_id: pulumi.Input[str] | None = None
    default_mms_selection: pulumi.Input[bool] | None = None
    profile: str | None = None
    adopt_id: str | None = None


class Enterprise(pulumi.dynamic.Resource, module="contextsms", name="Enterprise"):
    """An enterprise (POST /enterprise/{cspId}). Any input change replaces it: neither
    API can update an enterprise."""

    enterprise_id: pulumi.Output[str]
    name: pulumi.Output[str]
    contact: pulumi.Output[str]
    phone_number: pulumi.Output[str]
    email: pulumi.Output[str]
    csp_id: pulumi.Output[str]
    default_mms_selection: pulumi.Output[bool | None]
    platform: pulumi.Output[str]
    api_base: pulumi.Output[str]
    """The API base the record lives on (with `platform`: `connection`)."""
    created_date: pulumi.Output[int]
    update_date: pulumi.Output[int]

    @property
    def connection(self) -> pulumi.Output[dict[str, str]]:
        """The service the record lives on: its platform and API base."""
        return connection_of(self)

    def __init__(
        self,
        resource_name: str,
        args: EnterpriseArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        *,
        name: pulumi.Input[str] | None = None,
        contact: pulumi.Input[str] | None = None,
        phone_number: pulumi.Input[str] | None = None,
        email: pulumi.Input[str] | None = None,
        csp_id: pulumi.Input[str] | None = None,
        default_mms_selection: pulumi.Input[bool] | None = None,
        profile: str | None = None,
        adopt_id: str | None = None,
    ) -> None:
        if args is None:
            args = EnterpriseArgs(
                name=name,
                contact=contact,
                phone_number=phone_number,
                email=email,
                csp_id=csp_id,
                default_mms_selection=default_mms_selection,
                profile=profile,
                adopt_id=adopt_id,
            )
        outputs = ("enterprise_id", "platform", "api_base", "created_date", "update_date")
        super().__init__(
            EnterpriseProvider(),
            resource_name,
            props_of(args, outputs, "Enterprise", resource_name, opts),
            opts,
        )
