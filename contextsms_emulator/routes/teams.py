"""The Teams Platform API, v2 (``/api/v2``): CSPs, enterprises, mappings (Stripe is separate).

Dialect differences from v1, as documented: enterprise ``number``; mapping ``name``;
``POST /mapping/add`` answers 200; deletes answer 200 with a plain-text message.
"""

from typing import Annotated

from fastapi import Depends, FastAPI, Query
from fastapi.responses import JSONResponse, PlainTextResponse

from contextsms_emulator import errors
from contextsms_emulator.emulator import EmulatorState
from contextsms_emulator.routes.common import Routes, caller_dependency, json, writer_dependency
from contextsms_emulator.rules import Caller
from contextsms_emulator.schemas import teams
from contextsms_emulator.schemas.teams import CspConfig, TeamsCsp, TeamsEnterprise, TeamsMapping
from contextsms_emulator.services import TEAMS
from contextsms_emulator.validation import is_e164

PREFIX = "/api/v2"


def _text(example: str) -> dict[int | str, dict[str, object]]:
    return {200: {"content": {"text/plain": {"schema": {"type": "string"}, "example": example}}}}


def register(app: FastAPI, state: EmulatorState) -> None:
    api = Routes(app, PREFIX, "Teams Platform API v2")
    platform = state.platform
    caller = caller_dependency(state, TEAMS)
    writer = writer_dependency(state, TEAMS)

    @api.post(
        "/csp",
        status_code=201,
        response_model=TeamsCsp,
        responses=errors.responses(400, 401, 403),
        summary="Create a CSP (owned by the caller's CSP)",
    )
    async def create_csp(
        body: teams.CspCreate,
        who: Annotated[Caller, Depends(writer("create CSPs"))],
    ) -> JSONResponse:
        record = platform.create_csp(who, **body.model_dump())
        return json(teams.csp(record), 201)

    @api.get(
        "/csp/getcspconfig",
        response_model=CspConfig,
        responses=errors.responses(400, 401, 404),
        summary="Branding of the caller's CSP that owns a phone number",
    )
    async def get_csp_config(
        who: Annotated[Caller, Depends(caller)],
        phoneNumber: Annotated[str, Query(examples=["+15559876543"])],
    ) -> JSONResponse:
        if not is_e164(phoneNumber):
            raise errors.ApiError(
                400,
                errors.INVALID_PHONE,
                "Invalid phone number format",
                {"field": "phoneNumber", "message": errors.PHONE_FORMAT_MESSAGE},
            )
        return json(teams.csp_config(platform.branding_for_phone(who, phoneNumber)))

    @api.get(
        "/csp/enterprises/{cspId}",
        response_model=list[TeamsEnterprise],
        responses=errors.responses(401, 403),
        summary="List a CSP's enterprises (soft-deleted ones left out)",
    )
    async def csp_enterprises(cspId: str, who: Annotated[Caller, Depends(caller)]) -> JSONResponse:
        return json([teams.enterprise(e) for e in platform.enterprises_of(who, cspId)])

    @api.post(
        "/enterprise/{cspId}",
        status_code=201,
        response_model=TeamsEnterprise,
        responses=errors.responses(400, 401, 403),
        summary="Create an enterprise under a CSP",
    )
    async def create_enterprise(
        cspId: str,
        body: teams.EnterpriseCreate,
        who: Annotated[Caller, Depends(writer("create enterprises"))],
    ) -> JSONResponse:
        record = platform.create_enterprise(
            who,
            cspId,
            name=body.name,
            contact=body.contact,
            phone_number=body.number,
            email=body.email,
        )
        return json(teams.enterprise(record), 201)

    @api.get(
        "/enterprise/getenterprise/{enterpriseId}",
        response_model=TeamsEnterprise,
        responses=errors.responses(401, 404),
        summary="Get an enterprise (a soft-deleted one shows deleted: true)",
    )
    async def get_enterprise(
        enterpriseId: str, who: Annotated[Caller, Depends(caller)]
    ) -> JSONResponse:
        return json(teams.enterprise(platform.enterprise(who, enterpriseId)))

    @api.delete(
        "/enterprise/deleteenterprise/{enterpriseId}",
        response_class=PlainTextResponse,
        responses={**_text("Deleted enterprise E0000090"), **errors.responses(401, 403, 404)},
        summary="Soft-delete an enterprise and remove its mappings",
    )
    async def delete_enterprise(
        enterpriseId: str,
        who: Annotated[Caller, Depends(writer("delete enterprises"))],
    ) -> PlainTextResponse:
        platform.delete_enterprise(who, enterpriseId)
        return PlainTextResponse(f"Deleted enterprise {enterpriseId}")

    @api.post(
        "/mapping/add/{enterpriseId}",
        response_model=TeamsMapping,
        responses=errors.responses(400, 401, 403, 404, 409),
        summary="Map a phone number to a Teams channel (answers 200, as documented)",
    )
    async def add_mapping(
        enterpriseId: str,
        body: teams.MappingCreate,
        who: Annotated[Caller, Depends(writer("create mappings"))],
    ) -> JSONResponse:
        record = platform.add_mapping(
            who,
            enterpriseId,
            phone_number=body.phone_number,
            messaging_app_type=body.messaging_app_type,
            messaging_app_id=body.messaging_app_id,
            name=body.name,
        )
        return json(teams.mapping(record))

    @api.get(
        "/numbertomessageappmapping/enterprise/{enterpriseId}",
        response_model=list[TeamsMapping],
        responses=errors.responses(401, 404),
        summary="List an enterprise's mappings",
    )
    async def enterprise_mappings(
        enterpriseId: str, who: Annotated[Caller, Depends(caller)]
    ) -> JSONResponse:
        return json([teams.mapping(m) for m in platform.mappings_of_enterprise(who, enterpriseId)])

    @api.get(
        "/mapping/csp/{cspId}",
        response_model=list[TeamsMapping],
        responses=errors.responses(401, 403),
        summary="List all of a CSP's mappings",
    )
    async def csp_mappings(cspId: str, who: Annotated[Caller, Depends(caller)]) -> JSONResponse:
        return json([teams.mapping(m) for m in platform.mappings_of_csp(who, cspId)])

    @api.put(
        "/mapping/{numberToMessageAppMapId}",
        response_model=TeamsMapping,
        responses=errors.responses(400, 401, 403, 404, 409),
        summary="Partially update a mapping",
    )
    async def update_mapping(
        numberToMessageAppMapId: str,
        body: teams.MappingUpdate,
        who: Annotated[Caller, Depends(writer("update mappings"))],
    ) -> JSONResponse:
        record = platform.update_mapping(who, numberToMessageAppMapId, **body.changes())
        return json(teams.mapping(record))

    @api.delete(
        "/mapping/{numberToMessageAppMapId}",
        response_class=PlainTextResponse,
        responses={**_text("Deleted mapping NTMAP0000123"), **errors.responses(401, 403, 404)},
        summary="Delete a mapping",
    )
    async def delete_mapping(
        numberToMessageAppMapId: str,
        who: Annotated[Caller, Depends(writer("delete mappings"))],
    ) -> PlainTextResponse:
        platform.delete_mapping(who, numberToMessageAppMapId)
        return PlainTextResponse(f"Deleted mapping {numberToMessageAppMapId}")

    @api.post(
        "/mapping/messagingAppId",
        response_model=TeamsMapping,
        responses=errors.responses(400, 401, 404),
        summary="Find the caller's mapping for a messaging app id",
    )
    async def mapping_by_app_id(
        body: teams.MessagingAppLookup, who: Annotated[Caller, Depends(caller)]
    ) -> JSONResponse:
        return json(teams.mapping(platform.mapping_by_app_id(who, body.messaging_app_id)))
