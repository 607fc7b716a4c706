"""The Csp resource (Teams only): a communication service provider registration."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi.dynamic

from .._state_refs import CspProvider
from ._props import connection_of, props_of


@dataclass
class CspArgs:
    """Inputs of a `Csp` (POST /csp): `email` and `name` are required.

    The API cannot change or delete a CSP, so a change of its fields would register a
    new one and leave the old one in ContextSMS: `pulumi preview` refuses it unless
    `allow_reregistration` is True. `adopt_id` takes over an existing CSP as given (the
    API cannot read one to verify it)."""

    email: pulumi.Input[str] | None = None
    name: pulumi.Input[str] | None = None
    carrier: pulumi.Input[str] | None = None
    house_number: pulumi.Input[str] | None = None
    street_name: pulumi.Input[str] | None = None
    city: pulumi.Input[str] | None = None
    state_code: pulumi.Input[str] | None = None
    zip: pulumi.Input[str] | None = None
    country: pulumi.Input[str] | None = None
    location_id: pulumi.Input[str] | None = None
    sub_account_id: pulumi.Input[str] | None = None
    authorizing_person_name: pulumi.Input[str] | None = None
    profile: str | None = None
    allow_reregistration: bool | None = None
    adopt_id: str | None = None


class Csp(pulumi.dynamic.Resource, module="contextsms", name="Csp"):
    """A CSP. The Teams API can only create CSPs: a change registers a new one, and
    deleting the resource leaves the CSP in ContextSMS (`retained_on_delete`)."""

    csp_id: pulumi.Output[str]
    name: pulumi.Output[str]
    email: pulumi.Output[str]
    platform: pulumi.Output[str]
    api_base: pulumi.Output[str]
    """The API base the record lives on (with `platform`: `connection`)."""
    retained_on_delete: pulumi.Output[bool]

    @property
    def connection(self) -> pulumi.Output[dict[str, str]]:
        """The service the record lives on: its platform and API base."""
        return connection_of(self)

    def __init__(
        self,
        resource_name: str,
        args: CspArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        *,
        email: pulumi.Input[str] | None = None,
        name: pulumi.Input[str] | None = None,
        carrier: pulumi.Input[str] | None = None,
        house_number: pulumi.Input[str] | None = None,
        street_name: pulumi.Input[str] | None = None,
        city: pulumi.Input[str] | None = None,
        state_code: pulumi.Input[str] | None = None,
        zip: pulumi.Input[str] | None = None,
        country: pulumi.Input[str] | None = None,
        location_id: pulumi.Input[str] | None = None,
        sub_account_id: pulumi.Input[str] | None = None,
        authorizing_person_name: pulumi.Input[str] | None = None,
        profile: str | None = None,
        allow_reregistration: bool | None = None,
        adopt_id: str | None = None,
    ) -> None:
        if args is None:
            args = CspArgs(
                email=email,
                name=name,
                carrier=carrier,
                house_number=house_number,
                street_name=street_name,
                city=city,
                state_code=state_code,
                zip=zip,
                country=country,
                location_id=location_id,
                sub_account_id=sub_account_id,
                authorizing_person_name=authorizing_person_name,
                profile=profile,
                allow_reregistration=allow_reregistration,
                adopt_id=adopt_id,
            )
        outputs = ("csp_id", "platform", "api_base", "retained_on_delete")
        super().__init__(
            CspProvider(), resource_name, props_of(args, outputs, "Csp", resource_name, opts), opts
        )
