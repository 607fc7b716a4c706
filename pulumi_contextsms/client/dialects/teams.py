"""The Teams Platform API (v2) dialect, exactly as teams-platform-api.txt documents it.

- create_csp: POST /csp {email, name, carrier, houseNumber, ...}
- get_csp_config: GET /csp/getcspconfig?phoneNumber=
- list_enterprises: GET /csp/enterprises/{cspId}
- create_enterprise: POST /enterprise/{cspId} {name, contact, number, email}
- get_enterprise: GET /enterprise/getenterprise/{enterpriseId}
- delete_enterprise: DELETE /enterprise/deleteenterprise/{enterpriseId}
  (200, text "Deleted enterprise {id}")
- create_mapping: POST /mapping/add/{enterpriseId}
  {phoneNumber, messagingAppType, messagingAppId, name?} (200)
- list_mappings: GET /numbertomessageappmapping/enterprise/{enterpriseId}
- list_csp_mappings: GET /mapping/csp/{cspId} (no paging or filters documented)
- update_mapping: PUT /mapping/{id} (partial: only the set fields)
- delete_mapping: DELETE /mapping/{id} (200, text "Deleted mapping {id}")
- find_mapping_by_app_id: POST /mapping/messagingAppId {messagingAppId}
- check_payment: POST /stripe/check-payment {email}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import InvalidInputError
from ..platforms import Platform
from ..validation import validate_e164, validate_email_address
from .dialect import Call, Dialect, non_empty, segment

if TYPE_CHECKING:  # specs only arrive as arguments: reading needs none
    from ..specs import CspSpec, EnterpriseSpec, MappingPatch, MappingSpec

__all__ = ["TeamsDialect"]


class TeamsDialect(Dialect):
    platform: ClassVar[Platform] = Platform.TEAMS
    label: ClassVar[str] = "Teams Platform API (v2)"

    def create_enterprise(self, csp_id: str, spec: EnterpriseSpec) -> Call:
        path = f"/enterprise/{segment(csp_id, 'csp_id')}"
        spec.validate_for(self.platform)
        body = {
            "name": spec.name,
            "contact": spec.contact,
            "number": spec.phone_number,
            "email": spec.email,
        }
        return Call("POST", path, json=body, creates=True)

    def list_enterprises(self, csp_id: str) -> Call:
        return Call("GET", f"/csp/enterprises/{segment(csp_id, 'csp_id')}")

    def create_mapping(self, enterprise_id: str, spec: MappingSpec) -> Call:
        path = f"/mapping/add/{segment(enterprise_id, 'enterprise_id')}"
        spec.validate_for(self.platform)
        body: dict[str, Any] = {
            "phoneNumber": spec.phone_number,
            "messagingAppType": spec.messaging_app_type,
            "messagingAppId": spec.messaging_app_id,
        }
        if spec.name is not None:
            body["name"] = spec.name
        return Call("POST", path, json=body, creates=True)

    def list_mappings(self, enterprise_id: str) -> Call:
        return Call(
            "GET",
            f"/numbertomessageappmapping/enterprise/{segment(enterprise_id, 'enterprise_id')}",
        )

    def list_csp_mappings(
        self, csp_id: str, *, page: int | None, size: int | None, status: str | None
    ) -> Call:
        path = f"/mapping/csp/{segment(csp_id, 'csp_id')}"
        given = tuple(
            name
            for name, value in (("page", page), ("size", size), ("status", status))
            if value is not None
        )
        if given:
            raise InvalidInputError(
                f"{', '.join(given)}: the {self.label} documents no paging or filters "
                "for GET /mapping/csp/{cspId}",
                fields=given,
            )
        return Call("GET", path)

    def update_mapping(self, mapping_id: str, patch: MappingPatch) -> Call:
        path = f"/mapping/{segment(mapping_id, 'mapping_id')}"
        patch.validate_for(self.platform)
        body = patch.wire_fields()
        if not body:
            raise InvalidInputError("update_mapping needs at least one field to change")
        return Call("PUT", path, json=body)

    def find_mapping_by_app_id(self, messaging_app_id: str) -> Call:
        app_id = non_empty(messaging_app_id, "messaging_app_id")
        return Call(
            "POST",
            "/mapping/messagingAppId",
            json={"messagingAppId": app_id},
            replay_safe=True,
        )

    def create_csp(self, spec: CspSpec) -> Call:
        return Call("POST", "/csp", json=spec.wire_fields(), creates=True)

    def get_csp_config(self, phone_number: str) -> Call:
        number = validate_e164(phone_number)
        return Call("GET", "/csp/getcspconfig", params={"phoneNumber": number})

    def check_payment(self, email: str) -> Call:
        return Call(
            "POST",
            "/stripe/check-payment",
            json={"email": validate_email_address(email)},
            replay_safe=True,
        )
