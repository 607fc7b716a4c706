"""The in-memory log of API calls behind ``GET /_emulator/requests``.

Bounded so a long soak cannot exhaust memory: the oldest entries fall off first.
Entries are stored as tuples and only turned into JSON-ready dicts (with the time
formatted) when read, keeping the per-request cost to one append.
"""

from __future__ import annotations

from collections import deque
from typing import Final, NamedTuple, TypedDict

from contextsms_emulator import clock
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


class _Entry(NamedTuple):
    method: str
    path: str
    query: str
    status: int
    fault: FaultKind | None
    request_id: str
    started: float


class RequestLog:
    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self._entries: deque[_Entry] = deque(maxlen=limit)

    def append(
        self,
        method: str,
        path: str,
        query: str,
        status: int,
        fault: FaultKind | None,
        request_id: str,
        started: float,
    ) -> None:
        self._entries.append(_Entry(method, path, query, status, fault, request_id, started))

    def entries(self) -> list[RequestLogEntry]:
        return [
            {
                "method": e.method,
                "path": e.path,
                "query": e.query,
                "status": e.status,
                "fault": e.fault,
                "requestId": e.request_id,
                "time": clock.iso_utc(e.started, millis=True),
            }
            for e in list(self._entries)
        ]

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
