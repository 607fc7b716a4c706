"""Small ASGI helpers for the pure-ASGI middlewares (no per-request Request objects)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Final

from starlette.types import Message, Receive, Scope, Send

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
