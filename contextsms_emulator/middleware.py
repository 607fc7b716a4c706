"""The pure-ASGI layer every request passes through, and the helpers its middlewares share.

Why a module of its own: what happens to a request before and after its route (ids,
the request log, faults, crash safety) is one job, done here in
:class:`EmulatorMiddleware`, the outermost middleware; the small ASGI helpers below
(which paths are API calls or need a bearer token, headers, reading and replaying a
body, sending an answer) serve it and the idempotency middleware
(:mod:`contextsms_emulator.idempotency`), and the routes read the bearer token with them.

Pure ASGI (no ``BaseHTTPMiddleware``, no per-request ``Request`` objects) to keep the
hot path to a few dict operations.

For every request :class:`EmulatorMiddleware` assigns a ``req-...`` id
(``X-Request-Id`` on every response and ``requestId`` in every error body). For API
calls it also applies latency and the fault chosen by
:class:`~contextsms_emulator.faults.FaultInjector`, and appends an entry to the request
log.

The ``drop`` fault runs the request to completion (its transaction is committed, and an
Idempotency-Key response is stored), sends the response headers with the real
Content-Length, then raises :class:`InjectedDrop` instead of sending the body. uvicorn
answers an exception after the response started by closing the connection, so the
client sees a truncated response (httpx: ``RemoteProtocolError``). A bodiless response
(204) would already be complete after its headers, so for those the headers announce a
one-byte body that never comes.

The ``stall`` fault also runs the request to completion, then sends nothing until the
client closes the connection (a read timeout, or a client killed mid-call): the answer
of a committed write that never arrives. :data:`STALL_LIMIT_SECONDS` bounds the hold,
after which the answer is sent late.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterable
from typing import Any, Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contextsms_emulator import ids
from contextsms_emulator.emulator import EmulatorState
from contextsms_emulator.errors import (
    RATE_LIMITED,
    REQUEST_ID_SCOPE_KEY,
    error_body,
    internal_error_body,
)

# --- ASGI helpers ----------------------------------------------------------------------

Headers = list[tuple[bytes, bytes]]

API_PREFIXES: Final = ("/api/", "/v1/auth/")
UNAUTHENTICATED_API_PREFIXES: Final = ("/api/v2/auth/", "/api/v2/stripe/webhook")


def is_api_path(path: str) -> bool:
    """An API call (logged, faultable): ``/api/*`` and the Webex auth service ``/v1/auth/*``."""
    return path.startswith(API_PREFIXES)


def needs_bearer(path: str) -> bool:
    """A protected API path: all of ``/api/*`` but Teams auth and the signed Stripe webhook.

    These are also exactly the paths whose POSTs honour ``Idempotency-Key``.
    """
    return path.startswith("/api/") and not path.startswith(UNAUTHENTICATED_API_PREFIXES)


def header(scope: Scope, name: bytes) -> str | None:
    """A request header's value (``name`` lower-case), or None."""
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def bearer_token(scope: Scope) -> str | None:
    value = header(scope, b"authorization")
    if value is None:
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


class ClientDisconnected(Exception):
    """The client went away before its request body was complete."""


async def read_body(receive: Receive) -> bytes:
    """The whole request body; `ClientDisconnected` if the client left before its end
    (a server never acts on a request it did not fully receive)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise ClientDisconnected
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that yields an already-read body once, then defers to the real one."""
    sent = False

    async def receive_again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return receive_again


def response_parts(messages: list[Message]) -> tuple[Message, bytes]:
    """A captured response's ``http.response.start`` message and its whole body."""
    return messages[0], b"".join(m.get("body", b"") for m in messages[1:])


async def send_bytes(
    send: Send,
    status: int,
    body: bytes,
    content_type: str | None,
    extra: Iterable[tuple[bytes, bytes]] = (),
) -> None:
    headers: Headers = [(b"content-length", str(len(body)).encode())]
    if content_type:
        headers.append((b"content-type", content_type.encode("latin-1")))
    headers.extend(extra)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def send_json(
    send: Send, status: int, content: Any, extra: Iterable[tuple[bytes, bytes]] = ()
) -> None:
    body = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()
    await send_bytes(send, status, body, "application/json", extra)


# --- the outermost middleware ------------------------------------------------------------

logger = logging.getLogger("contextsms_emulator")

_BODILESS: Final = frozenset({204, 304})
STALL_LIMIT_SECONDS: Final = 600.0


class InjectedDrop(Exception):
    """Raised after the response headers to make the server cut the connection."""


class EmulatorMiddleware:
    def __init__(self, app: ASGIApp, state: EmulatorState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = ids.request_id()
        scope[REQUEST_ID_SCOPE_KEY] = request_id
        id_header = (b"x-request-id", request_id.encode())
        path: str = scope["path"]
        if not is_api_path(path):
            await self._run(scope, receive, send, id_header)
            return

        started = time.time()
        method: str = scope["method"]
        faults = self.state.faults
        fault = faults.decide(method, path)
        status = 0
        try:
            if faults.latency_seconds:
                await asyncio.sleep(faults.latency_seconds)
            if fault == "error":
                status = 500
                await send_json(send, 500, internal_error_body(request_id), [id_header])
            elif fault == "rate_limit":
                status = 429
                await self._rate_limited(send, request_id, id_header)
            elif fault == "drop":
                status = await self._run_headers_only(scope, receive, send, id_header)
            elif fault == "stall":
                status = await self._run_unanswered(scope, receive, send, id_header)
            else:
                status = await self._run(scope, receive, send, id_header)
        finally:
            self.state.request_log.append(
                method,
                path,
                scope["query_string"].decode("latin-1"),
                status,
                fault,
                request_id,
                started,
            )
        if fault == "drop":
            logger.info("Injected drop: %s %s answered %d, connection cut", method, path, status)
            raise InjectedDrop(f"injected drop of {method} {path} ({request_id})")

    async def _rate_limited(
        self, send: Send, request_id: str, id_header: tuple[bytes, bytes]
    ) -> None:
        retry_after = self.state.faults.config.retry_after_seconds
        body = error_body(
            RATE_LIMITED,
            "Rate limit exceeded",
            request_id,
            {"retryAfterSeconds": retry_after},
        )
        await send_json(send, 429, body, [(b"retry-after", str(retry_after).encode()), id_header])

    async def _run(
        self, scope: Scope, receive: Receive, send: Send, id_header: tuple[bytes, bytes]
    ) -> int:
        """Run the app, adding ``X-Request-Id``; an unhandled exception becomes a 500 body."""
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), id_header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            if status:
                raise
            request_id = id_header[1].decode()
            logger.exception(
                "Unhandled error in %s %s (%s)", scope["method"], scope["path"], request_id
            )
            await send_json(send, 500, internal_error_body(request_id), [id_header])
            return 500
        return status

    async def _run_captured(
        self, scope: Scope, receive: Receive, id_header: tuple[bytes, bytes]
    ) -> tuple[int, list[Message]]:
        """Run the request to completion, keeping its response instead of sending it."""
        messages: list[Message] = []

        async def capture(message: Message) -> None:
            messages.append(message)

        return await self._run(scope, receive, capture, id_header), messages

    async def _run_headers_only(
        self, scope: Scope, receive: Receive, send: Send, id_header: tuple[bytes, bytes]
    ) -> int:
        """Run the request to completion but send only its headers (see module docs)."""
        status, messages = await self._run_captured(scope, receive, id_header)
        start, body = response_parts(messages)
        headers = [(k, v) for k, v in start.get("headers", ()) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body) or 1).encode()))
        wire_status = 200 if not body and status in _BODILESS else status
        await send({"type": "http.response.start", "status": wire_status, "headers": headers})
        return status

    async def _run_unanswered(
        self, scope: Scope, receive: Receive, send: Send, id_header: tuple[bytes, bytes]
    ) -> int:
        """Run the request to completion, then hold its answer (see module docs)."""
        status, messages = await self._run_captured(scope, receive, id_header)
        faults = self.state.faults
        faults.held += 1
        try:
            async with asyncio.timeout(STALL_LIMIT_SECONDS):
                while (await receive())["type"] != "http.disconnect":
                    pass
            return status
        except TimeoutError:
            for message in messages:
                await send(message)
            return status
        finally:
            faults.held -= 1
