"""Dependencies every protected route shares: the bearer caller and the write check."""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from contextsms_emulator.rules import Caller, Platform
from contextsms_emulator.state import EmulatorState

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearerAuth",
    description="The accessToken from /auth/login or /auth/getaccesstoken",
)

CallerDependency = Callable[..., Awaitable[Caller]]


def caller_dependency(state: EmulatorState) -> CallerDependency:
    """A dependency yielding the authenticated caller (401 otherwise)."""

    async def current_caller(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Caller:
        return state.authenticate(credentials.credentials if credentials else None)

    return current_caller


def writer_dependency(caller: CallerDependency) -> Callable[[str], CallerDependency]:
    """``writer("create enterprises")``: the caller, if its role may write (403 otherwise).

    Checked as a dependency so a read-only caller is refused before its body is looked at.
    """

    def writer(action: str) -> CallerDependency:
        async def current_writer(who: Annotated[Caller, Depends(caller)]) -> Caller:
            Platform.require_write(who, action)
            return who

        return current_writer

    return writer


def json(content: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(content, status_code=status)
