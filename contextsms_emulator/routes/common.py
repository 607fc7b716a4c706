"""Dependencies every protected route shares: the bearer caller and the write check.

Each is made for one service: it accepts only access tokens of that service's auth
service (a Webex token is a 401 on the Teams API, and the reverse).

Each is a single dependency reading the Authorization header itself (verified tokens are
cached), because every extra level of FastAPI dependency resolution costs on every
request. As dependencies they run before the body is validated, so a request without a
valid token is a 401 (and a read-only caller's write a 403) whatever its body. FastAPI
decodes the JSON body *before* any dependency, though, so an undecodable body would
answer 400 first; :func:`check_credentials` lets the error handlers run these guards
before reporting such a body. The OpenAPI security requirement they imply is added by
``EmulatorApp.openapi``.
"""

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any
from weakref import WeakSet

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.types import DecoratedCallable

from contextsms_emulator.emulator import EmulatorState
from contextsms_emulator.middleware import bearer_token
from contextsms_emulator.rules import Caller, Platform
from contextsms_emulator.services import Service

CallerDependency = Callable[[Request], Awaitable[Caller]]

_GUARDS: WeakSet[CallerDependency] = WeakSet()
"""Every dependency made below: the ones :func:`check_credentials` may run."""


def caller_dependency(state: EmulatorState, service: Service) -> CallerDependency:
    """A dependency yielding the caller authenticated by ``service`` (401 otherwise)."""

    async def current_caller(request: Request) -> Caller:
        return state.authenticate(bearer_token(request.scope), service)

    _GUARDS.add(current_caller)
    return current_caller


def writer_dependency(state: EmulatorState, service: Service) -> Callable[[str], CallerDependency]:
    """``writer("create enterprises")``: the caller, if its role may write (403 otherwise)."""

    def writer(action: str) -> CallerDependency:
        async def current_writer(request: Request) -> Caller:
            who = state.authenticate(bearer_token(request.scope), service)
            Platform.require_write(who, action)
            return who

        _GUARDS.add(current_writer)
        return current_writer

    return writer


async def check_credentials(request: Request) -> None:
    """Run the matched route's auth dependencies; raise their 401/403 ``ApiError``.

    For the error handlers of failures FastAPI detects before any dependency runs (an
    undecodable JSON body), so the documented order holds: token, role, then body.
    """
    dependant = getattr(request.scope.get("route"), "dependant", None)
    for dependency in getattr(dependant, "dependencies", ()):
        if dependency.call in _GUARDS:
            await dependency.call(request)


def json(content: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(content, status_code=status)


class Routes:
    """Route decorators registering straight on the app, with a path prefix and a tag.

    This FastAPI matches an included router's routes twice per request (once to pick the
    router, once inside it), so the emulator keeps one flat route table instead.
    """

    def __init__(self, app: FastAPI, prefix: str, tag: str) -> None:
        self._app = app
        self._prefix = prefix
        self._tags: list[str | Enum] = [tag]

    def get(self, path: str, **options: Any) -> Callable[[DecoratedCallable], DecoratedCallable]:
        return self._app.get(self._prefix + path, tags=self._tags, **options)

    def post(self, path: str, **options: Any) -> Callable[[DecoratedCallable], DecoratedCallable]:
        return self._app.post(self._prefix + path, tags=self._tags, **options)

    def put(self, path: str, **options: Any) -> Callable[[DecoratedCallable], DecoratedCallable]:
        return self._app.put(self._prefix + path, tags=self._tags, **options)

    def delete(self, path: str, **options: Any) -> Callable[[DecoratedCallable], DecoratedCallable]:
        return self._app.delete(self._prefix + path, tags=self._tags, **options)
