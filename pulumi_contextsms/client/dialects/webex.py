"""The Webex Bot API (v1) dialect, exactly as webex-bot-api.txt documents it.

- create_enterprise: POST /enterprise/{cspId}
  {name, contact, phoneNumber, email, defaultMmsSelection?} (201)
- get_enterprise: GET /enterprise/getenterprise/{enterpriseId}
- delete_enterprise: DELETE /enterprise/deleteenterprise/{enterpriseId} (204, or 200)
- create_mapping: POST /mapping/add/{enterpriseId}
  {messagingAppId, phoneNumber, messagingAppType, mmsEnabled?} (201)
- list_mappings: GET /mappings/enterprise/{enterpriseId}
- list_csp_mappings: GET /mappings/csp/{cspId}?page&size&status
- delete_mapping: DELETE /mapping/{mappingId} (204, or 200)

No enterprise list, no mapping update, no CSP, CSP-config or payment calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import InvalidInputError
from ..platforms import Platform
from .dialect import Call, Dialect, non_empty, segment

if TYPE_CHECKING:  # specs only arrive as arguments: reading needs none
    from ..specs import EnterpriseSpec, MappingSpec

__all__ = ["WebexDialect"]


class WebexDialect(Dialect):
    platform: ClassVar[Platform] = Platform.WEBEX
    label: ClassVar[str] = "Webex Bot API (v1)"

    def create_enterprise(self, csp_id: str, spec: EnterpriseSpec) -> Call:
        path = f"/enterprise/{segment(csp_id, 'csp_id')}"
        spec.validate_for(self.platform)
        body: dict[str, Any] = {
            "name": spec.name,
            "contact": spec.contact,
            "phoneNumber": spec.phone_number,
            "email": spec.email,
        }
        if spec.default_mms_selection is not None:
            body["defaultMmsSelection"] = spec.default_mms_selection
        return Call("POST", path, json=body, creates=True)

    def create_mapping(self, enterprise_id: str, spec: MappingSpec) -> Call:
        path = f"/mapping/add/{segment(enterprise_id, 'enterprise_id')}"
        spec.validate_for(self.platform)
        body: dict[str, Any] = {
            "messagingAppId": spec.messaging_app_id,
            "phoneNumber": spec.phone_number,
            "messagingAppType": spec.messaging_app_type,
        }
        if spec.mms_enabled is not None:
            body["mmsEnabled"] = spec.mms_enabled
        return Call("POST", path, json=body, creates=True)

    def list_mappings(self, enterprise_id: str) -> Call:
        return Call(
            "GET",
            f"/mappings/enterprise/{segment(enterprise_id, 'enterprise_id')}",
        )

    def list_csp_mappings(
        self, csp_id: str, *, page: int | None, size: int | None, status: str | None
    ) -> Call:
        path = f"/mappings/csp/{segment(csp_id, 'csp_id')}"
        params: dict[str, str | int] = {}
        if page is not None:
            if isinstance(page, bool) or not isinstance(page, int) or page < 0:
                raise InvalidInputError(
                    f"page must be an integer >= 0, got {page!r}", fields=("page",)
                )
            params["page"] = page
        if size is not None:
            if isinstance(size, bool) or not isinstance(size, int) or size < 1:
                raise InvalidInputError(
                    f"size must be an integer >= 1, got {size!r}", fields=("size",)
                )
            params["size"] = size
        if status is not None:
            params["status"] = non_empty(status, "status")
        return Call("GET", path, params=params or None)
