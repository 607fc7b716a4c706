"""Stripe webhook signatures, checked the way Stripe's own libraries check them.

Header: ``Stripe-Signature: t=TIMESTAMP,v1=HEXSIG[,v1=HEXSIG...]`` where each ``v1`` is
``HMAC-SHA256(secret, f"{t}.{raw_body}")``. A request passes if any ``v1`` matches
(compared in constant time) and, when ``tolerance`` is non-zero, ``t`` is not older than
``tolerance`` seconds. Like Stripe, a timestamp from the future is not refused and a
tolerance of 0 disables the age check.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Final

SCHEME: Final = "v1"


class SignatureError(Exception):
    """Why a webhook was refused: missing/garbled header, no matching signature, stale."""


def compute(payload: bytes, secret: str, timestamp: int) -> str:
    signed = str(timestamp).encode() + b"." + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def header(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A valid ``Stripe-Signature`` value, for tests and for replaying real events."""
    stamp = int(time.time()) if timestamp is None else timestamp
    return f"t={stamp},{SCHEME}={compute(payload, secret, stamp)}"


def verify(
    payload: bytes,
    signature_header: str | None,
    secret: str,
    tolerance: int,
    now: float | None = None,
) -> None:
    if not signature_header:
        raise SignatureError("Missing Stripe-Signature header")
    timestamp: int | None = None
    signatures: list[str] = []
    for item in signature_header.split(","):
        name, _, value = item.strip().partition("=")
        if name == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise SignatureError("Unable to extract timestamp from header") from None
        elif name == SCHEME:
            signatures.append(value)
    if timestamp is None:
        raise SignatureError("Unable to extract timestamp from header")
    if not signatures:
        raise SignatureError("No signatures found with expected scheme v1")
    expected = compute(payload, secret, timestamp).encode()
    # Bytes, not str: compare_digest refuses non-ASCII str, and a header may hold any byte.
    if not any(
        hmac.compare_digest(expected, candidate.encode("utf-8", "replace"))
        for candidate in signatures
    ):
        raise SignatureError("No signatures found matching the expected signature for payload")
    current = time.time() if now is None else now
    if tolerance and timestamp < current - tolerance:
        raise SignatureError("Timestamp outside the tolerance zone")
