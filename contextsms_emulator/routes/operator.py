"""``/_emulator``: request log, records, seeding, reset, faults and Idempotency-Key handling.

No auth: loopback/test use only.
"""

import re
from typing import Annotated

from fastapi import FastAPI, Query, Request, Response
from fastapi.responses import JSONResponse

from contextsms_emulator import errors, seeding
from contextsms_emulator.emulator import EmulatorState
from contextsms_emulator.faults import FaultConfig, OneShotFault
from contextsms_emulator.routes.common import Routes, json
from contextsms_emulator.schemas.operator import (
    FaultSettings,
    FaultState,
    IdempotencySettings,
    NextFault,
    Records,
    RequestLogItem,
)
from contextsms_emulator.schemas.seed import body_schema
from contextsms_emulator.services import Service

DUPLICATE_NUMBER: dict[int | str, dict[str, object]] = {
    409: {"model": errors.ErrorResponse, "description": "A number is already mapped"}
}

PREFIX = "/_emulator"


def register(app: FastAPI, state: EmulatorState) -> None:
    api = Routes(app, PREFIX, "Emulator operator (no auth; loopback/tests)")
    faults = state.faults

    @api.get("/requests", response_model=list[RequestLogItem], summary="The API call log")
    async def list_requests() -> JSONResponse:
        return json(state.request_log.entries())

    @api.delete("/requests", status_code=204, response_class=Response, summary="Clear the log")
    async def clear_requests() -> Response:
        state.request_log.clear()
        return Response(status_code=204)

    @api.get(
        "/records",
        response_model=Records,
        responses=errors.responses(400, faults=False),
        summary="Every record of every tenant (of one service, if asked)",
    )
    async def records(
        service: Annotated[Service | None, Query(description="only this service's")] = None,
    ) -> JSONResponse:
        return json(state.store.dump(service))

    @api.post(
        "/seed",
        status_code=201,
        response_model=Records,
        responses=errors.responses(400, faults=False) | DUPLICATE_NUMBER,
        summary="Create accounts' records as if made in the portal; all or nothing",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": body_schema()}},
            }
        },
    )
    async def seed(request: Request) -> JSONResponse:
        accounts, single = seeding.parse(await request.body())
        return json(state.seeder.seed(accounts, seeding.namer(single)), 201)

    @api.post(
        "/reset",
        status_code=204,
        response_class=Response,
        summary="Wipe data, keys, events, log and faults; keep accounts and signing secret",
    )
    async def reset() -> Response:
        state.reset()
        return Response(status_code=204)

    @api.get("/faults", response_model=FaultState, summary="Current faults")
    async def get_faults() -> JSONResponse:
        return json(faults.snapshot())

    @api.put(
        "/faults",
        response_model=FaultState,
        responses=errors.responses(400, faults=False),
        summary="Replace the random faults",
    )
    async def put_faults(body: FaultSettings) -> JSONResponse:
        faults.configure(FaultConfig(**body.model_dump()))
        return json(faults.snapshot())

    @api.delete("/faults", status_code=204, response_class=Response, summary="No faults")
    async def clear_faults() -> Response:
        faults.reset()
        return Response(status_code=204)

    @api.post(
        "/faults/next",
        response_model=FaultState,
        responses=errors.responses(400, faults=False),
        summary="Give the next COUNT matching API calls a fault",
    )
    async def next_fault(body: NextFault) -> JSONResponse:
        try:
            rule = OneShotFault(body.kind, body.count, body.method, body.path_regex)
        except re.error as exc:
            raise errors.bad_request(f"Invalid path_regex: {exc}", "path_regex") from None
        faults.add_next(rule)
        return json(faults.snapshot())

    @api.get(
        "/idempotency",
        response_model=IdempotencySettings,
        summary="Whether Idempotency-Key is honoured",
    )
    async def get_idempotency() -> JSONResponse:
        return json({"honour": state.honour_idempotency_keys})

    @api.put(
        "/idempotency",
        response_model=IdempotencySettings,
        responses=errors.responses(400, faults=False),
        summary="Honour or ignore Idempotency-Key (ignore: like a service without it)",
    )
    async def put_idempotency(body: IdempotencySettings) -> JSONResponse:
        state.honour_idempotency_keys = body.honour
        return json({"honour": state.honour_idempotency_keys})
