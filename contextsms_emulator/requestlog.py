"""The in-memory log of API calls behind ``GET /_emulator/requests``.

Bounded so a long soak cannot exhaust memory: the oldest entries fall off first.
"""

from __future__ import annotations

from collections import deque
from typing import Final, TypedDict

from contextsms_emulator.faults import FaultKind

DEFAULT_LIMIT: Final = 200_000


class RequestLogEntry(TypedDict):
    method: str
    path: str
    query: str
    status: int
    fault: FaultKind | None
    requestId: str
    time: str


class RequestLog:
    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self._entries: deque[RequestLogEntry] = deque(maxlen=limit)

    def append(self, entry: RequestLogEntry) -> None:
        self._entries.append(entry)

    def entries(self) -> list[RequestLogEntry]:
        return list(self._entries)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
