"""Record identifiers in the documented shapes (E0000123, NTMAP0000456, CSP0000003).

IDs are a prefix plus a zero-padded sequence number; the sequences live in the store so
they survive restarts. There is one sequence per kind for the whole emulator, not one
per service: the two services never share a record, but ``E0000001`` names exactly one
enterprise in the emulator, so ``/_emulator/records``, logs and tests can use an id
without saying which service it is on (a real pair of hosts could both have an
``E0000001``; no client may rely on ids being unique across the two, nor on the gaps).
"""

from __future__ import annotations

import secrets
from typing import Final

ENTERPRISE_PREFIX: Final = "E"
MAPPING_PREFIX: Final = "NTMAP"
CSP_PREFIX: Final = "CSP"
_WIDTH: Final = 7


def enterprise_id(seq: int) -> str:
    return f"{ENTERPRISE_PREFIX}{seq:0{_WIDTH}d}"


def mapping_id(seq: int) -> str:
    return f"{MAPPING_PREFIX}{seq:0{_WIDTH}d}"


def csp_id(seq: int) -> str:
    return f"{CSP_PREFIX}{seq:0{_WIDTH}d}"


def request_id() -> str:
    """A fresh ``req-...`` id, the handle an operator quotes to support."""
    return f"req-{secrets.token_hex(8)}"


def sequence_of(record_id: str, prefix: str) -> int:
    """The sequence number in an id of the documented shape (``E0000123`` → 123)."""
    digits = record_id.removeprefix(prefix)
    if digits == record_id or len(digits) != _WIDTH or not digits.isdigit():
        raise ValueError(f"{record_id!r} is not an id like {prefix}{1:0{_WIDTH}d}")
    return int(digits)


WEBHOOK_PREFIX: Final = "WH"
MESSAGE_PREFIX: Final = "MSG"
DELIVERY_PREFIX: Final = "DLV"


def webhook_id(seq: int) -> str:
    return f"{WEBHOOK_PREFIX}{seq:0{_WIDTH}d}"


def message_id(seq: int) -> str:
    """``MSG0000001``: the documented ``messageId`` shape (``MSG123456``), zero-padded."""
    return f"{MESSAGE_PREFIX}{seq:0{_WIDTH}d}"


def delivery_id(seq: int) -> str:
    return f"{DELIVERY_PREFIX}{seq:0{_WIDTH}d}"
