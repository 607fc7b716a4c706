"""``Idempotency-Key`` for authenticated POSTs, so a client may retry a create safely.

Scope: (user, method, path, key). The first request that completes stores its status,
content type and body (unless it was a 5xx) in SQLite for 24 hours; a later request
with the same key and the same body (compared as canonical JSON) gets that response
replayed without running again, marked ``Idempotent-Replayed: true``. The same key with
a different body is refused: 400 ``IDEMPOTENCY_KEY_REUSED``. A request arriving while
the first is still running waits for it, then replays.

The response is stored before a single byte is sent, so a request whose connection is
then dropped (the ``drop`` fault) still replays on retry. A request whose client left
before its body was complete neither runs nor stores anything (a later request with
its key and its whole body is then a first one). Requests without a valid
bearer token pass through untouched (they get their 401 from the route); the auth
endpoints and the Stripe webhook (which has its own replay protection) are exempt.

With ``honour_idempotency_keys`` off (``--ignore-idempotency-keys``, or
``PUT /_emulator/idempotency``) the header is ignored altogether, as by a service that
does not support it: every request runs.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contextsms_emulator import clock, services
from contextsms_emulator.emulator import EmulatorState
from contextsms_emulator.errors import (
    BAD_REQUEST,
    IDEMPOTENCY_KEY_REUSED,
    error_body,
    request_id_of,
)
from contextsms_emulator.middleware import (
    ClientDisconnected,
    bearer_token,
    header,
    needs_bearer,
    read_body,
    replaying,
    response_parts,
    send_bytes,
    send_json,
)
from contextsms_emulator.records import StoredResponse

HEADER: Final = b"idempotency-key"
REPLAYED_HEADER: Final = (b"idempotent-replayed", b"true")
MAX_KEY_LENGTH: Final = 255

_Ident = tuple[str, str, str, str]


def fingerprint(body: bytes) -> str:
    """A hash of the body, insensitive to JSON key order and whitespace."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, state: EmulatorState) -> None:
        self.app = app
        self.state = state
        self._running: dict[_Ident, asyncio.Event] = {}

    def _applies(self, scope: Scope) -> bool:
        if scope["type"] != "http" or not self.state.honour_idempotency_keys:
            return False
        return scope["method"] == "POST" and needs_bearer(scope["path"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = header(scope, HEADER) if self._applies(scope) else None
        token = bearer_token(scope) if key is not None else None
        service = services.of_api_path(scope["path"])
        caller = self.state.caller_for_token(token, service) if token and service else None
        if key is None or caller is None:
            await self.app(scope, receive, send)
            return
        if not key or len(key) > MAX_KEY_LENGTH:
            refusal = error_body(
                BAD_REQUEST,
                f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters",
                request_id_of(scope),
                {"field": "Idempotency-Key"},
            )
            await send_json(send, 400, refusal)
            return

        try:
            request_body = await read_body(receive)
        except ClientDisconnected:
            return  # nothing was received whole: nothing runs, nothing is stored
        digest = fingerprint(request_body)
        ident: _Ident = (caller.username, scope["method"], scope["path"], key)
        while (running := self._running.get(ident)) is not None:
            await running.wait()

        ttl_ms = self.state.settings.idempotency_ttl * 1000
        stored = self.state.store.get_idempotent(*ident, not_before_ms=clock.now_ms() - ttl_ms)
        if stored is not None:
            await self._answer_from(stored, digest, scope, send)
            return

        done = asyncio.Event()
        self._running[ident] = done
        try:
            messages = await self._capture(scope, replaying(request_body, receive))
            start, body = response_parts(messages)
            if start["status"] < 500:
                now = clock.now_ms()
                content_type = next(
                    (
                        v.decode("latin-1")
                        for k, v in start.get("headers", ())
                        if k == b"content-type"
                    ),
                    None,
                )
                self.state.store.put_idempotent(
                    *ident,
                    StoredResponse(digest, start["status"], content_type, body),
                    now_ms=now,
                    purge_before_ms=now - ttl_ms,
                )
            for message in messages:
                await send(message)
        finally:
            del self._running[ident]
            done.set()

    async def _capture(self, scope: Scope, receive: Receive) -> list[Message]:
        messages: list[Message] = []

        async def collect(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, collect)
        return messages

    @staticmethod
    async def _answer_from(stored: StoredResponse, digest: str, scope: Scope, send: Send) -> None:
        if stored.fingerprint != digest:
            body = error_body(
                IDEMPOTENCY_KEY_REUSED,
                "Idempotency-Key was already used with a different request body",
                request_id_of(scope),
                {"field": "Idempotency-Key"},
            )
            await send_json(send, 400, body)
            return
        await send_bytes(send, stored.status, stored.body, stored.content_type, [REPLAYED_HEADER])
