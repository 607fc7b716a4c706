"""The outermost middleware: request ids, the request log, fault injection, crash safety.

Pure ASGI (no ``BaseHTTPMiddleware``) to keep the hot path to a few dict operations.
For every request it assigns a ``req-...`` id (``X-Request-Id`` on every response and
``requestId`` in every error body). For API calls it also applies latency and the fault
chosen by :class:`~contextsms_emulator.faults.FaultInjector`, and appends an entry to
the request log.

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
import logging
import time
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contextsms_emulator import asgi, ids
from contextsms_emulator.errors import (
    RATE_LIMITED,
    REQUEST_ID_SCOPE_KEY,
    error_body,
    internal_error_body,
)
from contextsms_emulator.state import EmulatorState

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
        if not asgi.is_api_path(path):
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
                await asgi.send_json(send, 500, internal_error_body(request_id), [id_header])
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
        await asgi.send_json(
            send, 429, body, [(b"retry-after", str(retry_after).encode()), id_header]
        )

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
            await asgi.send_json(send, 500, internal_error_body(request_id), [id_header])
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
        start, body = asgi.response_parts(messages)
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
