"""The Webex Bot API, v1 (``/api/v1``), as its guide documents it."""

from typing import Annotated

from fastapi import Depends, FastAPI, Query, Response
from fastapi.responses import JSONResponse

from contextsms_emulator import errors
from contextsms_emulator.emulator import EmulatorState
from contextsms_emulator.routes.common import Routes, caller_dependency, json, writer_dependency
from contextsms_emulator.rules import Caller
from contextsms_emulator.schemas import webex
from contextsms_emulator.schemas.webex import WebexEnterprise, WebexMapping
from contextsms_emulator.services import WEBEX

PREFIX = "/api/v1"
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100
MAX_PAGE = 2**31 - 1
"""Spring's page is a Java int; a larger one also overflowed SQLite's OFFSET (a 500)."""


def register(app: FastAPI, state: EmulatorState) -> None:
    api = Routes(app, PREFIX, "Webex Bot API v1")
    platform = state.platform
    caller = caller_dependency(state, WEBEX)
    writer = writer_dependency(state, WEBEX)

    @api.post(
        "/enterprise/{cspId}",
        status_code=201,
        response_model=WebexEnterprise,
        responses=errors.responses(400, 401, 403),
        summary="Create an enterprise under a CSP",
    )
    async def create_enterprise(
        cspId: str,
        body: webex.EnterpriseCreate,
        who: Annotated[Caller, Depends(writer("create enterprises"))],
    ) -> JSONResponse:
        record = platform.create_enterprise(
            who,
            cspId,
            name=body.name,
            contact=body.contact,
            phone_number=body.phone_number,
            email=body.email,
            default_mms_selection=body.default_mms_selection,
        )
        return json(webex.enterprise(record), 201)

    @api.get(
        "/enterprise/getenterprise/{enterpriseId}",
        response_model=WebexEnterprise,
        responses=errors.responses(401, 404),
        summary="Get an enterprise (a soft-deleted one shows deleted: true)",
    )
    async def get_enterprise(
        enterpriseId: str, who: Annotated[Caller, Depends(caller)]
    ) -> JSONResponse:
        return json(webex.enterprise(platform.enterprise(who, enterpriseId)))

    @api.delete(
        "/enterprise/deleteenterprise/{enterpriseId}",
        status_code=204,
        response_class=Response,
        responses=errors.responses(401, 403, 404),
        summary="Soft-delete an enterprise and remove its mappings",
    )
    async def delete_enterprise(
        enterpriseId: str,
        who: Annotated[Caller, Depends(writer("delete enterprises"))],
    ) -> Response:
        platform.delete_enterprise(who, enterpriseId)
        return Response(status_code=204)

    @api.post(
        "/mapping/add/{enterpriseId}",
        status_code=201,
        response_model=WebexMapping,
        responses=errors.responses(400, 401, 403, 404, 409),
        summary="Map a phone number to a Webex bot",
    )
    async def add_mapping(
        enterpriseId: str,
        body: webex.MappingCreate,
        who: Annotated[Caller, Depends(writer("create mappings"))],
    ) -> JSONResponse:
        record = platform.add_mapping(
            who,
            enterpriseId,
            phone_number=body.phone_number,
            messaging_app_type=body.messaging_app_type,
            messaging_app_id=body.messaging_app_id,
            mms_enabled=body.mms_enabled,
        )
        return json(webex.mapping(record), 201)

    @api.get(
        "/mappings/enterprise/{enterpriseId}",
        response_model=list[WebexMapping],
        responses=errors.responses(401, 404),
        summary="List an enterprise's mappings",
    )
    async def enterprise_mappings(
        enterpriseId: str, who: Annotated[Caller, Depends(caller)]
    ) -> JSONResponse:
        return json([webex.mapping(m) for m in platform.mappings_of_enterprise(who, enterpriseId)])

    @api.get(
        "/mappings/csp/{cspId}",
        response_model=list[WebexMapping],
        responses=errors.responses(400, 401, 403),
        summary="List a CSP's mappings, a page at a time (page is 0-based)",
    )
    async def csp_mappings(
        cspId: str,
        who: Annotated[Caller, Depends(caller)],
        page: Annotated[
            int, Query(ge=0, le=MAX_PAGE, description="0-based page number (max 2^31-1)")
        ] = 0,
        size: Annotated[
            int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size (max 1000)")
        ] = DEFAULT_PAGE_SIZE,
        status: Annotated[
            str | None, Query(description="Only 'active' (case-insensitive): live mappings")
        ] = None,
    ) -> JSONResponse:
        if status is not None and status.casefold() != "active":
            raise errors.bad_request(
                f"Unsupported status filter '{status}': only 'active' is supported", "status"
            )
        records = platform.mappings_of_csp(who, cspId, limit=size, offset=page * size)
        return json([webex.mapping(m) for m in records])

    @api.delete(
        "/mapping/{mappingId}",
        status_code=204,
        response_class=Response,
        responses=errors.responses(401, 403, 404),
        summary="Delete a mapping",
    )
    async def delete_mapping(
        mappingId: str,
        who: Annotated[Caller, Depends(writer("delete mappings"))],
    ) -> Response:
        platform.delete_mapping(who, mappingId)
        return Response(status_code=204)
